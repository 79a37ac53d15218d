import { isAbsolute, resolve } from 'node:path'
import type { BaselineSetting } from './forge/baseline.js'
import { COMMENT_KEY } from './forge/comments.js'
import { ANALYSIS_OPTIONS, UsageError, type RawAnalysisOptions } from './options.js'

/** The action's inputs (action.yml), validated. Paths are absolute, resolved in the workspace. */
export interface ActionInputs {
  events: string[]
  artifacts: string[]
  baseline: BaselineSetting
  reportName: string
  upload: boolean
  comment: boolean
  commentKey: string
  failOnNew: boolean
  outputDir: string
  token: string
  pullRequest: number | undefined
  analysis: RawAnalysisOptions
}

/** Newline- or comma-separated values, trimmed, empty ones dropped. */
export function list(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

function flag(name: string, value: string, fallback: boolean): boolean {
  const text = value.trim()
  if (text === '') return fallback
  if (/^(true|True|TRUE)$/.test(text)) return true
  if (/^(false|False|FALSE)$/.test(text)) return false
  throw new UsageError(`input "${name}" must be true or false; got "${text}"`)
}

const ARTIFACT_NAME = /^[^"/\\:<>|*?\r\n]+$/

/**
 * Reads and validates every input; `get` returns an input's raw value ('' when unset). Throws
 * UsageError naming the input and what it expects.
 */
export function readInputs(get: (name: string) => string, workspace: string): ActionInputs {
  const inWorkspace = (path: string) => (isAbsolute(path) ? path : resolve(workspace, path))
  const input = (name: string) => get(name).trim()

  const baselineValue = input('baseline') || 'auto'
  const baseline: BaselineSetting =
    baselineValue === 'auto'
      ? { mode: 'auto' }
      : baselineValue === 'none'
        ? { mode: 'none' }
        : { mode: 'path', path: inWorkspace(baselineValue) }

  const reportName = input('report-name') || 'iostorm-report'
  if (!ARTIFACT_NAME.test(reportName)) {
    throw new UsageError(
      `input "report-name" is not a valid artifact name: "${reportName}" (no / \\ : < > | * ? or quotes)`
    )
  }
  const commentKey = input('comment-key') || 'iostorm'
  if (!COMMENT_KEY.test(commentKey)) {
    throw new UsageError(
      `input "comment-key" may hold letters, digits, ".", "_" and "-" only; got "${commentKey}"`
    )
  }
  const pullText = input('pull-request')
  const pullRequest = pullText === '' ? undefined : Number(pullText)
  if (pullRequest !== undefined && !(Number.isInteger(pullRequest) && pullRequest > 0)) {
    throw new UsageError(`input "pull-request" must be a pull request number; got "${pullText}"`)
  }
  const events = list(get('events'))

  return {
    events: events.length > 0 ? events : ['**/events.parquet'],
    artifacts: list(get('artifacts')),
    baseline,
    reportName,
    upload: flag('upload', get('upload'), true),
    comment: flag('comment', get('comment'), true),
    commentKey,
    failOnNew: flag('fail-on-new', get('fail-on-new'), true),
    outputDir: inWorkspace(input('output-dir') || 'iostorm-report'),
    token: input('github-token'),
    pullRequest,
    analysis: Object.fromEntries(
      ANALYSIS_OPTIONS.map((spec) => {
        const value = spec.kind === 'list' ? list(get(spec.name)) : input(spec.name)
        const given = typeof value === 'string' && value !== ''
        return [spec.raw, spec.path && given ? inWorkspace(value as string) : value]
      })
    )
  }
}
