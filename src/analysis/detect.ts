import { percentile, populationSigma } from './statistics.js'

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
  ts: number[]
  value: number[]
  /** NaN where unknown: null, or not read yet (see `durations` of detectSpikes). */
  dur: number[]
  /** Row of each value in the file. */
  row: number[]
}

export interface DetectionOptions {
  metric?: string
  thresholdMs: number
  sigmaMult: number
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
  return series ? series.value.filter((value) => Number.isFinite(value)).length : 0
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

function sortedByTime(series: MetricSeries): number[] {
  const order = series.ts.map((_, index) => index)
  const inOrder = series.ts.every((ts, i) => i === 0 || ts >= series.ts[i - 1])
  if (!inOrder) order.sort((a, b) => series.ts[a] - series.ts[b])
  return order
}

/**
 * A `tick_ms` row covers [ts, ts + dur_ns] or [ts, ts + value ms]; a window metric row covers
 * [ts, ts + dur_ns], or without dur_ns [previous row's ts, ts] (the first row: an empty window).
 */
function windowOf(
  metric: string,
  series: MetricSeries,
  order: number[],
  position: number,
  durations: ReadonlyMap<number, number> | undefined
): { start: number; end: number } {
  const row = order[position]
  const ts = series.ts[row]
  const dur = Number.isNaN(series.dur[row])
    ? (durations?.get(series.row[row]) ?? NaN)
    : series.dur[row]
  if (!Number.isNaN(dur)) return { start: ts, end: ts + dur }
  if (metric === 'tick_ms')
    return { start: ts, end: ts + Math.round(series.value[row] * NS_PER_MS) }
  const previous = position > 0 ? series.ts[order[position - 1]] : ts
  return { start: previous, end: ts }
}

/** Detection per analysis-and-report.md: p95 + k·σ over the whole file, never under the floor. */
export function detectSpikes(
  series: ReadonlyMap<string, MetricSeries>,
  options: DetectionOptions,
  /** dur_ns by file row, for series read without durations (only spike rows need one). */
  durations?: ReadonlyMap<number, number>
): Detection {
  const notes: string[] = []
  const floorMs = Math.max(FLOOR_MS, options.thresholdMs)
  const metric = chooseMetric(series, options.metric, notes)
  const empty = {
    samples: 0,
    floorMs,
    p95Ms: null,
    sigmaMs: null,
    thresholdMs: null,
    spikes: [],
    omitted: 0
  }
  if (metric === null) return { metric, ...empty, notes }

  const data = series.get(metric) as MetricSeries
  // ±Infinity would make σ NaN and the threshold max(floor, NaN): every spike silently lost
  const values = Float64Array.from(data.value.filter((value) => Number.isFinite(value)))
  const infinite = data.value.filter((value) => value === Infinity || value === -Infinity).length
  if (infinite > 0) {
    notes.push(`${infinite} infinite value(s) of ${metric} were left out of detection`)
  }
  const sigmaMs = populationSigma(values)
  const p95Ms = percentile(values.slice().sort(), 95)
  const thresholdMs = Math.max(floorMs, p95Ms + options.sigmaMult * sigmaMs)
  if (!Number.isFinite(thresholdMs)) {
    notes.push(
      `the ${metric} values are too large for a threshold (p95 + ${options.sigmaMult}·σ overflows)`
    )
  }

  const order = sortedByTime(data)
  let positions: number[] = []
  order.forEach((row, position) => {
    const valueMs = data.value[row]
    if (Number.isFinite(valueMs) && valueMs >= thresholdMs) positions.push(position)
  })
  const omitted = Math.max(0, positions.length - MAX_SPIKES_PER_RUN)
  if (omitted > 0) {
    const valueAt = (position: number) => data.value[order[position]]
    const worstFirst = positions.sort((a, b) => valueAt(b) - valueAt(a) || a - b)
    const least = valueAt(worstFirst[MAX_SPIKES_PER_RUN])
    notes.push(
      `${omitted} more spike(s), of ${least} ms or less, were not attributed: ` +
        `a run keeps its ${MAX_SPIKES_PER_RUN} worst spikes`
    )
    positions = worstFirst.slice(0, MAX_SPIKES_PER_RUN).sort((a, b) => a - b)
  }
  const spikes = positions.map((position): SpikeWindow => {
    const row = order[position]
    const { start, end } = windowOf(metric, data, order, position, durations)
    return { row: data.row[row], ts: data.ts[row], start, end, valueMs: data.value[row] }
  })
  return {
    metric,
    samples: values.length,
    floorMs,
    p95Ms,
    sigmaMs,
    thresholdMs,
    spikes,
    omitted,
    notes
  }
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
  const finite = series.ts.filter((_, i) => Number.isFinite(series.value[i]))
  const last = finite.reduce((max, ts) => Math.max(max, ts), runStartOffset)
  const spanMs = Math.max(1, (last - runStartOffset) / NS_PER_MS)
  const bucketMs = Math.max(1, Math.ceil(spanMs / points))
  const count = Math.min(points, Math.floor(spanMs / bucketMs) + 1)
  const max: (number | null)[] = new Array(count).fill(null)
  series.ts.forEach((ts, i) => {
    const value = series.value[i]
    if (!Number.isFinite(value)) return
    const bucket = Math.min(count - 1, Math.floor((ts - runStartOffset) / NS_PER_MS / bucketMs))
    const current = max[bucket]
    if (current === null || value > current) max[bucket] = value
  })
  return { bucket_ms: bucketMs, max_ms: max }
}
