import type { Column } from '../telemetry/columns.js'
import { stringAt, type Batch, type FramesColumn, type StringColumn } from '../telemetry/batch.js'
import type { SpikeWindow } from './detect.js'
import { pluginFrames, type FrameClassifier, type PluginRef } from './plugins.js'
import type {
  DeviceShare,
  PathShare,
  PluginShare,
  SpikeReport,
  SyscallShare,
  ThreadShare
} from './types.js'
import { indexWindows } from './windows.js'

/** The columns the second pass reads, for the row groups that overlap a spike window. */
export const ATTRIBUTION_COLUMNS: readonly Column[] = [
  'ts',
  'dur',
  'layer',
  'event',
  'tid',
  'thread',
  'comm',
  'frames',
  'plugin',
  'weight',
  'syscall',
  'path',
  'bytes',
  'device',
  'read_bytes',
  'write_bytes',
  'metric',
  'value'
]

/** Syscalls that say a thread waited, not on what: listed, but ranked after all others. */
export const WAIT_SYSCALLS: ReadonlySet<string> = new Set([
  'futex',
  'nanosleep',
  'clock_nanosleep',
  'epoll_wait',
  'epoll_pwait',
  'poll',
  'ppoll',
  'select',
  'pselect6'
])

const LAYER_INDEX = new Map(['L0', 'L1', 'L2', 'L3', 'L4'].map((name, index) => [name, index]))

/** Longest list of each kind kept per spike; the rest is counted in a note. */
export const LIST_LIMIT = 25

/** Longest name kept in a report (a path: PATH_MAX); a longer one is cut, with an ellipsis. */
export const NAME_LIMIT = 4096

/**
 * A name from telemetry as the report keeps it: a thread or path of a megabyte would otherwise be
 * copied into every spike that mentions it, and the report would grow without bound.
 */
export function bounded(name: string, max = NAME_LIMIT): string {
  return name.length <= max ? name : `${name.slice(0, max - 1)}…`
}

/** What the file can tell at all, so notes can say why a part of the attribution is empty. */
export interface Availability {
  layers: ReadonlySet<string>
  columns: ReadonlySet<Column>
}

export interface AttributionContext {
  threadNames: ReadonlyMap<number, string>
  tickThread: { test(name: string): boolean }
  samplingNs: number
  classify: FrameClassifier
  availability: Availability
  baseNs: bigint
  runStartOffset: number
}

interface ThreadTally {
  tid: number | null
  name: string
  tick: boolean
  samples: number
  cpuNs: number
  syscallNs: number
  waitNs: number
  syscallRows: number
  ioBytes: number
}

interface SyscallTally {
  count: number
  totalNs: number
  maxNs: number
}

interface SpikeTally {
  window: SpikeWindow
  threads: Map<number | string, ThreadTally>
  plugins: Map<string, { samples: number; tickSamples: number; cpuNs: number }>
  /** owner plugin → outermost plugin of its samples → [all threads, tick thread] counts */
  entries: Map<string, Map<string, [number, number]>>
  /** owner plugin → library plugin it was running in → [all threads, tick thread] counts */
  vias: Map<string, Map<string, [number, number]>>
  /** Plugin names of this spike made by the automatic rule (owners and entries). */
  automatic: Set<string>
  syscalls: Map<string, SyscallTally>
  tickSyscalls: Map<string, SyscallTally>
  paths: Map<string, { totalNs: number; bytes: number; ops: number }>
  devices: Map<string, { bytes: number; ops: number; totalNs: number }>
  samples: number
  l2Rows: number
  /** The longest JFR garbage-collection event's overlap with the window (docs/analysis.md). */
  gcPauseNs: number
  l3Rows: number
  syscallRows: number
  blockRows: number
  commOnlyThreads: Set<string>
}

