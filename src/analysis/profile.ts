import type { Column } from '../telemetry/columns.js'
import type { Batch } from '../telemetry/events-file.js'
import { MSPT_METRICS, type MetricSeries } from './detect.js'
import { median } from './statistics.js'

/** The columns the first pass reads over the whole file. */
export const PROFILE_COLUMNS: readonly Column[] = [
  'ts',
  'dur',
  'layer',
  'metric',
  'value',
  'run_id',
  'repeat',
  'tid',
  'thread',
  'weight'
]

/** Without weights or enough samples to measure a gap, a sample stands for this much. */
export const DEFAULT_SAMPLING_INTERVAL_NS = 10e6

export interface SamplingInterval {
  /** Nanoseconds one unweighted L1 sample stands for. */
  ns: number
  source: 'weight' | 'median-gap' | 'default'
}

/** What the first pass learns about a whole run. */
export interface RunProfile {
  rows: number
  layers: Map<string, number>
  rowsWithoutTime: number
  rowsWithoutLayer: number
  /** Earliest observation, as an offset from the file's base. */
  startOffset: number
  runId: string | null
  repeat: number | null
  series: Map<string, MetricSeries>
  /** Full Java thread names of Linux tids, from L1/L2 rows. */
  threadNames: Map<number, string>
  sampling: SamplingInterval
}

export interface Profiler {
  add(batch: Batch): void
  finish(): RunProfile
}

/**
 * First pass: layer counts, the MSPT series, run identity, tid → thread names and the L1 sampling
 * interval (median gap between consecutive samples of one thread, for samples without weight).
 */
export function createProfiler(forcedMetric?: string): Profiler {
  const metrics = new Set<string>(MSPT_METRICS)
  if (forcedMetric !== undefined) metrics.add(forcedMetric)
  const series = new Map<string, MetricSeries>()
  const layers = new Map<string, number>()
  const threadNames = new Map<number, string>()
  const sampleTimes = new Map<number | string, number[]>()
  let weightedSamples = 0
  let rows = 0
  let rowsWithoutTime = 0
  let rowsWithoutLayer = 0
  let startOffset = Infinity
  let runId: string | null = null
  let repeat: number | null = null

  function add(batch: Batch): void {
    const { ts, layer, metric, value, dur, tid, thread, weight } = batch
    rows += batch.length
    for (let i = 0; i < batch.length; i++) {
      if (runId === null && batch.run_id?.[i]) runId = batch.run_id[i]
      if (repeat === null && batch.repeat && !Number.isNaN(batch.repeat[i])) {
        repeat = batch.repeat[i]
      }
      const at = ts[i]
      if (Number.isNaN(at)) {
        rowsWithoutTime++
        continue
      }
      const rowLayer = layer?.[i] ?? null
      if (rowLayer === null) {
        rowsWithoutLayer++
        continue
      }
      if (at < startOffset) startOffset = at
      layers.set(rowLayer, (layers.get(rowLayer) ?? 0) + 1)

      if (rowLayer === 'L0') {
        const name = metric?.[i]
        if (name != null && metrics.has(name)) {
          let rowsOfMetric = series.get(name)
          if (!rowsOfMetric) series.set(name, (rowsOfMetric = { ts: [], value: [], dur: [] }))
          rowsOfMetric.ts.push(at)
          rowsOfMetric.value.push(value ? value[i] : NaN)
          rowsOfMetric.dur.push(dur ? dur[i] : NaN)
        }
        continue
      }
      if (rowLayer !== 'L1' && rowLayer !== 'L2') continue
      const threadId = tid ? tid[i] : NaN
      const threadName = thread?.[i] ?? null
      if (threadName !== null && !Number.isNaN(threadId) && !threadNames.has(threadId)) {
        threadNames.set(threadId, threadName)
      }
      if (rowLayer === 'L1') {
        if (weight && !Number.isNaN(weight[i])) {
          weightedSamples++
          continue
        }
        const key = Number.isNaN(threadId) ? threadName : threadId
        if (key === null) continue
        let times = sampleTimes.get(key)
        if (!times) sampleTimes.set(key, (times = []))
        times.push(at)
      }
    }
  }

  function samplingInterval(): SamplingInterval {
    const gaps: number[] = []
    for (const times of sampleTimes.values()) {
      const sorted = Float64Array.from(times).sort()
      for (let i = 1; i < sorted.length; i++) gaps.push(sorted[i] - sorted[i - 1])
    }
    if (gaps.length > 0) return { ns: median(Float64Array.from(gaps)), source: 'median-gap' }
    if (weightedSamples > 0 && sampleTimes.size === 0) {
      return { ns: DEFAULT_SAMPLING_INTERVAL_NS, source: 'weight' }
    }
    return { ns: DEFAULT_SAMPLING_INTERVAL_NS, source: 'default' }
  }

  return {
    add,
    finish: () => ({
      rows,
      layers,
      rowsWithoutTime,
      rowsWithoutLayer,
      startOffset: Number.isFinite(startOffset) ? startOffset : 0,
      runId,
      repeat,
      series,
      threadNames,
      sampling: samplingInterval()
    })
  }
}
