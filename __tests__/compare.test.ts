/** The comparison the CLI's diff and the action share, and how a side is loaded. */
import { describe, expect, it } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { summariseSignatures } from '../src/analysis/signatures.js'
import type { ReportOptions } from '../src/analysis/types.js'
import { DEFAULT_SETTINGS } from '../src/analysis/verdict.js'
import { compare, loadReport, loadSide } from '../src/compare.js'
import { DEFAULT_OPTIONS } from '../src/analysis/analyse-file.js'
import { withTempDir } from './support/engine.js'
import { run, spike } from './support/reports.js'

const source = { kind: 'report', location: 'base.json' } as const

/** A side of repeats; each repeat lists the signatures of its spikes. */
function side(repeats: string[][], options?: Partial<ReportOptions>) {
  const runs = repeats.map((signatures, index) =>
    run(
      `r/${index}/events.parquet`,
      signatures.map((signature) => spike({ signature }))
    )
  )
  return { runs, signatures: summariseSignatures(runs), options }
}

describe('compare', () => {
  it('fails on a confirmed new signature, judges the rest, and names the options that differ', () => {
    const base = { ...side([['a|b'], ['a|b', 'gone'], [], []], { threshold_ms: 50 }), source }
    const older = { ...side([['a|b'], [], [], []]), source }
    const head = side([['a|b', '-|fsync'], ['-|fsync'], ['-|fsync'], ['rare']], {
      threshold_ms: 80
    })
    const { diff, verdict } = compare([base, older], head)
    expect(verdict).toBe('fail')
    expect(diff?.new.map((s) => s.signature)).toEqual(['-|fsync'])
    expect(diff?.new[0].judgement).toMatchObject({
      class: 'new',
      head: { repeats_with: 3, repeats: 4 },
      base: { repeats_with: 0, repeats: 8 }
    })
    expect(diff?.new_unconfirmed?.map((s) => s.signature)).toEqual(['rare'])
    expect(diff?.resolved.map((s) => s.signature)).toEqual(['gone'])
    expect(diff?.persisting.map((s) => [s.signature, s.base_spikes, s.head_spikes])).toEqual([
      ['a|b', 3, 1]
    ])
    expect(diff?.options_changed).toEqual(['threshold_ms'])
    expect(diff?.base).toEqual(source)
    expect(diff?.history).toEqual({ reports: 2, repeats: 8, sources: [source, source] })
    expect(diff?.failing).toEqual(['-|fsync'])
  })

  it('passes when nothing is new, and compares no options a side does not record', () => {
    const { diff, verdict } = compare(
      [{ ...side([['a|b'], []]), source }],
      side([[], []], { threshold_ms: 80 })
    )
    expect(verdict).toBe('pass')
    expect(diff?.resolved).toHaveLength(1)
    expect(diff?.options_changed).toEqual([])
  })

  it('judges under fail-on never as under new, and fails nothing', () => {
    const history = [{ ...side([[], [], [], [], []]), source }]
    const head = side([['x'], ['x'], ['x'], ['x'], ['x']])
    const never = compare(history, head, { ...DEFAULT_SETTINGS, failOn: 'never' })
    expect(never.verdict).toBe('fail')
    expect(never.diff?.failing).toEqual([])
    expect(compare(history, head).diff?.failing).toEqual(['x'])
  })

  it('has no baseline when no base or the head has no signatures to compare', () => {
    const none = { diff: null, verdict: 'no-baseline' }
    const empty = { runs: [], signatures: [] }
    expect(compare(null, empty)).toEqual(none)
    expect(compare([], empty)).toEqual(none)
    expect(compare([{ runs: [], signatures: null, source }], empty)).toEqual(none)
    expect(compare([{ ...empty, source }], { runs: [], signatures: null })).toEqual(none)
  })
})

describe('loading a side', () => {
  it('reads a stored report, or says why it cannot, naming it as shown', async () => {
    await withTempDir(async (dir) => {
      const missing = await loadReport(join(dir, 'none.json'), 'none.json')
      expect(missing).toEqual({
        runs: [],
        errors: [{ file: 'none.json', message: 'no such file' }],
        signatures: null,
        source: { kind: 'report', location: 'none.json' }
      })
      const path = join(dir, 'report.json')
      await writeFile(path, '{"schema_version": 2}')
      expect((await loadReport(path)).errors).toEqual([
        { file: path, message: 'unsupported report schema_version 2 (expected 1)' }
      ])
    })
  })

  it('analyses a target that is no report; one that names nothing has no signatures', async () => {
    await withTempDir(async (dir) => {
      const side = await loadSide(join(dir, 'nothing-here'), dir, DEFAULT_OPTIONS)
      expect(side.signatures).toBeNull()
      expect(side.source).toEqual({ kind: 'events', location: join(dir, 'nothing-here') })
      expect(side.errors[0].message).toBe('no such file or directory')
      const run = await loadSide('fixtures/runs/s2-player-quit', dir, DEFAULT_OPTIONS)
      expect(run.errors).toEqual([])
      expect(run.signatures).toEqual(expect.any(Array))
      expect(run.options?.threshold_ms).toBe(50)
    })
  })
})
