import { basename, dirname } from 'node:path'
import type { Column } from '../telemetry/columns.js'
import {
  openEventsFile,
  type EventsFile,
  readBatches,
  type ReaderKind
} from '../telemetry/events-file.js'
import { EventsFileError } from '../telemetry/parquet-file.js'
import { readBatchesInWorkers, threadsFor } from '../telemetry/decode-workers.js'
import { ATTRIBUTION_COLUMNS, bounded, createAttributor } from './attribute.js'
import {
  downsample,
  findSpikes,
  FLOOR_MS,
  MetricError,
  spikeWindows,
  type MetricSeries,
  type SpikeWindow,
  type Spread
} from './detect.js'
import {
  createFrameClassifier,
  DEFAULT_LIBRARIES,
  NOT_PLUGIN_PREFIXES,
  resolveRegistry,
  type JarRegistry,
  type LibrarySetting,
  type PluginRegistry,
  type ResolvedRegistry
} from './plugins.js'
import { createProfiler, PROFILE_COLUMNS, type Profiler, type RunProfile } from './profile.js'
import type { RunReport } from './types.js'
import { countAtMost, groupMayOverlap, indexWindows } from './windows.js'
import { errorMessage } from '../errors.js'

/** A thread-name pattern: a RegExp, or a linear-time RE2 pattern for what users write. */
export interface NamePattern {
  readonly source: string
  test(name: string): boolean
}

export interface AnalysisOptions {
  /** Force this L0 metric instead of the first MSPT metric present. */
  metric?: string
  thresholdMs: number
  sigmaMult: number
  spread: Spread
  tickThread: NamePattern
  /** The user's registry (plugin-packages). */
  registry: PluginRegistry
  /** The registry built from the plugin jars (plugins-dir), when given. */
  pluginJars?: JarRegistry
  libraries: LibrarySetting
  notPluginPrefixes: readonly string[]
  /** `reference` reads through hyparquet's general reader: slower, for checking the fast one. */
  reader?: ReaderKind
  /**
   * Threads decoding the whole-file pass's row groups (undefined: telemetry/decode-workers.ts
   * decides, one for now). Never changes an answer.
   */
  threads?: number
  /** Told as the reading goes (the CLI's progress line); never changes what is computed. */
  progress?: AnalysisProgress
}

/** Hooks for a progress display: a file is opened, rows of the whole-file pass were read. */
export interface AnalysisProgress {
  file?(shownPath: string): void
  rows?(count: number): void
}

export const DEFAULT_TICK_THREAD = '^Server thread$'

export const DEFAULT_OPTIONS: AnalysisOptions = {
  thresholdMs: FLOOR_MS,
  sigmaMult: 3,
  spread: 'stddev',
  tickThread: new RegExp(DEFAULT_TICK_THREAD),
  registry: new Map(),
  libraries: DEFAULT_LIBRARIES,
  notPluginPrefixes: NOT_PLUGIN_PREFIXES
}

const resolved = new WeakMap<AnalysisOptions, ResolvedRegistry>()

/** The registries of the options merged, once per options object (a jar registry may be large). */
export function pluginRegistryOf(options: AnalysisOptions): ResolvedRegistry {
  let registry = resolved.get(options)
  if (!registry) {
    registry = resolveRegistry(options.registry, options.pluginJars, options.libraries)
    resolved.set(options, registry)
  }
  return registry
}

const LAYER_NAMES: Record<string, string> = {
  L1: 'L1 async-profiler stacks',
  L2: 'L2 JFR events',
  L3: 'L3 /proc io deltas',
  L4: 'L4 syscalls and block I/O'
}

/**
 * run_id and repeat come from the columns, else from the path `<run_id>/<repeat>/events.parquet`,
 * else from the file name (repeat 0).
 */
export function runIdentity(
  file: string,
  profile: Pick<RunProfile, 'runId' | 'repeat'>
): { runId: string; repeat: number } {
  const repeatDir = basename(dirname(file))
  const fromPath = /^\d+$/.test(repeatDir) ? basename(dirname(dirname(file))) : ''
  const runId =
    profile.runId ?? (fromPath !== '' && fromPath !== '.' ? fromPath : basename(file, '.parquet'))
  const repeat = profile.repeat ?? (fromPath !== '' ? Number(repeatDir) : 0)
  return { runId, repeat }
}

/** Unknown layer names listed (in notes and in `layers`) at most: a file may hold millions. */
const UNKNOWN_LAYERS_LISTED = 10

const unknownLayers = (profile: RunProfile) =>
  [...profile.layers.keys()].filter((layer) => !/^L[0-4]$/.test(layer)).sort()

