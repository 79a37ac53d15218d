import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import type { RunContext } from './context.js'
import { ForgeBudget, limitedFetch, type FetchLike, type ForgeLimits } from './http.js'
import { errorMessage } from '../errors.js'

export type ForgeClient = ReturnType<typeof getOctokit>

/** What the forge code needs to talk to the forge: the REST client and, for downloads, its fetch. */
export interface ForgeConnection {
  client: ForgeClient
  /** The same time-limited fetch the client uses (no Authorization added). */
  fetch: FetchLike
  token: string
  budget: ForgeBudget
}

export interface Log {
  info(message: string): void
  warning(message: string): void
}

/** Attempts a rate-limited or failing request gets before giving up. */
const RETRIES = 3

/**
 * A REST client for GitHub or Forgejo/Gitea (whose GITHUB_API_URL already ends in /api/v1):
 * transient 5xx and network errors are retried with backoff, rate limits wait as the server asks,
 * every request has a timeout and all of them share the run's time budget.
 */
export function connect(
  token: string,
  context: RunContext,
  log: Log,
  limits: ForgeLimits,
  budget: ForgeBudget
): ForgeConnection {
  const fetch = limitedFetch(limits, budget)
  return { client: createClient(token, context, log, fetch), fetch, token, budget }
}

function createClient(token: string, context: RunContext, log: Log, fetch: FetchLike): ForgeClient {
  // throttling waits as long as the server asks, then tries again, a few times at most
  const waitAndRetry =
    (limit: string) =>
    (
      retryAfter: number,
      options: { method: string; url: string },
      _octokit: unknown,
      retryCount: number
    ) => {
      log.warning(`${limit} on ${options.method} ${options.url}; retrying in ${retryAfter} s`)
      return retryCount < RETRIES
    }
  return getOctokit(
    token,
    {
      baseUrl: context.apiUrl,
      request: { fetch },
      // (not request.retries: set there, plugin-retry would retry every error, 404s included)
      retry: { retries: RETRIES, doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
      throttle: {
        onRateLimit: waitAndRetry('rate limit'),
        onSecondaryRateLimit: waitAndRetry('secondary rate limit')
      }
    },
    retry,
    throttling
  )
}

/** The HTTP status of a failed request, when it had one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

/** An error's first line, after its HTTP status when it has one: "HTTP 403: Forbidden". */
export function describeError(error: unknown): string {
  const status = statusOf(error)
  const message = errorMessage(error)
  return status === undefined || (error instanceof Error && error.name === 'AbortError')
    ? message
    : `HTTP ${status}: ${message}`
}