function newTally(window: SpikeWindow): SpikeTally {
  return {
    window,
    threads: new Map(),
    plugins: new Map(),
    entries: new Map(),
    vias: new Map(),
    automatic: new Set(),
    syscalls: new Map(),
    tickSyscalls: new Map(),
    paths: new Map(),
    devices: new Map(),
    samples: 0,
    l2Rows: 0,
    gcPauseNs: 0,
    l3Rows: 0,
    syscallRows: 0,
    blockRows: 0,
    commOnlyThreads: new Set()
  }
}

const ms = (ns: number) => Math.round(ns) / 1e6
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function addSyscall(map: Map<string, SyscallTally>, name: string, ns: number): void {
  const tally = map.get(name)
  if (tally) {
    tally.count++
    tally.totalNs += ns
    if (ns > tally.maxNs) tally.maxNs = ns
  } else {
    map.set(name, { count: 1, totalNs: ns, maxNs: ns })
  }
}

/** Non-wait syscalls first, then by time, count and name. */
function rankSyscalls(map: Map<string, SyscallTally>): [string, SyscallTally][] {
  return [...map].sort(
    ([nameA, a], [nameB, b]) =>
      Number(WAIT_SYSCALLS.has(nameA)) - Number(WAIT_SYSCALLS.has(nameB)) ||
      b.totalNs - a.totalNs ||
      b.count - a.count ||
      byName(nameA, nameB)
  )
}

function firstSyscall(
  tally: SpikeTally
): Pick<SpikeReport, 'first_syscall' | 'first_syscall_scope'> {
  const tick = rankSyscalls(tally.tickSyscalls).map(([name]) => name)
  const all = rankSyscalls(tally.syscalls).map(([name]) => name)
  const nonWait = (names: string[]) => names.find((name) => !WAIT_SYSCALLS.has(name))
  const pick = (name: string | undefined, scope: 'tick-thread' | 'all-threads') =>
    name === undefined ? undefined : { first_syscall: name, first_syscall_scope: scope }
  return (
    pick(nonWait(tick), 'tick-thread') ??
    pick(nonWait(all), 'all-threads') ??
    pick(tick[0], 'tick-thread') ??
    pick(all[0], 'all-threads') ?? { first_syscall: null, first_syscall_scope: null }
  )
}

function limited<T>(list: T[], what: string, notes: string[]): T[] {
  if (list.length <= LIST_LIMIT) return list
  notes.push(`${list.length - LIST_LIMIT} more ${what} not listed`)
  return list.slice(0, LIST_LIMIT)
}

/** Adds the automatic plugin names of a row's frames to `names`. */
function automaticNames(
  frames: FramesColumn,
  row: number,
  pluginOfFrame: readonly (PluginRef | null)[],
  names: Set<string>
): void {
  for (let k = frames.offsets[row]; k < frames.offsets[row + 1]; k++) {
    const plugin = pluginOfFrame[frames.codes[k]]
    if (plugin?.automatic) names.add(plugin.name)
  }
}

/** One more sample of `owner` with `name` (entry or via plugin): all threads, and tick thread. */
function count(
  map: Map<string, Map<string, [number, number]>>,
  owner: string,
  name: string,
  tick: boolean
): void {
  let counts = map.get(owner)
  if (!counts) map.set(owner, (counts = new Map()))
  const pair = counts.get(name) ?? [0, 0]
  pair[0]++
  if (tick) pair[1]++
  counts.set(name, pair)
}

/** What one row says about its thread, resolved once for every window it overlaps. */
interface RowFacts {
  threadId: number
  name: string | null
  /** Known only by its kernel name (comm): no L1/L2 row maps its tid to a full name. */
  commOnly: boolean
}

/** Per dictionary entry of a batch, looked up once: rows then index arrays. */
interface Lookups {
  pluginOfFrame: (PluginRef | null)[] | undefined
  syscallWait: boolean[] | undefined
  metricIsBytes: boolean[] | undefined
  gcEvent: boolean[] | undefined
}

/**
 * JFR events that are a garbage collection (the pause or the whole collection); only the longest
 * one overlapping a window counts, so the young/old event of the same collection is not added twice.
 */