function runNotes(profile: RunProfile): string[] {
  const notes: string[] = []
  if (profile.rowsWithoutTime > 0) {
    notes.push(`${profile.rowsWithoutTime} row(s) without a timestamp were ignored`)
  }
  if (profile.rowsWithoutLayer > 0) {
    notes.push(`${profile.rowsWithoutLayer} row(s) without a layer were ignored`)
  }
  const unknown = unknownLayers(profile)
  if (unknown.length > 0) {
    const named = unknown.slice(0, UNKNOWN_LAYERS_LISTED).map((layer) => bounded(layer, 40))
    const more = unknown.length - named.length
    notes.push(
      `rows of unknown layers were ignored: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`
    )
  }
  const absent = Object.keys(LAYER_NAMES).filter((layer) => !profile.layers.has(layer))
  if (absent.length > 0) {
    notes.push(`absent from this file: ${absent.map((layer) => LAYER_NAMES[layer]).join('; ')}`)
  }
  if (profile.layers.has('L1')) {
    const { sampling } = profile
    if (sampling.source === 'median-gap') {
      notes.push(
        `L1 samples without weight stand for ${Math.round(sampling.ns) / 1e6} ms each ` +
          '(median gap between consecutive samples of one thread)'
      )
    } else if (sampling.source === 'default') {
      notes.push(
        'L1 samples without weight stand for 10 ms each (too few samples per thread to measure the interval)'
      )
    }
  }
  return notes
}

/** run_id and repeat from the first row group(s) that have them: they are the same on every row. */
async function readIdentity(file: EventsFile, profiler: Profiler, reader: ReaderKind | undefined) {
  const columns = (['run_id', 'repeat'] as const).filter((column) => file.columns[column])
  for (const span of columns.length > 0 ? file.rowGroups : []) {
    for await (const batch of readBatches(file, columns, [span], reader)) profiler.identity(batch)
    if (profiler.identityKnown(columns)) return
  }
}

/** dur_ns of the given file rows, reading only the row groups that hold them. */
async function readDurations(
  file: EventsFile,
  rows: readonly number[],
  reader: ReaderKind | undefined
): Promise<Map<number, number>> {
  const sorted = Float64Array.from(rows).sort()
  const firstFrom = (row: number) => countAtMost(sorted, row - 1)
  const holdsOne = (rowStart: number, length: number) => {
    const first = firstFrom(rowStart)
    return first < sorted.length && sorted[first] < rowStart + length
  }
  const groups = file.rowGroups.filter((span) => holdsOne(span.rowStart, span.rowCount))
  const durations = new Map<number, number>()
  for await (const { rowStart, length, dur } of readBatches(file, ['dur'], groups, reader)) {
    if (!dur) continue
    for (let i = firstFrom(rowStart); i < sorted.length && sorted[i] < rowStart + length; i++) {
      durations.set(sorted[i], dur[sorted[i] - rowStart])
    }
  }
  return durations
}

/** The attributor of a run's spikes: the second pass hands it the rows of their windows. */
export type Attributor = ReturnType<typeof createAttributor>

/**
 * One repeat's telemetry as the analysis reads it, whatever holds it: an events.parquet file or a
 * database (docs/input.md). Every source yields the same column batches, so detection,
 * attribution and the report are one engine.
 */
export interface RunSource {
  /** Where the input came from, as the report shows it. */
  shown: string
  /** Times in batches are offsets from this (the earliest ts_ns of the run). */
  baseNs: bigint
  /** The contract columns the source has: notes say which attribution they leave empty. */
  columns: ReadonlySet<Column>
  /** First pass over the whole run: everything the profiler learns. */
  profile(profiler: Profiler): Promise<void>
  /** dur_ns of metric series rows read without it; undefined when the series carried it. */
  durations(rows: readonly number[]): Promise<ReadonlyMap<number, number> | undefined>
  /** Second pass: the rows that may overlap the spike windows, handed to the attributor. */
  attribute(spikes: readonly SpikeWindow[], attributor: Attributor): Promise<void>
  /** run_id and repeat when the rows did not say. */
  identity(profile: RunProfile): { runId: string; repeat: number }
  /** What the source itself has to say (a table it lacks), before the run's own notes. */
  notes: readonly string[]
}

/**
 * Analyses one repeat: the first pass profiles the whole run (metric series, layers, thread
 * names, sampling interval), detection finds the spike windows, and the second pass reads only
 * the rows that may overlap a window. Throws MetricError for a forced metric without values.
 */
