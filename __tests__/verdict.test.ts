/**
 * The verdict's classes on histories made to order: each case names the counts a reviewer can
 * check by hand against the rule in docs/analysis.md.
 */
import { describe, expect, it } from '@jest/globals'
import type { RunReport } from '../src/analysis/types.js'
import { classify, DEFAULT_VERDICT, failing } from '../src/analysis/verdict.js'
import { run, spike } from './support/reports.js'

/** A report of repeats; each repeat lists its spikes as [signature, ms]. */
function report(...repeats: [string, number][][]): RunReport[] {
  return repeats.map((spikes, index) =>
    run(
      `r/${index}/events.parquet`,
      spikes.map(([signature, ms]) => spike({ signature, value_ms: ms }))
    )
  )
}

const quiet = (count: number) => Array.from({ length: count }, () => [] as [string, number][])
const gc = ['-|futex', 90] as [string, number]

/** Ten base reports of five repeats, a GC pause in every other repeat. */
const history = Array.from({ length: 10 }, () => report([gc], [], [gc], [], [gc]))

describe('the verdict', () => {
  it('confirms a signature new in 2 of 5 head repeats against 50 base repeats (Fisher p = 0.0067)', () => {
    const verdicts = classify(
      history,
      report([gc, ['-|fsync', 400]], [['-|fsync', 380]], [], [], [gc])
    )
    const fresh = verdicts.find((verdict) => verdict.signature === '-|fsync')
    expect(fresh).toMatchObject({ class: 'new', head: { repeats_with: 2, repeats: 5 } })
    expect(fresh?.p_value).toBeCloseTo(0.006734006734006734, 12)
    expect(fresh?.reason).toBe(
      'in 2 of 5 head repeats, never in the 50 repeats of the history (p = 0.007)'
    )
    expect(failing(verdicts, 'new').map((verdict) => verdict.signature)).toEqual(['-|fsync'])
  })

  it('leaves a signature seen once as unconfirmed, never a failure', () => {
    const verdicts = classify(history, report([['-|fsync', 400]], ...quiet(4)))
    expect(verdicts.find((verdict) => verdict.signature === '-|fsync')).toMatchObject({
      class: 'new-unconfirmed',
      reason: expect.stringMatching(/in 1 of 5 head repeats.*rerun to confirm/)
    })
    expect(failing(verdicts, 'regression')).toEqual([])
  })

  it('cannot confirm 2 of 5 against one base report of 5 repeats (p = 0.22), but can 4 of 5', () => {
    const one = [report([gc], [], [gc], [], [gc])]
    const two = classify(one, report([['-|fsync', 400]], [['-|fsync', 400]], [], [], []))
    expect(two.find((verdict) => verdict.signature === '-|fsync')?.class).toBe('new-unconfirmed')
    const four = classify(
      one,
      report([['-|fsync', 400]], [['-|fsync', 400]], [['-|fsync', 400]], [['-|fsync', 400]], [])
    )
    expect(four.find((verdict) => verdict.signature === '-|fsync')?.class).toBe('new')
  })

  it('finds a known signature that became far more frequent', () => {
    const burst = Array.from({ length: 4 }, () => gc)
    const verdicts = classify(history, report(burst, burst, burst, burst, burst))
    expect(verdicts).toEqual([
      expect.objectContaining({
        signature: '-|futex',
        class: 'more-frequent',
        reason: expect.stringMatching(
          /^4 spikes per repeat against 0.6 in the history \(6.7×, p < 0.001\)$/
        )
      })
    ])
    expect(failing(verdicts, 'new')).toEqual([])
    expect(failing(verdicts, 'regression')).toHaveLength(1)
  })

  it('finds a known signature whose spikes became much longer', () => {
    const long = ['-|futex', 450] as [string, number]
    const verdicts = classify(history, report([long], [], [long], [], [long]))
    expect(verdicts[0]).toMatchObject({
      class: 'worse',
      reason: expect.stringMatching(/^a typical spike of 450 ms against 90 ms in the history \(5×/)
    })
  })

  it('keeps an unchanged signature persisting and lists what the newest base had as resolved', () => {
    const newest = report([gc, ['CoreProtect|pread64', 120]], [], [gc], [], [])
    const verdicts = classify([newest, ...history], report([gc], [], [gc], [], [gc]))
    expect(verdicts.map((verdict) => [verdict.signature, verdict.class])).toEqual([
      ['-|futex', 'persisting'],
      ['CoreProtect|pread64', 'resolved']
    ])
  })

  it('uses its defaults: 2 repeats, alpha 0.05 (0.01 for regressions), 3× as frequent, 2× as long, 3 base spikes', () => {
    expect(DEFAULT_VERDICT).toEqual({
      minRepeats: 2,
      alpha: 0.05,
      regressionAlpha: 0.01,
      frequencyRatio: 3,
      lengthRatio: 2,
      minBaseSpikes: 3
    })
  })
})
