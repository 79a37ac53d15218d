import type { Report } from '../analysis/types.js'
import { errorMessage } from '../errors.js'
import { COMMENT_LIMIT, renderComment } from '../report/comment.js'
import type { Log } from './client.js'
import {
  commentMarker,
  CommentForbiddenError,
  STAMP_ROOM,
  upsertStickyComment
} from './comments.js'
import type { RunContext } from './context.js'
import type { Forge, RunArtifacts } from './forge.js'

export const FORK_HINT =
  'This is expected for pull requests from forks, whose token is read-only. To comment on them, ' +
  'run this action with comment: false in the pull_request workflow, upload the telemetry as an ' +
  'artifact, and post the comment from a second workflow triggered by workflow_run ' +
  '(see "Pull requests from forks" in the README).'

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