const GC_EVENTS = new Set([
  'jdk.GarbageCollection',
  'jdk.YoungGarbageCollection',
  'jdk.OldGarbageCollection',
  'jdk.GCPhasePause'
])

/** L2 file events and L4 syscalls with a path: overlapping time, whole bytes, one op. */
function addPath(
  tally: SpikeTally,
  path: string | null | undefined,
  overlapNs: number,
  size: number | undefined
): void {
  if (!path) return
  let share = tally.paths.get(path)
  if (!share) tally.paths.set(path, (share = { totalNs: 0, bytes: 0, ops: 0 }))
  share.ops++
  share.totalNs += overlapNs
  if (size !== undefined && size > 0) share.bytes += size
}

/** L4 block I/O (biosnoop): whole bytes and overlapping time to the device. */
function creditBlockIo(
  tally: SpikeTally,
  device: string | null,
  overlapNs: number,
  size: number | undefined
): void {
  if (device === null) return
  tally.blockRows++
  let share = tally.devices.get(device)
  if (!share) tally.devices.set(device, (share = { bytes: 0, ops: 0, totalNs: 0 }))
  share.ops++
  share.totalNs += overlapNs
  if (size !== undefined && size > 0) share.bytes += size
}

/** Threads with any activity: by sampled plus syscall time, then I/O bytes, name and tid. */
function rankThreads(tally: SpikeTally): ThreadShare[] {
  return [...tally.threads.values()]
    .filter((t) => t.samples > 0 || t.syscallRows > 0 || t.ioBytes > 0)
    .sort(
      (a, b) =>
        b.cpuNs + b.syscallNs - (a.cpuNs + a.syscallNs) ||
        b.ioBytes - a.ioBytes ||
        byName(a.name, b.name) ||
        (a.tid ?? -1) - (b.tid ?? -1)
    )
    .map((t) => ({
      thread: bounded(t.name),
      tid: t.tid,
      tick_thread: t.tick,
      samples: t.samples,
      cpu_ms: ms(t.cpuNs),
      syscall_ms: ms(t.syscallNs),
      wait_ms: ms(t.waitNs),
      io_bytes: t.ioBytes
    }))
}

/** The most frequent name of `counts` (in the tick or all-thread scope), other than `owner`. */
function mostFrequent(
  counts: Map<string, [number, number]> | undefined,
  tickScope: boolean,
  owner: string
): string | null {
  const ranked = [...(counts ?? [])]
    .map(([name, count]) => [name, tickScope ? count[1] : count[0]] as const)
    .filter(([name, count]) => name !== '' && count > 0)
    .sort(([nameA, a], [nameB, b]) => b - a || byName(nameA, nameB))
  const top = ranked[0]?.[0]
  return top !== undefined && top !== owner ? bounded(top) : null
}

/**
 * Plugins by samples on the tick thread (all threads when the tick thread ran none), the top one,
 * the plugin its samples most often entered through (when another than itself), and the library
 * plugin they most often ran in.
 */
function rankPlugins(tally: SpikeTally): {
  plugins: PluginShare[]
  topPlugin: string | null
  entryPlugin: string | null
  viaPlugin: string | null
} {
  const tickScope = [...tally.plugins.values()].some((share) => share.tickSamples > 0)
  const ranked = [...tally.plugins].sort(
    ([nameA, a], [nameB, b]) =>
      (tickScope ? b.tickSamples - a.tickSamples : 0) ||
      b.samples - a.samples ||
      byName(nameA, nameB)
  )
  const plugins: PluginShare[] = ranked.map(([name, share]) => ({
    plugin: bounded(name),
    samples: share.samples,
    tick_thread_samples: share.tickSamples,
    cpu_ms: ms(share.cpuNs)
  }))
  const top = ranked[0]?.[0] ?? null
  return {
    plugins,
    topPlugin: top === null ? null : bounded(top),
    entryPlugin: top === null ? null : mostFrequent(tally.entries.get(top), tickScope, top),
    viaPlugin: top === null ? null : mostFrequent(tally.vias.get(top), tickScope, top)
  }
}

