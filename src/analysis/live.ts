/**
 * Live spike detection over the PostgreSQL sidecar (`iostorm tail`, docs/postgres.md): per stream
 * (run_id, repeat) a rolling window of the metric, the threshold of detect recomputed over it on
 * each poll, each fresh row at or above it a spike, attributed with detect's rules once the other
 * collectors have caught up (or two polls later). Memory holds the windows, not the run.
 */
import { createAttributor } from './attribute.js'
import { pluginRegistryOf, type AnalysisOptions } from './analyse-file.js'
import { attributeRanges, profileThreads } from './analyse-database.js'
import {
  findSpikes,
  MSPT_METRICS,
  spikeWindows,
  type MetricSeries,
  type SpikeWindow
} from './detect.js'
import { createFrameClassifier } from './plugins.js'
import { createProfiler } from './profile.js'
import type { SpikeReport } from './types.js'
import type { Database } from '../telemetry/pg-connect.js'
import {
  edgeOf,
  findStreams,
  longestIn,
  metricRows,
  type MetricRow,
  type StreamKey
} from '../telemetry/pg-live.js'
import {
  availableColumns,
  type Table,
  type TableName,
  type Tables
} from '../telemetry/pg-tables.js'

export interface LiveOptions {
  /** Follow the repeats of this run; undefined: every run that receives rows (--all). */
  runId?: string
  windowS: number
  from: 'start' | 'now'
  analysis: AnalysisOptions
}

/** A spike, attributed, as tail prints it. */
export interface LiveSpike {
  type: 'spike'
  run_id: string
  repeat: number
  metric: string
  threshold_ms: number
  /** Collectors (tables) that had no rows past the window's end when it was printed. */
  missing: TableName[]
  spike: SpikeReport
}

export interface StreamStatus {
  run_id: string
  repeat: number
  metric: string | null
  threshold_ms: number | null
  window_values: number
}

export interface LiveStatus {
  streams: StreamStatus[]
  rows: number
  spikes: number
}

const NS_PER_S = 1_000_000_000n
const COLLECTORS = ['samples', 'syscalls', 'io_events'] as const

/** What tail knows of one collector table for a stream. */
interface CollectorState {
  /** Newest ts_ns the table holds for the stream (undefined: no row yet). */
  latest: bigint | undefined
  /** Rows up to here have been scanned for their longest dur_ns. */
  scannedTo: bigint
  longest: bigint
}

interface Stream {
  key: StreamKey
  /** The repeat's first row over every table: offsets and the spike's offset count from here. */
  base: bigint
  /** Last metric row seen: the next poll reads rows after it. */
  after: bigint
  metric: string | null
  /** The rolling window (offsets from base, ms values, dur ns), of the metric once chosen. */
  ts: number[]
  metrics: string[]
  values: number[]
  durs: number[]
  threshold: number | null
  collectors: Map<TableName, CollectorState>
}

interface Pending {
  stream: Stream
  window: SpikeWindow
  threshold: number
  metric: string
  foundAt: number
}

/** How far a row's start may lie before a window and be credited in tail: one window. */
function lookBackCap(options: LiveOptions): bigint {
  return BigInt(Math.round(options.windowS)) * NS_PER_S
}

export interface Live {
  /**
   * One poll: new streams, new metric rows, spikes found, ready spikes attributed and handed to
   * `emit` (each exactly once). Returns whether rows are still waiting beyond a window (catch-up:
   * poll again at once). A failure leaves the state as it was before the failed step.
   */
  poll(emit: (spike: LiveSpike) => void): Promise<boolean>
  status(): LiveStatus
  /** Carries on over a new connection after the old one was lost. */
  reconnected(database: Database): void
}

