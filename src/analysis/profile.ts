import type { Column } from '../telemetry/columns.js'
import type { Batch, StringColumn } from '../telemetry/batch.js'
import { MSPT_METRICS, type MetricSeries } from './detect.js'
import { createGapHistogram } from './statistics.js'

/**
 * The columns the first pass reads over the whole file. Not dur_ns (only spike rows need it,
 * read afterwards) nor run_id/repeat (constant in a file: read from the first rows that have them).
 */
export const PROFILE_COLUMNS: readonly Column[] = [
  'ts',
  'layer',
  'metric',
  'value',
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

/** A Float64Array that doubles when full: a series' length is known only at the end of the file. */
class GrowingColumn {
  private data = new Float64Array(1024)
  length = 0

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.length++] = value
  }

  /** The values pushed (a view: no copy). */
  finish(): Float64Array {
    return this.data.subarray(0, this.length)
  }
}

/** One metric's L0 rows as they are read: typed columns, 32 bytes per row. */
class SeriesBuilder {
  readonly ts = new GrowingColumn()
  readonly value = new GrowingColumn()
  readonly dur = new GrowingColumn()
  readonly row = new GrowingColumn()

  finish(): MetricSeries {
    return {
      ts: this.ts.finish(),
      value: this.value.finish(),
      dur: this.dur.finish(),
      row: this.row.finish()
    }
  }
}

const LAYER_INDEX = new Map(['L0', 'L1', 'L2', 'L3', 'L4'].map((name, index) => [name, index]))

export interface Profiler {
  add(batch: Batch): void
  /** Takes run_id and repeat from a batch of just those columns. */
  identity(batch: Batch): void
  /** Whether the given identity columns have all been seen (more rows cannot change them). */
  identityKnown(columns: readonly ('run_id' | 'repeat')[]): boolean
  /**
   * Rows a source counted itself instead of handing them over: a database counts the rows the
   * first pass only counts (L3, L4, other metrics). `layer` null: rows without a layer.
   */
  addCounted(layer: string | null, rows: number, earliestOffset: number): void
  /** A tid's full thread name that a source found itself (the first one given for a tid wins). */
  addThreadName(tid: number, name: string): void
  /**
   * L1 samples a source summarised itself: how many had a weight and how many not, and the gaps
   * between consecutive unweighted samples of one thread, as [gap ns, how many].
   */
  addSampleSummary(weighted: number, unweighted: number, gaps: Iterable<[number, number]>): void
  finish(): RunProfile
}

/**
 * First pass: layer counts, the MSPT series, run identity, tid → thread names and the L1 sampling
 * interval (median gap between consecutive samples of one thread, for samples without weight).
 */
