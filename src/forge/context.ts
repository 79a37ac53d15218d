import { readFileSync } from 'node:fs'
import { errorMessage } from '../errors.js'

export type ForgeKind = 'github' | 'forgejo' | 'gitea'

/** Where the step runs and what triggered it, from the runner's environment and event payload. */
export interface RunContext {
  forge: ForgeKind
  eventName: string
  owner: string
  repo: string
  /**
   * The pull request this run reports on, when there is one: from the pull_request event, the
   * `pull-request` input or workflow_run's `pull_requests`. Only `pullFromEvent` is trusted as it
   * is; any other is verified against `head` first (src/forge/pull.ts).
   */
  pullNumber: number | null
  /** The number is a pull_request / pull_request_target event's own. */
  pullFromEvent: boolean
  /** The PR's base branch (e.g. `main`), when a pull_request event says it. */
  baseRef: string | null
  /** The commit the telemetry was made from (workflow_run: the triggering run's head). */
  headSha: string
  /** Where that commit came from, to check a pull request against. */
  head: TriggerHead
  runId: number | null
  /** Workflow of the run that produced the telemetry (workflow_run: the triggering one). */
  workflowId: number | string | null
  serverUrl: string
  apiUrl: string
  /** GitHub's GraphQL endpoint (unused on Forgejo/Gitea, which have none). */
  graphqlUrl: string
  workspace: string
}

/** The head of the triggering run (workflow_run) or of the event; null where it does not say. */
export interface TriggerHead {
  /** owner/name of the repository the head commit is in (a fork's, for a fork's PR). */
  repository: string | null
  owner: string | null
  branch: string | null
}

export class ContextError extends Error {}

type Payload = Record<string, unknown>

function record(value: unknown): Payload | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Payload)
    : undefined
}

function readPayload(path: string | undefined): Payload {
  if (!path) return {}
  try {
    return record(JSON.parse(readFileSync(path, 'utf8'))) ?? {}
  } catch (error) {
    throw new ContextError(`cannot read the event payload ${path}: ${errorMessage(error)}`)
  }
}

export function forgeKind(env: NodeJS.ProcessEnv): ForgeKind {
  if (env.FORGEJO_ACTIONS === 'true') return 'forgejo'
  if (env.GITEA_ACTIONS === 'true') return 'gitea'
  return 'github'
}

/** GITHUB_GRAPHQL_URL, else the API URL's GraphQL twin (GHES: /api/v3 → /api/graphql). */
export function graphqlUrl(apiUrl: string, env: NodeJS.ProcessEnv): string {
  const set = env.GITHUB_GRAPHQL_URL?.trim()
  if (set) return set
  return /\/api\/v3$/.test(apiUrl)
    ? apiUrl.replace(/\/api\/v3$/, '/api/graphql')
    : `${apiUrl}/graphql`
}

export const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target'])

/**
 * Reads the run context. `pullOverride` (the `pull-request` input) names the PR when the event
 * does not, as in a `workflow_run` report job for a fork's pull request.
 */
export function readContext(env: NodeJS.ProcessEnv, pullOverride?: number): RunContext {
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const payload = readPayload(env.GITHUB_EVENT_PATH)
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  if (!owner || !repo) throw new ContextError('GITHUB_REPOSITORY is not set (expected owner/repo)')

  const workflowRun = eventName === 'workflow_run' ? record(payload.workflow_run) : undefined
  const pull = PULL_REQUEST_EVENTS.has(eventName) ? record(payload.pull_request) : undefined
  const triggeringPull = record((workflowRun?.pull_requests as unknown[] | undefined)?.[0])
  const eventNumber = pull?.number ?? triggeringPull?.number
  const number =
    pullOverride ?? (typeof eventNumber === 'number' && eventNumber > 0 ? eventNumber : null)
  const pullFromEvent = pullOverride === undefined && pull !== undefined && number !== null
  const base = record(pull?.base)
  const head = record(pull?.head)
  const headRepository = record(workflowRun ? workflowRun.head_repository : head?.repo)
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null)
  const runId = Number(env.GITHUB_RUN_ID)
  const apiUrl = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '')

  return {
    forge: forgeKind(env),
    eventName,
    owner,
    repo,
    pullNumber: number,
    pullFromEvent,
    baseRef: pullFromEvent ? text(base?.ref) : null,
    // under workflow_run GITHUB_SHA is the default branch's, never the telemetry's commit
    headSha: workflowRun
      ? (text(workflowRun.head_sha) ?? '')
      : (text(head?.sha) ?? env.GITHUB_SHA ?? ''),
    head: {
      repository:
        text(headRepository?.full_name) ?? (workflowRun || pull ? null : `${owner}/${repo}`),
      owner: text(record(headRepository?.owner)?.login) ?? (workflowRun || pull ? null : owner),
      branch: workflowRun ? text(workflowRun.head_branch) : text(head?.ref)
    },
    runId: Number.isInteger(runId) && runId > 0 ? runId : null,
    workflowId:
      eventName === 'workflow_run' &&
      (typeof workflowRun?.workflow_id === 'number' || typeof workflowRun?.workflow_id === 'string')
        ? workflowRun.workflow_id
        : null,
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, ''),
    apiUrl,
    graphqlUrl: graphqlUrl(apiUrl, env),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd()
  }
}
