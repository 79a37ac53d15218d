import * as core from '@actions/core'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { Report } from '../analysis/types.js'
import { errorMessage } from '../errors.js'
import { COMMENT_LIMIT, renderComment } from '../report/comment.js'
import { markdownText } from '../report/escape.js'
import { reportToJson } from '../report/json.js'
import { renderMarkdown } from '../report/markdown.js'
import { REPORT_FILE, type BaselineLookup } from './baseline.js'
import type { Log } from './client.js'
import {
  commentMarker,
  CommentForbiddenError,
  STAMP_ROOM,
  upsertStickyComment
} from './comments.js'
import type { RunContext } from './context.js'
import type { Forge, RunArtifacts } from './forge.js'
import type { ForgeBudget } from './http.js'
import type { OpenedForge } from './open.js'

export const FORK_HINT =
  'This is expected for pull requests from forks, whose token is read-only. To comment on them, ' +
  'run this action with comment: false in the pull_request workflow, upload the telemetry as an ' +
  'artifact, and post the comment from a second workflow triggered by workflow_run ' +
  '(see "Pull requests from forks" in the README).'

const MARKDOWN_FILE = 'report.md'
/** GitHub renders at most 1 MiB of job summary per step. */
const SUMMARY_LIMIT = 1024 * 1024 - 1024

type NoticeLog = Log & { notice(message: string): void }

/** What a run publishes, and where. */
export interface Publication {
  report: Report
  /** The baseline looked up for a pull request; null when there is no pull request. */
  lookup: BaselineLookup | null
  /** Where report.json and report.md are written. */
  outputDir: string
  workspace: string
  /** The pull request to comment on, when there is one. */
  pull: number | null
  /** Whether to comment on it, and with which key (the action's inputs of these names). */
  comment: boolean
  commentKey: string
  /** Whether to upload report.json and report.md as the artifact `reportName`. */
  upload: boolean
  reportName: string
}

export interface Published {
  jsonPath: string
  markdownPath: string
  /** '' when no comment was written. */
  commentUrl: string
}

/** The line that says a pull request's spikes are not judged, for want of a baseline. */
function verdictLine(lookup: BaselineLookup | null): string | undefined {
  if (lookup === null || lookup.found) return undefined
  return `⚪ **No baseline to compare with** (${markdownText(lookup.reason, 300)}): spikes are reported, not judged.`
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const cut = markdown.lastIndexOf('\n', SUMMARY_LIMIT)
  const body =
    markdown.length <= SUMMARY_LIMIT
      ? markdown
      : `${markdown.slice(0, cut)}\n\n…(cut at the 1 MiB summary limit)\n`
  await core.summary.addRaw(body, true).write()
}

/**
 * report.json and report.md in the output folder, the job summary, the sticky comment (a pull
 * request with a github-token) and the report artifact: everything a run shows, published before
 * the step may fail. A comment or upload that fails is a warning, never the end of the run.
 */
export async function publish(
  publication: Publication,
  { forge, artifacts }: OpenedForge,
  context: RunContext,
  budget: ForgeBudget,
  log: NoticeLog
): Promise<Published> {
  const { report, lookup, outputDir, pull, reportName } = publication
  // report.md and the job summary (up to 1 MiB) carry far more detail than a comment can
  const markdown = renderMarkdown(report, {
    chart: true,
    verdict: verdictLine(lookup),
    fullReportHint: `\`${REPORT_FILE}\``,
    maxSpikeRows: 200,
    maxDetails: 50,
    maxRuns: 1000,
    maxNotes: 300,
    maxDiffRows: 1000
  })
  await mkdir(outputDir, { recursive: true })
  const jsonPath = join(outputDir, REPORT_FILE)
  const markdownPath = join(outputDir, MARKDOWN_FILE)
  await writeFile(jsonPath, reportToJson(report))
  await writeFile(markdownPath, markdown)
  await writeSummary(markdown)

  let commentUrl = ''
  if (pull !== null && publication.comment && forge !== null) {
    const hint =
      publication.upload && artifacts.uploadsReports
        ? `the \`${reportName}\` artifact and the job summary`
        : `\`${relative(publication.workspace, jsonPath)}\` on the runner and the job summary`
    commentUrl = await publishComment(
      {
        forge,
        context,
        pull,
        key: publication.commentKey,
        report,
        verdict: verdictLine(lookup),
        fullReportHint: hint
      },
      log
    )
  }
  if (publication.upload && budget.exceeded)
    log.warning(`report artifact not uploaded: ${budget.error().message}`)
  else if (publication.upload)
    await publishArtifact(artifacts, reportName, [jsonPath, markdownPath], outputDir, log)
  return { jsonPath, markdownPath, commentUrl }
}

export interface CommentRequest {
  forge: Forge
  context: RunContext
  pull: number
  key: string
  report: Report
  verdict: string | undefined
  fullReportHint: string
}

/**
 * Creates or updates the sticky comment; returns its URL, or '' when the comment could not be
 * written (a warning says why: a read-only fork token gets the workflow_run recipe).
 */
export async function publishComment(request: CommentRequest, log: Log): Promise<string> {
  const { forge, context, pull, key, report } = request
  const runUrl =
    context.runId !== null
      ? `${context.serverUrl}/${context.owner}/${context.repo}/actions/runs/${context.runId}`
      : undefined
  const marker = commentMarker(key)
  const body = renderComment(report, {
    marker,
    verdict: request.verdict,
    fullReportHint: request.fullReportHint,
    runUrl,
    headSha: context.headSha,
    limit: COMMENT_LIMIT - STAMP_ROOM
  })
  try {
    const identity = await forge.identity()
    const result = await upsertStickyComment(
      { forge, runId: context.runId, pull, marker, report: body, identity },
      log
    )
    if (result.action === 'skipped') {
      log.warning(
        `not commenting: a comment with the marker exists and, without the token's identity, it cannot be told whether it is ours`
      )
      return ''
    }
    const deleted = result.deleted ? ` (${result.deleted} duplicate(s) deleted)` : ''
    log.info(`comment ${result.action}${deleted}: ${result.url}`)
    return result.url
  } catch (error) {
    if (error instanceof CommentForbiddenError) {
      // under workflow_run the token is the base repository's own: the job lacks the permission
      const hint =
        context.eventName === 'workflow_run'
          ? 'Give this job "permissions: pull-requests: write".'
          : FORK_HINT
      log.warning(`could not comment: ${error.message}. ${hint}`)
    } else {
      log.warning(`could not comment: ${errorMessage(error)}`)
    }
    return ''
  }
}

/**
 * Uploads report.json and report.md as an artifact where the forge's artifact service can be used
 * (GitHub); elsewhere the files stay in `directory` and a notice gives the step to add.
 */
export async function publishArtifact(
  artifacts: RunArtifacts,
  name: string,
  files: string[],
  directory: string,
  log: Log
): Promise<void> {
  const uploaded = await artifacts.uploadReport(name, files, directory)
  if (uploaded !== null) {
    log.info(`uploaded artifact "${name}"${uploaded.url ? `: ${uploaded.url}` : ''}`)
  }
}
