import { describeError, statusOf, type Log } from './client.js'
import type { RunContext } from './context.js'
import type { Forge } from './forge.js'
import { record } from './rest.js'

/**
 * The pull request to report on. `pull: null` with a `reason`: one was named but could not be
 * verified, so nothing is posted and no baseline is looked up for it.
 */
export type PullTarget =
  { pull: number; baseRef: string | null } | { pull: null; reason: string | null }

const short = (sha: string) => (sha === '' ? '(none)' : sha.slice(0, 12))

/**
 * Why the pull request `data` (a REST pull request) is not the one whose head the triggering
 * run built, or null when it is: same head commit and same head repository.
 */
export function headMismatch(data: unknown, context: RunContext): string | null {
  const head = record(record(data).head)
  const sha = typeof head.sha === 'string' ? head.sha : ''
  const repository = record(head.repo).full_name
  if (context.headSha === '' || sha !== context.headSha) {
    return `its head commit ${short(sha)} is not the triggering run's ${short(context.headSha)}`
  }
  if (context.head.repository === null) {
    return 'the event names no head repository to check it against'
  }
  if (
    typeof repository !== 'string' ||
    repository.toLowerCase() !== context.head.repository.toLowerCase()
  ) {
    return `its head repository ${typeof repository === 'string' ? repository : '(deleted)'} is not the triggering run's ${context.head.repository}`
  }
  return null
}

/** The base branch of the pull request `data` (a REST pull request), null when it names none. */
export function pullBaseRef(data: unknown): string | null {
  const ref = record(record(data).base).ref
  return typeof ref === 'string' && ref !== '' ? ref : null
}

/** The named pull request, when it exists and its head is the triggering run's. */
async function verifyNamed(forge: Forge, context: RunContext, number: number): Promise<PullTarget> {
  let data: unknown
  try {
    data = await forge.pullRequest(number)
  } catch (error) {
    return {
      pull: null,
      reason:
        statusOf(error) === 404
          ? `pull request #${number} does not exist in ${context.owner}/${context.repo}`
          : `pull request #${number} could not be read (${describeError(error)})`
    }
  }
  const mismatch = headMismatch(data, context)
  if (mismatch !== null) return { pull: null, reason: `pull request #${number}: ${mismatch}` }
  return { pull: number, baseRef: pullBaseRef(data) }
}

/**
 * A fork's pull request under workflow_run, where `pull_requests` is empty: the open pull
 * requests whose head is `<head owner>:<head branch>`, narrowed to the one whose head commit and
 * repository are the triggering run's.
 */
async function findByHead(forge: Forge, context: RunContext): Promise<PullTarget> {
  const { owner, branch } = context.head
  if (owner === null || branch === null) {
    return { pull: null, reason: 'the workflow_run event names no head branch to find it by' }
  }
  let data: unknown
  try {
    data = await forge.openPullsByHead(owner, branch)
  } catch (error) {
    return { pull: null, reason: `listing open pull requests failed (${describeError(error)})` }
  }
  if (!Array.isArray(data)) {
    return { pull: null, reason: 'listing open pull requests got an unexpected answer' }
  }
  const matching = data.filter((pull) => headMismatch(pull, context) === null)
  const numbers = matching.map((pull) => Number(record(pull).number))
  if (matching.length !== 1 || !Number.isInteger(numbers[0]) || numbers[0] <= 0) {
    return {
      pull: null,
      reason:
        matching.length === 0
          ? `no open pull request has head ${owner}:${branch} at ${short(context.headSha)}`
          : `several open pull requests have head ${owner}:${branch} (#${numbers.join(', #')}): name one with the pull-request input`
    }
  }
  return { pull: numbers[0], baseRef: pullBaseRef(matching[0]) }
}

/**
 * The pull request this run reports on. A pull_request event's own number is trusted; any other
 * (the `pull-request` input, workflow_run's `pull_requests`, or the head lookup under
 * workflow_run) must exist with the triggering run's head commit and head repository, so a fork
 * cannot steer the comment to another pull request or issue. Warns when one cannot be verified.
 */
export async function resolvePull(
  forge: Forge | null,
  context: RunContext,
  log: Log
): Promise<PullTarget> {
  const number = context.pullNumber
  if (number !== null && context.pullFromEvent) return { pull: number, baseRef: context.baseRef }
  if (number === null && context.eventName !== 'workflow_run') return { pull: null, reason: null }
  let target: PullTarget
  if (forge === null) {
    target = {
      pull: null,
      reason: `${number === null ? 'the pull request' : `pull request #${number}`} cannot be looked up or verified without a github-token`
    }
  } else {
    target =
      number === null ? await findByHead(forge, context) : await verifyNamed(forge, context, number)
  }
  if (target.pull === null && target.reason !== null) {
    log.warning(
      `not commenting and no baseline: ${target.reason} (the report is still in the job summary and output-dir)`
    )
  }
  return target
}