/**
 * Automatic names that share their first two segments (`com.griefcraft.sql`, `com.griefcraft.util`)
 * may be one plugin split in two: a note says so, and how to name it exactly.
 */
function automaticNamesNote(tally: SpikeTally): string[] {
  const groups = new Map<string, string[]>()
  for (const name of [...tally.automatic].sort(byName)) {
    const segments = name.split('.')
    if (segments.length < 2) continue
    const key = segments.slice(0, 2).join('.')
    groups.set(key, [...(groups.get(key) ?? []), name])
  }
  return [...groups.values()]
    .filter((names) => names.length > 1)
    .slice(0, 5)
    .map(
      (names) =>
        `automatic plugin names ${names
          .slice(0, 4)
          .map((name) => bounded(name, 60))
          .join(', ')}` +
        `${names.length > 4 ? ', …' : ''} may be one plugin: a registry (plugin-packages) or ` +
        'plugins-dir names it exactly'
    )
}

function rankPaths(tally: SpikeTally): PathShare[] {
  return [...tally.paths]
    .sort(
      ([nameA, a], [nameB, b]) =>
        b.totalNs - a.totalNs || b.bytes - a.bytes || b.ops - a.ops || byName(nameA, nameB)
    )
    .map(([name, share]) => ({
      path: bounded(name),
      total_ms: ms(share.totalNs),
      bytes: share.bytes,
      ops: share.ops
    }))
}

function rankDevices(tally: SpikeTally): DeviceShare[] {
  return [...tally.devices]
    .sort(
      ([nameA, a], [nameB, b]) =>
        b.bytes - a.bytes || b.totalNs - a.totalNs || b.ops - a.ops || byName(nameA, nameB)
    )
    .map(([name, share]) => ({
      device: bounded(name),
      bytes: share.bytes,
      ops: share.ops,
      total_ms: ms(share.totalNs)
    }))
}

function commOnlyNote(tally: SpikeTally): string[] {
  if (tally.commOnlyThreads.size === 0) return []
  const names = [...tally.commOnlyThreads].sort(byName)
  const shown = names.slice(0, 5).map((name) => bounded(name, 40))
  return [
    `${names.length} thread(s) known only by kernel name (comm, 15 chars; no L1/L2 row maps ` +
      `their tid to a full name): ${shown.join(', ')}` +
      (names.length > 5 ? ', …' : '')
  ]
}

/** One spike's attribution, from its tally: the ranked lists, the tops, the signature, notes. */
function spikeReport(tally: SpikeTally, context: AttributionContext): SpikeReport {
  const { window } = tally
  const threads = rankThreads(tally)
  const { plugins, topPlugin, entryPlugin, viaPlugin } = rankPlugins(tally)
  const syscalls: SyscallShare[] = rankSyscalls(tally.syscalls).map(([name, s]) => ({
    syscall: bounded(name),
    wait: WAIT_SYSCALLS.has(name),
    count: s.count,
    total_ms: ms(s.totalNs),
    max_ms: ms(s.maxNs)
  }))
  const paths = rankPaths(tally)
  const devices = rankDevices(tally)
  const { first_syscall: syscall, first_syscall_scope } = firstSyscall(tally)
  const first_syscall = syscall === null ? null : bounded(syscall)
  const notes = [
    ...explainGaps(tally, context.availability, plugins.length > 0),
    ...automaticNamesNote(tally),
    ...commOnlyNote(tally)
  ]
  const toNs = (offset: number) => (context.baseNs + BigInt(Math.round(offset))).toString()
  return {
    ts_ns: toNs(window.ts),
    start_ns: toNs(window.start),
    end_ns: toNs(window.end),
    offset_ms: ms(window.start - context.runStartOffset),
    value_ms: window.valueMs,
    top_thread: threads[0]?.thread ?? null,
    top_plugin: topPlugin,
    entry_plugin: entryPlugin,
    via_plugin: viaPlugin,
    gc_pause_ms: gcPauseMs(tally, context.availability),
    first_syscall,
    first_syscall_scope,
    top_path: paths[0]?.path ?? null,
    top_device: devices[0]?.device ?? null,
    signature: `${topPlugin ?? '-'}|${first_syscall ?? '-'}`,
    threads: limited(threads, 'threads', notes),
    plugins: limited(plugins, 'plugins', notes),
    syscalls: limited(syscalls, 'syscalls', notes),
    paths: limited(paths, 'paths', notes),
    devices: limited(devices, 'devices', notes),
    notes
  }
}

