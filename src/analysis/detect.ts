import { percentile, populationSigma, scaledMad } from './statistics.js'

/** Tried in this order; the first with a non-null value in the file is the run's metric. */
export const MSPT_METRICS = ['tick_ms', 'mspt_p99', 'mspt_p95', 'mspt_p50', 'mspt'] as const

/** The MSPT floor: no spike is reported below it, whatever the statistics say. */
export const FLOOR_MS = 50

/**
 * Spikes attributed per run at most: the worst ones. A run with more is a server that lagged the
 * whole time, and attributing every one of them would hold memory per spike (docs/hostile-input.md).
 */
export const MAX_SPIKES_PER_RUN = 2000
const NS_PER_MS = 1e6

/** L0 rows of one metric in file order: nanosecond offsets, values in ms (NaN for null). */
export interface MetricSeries {
  ts: ArrayLike<number>
  value: ArrayLike<number>
  /** NaN where unknown: null, or not read yet (see `durations` of detectSpikes). */
  dur: ArrayLike<number>
  /** Row of each value in the file. */
  row: ArrayLike<number>
}

/**
 * How the spread above p95 is measured: `stddev`, the population standard deviation (the
 * contract's rule); `mad`, 1.4826 × the median absolute deviation, which frequent or huge spikes
 * cannot inflate, so they cannot raise the threshold above themselves (docs/analysis.md).
 */
export type Spread = 'stddev' | 'mad'

export interface DetectionOptions {
  metric?: string
  thresholdMs: number
  sigmaMult: number
  spread?: Spread
}

/** A spike's window as nanosecond offsets from the file's base: [start, end]. */
export interface SpikeWindow {
  /** Row of the metric value in the file. */
  row: number
  ts: number
  start: number
  end: number
  valueMs: number
}

export interface Detection {
  metric: string | null
  samples: number
  floorMs: number
  p95Ms: number | null
  sigmaMs: number | null
  thresholdMs: number | null
  spikes: SpikeWindow[]
  /** Spikes above the threshold beyond MAX_SPIKES_PER_RUN, left out (the least severe). */
  omitted: number
  notes: string[]
}

export class MetricError extends Error {}

function countValues(series: MetricSeries | undefined): number {
  let count = 0
  for (let i = 0; i < (series?.value.length ?? 0); i++) {
    if (Number.isFinite((series as MetricSeries).value[i])) count++
  }
  return count
}

function chooseMetric(
  series: ReadonlyMap<string, MetricSeries>,
  forced: string | undefined,
  notes: string[]
): string | null {
  if (forced !== undefined) {
    if (countValues(series.get(forced)) > 0) return forced
    const present = MSPT_METRICS.filter((name) => countValues(series.get(name)) > 0)
    throw new MetricError(
      `metric "${forced}" has no values in this file` +
        (present.length > 0 ? ` (MSPT metrics present: ${present.join(', ')})` : '')
    )
  }
  const chosen = MSPT_METRICS.find((name) => countValues(series.get(name)) > 0)
  if (chosen === undefined) {
    notes.push(
      `no MSPT metric (${MSPT_METRICS.join(', ')}) has a value in this file: no spike detection`
    )
    return null
  }
  if (chosen !== MSPT_METRICS[0]) {
    const skipped = MSPT_METRICS.slice(0, MSPT_METRICS.indexOf(chosen))
    notes.push(`${skipped.join(', ')} absent: spikes detected on ${chosen}`)
  }
  return chosen
}

/** Positions in time order: null when the rows already are (no index array for them). */
function sortedByTime(series: MetricSeries): Int32Array | null {
  let inOrder = true
  for (let i = 1; i < series.ts.length && inOrder; i++) inOrder = series.ts[i] >= series.ts[i - 1]
  if (inOrder) return null
  const order = Int32Array.from({ length: series.ts.length }, (_, index) => index)
  return order.sort((a, b) => series.ts[a] - series.ts[b] || a - b)
}

/**
 * A `tick_ms` row covers [ts, ts + dur_ns] or [ts, ts + value ms]; a window metric row covers
 * [ts, ts + dur_ns], or without dur_ns [previous row's ts, ts] (the first row: an empty window).
 */
function windowOf(
  metric: string,
  series: MetricSeries,
  order: Int32Array | null,
  position: number,
  durations: ReadonlyMap<number, number> | undefined
): { start: number; end: number } {
  const row = order ? order[position] : position
  const ts = series.ts[row]
  const dur = Number.isNaN(series.dur[row])
    ? (durations?.get(series.row[row]) ?? NaN)
    : series.dur[row]
  if (!Number.isNaN(dur)) return { start: ts, end: ts + dur }
  if (metric === 'tick_ms')
    return { start: ts, end: ts + Math.round(series.value[row] * NS_PER_MS) }
  const previous = position === 0 ? ts : series.ts[order ? order[position - 1] : position - 1]
  return { start: previous, end: ts }
}

/** The statistics, the threshold and which rows are spikes, before their windows are known. */
export interface SpikeSearch extends Omit<Detection, 'spikes'> {
  /** File rows of the spikes kept, in time order: the rows whose dur_ns a window may need. */
  rows: number[]
  /** Where the spikes kept are in the series, in time order. */
  positions: Int32Array
  order: Int32Array | null
}

/**
 * Detection (docs/analysis.md): p95 + k·σ over the whole file, never under the floor. Values that are not
 * finite are left out with a note (±Infinity would make σ NaN and the threshold max(floor, NaN),
 * losing every spike). Works on typed arrays in single passes: a run may have millions of ticks.
 */