export function createProfiler(forcedMetric?: string): Profiler {
  const metrics = new Set<string>(MSPT_METRICS)
  if (forcedMetric !== undefined) metrics.add(forcedMetric)
  const series = new Map<string, SeriesBuilder>()
  const layers = new Map<string, number>()
  const threadNames = new Map<number, string>()
  // last L1 sample time per thread (tid, or name when a row has no tid) and the gaps between them
  const lastSample = new Map<number | string, number>()
  const gaps = createGapHistogram()
  let weightedSamples = 0
  let unweightedSamples = 0
  let rows = 0
  let rowsWithoutTime = 0
  let rowsWithoutLayer = 0
  let startOffset = Infinity
  let runId: string | null = null
  let repeat: number | null = null

  function noteSample(key: number | string, at: number): void {
    const last = lastSample.get(key)
    if (last !== undefined) gaps.add(Math.abs(at - last))
    if (last === undefined || at > last) lastSample.set(key, at)
  }

  function identity(batch: Batch): void {
    if (runId === null && batch.run_id) {
      const first = batch.run_id.codes.find((code) => code >= 0)
      if (first !== undefined) runId = batch.run_id.dictionary[first]
    }
    if (repeat === null && batch.repeat) {
      const first = batch.repeat.find((value) => !Number.isNaN(value))
      if (first !== undefined) repeat = first
    }
  }

  function add(batch: Batch): void {
    const { ts, layer, metric, value, dur, tid, thread, weight } = batch
    rows += batch.length
    identity(batch)
    if (!layer) {
      rowsWithoutLayer += batch.length
      return
    }
    // per dictionary entry: which layer (0–4, 5 for others) and which tracked metric series
    const layerOf = Int8Array.from(layer.dictionary, (name) => LAYER_INDEX.get(name) ?? 5)
    const perEntry = new Float64Array(layer.dictionary.length)
    const seriesOf = (metric?.dictionary ?? []).map((name) => {
      if (!metrics.has(name)) return undefined
      let rowsOfMetric = series.get(name)
      if (!rowsOfMetric) series.set(name, (rowsOfMetric = new SeriesBuilder()))
      return rowsOfMetric
    })
    const threadCodes = thread?.codes
    for (let i = 0; i < batch.length; i++) {
      const at = ts[i]
      if (Number.isNaN(at)) {
        rowsWithoutTime++
        continue
      }
      const code = layer.codes[i]
      if (code < 0) {
        rowsWithoutLayer++
        continue
      }
      if (at < startOffset) startOffset = at
      perEntry[code]++
      const rowLayer = layerOf[code]
      if (rowLayer === 0) {
        const metricCode = metric ? metric.codes[i] : -1
        const target = metricCode < 0 ? undefined : seriesOf[metricCode]
        if (target) {
          target.ts.push(at)
          target.value.push(value ? value[i] : NaN)
          target.dur.push(dur ? dur[i] : NaN)
          target.row.push(batch.rowStart + i)
        }
        continue
      }
      if (rowLayer !== 1 && rowLayer !== 2) continue
      const threadId = tid ? tid[i] : NaN
      const nameCode = threadCodes ? threadCodes[i] : -1
      if (nameCode >= 0 && !Number.isNaN(threadId) && !threadNames.has(threadId)) {
        threadNames.set(threadId, (thread as StringColumn).dictionary[nameCode])
      }
      if (rowLayer === 1) {
        if (weight && !Number.isNaN(weight[i])) {
          weightedSamples++
          continue
        }
        unweightedSamples++
        if (!Number.isNaN(threadId)) noteSample(threadId, at)
        else if (nameCode >= 0)
          noteSample(`name:${(thread as StringColumn).dictionary[nameCode]}`, at)
      }
    }
    layer.dictionary.forEach((name, code) => {
      if (perEntry[code] > 0) layers.set(name, (layers.get(name) ?? 0) + perEntry[code])
    })
  }

  function samplingInterval(): SamplingInterval {
    if (gaps.count > 0) return { ns: gaps.median(), source: 'median-gap' }
    if (weightedSamples > 0 && unweightedSamples === 0) {
      return { ns: DEFAULT_SAMPLING_INTERVAL_NS, source: 'weight' }
    }
    return { ns: DEFAULT_SAMPLING_INTERVAL_NS, source: 'default' }
  }

  function addCounted(name: string | null, count: number, earliestOffset: number): void {
    if (!(count > 0)) return
    rows += count
    if (name === null) {
      rowsWithoutLayer += count
      return
    }
    if (earliestOffset < startOffset) startOffset = earliestOffset
    layers.set(name, (layers.get(name) ?? 0) + count)
  }

  return {
    add,
    identity,
    addCounted,
    addThreadName(tid, name) {
      if (!threadNames.has(tid)) threadNames.set(tid, name)
    },
    addSampleSummary(weighted, unweighted, summary) {
      weightedSamples += weighted
      unweightedSamples += unweighted
      for (const [gapNs, count] of summary) for (let i = 0; i < count; i++) gaps.add(gapNs)
    },
    identityKnown: (columns) =>
      columns.every((column) => (column === 'run_id' ? runId !== null : repeat !== null)),
    finish: () => ({
      rows,
      layers,
      rowsWithoutTime,
      rowsWithoutLayer,
      startOffset: Number.isFinite(startOffset) ? startOffset : 0,
      runId,
      repeat,
      series: new Map([...series].map(([name, builder]) => [name, builder.finish()])),
      threadNames,
      sampling: samplingInterval()
    })
  }
}