/**
 * Second pass: every row of L1–L4 that overlaps a spike window is credited to that spike. Time
 * counts only for the overlapping part; bytes count whole; L1 samples are instants.
 */
export function createAttributor(spikes: readonly SpikeWindow[], context: AttributionContext) {
  const { overlapping } = indexWindows(spikes)
  const tallies = spikes.map(newTally)
  const tickNames = new Map<string, boolean>()

  function isTickThread(name: string | null): boolean {
    if (name === null) return false
    let tick = tickNames.get(name)
    if (tick === undefined) {
      tick = context.tickThread.test(name)
      tickNames.set(name, tick)
    }
    return tick
  }

  function threadOf(
    tally: SpikeTally,
    tid: number,
    name: string | null,
    commOnly: boolean
  ): ThreadTally | undefined {
    if (name === null && Number.isNaN(tid)) return undefined
    const key = Number.isNaN(tid) ? `name:${name}` : tid
    let thread = tally.threads.get(key)
    if (!thread) {
      const shown = name ?? `tid ${tid}`
      thread = {
        tid: Number.isNaN(tid) ? null : tid,
        name: shown,
        tick: isTickThread(name),
        samples: 0,
        cpuNs: 0,
        syscallNs: 0,
        waitNs: 0,
        syscallRows: 0,
        ioBytes: 0
      }
      tally.threads.set(key, thread)
      if (commOnly) tally.commOnlyThreads.add(shown)
    }
    return thread
  }

  const hits: number[] = []

  /** L1: a stack sample is an instant of CPU time, owned by a thread and maybe a plugin. */
  function creditSample(
    tally: SpikeTally,
    batch: Batch,
    i: number,
    row: RowFacts,
    lookups: Lookups
  ): void {
    tally.samples++
    const owner = threadOf(tally, row.threadId, row.name, row.commOnly)
    const { weight, frames, plugin } = batch
    const cpuNs = weight && !Number.isNaN(weight[i]) ? weight[i] : context.samplingNs
    const tick = owner?.tick ?? false
    if (owner) {
      owner.samples++
      owner.cpuNs += cpuNs
    }
    const { pluginOfFrame } = lookups
    const found = frames && pluginOfFrame ? pluginFrames(frames, i, pluginOfFrame) : undefined
    const explicit = stringAt(plugin, i)
    const name = explicit ? explicit : (found?.owner?.name ?? null)
    if (name === null) return
    let share = tally.plugins.get(name)
    if (!share) tally.plugins.set(name, (share = { samples: 0, tickSamples: 0, cpuNs: 0 }))
    share.samples++
    share.cpuNs += cpuNs
    if (tick) share.tickSamples++
    // an automatic owner may be part of a plugin whose other packages ran in the same stack
    if (!explicit && found?.owner?.automatic && frames && pluginOfFrame) {
      automaticNames(frames, i, pluginOfFrame, tally.automatic)
    }
    // with an explicit owner, frames naming one plugin only say the owner called itself
    const selfCall = Boolean(explicit && found && found.entry === found.owner)
    const entry = selfCall ? (explicit as string) : (found?.entry?.name ?? '')
    if (!selfCall && found?.entry?.automatic) tally.automatic.add(found.entry.name)
    count(tally.entries, name, entry, tick)
    // what the owner ran in is known only when the frames found the same owner
    const via = found?.owner?.name === name ? (found.via?.name ?? '') : ''
    count(tally.vias, name, via, tick)
  }

  /** L3: /proc io deltas, whole bytes to the thread. */
  function creditProcIo(
    tally: SpikeTally,
    batch: Batch,
    i: number,
    row: RowFacts,
    lookups: Lookups
  ): void {
    tally.l3Rows++
    const metricCode = batch.metric ? batch.metric.codes[i] : -1
    const written =
      (batch.read_bytes && batch.read_bytes[i] > 0 ? batch.read_bytes[i] : 0) +
      (batch.write_bytes && batch.write_bytes[i] > 0 ? batch.write_bytes[i] : 0) +
      (metricCode >= 0 && lookups.metricIsBytes?.[metricCode] && batch.value && batch.value[i] > 0
        ? batch.value[i]
        : 0)
    if (written > 0) {
      const owner = threadOf(tally, row.threadId, row.name, row.commOnly)
      if (owner) owner.ioBytes += written
    }
  }

  /** L4 syscall: its overlapping time to the syscall, the thread (waiting or not) and the path. */
  function creditSyscall(
    tally: SpikeTally,
    batch: Batch,
    i: number,
    row: RowFacts,
    lookups: Lookups,
    overlapNs: number
  ): void {
    const syscall = batch.syscall as StringColumn
    const code = syscall.codes[i]
    const call = syscall.dictionary[code]
    const wait = (lookups.syscallWait as boolean[])[code]
    tally.syscallRows++
    addSyscall(tally.syscalls, call, overlapNs)
    const owner = threadOf(tally, row.threadId, row.name, row.commOnly)
    if (owner) {
      owner.syscallRows++
      if (wait) owner.waitNs += overlapNs
      else owner.syscallNs += overlapNs
      if (owner.tick) addSyscall(tally.tickSyscalls, call, overlapNs)
    }
    addPath(tally, stringAt(batch.path, i), overlapNs, batch.bytes?.[i])
  }

  function add(batch: Batch): void {
    const { ts, dur, layer, tid, thread, comm, frames, syscall, path, bytes } = batch
    if (!layer) return
    // per dictionary entry, once per batch: rows then compare integers
    const layerOf = Int8Array.from(layer.dictionary, (name) => LAYER_INDEX.get(name) ?? -1)
    const lookups: Lookups = {
      pluginOfFrame: frames?.dictionary.map((frame) => context.classify(frame)),
      syscallWait: syscall?.dictionary.map((name) => WAIT_SYSCALLS.has(name)),
      metricIsBytes: batch.metric?.dictionary.map(
        (name) => name === 'read_bytes' || name === 'write_bytes'
      ),
      gcEvent: batch.event?.dictionary.map((name) => GC_EVENTS.has(name))
    }
    const row: RowFacts = { threadId: NaN, name: null, commOnly: false }
    for (let i = 0; i < batch.length; i++) {
      const layerCode = layer.codes[i]
      const rowLayer = layerCode < 0 ? -1 : layerOf[layerCode]
      if (rowLayer < 1) continue
      const from = ts[i]
      if (Number.isNaN(from)) continue
      const length = rowLayer === 1 || !dur || !(dur[i] > 0) ? 0 : dur[i]
      overlapping(from, from + length, hits)
      if (hits.length === 0) continue

      row.threadId = tid ? tid[i] : NaN
      const fullName =
        stringAt(thread, i) ??
        (Number.isNaN(row.threadId) ? null : (context.threadNames.get(row.threadId) ?? null))
      row.name = fullName ?? stringAt(comm, i)
      row.commOnly = fullName === null && row.name !== null

      for (const index of hits) {
        const tally = tallies[index]
        const { start, end } = tally.window
        const overlapNs = length > 0 ? Math.min(from + length, end) - Math.max(from, start) : 0
        if (rowLayer === 1) {
          creditSample(tally, batch, i, row, lookups)
        } else if (rowLayer === 3) {
          creditProcIo(tally, batch, i, row, lookups)
        } else if (rowLayer === 2) {
          tally.l2Rows++
          addPath(tally, stringAt(path, i), overlapNs, bytes?.[i])
          const eventCode = batch.event ? batch.event.codes[i] : -1
          if (eventCode >= 0 && lookups.gcEvent?.[eventCode]) {
            tally.gcPauseNs = Math.max(tally.gcPauseNs, overlapNs)
          }
        } else if (syscall && syscall.codes[i] >= 0) {
          creditSyscall(tally, batch, i, row, lookups, overlapNs)
        } else {
          creditBlockIo(tally, stringAt(batch.device, i), overlapNs, bytes?.[i])
        }
      }
    }
  }

  /** Rows of a batch (by ts, dur_ns and layer) that overlap a window: the rest need no decoding. */
  function select(batch: Batch): Int32Array {
    const { ts, dur, layer } = batch
    const rows = new Int32Array(batch.length)
    let kept = 0
    if (!layer) return rows.subarray(0, 0)
    const layerOf = Int8Array.from(layer.dictionary, (name) => LAYER_INDEX.get(name) ?? -1)
    for (let i = 0; i < batch.length; i++) {
      const code = layer.codes[i]
      const rowLayer = code < 0 ? -1 : layerOf[code]
      if (rowLayer < 1 || Number.isNaN(ts[i])) continue
      const length = rowLayer === 1 || !dur || !(dur[i] > 0) ? 0 : dur[i]
      overlapping(ts[i], ts[i] + length, hits)
      if (hits.length > 0) rows[kept++] = i
    }
    return rows.subarray(0, kept)
  }

  return { add, select, finish: () => tallies.map((tally) => spikeReport(tally, context)) }
}