export function findSpikes(
  series: ReadonlyMap<string, MetricSeries>,
  options: DetectionOptions
): SpikeSearch {
  const notes: string[] = []
  const floorMs = Math.max(FLOOR_MS, options.thresholdMs)
  const metric = chooseMetric(series, options.metric, notes)
  const none = {
    samples: 0,
    floorMs,
    p95Ms: null,
    sigmaMs: null,
    thresholdMs: null,
    omitted: 0,
    rows: [],
    positions: new Int32Array(0),
    order: null
  }
  if (metric === null) return { metric, ...none, notes }

  const data = series.get(metric) as MetricSeries
  const values = new Float64Array(countValues(data))
  let infinite = 0
  for (let i = 0, k = 0; i < data.value.length; i++) {
    const value = data.value[i]
    if (Number.isFinite(value)) values[k++] = value
    else if (value === Infinity || value === -Infinity) infinite++
  }
  if (infinite > 0) {
    notes.push(`${infinite} infinite value(s) of ${metric} were left out of detection`)
  }
  // (the reader holds a null as NaN, so a NaN in the file and a missing value look alike)
  const missing = data.value.length - values.length - infinite
  if (missing > 0) {
    notes.push(
      `${missing} row(s) of ${metric} without a value (null or NaN) were left out of detection`
    )
  }
  const sigmaMs = options.spread === 'mad' ? scaledMad(values) : populationSigma(values)
  const p95Ms = percentile(values.sort(), 95)
  const thresholdMs = Math.max(floorMs, p95Ms + options.sigmaMult * sigmaMs)
  if (!Number.isFinite(thresholdMs)) {
    notes.push(
      `the ${metric} values are too large for a threshold (p95 + ${options.sigmaMult}·σ overflows)`
    )
  }

  const order = sortedByTime(data)
  const rowAt = (position: number) => (order ? order[position] : position)
  const valueAt = (position: number) => data.value[rowAt(position)]
  let count = 0
  for (let position = 0; position < data.value.length; position++) {
    if (valueAt(position) >= thresholdMs && Number.isFinite(valueAt(position))) count++
  }
  let positions = new Int32Array(count)
  for (let position = 0, k = 0; position < data.value.length; position++) {
    if (valueAt(position) >= thresholdMs && Number.isFinite(valueAt(position))) {
      positions[k++] = position
    }
  }
  const omitted = Math.max(0, count - MAX_SPIKES_PER_RUN)
  if (omitted > 0) {
    const worstFirst = positions.sort((a, b) => valueAt(b) - valueAt(a) || a - b)
    notes.push(
      `${omitted} more spike(s), of ${valueAt(worstFirst[MAX_SPIKES_PER_RUN])} ms or less, ` +
        `were not attributed: a run keeps its ${MAX_SPIKES_PER_RUN} worst spikes`
    )
    positions = worstFirst.slice(0, MAX_SPIKES_PER_RUN).sort()
  }
  return {
    metric,
    samples: values.length,
    floorMs,
    p95Ms,
    sigmaMs,
    thresholdMs,
    omitted,
    notes,
    rows: Array.from(positions, (position) => data.row[rowAt(position)]),
    positions,
    order
  }
}

/** The windows of the spikes found, with dur_ns by file row for series read without it. */
export function spikeWindows(
  search: SpikeSearch,
  series: ReadonlyMap<string, MetricSeries>,
  durations?: ReadonlyMap<number, number>
): SpikeWindow[] {
  if (search.metric === null) return []
  const data = series.get(search.metric) as MetricSeries
  const metric = search.metric
  return Array.from(search.positions, (position): SpikeWindow => {
    const row = search.order ? search.order[position] : position
    const { start, end } = windowOf(metric, data, search.order, position, durations)
    return { row: data.row[row], ts: data.ts[row], start, end, valueMs: data.value[row] }
  })
}

/** findSpikes and spikeWindows in one call. */
export function detectSpikes(
  series: ReadonlyMap<string, MetricSeries>,
  options: DetectionOptions,
  /** dur_ns by file row, for series read without durations (only spike rows need one). */
  durations?: ReadonlyMap<number, number>
): Detection {
  const search = findSpikes(series, options)
  const { rows: _rows, positions: _positions, order: _order, ...detection } = search
  return { ...detection, spikes: spikeWindows(search, series, durations) }
}

/** Points in the downsampled MSPT series kept for the report's chart. */
export const SERIES_POINTS = 60

/**
 * The metric downsampled to at most SERIES_POINTS buckets from the run start, keeping each
 * bucket's maximum so no spike disappears in the averaging.
 */
export function downsample(
  series: MetricSeries,
  runStartOffset: number,
  points = SERIES_POINTS
): { bucket_ms: number; max_ms: (number | null)[] } {
  let last = runStartOffset
  for (let i = 0; i < series.value.length; i++) {
    if (Number.isFinite(series.value[i])) last = Math.max(last, series.ts[i])
  }
  const spanMs = Math.max(1, (last - runStartOffset) / NS_PER_MS)
  const bucketMs = Math.max(1, Math.ceil(spanMs / points))
  const count = Math.min(points, Math.floor(spanMs / bucketMs) + 1)
  const max: (number | null)[] = new Array(count).fill(null)
  for (let i = 0; i < series.value.length; i++) {
    const value = series.value[i]
    if (!Number.isFinite(value)) continue
    const at = (series.ts[i] - runStartOffset) / NS_PER_MS / bucketMs
    const bucket = Math.min(count - 1, Math.floor(at))
    const current = max[bucket]
    if (current === null || value > current) max[bucket] = value
  }
  return { bucket_ms: bucketMs, max_ms: max }
}
