/** Every forge request has a timeout, and all of them share the run's budget. */
import { afterAll, describe, expect, it } from '@jest/globals'
import {
  artifactByteLimit,
  BudgetExceededError,
  ForgeBudget,
  forgeLimits,
  limitedFetch,
  readCapped,
  RequestTimeoutError,
  type FetchLike
} from '../src/forge/http.js'

/** A server that never answers: the promise only settles when the signal aborts. */
const stuck: FetchLike = (_input, init) =>
  new Promise((_resolve, reject) =>
    init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))
  )

describe('forgeLimits', () => {
  it('defaults to 30 s a request and 5 minutes in all, and reads the environment', () => {
    expect(forgeLimits({})).toEqual({ requestTimeoutMs: 30_000, budgetMs: 300_000 })
    expect(
      forgeLimits({ IOSTORM_HTTP_TIMEOUT_MS: '250', IOSTORM_FORGE_BUDGET_MS: ' 1000 ' })
    ).toEqual({ requestTimeoutMs: 250, budgetMs: 1000 })
    expect(() => forgeLimits({ IOSTORM_HTTP_TIMEOUT_MS: '0' })).toThrow(
      'IOSTORM_HTTP_TIMEOUT_MS must be a whole number of milliseconds above 0; got "0"'
    )
    expect(() => forgeLimits({ IOSTORM_FORGE_BUDGET_MS: '5m' })).toThrow(/IOSTORM_FORGE_BUDGET_MS/)
  })
})

describe('artifactByteLimit', () => {
  it('defaults to 2 GiB and reads IOSTORM_ARTIFACT_MAX_BYTES', () => {
    expect(artifactByteLimit({})).toBe(2 * 1024 ** 3)
    expect(artifactByteLimit({ IOSTORM_ARTIFACT_MAX_BYTES: ' 1048576 ' })).toBe(1048576)
    expect(() => artifactByteLimit({ IOSTORM_ARTIFACT_MAX_BYTES: '2G' })).toThrow(
      'IOSTORM_ARTIFACT_MAX_BYTES must be a whole number of bytes above 0; got "2G"'
    )
  })
})

describe('limitedFetch', () => {
  it('ends a request after the timeout, saying which and why', async () => {
    const budget = new ForgeBudget(10_000)
    const fetch = limitedFetch({ requestTimeoutMs: 50, budgetMs: 10_000 }, budget, stuck)
    const failed = fetch('http://forge.test/repos/o/r/pulls?state=open', { method: 'GET' })
    await expect(failed).rejects.toThrow(RequestTimeoutError)
    await expect(failed).rejects.toThrow(
      'GET http://forge.test/repos/o/r/pulls: no answer within 0.1 s (IOSTORM_HTTP_TIMEOUT_MS)'
    )
    budget.dispose()
  })

  it('ends a request when the budget runs out, and refuses any after it', async () => {
    const budget = new ForgeBudget(50)
    const fetch = limitedFetch({ requestTimeoutMs: 10_000, budgetMs: 50 }, budget, stuck)
    await expect(fetch('http://forge.test/a')).rejects.toThrow(BudgetExceededError)
    expect(budget.exceeded).toBe(true)
    let called = false
    const never = limitedFetch({ requestTimeoutMs: 10_000, budgetMs: 50 }, budget, async () => {
      called = true
      return new Response('')
    })
    await expect(never('http://forge.test/b')).rejects.toThrow(
      /time budget for forge requests is used up \(raise IOSTORM_FORGE_BUDGET_MS/
    )
    expect(called).toBe(false)
    // Octokit passes errors named AbortError through unchanged, so its retry plugin skips them
    expect(budget.error().name).toBe('AbortError')
  })
})

describe('readCapped', () => {
  const budget = new ForgeBudget(10_000)
  afterAll(() => budget.dispose())

  it('reads a body up to the cap and refuses a larger one, declared or not', async () => {
    expect((await readCapped(new Response('12345'), 5, budget, 'the body')).toString()).toBe(
      '12345'
    )
    await expect(readCapped(new Response('123456'), 5, budget, 'the body')).rejects.toThrow(
      'the body is over the 5-byte limit'
    )
    const declared = new Response('123456', { headers: { 'content-length': '6' } })
    await expect(readCapped(declared, 5, budget, 'the body')).rejects.toThrow(
      'the body is 6 bytes, over the 5-byte limit'
    )
  })
})