export function createLive(initial: Database, tables: Tables, options: LiveOptions): Live {
  let database = initial
  const windowNs = BigInt(Math.round(options.windowS * 1e9))
  const tracked =
    options.analysis.metric !== undefined ? [options.analysis.metric] : [...MSPT_METRICS]
  const streams = new Map<string, Stream>()
  const pending: Pending[] = []
  let polls = 0
  let discovered = false
  let rows = 0
  let spikes = 0

  async function newStream(key: StreamKey, existing: boolean): Promise<Stream> {
    let base: bigint | undefined
    for (const name of ['metrics', ...COLLECTORS] as const) {
      const table = tables[name]
      if (!table) continue
      const first = await edgeOf(database, table, key, false)
      if (first !== undefined && (base === undefined || first < base)) base = first
    }
    const start = (base ?? 0n) - 1n
    const latest = await edgeOf(database, tables.metrics, key, true)
    // --from now: what has arrived before tail started is history, read only as the window
    const fromNow = existing && options.from === 'now'
    const after = fromNow && latest !== undefined ? latest : start
    const collectors = new Map<TableName, CollectorState>()
    for (const name of COLLECTORS) {
      if (!tables[name]) continue
      const scannedTo = after - windowNs > start ? after - windowNs : start
      collectors.set(name, { latest: undefined, scannedTo, longest: 0n })
    }
    const stream: Stream = {
      key,
      base: base ?? 0n,
      after,
      metric: null,
      ts: [],
      metrics: [],
      values: [],
      durs: [],
      threshold: null,
      collectors
    }
    if (fromNow && latest !== undefined) await fillWindow(stream, latest - windowNs, latest)
    return stream
  }

  /** Reads (from, until] into the window without looking for spikes (history before tail). */
  async function fillWindow(stream: Stream, from: bigint, until: bigint): Promise<void> {
    for await (const batch of metricRows(database, tables, stream.key, from, until, tracked)) {
      for (const row of batch) push(stream, row)
    }
    chooseMetric(stream)
    if (stream.metric !== null) {
      const metric = stream.metric
      stream.threshold = findSpikes(new Map([[metric, seriesOf(stream)]]), {
        ...options.analysis,
        metric
      }).thresholdMs
    }
  }

  function seriesOf(stream: Stream): MetricSeries {
    return {
      ts: stream.ts,
      value: stream.values,
      dur: stream.durs,
      row: stream.ts.map((_, index) => index)
    }
  }

  function push(stream: Stream, row: MetricRow): void {
    if (stream.metric !== null && row.metric !== stream.metric) return
    stream.ts.push(Number(row.ts - stream.base))
    stream.metrics.push(row.metric)
    stream.values.push(row.value)
    stream.durs.push(row.dur)
  }

  /** The first tracked metric with a value in the window, kept for the rest of the stream. */
  function chooseMetric(stream: Stream): void {
    if (stream.metric !== null) return
    const present = new Set(
      stream.metrics.filter((_, index) => Number.isFinite(stream.values[index]))
    )
    const chosen = tracked.find((name) => present.has(name))
    if (chosen === undefined) return
    stream.metric = chosen
    const keep = stream.metrics.map((name) => name === chosen)
    for (const column of ['ts', 'metrics', 'values', 'durs'] as const) {
      const values = stream[column] as unknown[]
      stream[column] = values.filter((_, index) => keep[index]) as never
    }
  }

  /** Drops window rows older than one window before the newest. */
  function evict(stream: Stream): void {
    const newest = stream.ts[stream.ts.length - 1]
    if (newest === undefined) return
    const oldest = newest - Number(windowNs)
    let drop = 0
    while (drop < stream.ts.length && stream.ts[drop] < oldest) drop++
    if (drop === 0) return
    for (const column of ['ts', 'metrics', 'values', 'durs'] as const)
      stream[column].splice(0, drop)
  }

  /** New metric rows of a stream (at most one window of them), and the spikes among them. */
  async function readStream(stream: Stream): Promise<boolean> {
    const latest = await edgeOf(database, tables.metrics, stream.key, true)
    if (latest === undefined || latest <= stream.after) return false
    const until = latest - stream.after > windowNs ? stream.after + windowNs : latest
    const fresh: MetricRow[] = []
    for await (const batch of metricRows(
      database,
      tables,
      stream.key,
      stream.after,
      until,
      tracked
    )) {
      fresh.push(...batch)
    }
    // nothing above changed the stream: a failure before here reads the same rows again
    const freshFrom = Number(stream.after - stream.base)
    stream.after = until
    rows += fresh.length
    for (const row of fresh) push(stream, row)
    chooseMetric(stream)
    evict(stream)
    if (stream.metric !== null && fresh.length > 0) findFresh(stream, freshFrom)
    return latest > until
  }

  function findFresh(stream: Stream, freshFrom: number): void {
    const metric = stream.metric as string
    const all = new Map([[metric, seriesOf(stream)]])
    const search = findSpikes(all, { ...options.analysis, metric })
    stream.threshold = search.thresholdMs
    for (const window of spikeWindows(search, all)) {
      if (window.ts <= freshFrom) continue
      pending.push({
        stream,
        window,
        threshold: search.thresholdMs as number,
        metric,
        foundAt: polls
      })
    }
  }

  async function updateCollectors(stream: Stream): Promise<void> {
    for (const [name, state] of stream.collectors) {
      const table = tables[name] as Table
      const latest = await edgeOf(database, table, stream.key, true)
      if (latest === undefined) continue
      if (latest > state.scannedTo) {
        const longest = await longestIn(database, table, stream.key, state.scannedTo, latest)
        if (longest > state.longest) state.longest = longest
        state.scannedTo = latest
      }
      state.latest = latest
    }
  }

  /** The collectors without rows past the window's end. */
  function lagging(item: Pending): TableName[] {
    const end = item.stream.base + BigInt(Math.ceil(item.window.end))
    return [...item.stream.collectors]
      .filter(([, state]) => state.latest === undefined || state.latest < end)
      .map(([name]) => name)
  }

  async function attribute(stream: Stream, ready: Pending[], emit: (spike: LiveSpike) => void) {
    const windows = ready.map((item) => item.window)
    const first = windows.reduce((low, window) => Math.min(low, window.start), Infinity)
    const last = windows.reduce((high, window) => Math.max(high, window.end), -Infinity)
    const params = [stream.key.runId, stream.key.repeat, stream.base.toString()]
    // thread names and the sampling interval from the L1/L2 rows of the window before the spikes
    const profiler = createProfiler()
    const low = stream.base + BigInt(Math.floor(first)) - windowNs
    const high = stream.base + BigInt(Math.ceil(last))
    await profileThreads(database, tables, params, profiler, [low, high])
    const profile = profiler.finish()
    const layers = new Set<string>(['L0', ...profile.layers.keys()])
    if (tables.syscalls && (stream.collectors.get('syscalls')?.latest ?? undefined) !== undefined)
      layers.add('L4')
    const ioLayers = await ioLayersIn(stream, low, high)
    for (const layer of ioLayers) layers.add(layer)
    const attributor = createAttributor(windows, {
      threadNames: profile.threadNames,
      tickThread: options.analysis.tickThread,
      samplingNs: profile.sampling.ns,
      classify: createFrameClassifier(
        pluginRegistryOf(options.analysis),
        options.analysis.notPluginPrefixes
      ),
      availability: { layers, columns: availableColumns(tables) },
      baseNs: stream.base,
      runStartOffset: 0
    })
    const cap = lookBackCap(options)
    const longest = new Map<Table, bigint>()
    for (const [name, state] of stream.collectors) {
      longest.set(tables[name] as Table, state.longest < cap ? state.longest : cap)
    }
    await attributeRanges(database, tables, params, windows, stream.base, longest, attributor)
    const reports = attributor.finish()
    ready.forEach((item, index) => {
      const at = pending.indexOf(item)
      if (at >= 0) pending.splice(at, 1)
      spikes++
      emit({
        type: 'spike',
        run_id: stream.key.runId,
        repeat: stream.key.repeat,
        metric: item.metric,
        threshold_ms: item.threshold,
        missing: lagging(item),
        spike: reports[index]
      })
    })
  }

  /** The layers of io_events rows in [low, high] (L2, L3, L4 block I/O …). */
  async function ioLayersIn(stream: Stream, low: bigint, high: bigint): Promise<string[]> {
    const table = tables.io_events
    const layer = table?.columns.get('layer')
    if (!table || !layer) return []
    const { rows: found } = await database.client.query<{ layer: string }>(
      `SELECT DISTINCT ${layer.expression} AS layer FROM ${table.qualified}
        WHERE run_id = $1 AND repeat = $2 AND ts_ns >= $3::bigint AND ts_ns <= $4::bigint
          AND ${layer.expression} IS NOT NULL`,
      [stream.key.runId, stream.key.repeat, low.toString(), high.toString()]
    )
    return found.map((row) => row.layer)
  }

  async function poll(emit: (spike: LiveSpike) => void): Promise<boolean> {
    polls++
    const keys = await findStreams(database, tables, options.runId)
    for (const key of keys) {
      const id = JSON.stringify([key.runId, key.repeat])
      if (!streams.has(id)) streams.set(id, await newStream(key, !discovered))
    }
    discovered = true
    let more = false
    for (const stream of streams.values()) {
      if (await readStream(stream)) more = true
      await updateCollectors(stream)
    }
    const byStream = new Map<Stream, Pending[]>()
    for (const item of [...pending].sort((a, b) => a.window.ts - b.window.ts)) {
      if (lagging(item).length > 0 && polls < item.foundAt + 2) continue
      byStream.set(item.stream, [...(byStream.get(item.stream) ?? []), item])
    }
    for (const [stream, ready] of byStream) await attribute(stream, ready, emit)
    return more
  }

  function status(): LiveStatus {
    return {
      streams: [...streams.values()].map((stream) => ({
        run_id: stream.key.runId,
        repeat: stream.key.repeat,
        metric: stream.metric,
        threshold_ms: stream.threshold,
        window_values: stream.ts.length
      })),
      rows,
      spikes
    }
  }

  return {
    poll,
    status,
    reconnected(next) {
      database = next
    }
  }
}
