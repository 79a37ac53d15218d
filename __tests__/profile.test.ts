import { describe, expect, it } from '@jest/globals'
import { createProfiler } from '../src/analysis/profile.js'
import { runIdentity } from '../src/analysis/analyse-file.js'
import { batchOf, type TestRow } from './support/engine.js'

function profile(rows: TestRow[], metric?: string) {
  const profiler = createProfiler(metric)
  profiler.add(batchOf(rows))
  return profiler.finish()
}

describe('run profile', () => {
  it('counts layers and collects only L0 rows of MSPT metrics', () => {
    const result = profile([
      { at: 0, layer: 'L0', metric: 'tick_ms', value: 30 },
      { at: 1, layer: 'L0', metric: 'tps', value: 20 },
      { at: 2, layer: 'L3', metric: 'write_bytes', value: 4096 },
      { at: 3, layer: 'L1', tid: 1, thread: 'Server thread' },
      { at: 4, layer: 'L9' }
    ])
    expect(Object.fromEntries(result.layers)).toEqual({ L0: 2, L1: 1, L3: 1, L9: 1 })
    expect([...result.series.keys()]).toEqual(['tick_ms'])
    expect(Array.from(result.series.get('tick_ms')?.value ?? [])).toEqual([30])
  })

  it('ignores rows without a timestamp or layer, and counts them', () => {
    const batch = batchOf([
      { at: 0, layer: 'L0', metric: 'tick_ms', value: 30 },
      { at: 1, metric: 'tick_ms', value: 80 },
      { at: 2, layer: 'L0', metric: 'tick_ms', value: 90 }
    ])
    batch.ts[2] = NaN
    const profiler = createProfiler()
    profiler.add(batch)
    const result = profiler.finish()
    expect(result.rowsWithoutTime).toBe(1)
    expect(result.rowsWithoutLayer).toBe(1)
    expect(Array.from(result.series.get('tick_ms')?.value ?? [])).toEqual([30])
  })

  it('maps tids to full thread names from L1 and L2 rows only', () => {
    const result = profile([
      { at: 0, layer: 'L4', tid: 7, thread: 'from L4 (ignored)', comm: 'Paper I/O Worke' },
      { at: 1, layer: 'L2', tid: 7, thread: 'Paper I/O Worker #0' },
      { at: 2, layer: 'L1', tid: 8, thread: 'Server thread' }
    ])
    expect(Object.fromEntries(result.threadNames)).toEqual({
      7: 'Paper I/O Worker #0',
      8: 'Server thread'
    })
  })

  it('measures the sampling interval as the median gap between samples of one thread', () => {
    const rows: TestRow[] = [
      ...[0, 10, 20, 30, 40].map((at) => ({ at, layer: 'L1', tid: 1 })),
      ...[5, 25, 45].map((at) => ({ at, layer: 'L1', tid: 2 }))
    ]
    // gaps: thread 1 → 10, 10, 10, 10; thread 2 → 20, 20: median 10 ms
    expect(profile(rows).sampling).toEqual({ ns: 10e6, source: 'median-gap' })
    const sparse = [0, 20, 40].map((at) => ({ at, layer: 'L1', tid: 3 }))
    expect(profile(sparse).sampling).toEqual({ ns: 20e6, source: 'median-gap' })
  })

  it('needs no interval when every sample has a weight, and defaults to 10 ms without data', () => {
    const weighted = [0, 10].map((at) => ({ at, layer: 'L1', tid: 1, weight: 4e6 }))
    expect(profile(weighted).sampling.source).toBe('weight')
    expect(profile([{ at: 0, layer: 'L1', tid: 1 }]).sampling).toEqual({
      ns: 10e6,
      source: 'default'
    })
  })

  it('takes run_id and repeat from columns, else from the path, else the file name', () => {
    const fromColumns = profile([{ at: 0, layer: 'L0', run_id: 'abc', repeat: 3 }])
    expect(runIdentity('x/y/events.parquet', fromColumns)).toEqual({ runId: 'abc', repeat: 3 })
    const none = { runId: null, repeat: null }
    expect(runIdentity('/runs/nightly-42/2/events.parquet', none)).toEqual({
      runId: 'nightly-42',
      repeat: 2
    })
    expect(runIdentity('bench/latest.parquet', none)).toEqual({ runId: 'latest', repeat: 0 })
  })

  it('takes what a source aggregated itself as it takes rows (counts, names, sampling gaps)', () => {
    const rows: TestRow[] = [
      { at: 0, layer: 'L1', tid: 7, thread: 'Server thread' },
      { at: 10, layer: 'L1', tid: 7, thread: 'renamed later' },
      { at: 30, layer: 'L1', tid: 7 },
      { at: 5, layer: 'L2', tid: 8, thread: 'Paper I/O Worker #0' },
      { at: 40, layer: 'L4' },
      { at: 50, layer: 'L4' }
    ]
    const fromRows = profile(rows)
    const profiler = createProfiler()
    profiler.addCounted('L1', 3, 0)
    profiler.addCounted('L2', 1, 5e6)
    profiler.addCounted('L4', 2, 40e6)
    profiler.addCounted(null, 0, 0)
    profiler.addThreadName(7, 'Server thread')
    profiler.addThreadName(8, 'Paper I/O Worker #0')
    profiler.addThreadName(7, 'renamed later')
    profiler.addSampleSummary(0, 3, [
      [10e6, 1],
      [20e6, 1]
    ])
    const summarised = profiler.finish()
    expect(summarised).toEqual({ ...fromRows, series: new Map() })
    expect(summarised.threadNames.get(7)).toBe('Server thread')
    expect(summarised.sampling).toEqual({ ns: 15e6, source: 'median-gap' })
  })
})
