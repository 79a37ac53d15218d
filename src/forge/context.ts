import { readFileSync } from 'node:fs'

export type ForgeKind = 'github' | 'forgejo' | 'gitea'

/** Where the step runs and what triggered it, from the runner's environment and event payload. */
export interface RunContext {
  forge: ForgeKind
  eventName: string
  owner: string
  repo: string
  /** The pull request this run reports on, when there is one. */
  pullNumber: number | null
  /** The PR's base branch (e.g. `main`), when the event says it. */
  baseRef: string | null
  headSha: string
  runId: number | null
  /** Workflow of the run that produced the telemetry (workflow_run: the triggering one). */
  workflowId: number | string | null
  serverUrl: string
  apiUrl: string
  /** GitHub's GraphQL endpoint (unused on Forgejo/Gitea, which have none). */
  graphqlUrl: string
  workspace: string
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
    throw new ContextError(
      `cannot read the event payload ${path}: ${error instanceof Error ? error.message : error}`
    )
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

  const pull = record(payload.pull_request)
  const workflowRun = record(payload.workflow_run)
  const triggeringPull = record((workflowRun?.pull_requests as unknown[] | undefined)?.[0])
  const fromEvent = PULL_REQUEST_EVENTS.has(eventName) ? pull : triggeringPull
  const number = pullOverride ?? (typeof fromEvent?.number === 'number' ? fromEvent.number : null)
  const base = record(fromEvent?.base)
  const head = record(fromEvent?.head)
  const runId = Number(env.GITHUB_RUN_ID)
  const apiUrl = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '')

  return {
    forge: forgeKind(env),
    eventName,
    owner,
    repo,
    pullNumber: number,
    baseRef: number !== null && typeof base?.ref === 'string' ? base.ref : null,
    headSha:
      (typeof head?.sha === 'string' ? head.sha : undefined) ??
      (typeof workflowRun?.head_sha === 'string' ? workflowRun.head_sha : undefined) ??
      env.GITHUB_SHA ??
      '',
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