export async function analyseRun(source: RunSource, options: AnalysisOptions): Promise<RunReport> {
  const profiler = createProfiler(options.metric)
  await source.profile(profiler)
  const profile = profiler.finish()

  const search = findSpikes(profile.series, options)
  // only spike rows need dur_ns: read for them alone, after the whole-run pass
  const durations = search.rows.length > 0 ? await source.durations(search.rows) : undefined
  const detection = { ...search, spikes: spikeWindows(search, profile.series, durations) }

  const attributor = createAttributor(detection.spikes, {
    threadNames: profile.threadNames,
    tickThread: options.tickThread,
    samplingNs: profile.sampling.ns,
    classify: createFrameClassifier(pluginRegistryOf(options), options.notPluginPrefixes),
    availability: { layers: new Set(profile.layers.keys()), columns: source.columns },
    baseNs: source.baseNs,
    runStartOffset: profile.startOffset
  })
  if (detection.spikes.length > 0) await source.attribute(detection.spikes, attributor)

  const { runId, repeat } = source.identity(profile)
  const listed = new Set(unknownLayers(profile).slice(0, UNKNOWN_LAYERS_LISTED))
  const layers = Object.fromEntries(
    [...profile.layers]
      .filter(([layer]) => /^L[0-4]$/.test(layer) || listed.has(layer))
      .map(([layer, rows]) => [bounded(layer, 40), rows])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  )
  return {
    run_id: bounded(runId),
    repeat,
    file: source.shown,
    metric: detection.metric,
    samples: detection.samples,
    floor_ms: detection.floorMs,
    p95_ms: detection.p95Ms,
    sigma_ms: detection.sigmaMs,
    sigma_mult: options.sigmaMult,
    threshold_ms: detection.thresholdMs,
    start_ns: (source.baseNs + BigInt(Math.round(profile.startOffset))).toString(),
    rows: profile.rows,
    layers,
    sampling_interval_ms:
      profile.sampling.source === 'weight' ? null : Math.round(profile.sampling.ns) / 1e6,
    sampling_source: profile.sampling.source,
    series:
      detection.metric === null
        ? null
        : downsample(profile.series.get(detection.metric) as MetricSeries, profile.startOffset),
    spikes: attributor.finish(),
    spikes_omitted: detection.omitted,
    notes: [...source.notes, ...detection.notes, ...runNotes(profile)]
  }
}

/** An opened events.parquet as a RunSource: row groups, their statistics, the fast reader. */
function parquetSource(
  path: string,
  file: EventsFile,
  options: AnalysisOptions,
  shownPath: string
): RunSource {
  return {
    shown: shownPath,
    baseNs: file.baseNs,
    columns: new Set(Object.keys(file.columns) as Column[]),
    async profile(profiler) {
      // the whole-file pass: row groups decoded in worker threads when asked (--threads)
      const threads = options.reader === 'reference' ? 1 : threadsFor(file, options.threads)
      const batches =
        threads > 1
          ? readBatchesInWorkers(file, PROFILE_COLUMNS, threads)
          : readBatches(file, PROFILE_COLUMNS, file.rowGroups, options.reader)
      for await (const batch of batches) {
        profiler.add(batch)
        options.progress?.rows?.(batch.length)
      }
      await readIdentity(file, profiler, options.reader)
    },
    durations: async (rows) =>
      file.columns.dur ? readDurations(file, rows, options.reader) : undefined,
    async attribute(spikes, attributor) {
      const windows = indexWindows(spikes)
      const groups = file.rowGroups.filter((span) => groupMayOverlap(span, windows))
      // only rows that overlap a window are decoded beyond ts, dur_ns and layer
      const selector = { keys: ['ts', 'dur', 'layer'] as Column[], rows: attributor.select }
      const batches = readBatches(
        file,
        ATTRIBUTION_COLUMNS,
        groups,
        options.reader,
        undefined,
        selector
      )
      for await (const batch of batches) attributor.add(batch)
    },
    identity: (profile) => runIdentity(path, profile),
    notes: []
  }
}

/**
 * Analyses one events.parquet (analyseRun over its row groups). Throws EventsFileError for
 * anything unreadable.
 */
export async function analyseFile(
  path: string,
  options: AnalysisOptions,
  shownPath: string = path
): Promise<RunReport> {
  options.progress?.file?.(shownPath)
  let file
  try {
    file = await openEventsFile(path)
  } catch (error) {
    if (error instanceof EventsFileError) throw new EventsFileError(shownPath, error.problem)
    throw error
  }
  try {
    return await analyseRun(parquetSource(path, file, options, shownPath), options)
  } catch (error) {
    if (error instanceof MetricError) throw new EventsFileError(shownPath, error.message)
    if (error instanceof EventsFileError) {
      throw error.file === shownPath ? error : new EventsFileError(shownPath, error.problem)
    }
    throw new EventsFileError(shownPath, `analysis failed (${errorMessage(error)})`)
  } finally {
    await file.close()
  }
}