/** null when the run cannot tell (no L2 rows or no event column), else the longest GC overlap. */
function gcPauseMs(tally: SpikeTally, available: Availability): number | null {
  if (!available.layers.has('L2') || !available.columns.has('event')) return null
  return ms(tally.gcPauseNs)
}

/** One note for each part of a spike's attribution that is empty, with the reason. */
function explainGaps(tally: SpikeTally, available: Availability, hasPlugins: boolean): string[] {
  const notes: string[] = []
  const { layers, columns } = available
  if (tally.window.end <= tally.window.start) {
    notes.push(
      'empty window (first row of a window metric without dur_ns): nothing can be attributed'
    )
    return notes
  }
  if (!layers.has('L1')) {
    notes.push('no L1 stack samples in this run: plugin attribution unavailable')
  } else if (!columns.has('frames') && !columns.has('plugin')) {
    notes.push('no frames, stack or plugin column: plugin attribution unavailable')
  } else if (tally.samples === 0) {
    notes.push('no L1 stack samples in this window: plugin attribution empty')
  } else if (!hasPlugins) {
    notes.push(`none of the ${tally.samples} L1 samples in this window ran plugin code`)
  }
  if (!layers.has('L4')) {
    notes.push('no L4 rows in this run: syscall and block-device attribution unavailable')
  } else {
    if (!columns.has('syscall')) notes.push('no syscall column: syscall attribution unavailable')
    else if (tally.syscallRows === 0) notes.push('no L4 syscall rows in this window')
    if (!columns.has('device')) notes.push('no device column: block-device attribution unavailable')
    else if (tally.blockRows === 0) notes.push('no L4 block I/O rows in this window')
  }
  if (!columns.has('path')) {
    notes.push('no path column: file attribution unavailable')
  } else if (tally.paths.size === 0 && (layers.has('L2') || layers.has('L4'))) {
    notes.push('no L2 or L4 rows with a path in this window')
  }
  if (!layers.has('L3')) {
    notes.push('no L3 /proc io rows in this run: per-thread io_bytes unavailable')
  }
  return notes
}
