import { defaults } from '@actions/github/lib/utils'

/** Environment variables that change the limits (docs/action.md, "Timeouts"). */
export const HTTP_TIMEOUT_ENV = 'IOSTORM_HTTP_TIMEOUT_MS'
export const FORGE_BUDGET_ENV = 'IOSTORM_FORGE_BUDGET_MS'
export const ARTIFACT_LIMIT_ENV = 'IOSTORM_ARTIFACT_MAX_BYTES'

const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_BUDGET_MS = 5 * 60_000

export interface ForgeLimits {
  /** Longest wait for one request, its answer's body included. */
  requestTimeoutMs: number
  /** Longest time all forge work of a run may take together. */
  budgetMs: number
}

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>

// Octokit rethrows an error named AbortError unchanged (fetch-wrapper.js), so its retry plugin,
// which only retries its own RequestErrors, leaves these two alone.

/** The run's time budget for forge requests is used up: no further request is made. */
export class BudgetExceededError extends Error {
  override name = 'AbortError'
}

/**
 * A request got no (complete) answer in time. Not retried: a server that hangs for the whole
 * timeout rarely answers the next try, and each try would cost the timeout again.
 */
export class RequestTimeoutError extends Error {
  override name = 'AbortError'
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`

function positiveMs(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]?.trim()
  if (!text) return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a whole number of milliseconds above 0; got "${text}"`)
  }
  return value
}

/**
 * The most bytes the action downloads of one artifact of this run on Forgejo or Gitea, zipped and
 * again unzipped (IOSTORM_ARTIFACT_MAX_BYTES, default 2 GiB): telemetry is large, but a
 * runner's disk is not endless.
 */
export function artifactByteLimit(env: NodeJS.ProcessEnv): number {
  const text = env[ARTIFACT_LIMIT_ENV]?.trim()
  if (!text) return 2 * 1024 ** 3
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(
      `${ARTIFACT_LIMIT_ENV} must be a whole number of bytes above 0; got "${text}"`
    )
  }
  return value
}

/** The limits, from IOSTORM_HTTP_TIMEOUT_MS and IOSTORM_FORGE_BUDGET_MS or their defaults. */
export function forgeLimits(env: NodeJS.ProcessEnv): ForgeLimits {
  return {
    requestTimeoutMs: positiveMs(env, HTTP_TIMEOUT_ENV, DEFAULT_TIMEOUT_MS),
    budgetMs: positiveMs(env, FORGE_BUDGET_ENV, DEFAULT_BUDGET_MS)
  }
}

/** The time all forge requests of one run may take together; starts when created. */
export class ForgeBudget {
  private readonly controller = new AbortController()
  private readonly timer: NodeJS.Timeout

  constructor(readonly ms: number) {
    // unref: a finished run must not wait for the budget to run out before the process exits
    this.timer = setTimeout(() => this.controller.abort(this.error()), ms).unref()
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  get exceeded(): boolean {
    return this.controller.signal.aborted
  }

  error(): BudgetExceededError {
    return new BudgetExceededError(
      `the ${seconds(this.ms)} time budget for forge requests is used up ` +
        `(raise ${FORGE_BUDGET_ENV}, or check the forge's health)`
    )
  }

  /** Throws BudgetExceededError once the budget is used up. */
  check(): void {
    if (this.exceeded) throw this.error()
  }

  dispose(): void {
    clearTimeout(this.timer)
  }
}

/** One signal that aborts when any of `signals` does (AbortSignal.any needs Node 20.3). */
function anySignal(signals: AbortSignal[]): AbortSignal {
  const controller = new AbortController()
  const abort = (signal: AbortSignal) => controller.abort(signal.reason)
  for (const signal of signals) {
    if (signal.aborted) {
      abort(signal)
      break
    }
    signal.addEventListener('abort', () => abort(signal), { once: true })
  }
  return controller.signal
}

/**
 * @actions/github's own fetch: it goes through the runner's proxy settings (HTTPS_PROXY,
 * NO_PROXY), which a plain global fetch would not.
 */
const proxyFetch = (defaults.request?.fetch ?? globalThis.fetch) as FetchLike

/**
 * A fetch whose every request ends after `limits.requestTimeoutMs` (reading the body included)
 * or when the run's budget is used up, whichever comes first.
 */
export function limitedFetch(
  limits: ForgeLimits,
  budget: ForgeBudget,
  inner: FetchLike = proxyFetch
): FetchLike {
  return async (input, init = {}) => {
    budget.check()
    const timeout = AbortSignal.timeout(limits.requestTimeoutMs)
    const signals = [timeout, budget.signal, ...(init.signal ? [init.signal] : [])]
    const method = init.method ?? 'GET'
    const url = String(input).replace(/\?.*$/, '')
    const failure = (error: unknown) => {
      if (budget.exceeded) return budget.error()
      if (timeout.aborted) {
        return new RequestTimeoutError(
          `${method} ${url}: no answer within ${seconds(limits.requestTimeoutMs)} (${HTTP_TIMEOUT_ENV})`
        )
      }
      return error
    }
    try {
      return await inner(input, { ...init, signal: anySignal(signals) })
    } catch (error) {
      throw failure(error)
    }
  }
}

/**
 * Reads a response body of at most `cap` bytes (a larger one is cancelled as soon as it passes
 * the cap, so it never sits in memory whole). A body cut by the timeout or the budget says so.
 */
export async function readCapped(
  response: Response,
  cap: number,
  budget: ForgeBudget,
  what: string
): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > cap) {
    await response.body?.cancel().catch(() => undefined)
    throw new RangeError(`${what} is ${declared} bytes, over the ${cap}-byte limit`)
  }
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength
      if (size > cap) throw new RangeError(`${what} is over the ${cap}-byte limit`)
      chunks.push(chunk)
    }
  } catch (error) {
    if (budget.exceeded) throw budget.error()
    if ((error as Error | null)?.name === 'TimeoutError') {
      throw new RequestTimeoutError(
        `${what}: the answer did not arrive in time (${HTTP_TIMEOUT_ENV})`
      )
    }
    throw error
  }
  return Buffer.concat(chunks)
}
