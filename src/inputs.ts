import { isAbsolute, resolve } from 'node:path'
import { DEFAULT_BASELINE_RUNS, type BaselineSetting } from './forge/baseline.js'
import { COMMENT_KEY } from './forge/comments.js'
import {
  ANALYSIS_OPTIONS,
  UsageError,
  VERDICT_OPTIONS,
  type RawAnalysisOptions
} from './options.js'

/** The action's inputs (action.yml), validated. Paths are absolute, resolved in the workspace. */
export interface ActionInputs {
  events: string[]
  artifacts: string[]
  baseline: BaselineSetting
  reportName: string
  upload: boolean
  comment: boolean
  commentKey: string
  /** `fail-on-new: false` (kept from the first version): the verdict's failOn becomes never. */
  failOnNew: boolean
  /** How many base-branch runs' reports form the history of `baseline: auto`. */
  baselineRuns: number
  outputDir: string
  token: string
  pullRequest: number | undefined
  analysis: RawAnalysisOptions
  verdict: RawAnalysisOptions
}

/** Newline- or comma-separated values, trimmed, empty ones dropped. */
export function list(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** Where input values come from: @actions/core (the runner's INPUT_* variables) in the action. */
export interface InputSource {
  getInput(name: string): string
  /** YAML 1.2 core schema: true, True, TRUE, false, False or FALSE; anything else throws. */
  getBooleanInput(name: string): boolean
}

/** A true/false input, `fallback` when empty; any other value is a one-line usage error. */
function flag(source: InputSource, name: string, fallback: boolean): boolean {
  const text = source.getInput(name).trim()
  if (text === '') return fallback
  try {
    return source.getBooleanInput(name)
  } catch {
    throw new UsageError(`input "${name}" must be true or false; got "${text}"`)
  }
}

/** A count input: a whole number from 1 to 100, `fallback` when empty. */
function wholeNumber(name: string, text: string, fallback: number): number {
  if (text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new UsageError(`input "${name}" must be a whole number from 1 to 100; got "${text}"`)
  }
  return value
}

const ARTIFACT_NAME = /^[^"/\\:<>|*?\r\n]+$/

/**
 * Reads and validates every input (`source.getInput` returns '' when one is unset). Throws
 * UsageError naming the input and what it expects.
 */
export function readInputs(source: InputSource, workspace: string): ActionInputs {
  const get = (name: string) => source.getInput(name)
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
    upload: flag(source, 'upload', true),
    comment: flag(source, 'comment', true),
    commentKey,
    failOnNew: flag(source, 'fail-on-new', true),
    baselineRuns: wholeNumber('baseline-runs', input('baseline-runs'), DEFAULT_BASELINE_RUNS),
    outputDir: inWorkspace(input('output-dir') || 'iostorm-report'),
    token: input('github-token'),
    pullRequest,
    analysis: Object.fromEntries(
      ANALYSIS_OPTIONS.map((spec) => {
        if (spec.kind === 'list' && spec.path) {
          // folders one a line: a folder name may hold a comma
          const paths = get(spec.name)
            .split('\n')
            .map((item) => item.trim())
            .filter((item) => item !== '')
          return [spec.raw, paths.map(inWorkspace)]
        }
        const value = spec.kind === 'list' ? list(get(spec.name)) : input(spec.name)
        const given = typeof value === 'string' && value !== ''
        return [spec.raw, spec.path && given ? inWorkspace(value as string) : value]
      })
    ),
    verdict: Object.fromEntries(VERDICT_OPTIONS.map((spec) => [spec.raw, input(spec.name)]))
  }
}
