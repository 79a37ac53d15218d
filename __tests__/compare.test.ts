/** The comparison the CLI's diff and the action share, and how a side is loaded. */
import { describe, expect, it } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SignatureSummary } from '../src/analysis/types.js'
import { compare, loadReport, loadSide } from '../src/compare.js'
import { DEFAULT_OPTIONS } from '../src/analysis/analyse-file.js'
import { withTempDir } from './support/engine.js'

const signature = (name: string, spikes = 1): SignatureSummary => ({
  signature: name,
  top_plugin: null,
  first_syscall: null,
  spikes,
  repeats: 1,
  worst_ms: 100
})
const source = { kind: 'report', location: 'base.json' } as const

describe('compare', () => {
  it('fails on a signature the baseline has not, and names the options that differ', () => {
    const { diff, verdict } = compare(
      { signatures: [signature('a|b'), signature('gone')], source, options: { threshold_ms: 50 } },
      { signatures: [signature('a|b', 3), signature('-|fsync')], options: { threshold_ms: 80 } }
    )
    expect(verdict).toBe('fail')
    expect(diff?.new.map((s) => s.signature)).toEqual(['-|fsync'])
    expect(diff?.resolved.map((s) => s.signature)).toEqual(['gone'])
    expect(diff?.persisting.map((s) => [s.base_spikes, s.head_spikes])).toEqual([[1, 3]])
    expect(diff?.options_changed).toEqual(['threshold_ms'])
    expect(diff?.base).toEqual(source)
  })

  it('passes when nothing is new, and compares no options a side does not record', () => {
    const { diff, verdict } = compare(
      { signatures: [signature('a|b')], source },
      { signatures: [], options: { threshold_ms: 80 } }
    )
    expect(verdict).toBe('pass')
    expect(diff?.resolved).toHaveLength(1)
    expect(diff?.options_changed).toEqual([])
  })

  it('has no baseline when either side has no signatures to compare', () => {
    const none = { diff: null, verdict: 'no-baseline' }
    expect(compare(null, { signatures: [] })).toEqual(none)
    expect(compare({ signatures: null, source }, { signatures: [] })).toEqual(none)
    expect(compare({ signatures: [], source }, { signatures: null })).toEqual(none)
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
