/**
 * What a spike or a signature means, in words a server operator reads at a glance
 * (docs/report.md, "Reading the report"): shared by the markdown report (the pull-request comment,
 * the job summary) and the terminal's text report, which differ only in how a name is set off
 * (inline code, or colour) — the `Markup` each passes in.
 */
import { WAIT_SYSCALLS } from '../analysis/attribute.js'
import type {
  DiffReport,
  JudgedSignature,
  Report,
  RunReport,
  SignatureSummary,
  SpikeReport
} from '../analysis/types.js'

/** How the names in a sentence are set off, and how emphasis is shown. */
export interface Markup {
  /** A name from telemetry (thread, file, plugin, syscall, device): escaped and capped. */
  name(text: string, max?: number, keep?: 'start' | 'end'): string
  /** Emphasis for our own words (a length, a count). */
  strong(text: string): string
}

/** What is shown instead of `-` in a signature: the signature string itself stays as it is. */
export const NO_PLUGIN = 'no plugin'
export const NO_SYSCALL = 'no syscall data'

/** A length in the unit that reads best: `620 ms`, `2.4 s`. */
export function formatLength(ms: number): string {
  if (!Number.isFinite(ms)) return '–'
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`
  return `${ms >= 100 ? Math.round(ms) : Number(ms.toFixed(1))} ms`
}

/** The spike's window start, from the run's start: `+21.5 s`, `+12 min 3.0 s`. */
export function formatAt(offsetMs: number): string {
  const seconds = offsetMs / 1000
  if (Math.abs(seconds) < 600) return `+${seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  return `+${minutes} min ${(seconds - minutes * 60).toFixed(0)} s`
}

/**
 * A path cut in its middle so that the file name and its parent folder stay, which say what the
 * file is (`playerdata/<uuid>.dat`, `region/r.0.0.mca`): `/srv/mc/…/playerdata/0f3c….dat`. A file
 * name too long on its own is cut in its middle too.
 */
export function shortenPath(path: string, max: number): string {
  const chars = [...path]
  if (chars.length <= max) return path
  const parts = path.split('/')
  const tail = parts.slice(-2).join('/')
  const tailChars = [...tail]
  if (tailChars.length + 2 > max) {
    // even the parent and the file are too long: keep the parent (when it leaves room) and the
    // file name's start and end — `playerdata/0f3c2a9e…4711.dat`
    const file = [...(parts[parts.length - 1] ?? '')]
    const parent = parts.length > 1 ? [...`${parts[parts.length - 2]}/`] : []
    const room = parent.length <= max / 2 ? max - parent.length : max
    const shown = room === max ? '' : parent.join('')
    if (file.length <= room) return shown + file.join('')
    const keepEnd = Math.min(12, Math.floor((room - 1) / 2))
    return shown + file.slice(0, room - 1 - keepEnd).join('') + '…' + file.slice(-keepEnd).join('')
  }
  // as many leading folders as fit before `…/parent/file` (`/srv/mc/…/region/r.0.0.mca`)
  let head = ''
  for (let count = 1; count <= parts.length - 2; count++) {
    const next = parts.slice(0, count).join('/')
    if ([...next].length + 2 + tailChars.length > max) break
    head = next
  }
  return `${head}/…/${tail}`.replace(/^\/…/, '…')
}

/** JVM garbage-collector threads: HotSpot's G1, Parallel, ZGC and Shenandoah workers. */
const GC_THREAD =
  /^(GC Thread#\d+|G1 (Conc|Refine|Main Marker|Service|Young RemSet)|GC |ZGC|ZDriver|ZWorker|ZDirector|Shenandoah|Parallel GC|Concurrent Mark)/

export const isGcThread = (name: string): boolean => GC_THREAD.test(name)

/**
 * A garbage-collection pause: JFR's garbage-collection events cover at least half of the spike, or
 * the threads that did most in the window are GC threads and the tick thread made no syscall other
 * than waiting (docs/report.md).
 */
export function isGcPause(spike: SpikeReport): boolean {
  const jfrPause = spike.gc_pause_ms ?? 0
  if (jfrPause > 0 && jfrPause >= spike.value_ms / 2) return true
  if (spike.top_thread === null || !isGcThread(spike.top_thread)) return false
  const busy = (thread: SpikeReport['threads'][number]) => thread.cpu_ms + thread.syscall_ms
  const gc = spike.threads.filter((t) => isGcThread(t.thread)).reduce((s, t) => s + busy(t), 0)
  const other = spike.threads
    .filter((t) => !isGcThread(t.thread) && !t.tick_thread)
    .reduce((s, t) => s + busy(t), 0)
  const tick = spike.threads.filter((t) => t.tick_thread)
  const tickWaited = tick.every((t) => t.syscall_ms === 0)
  return gc > other && tickWaited
}

/** The thread that made `first_syscall`: the tick thread, or the busiest other thread in syscalls. */
export function syscallThread(spike: SpikeReport): string | null {
  if (spike.first_syscall === null) return null
  const tick = spike.threads.filter((t) => t.tick_thread)
  if (spike.first_syscall_scope === 'tick-thread') {
    return tick[0]?.thread ?? null
  }
  const others = spike.threads
    .filter((t) => !t.tick_thread && t.syscall_ms > 0)
    .sort((a, b) => b.syscall_ms - a.syscall_ms)
  return others[0]?.thread ?? spike.top_thread
}

/** A syscall as a verb: `fsynced`, `read`, `wrote`; null when "called x" says it better. */
function verb(syscall: string): string | null {
  if (/^(fsync|fdatasync)$/.test(syscall)) return `${syscall}ed`
  if (/^(sync_file_range|msync|syncfs|sync)$/.test(syscall)) return 'flushed'
  if (/^(p?readv?2?|pread64|preadv2?)$/.test(syscall)) return 'read'
  if (/^(p?writev?2?|pwrite64|pwritev2?)$/.test(syscall)) return 'wrote'
  if (/^(open|openat2?|creat)$/.test(syscall)) return 'opened'
  if (/^(recv|recvfrom|recvmsg|recvmmsg)$/.test(syscall)) return 'waited for data on'
  if (/^(send|sendto|sendmsg|sendmmsg)$/.test(syscall)) return 'sent to'
  if (/^(connect)$/.test(syscall)) return 'connected to'
  if (/^(rename|renameat2?)$/.test(syscall)) return 'renamed'
  if (/^(unlink|unlinkat)$/.test(syscall)) return 'deleted'
  return null
}

/** Syscalls whose verb says all: no need to name them after it. */
const SELF_EVIDENT = new Set(['read', 'write', 'fsync', 'fdatasync', 'open', 'openat'])

/** `socket:[912345]` is a network connection, `pipe:[…]` a pipe: said so instead of the inode. */
function fileObject(path: string, m: Markup, maxPath: number): string {
  if (/^socket:\[\d+\]$/.test(path)) return 'a socket'
  if (/^pipe:\[\d+\]$/.test(path)) return 'a pipe'
  return m.name(shortenPath(path, maxPath), maxPath + 1)
}

/**
 * The plugin a spike is attributed to, in words: "`CoreProtect` called by `Quests`", "`MyPet` in
 * `ProtocolLib`", "`MyPet` in `ProtocolLib`, called by `Quests`".
 */
export function pluginWords(spike: SpikeReport, m: Markup): string {
  if (spike.top_plugin === null) return NO_PLUGIN
  // "`MyPet` in `ProtocolLib`": the owner ran inside a library plugin (absent in older reports)
  const via = spike.via_plugin ?? null
  const plugin = m.name(spike.top_plugin, 40) + (via === null ? '' : ` in ${m.name(via, 40)}`)
  return spike.entry_plugin === null
    ? plugin
    : `${plugin}${via === null ? '' : ','} called by ${m.name(spike.entry_plugin, 40)}`
}

/** Whether the plugin was seen on the tick thread, or only on another thread. */
function pluginOnTickThread(spike: SpikeReport): boolean {
  const entry = spike.plugins.find((plugin) => plugin.plugin === spike.top_plugin)
  return entry === undefined || entry.tick_thread_samples > 0
}

/** "the tick thread ran no plugin code" / "the tick thread ran `Jobs`". */
export function pluginClause(spike: SpikeReport, m: Markup): string {
  if (spike.top_plugin === null) {
    const sampled = spike.threads.some((thread) => thread.samples > 0)
    return sampled ? 'the tick thread ran no plugin code' : 'no stack samples to name a plugin'
  }
  const words = pluginWords(spike, m)
  return pluginOnTickThread(spike)
    ? `the tick thread ran ${words}`
    : `${words} ran on another thread, not the tick thread`
}

/**
 * What happened in a spike's window, as a clause: "`Paper I/O Worker #0` fsynced
 * `/srv/mc/world/region/r.0.0.mca` on `nvme0n1`", "a garbage-collection pause (`GC Thread#0`)".
 */
export function whatHappened(spike: SpikeReport, m: Markup, maxPath = 40): string {
  if (isGcPause(spike)) {
    return `a garbage-collection pause: ${m.name(spike.top_thread ?? '', 40)} busy, the tick thread waiting`
  }
  const syscall = spike.first_syscall
  if (syscall === null) {
    return spike.top_thread === null
      ? 'no thread data'
      : `${m.name(spike.top_thread, 40)} was busiest (${NO_SYSCALL})`
  }
  const actor = syscallThread(spike)
  const who = actor === null ? 'a thread' : m.name(actor, 40)
  if (WAIT_SYSCALLS.has(syscall)) return `${who} waited (${m.name(syscall, 30)})`
  const action = verb(syscall)
  const device = spike.top_device === null ? '' : ` on ${m.name(spike.top_device, 20)}`
  if (spike.top_path === null) {
    return `${who} called ${m.name(syscall, 30)}${device}`
  }
  const object = fileObject(spike.top_path, m, maxPath)
  const named = [
    ...(action === null || SELF_EVIDENT.has(syscall) ? [] : [m.name(syscall, 30)]),
    ...(object === 'a socket' ? [m.name(spike.top_path, 30)] : [])
  ]
  const after = named.length > 0 ? ` (${named.join(', ')})` : ''
  return action === null
    ? `${who} called ${m.name(syscall, 30)} on ${object}${device}${after}`
    : `${who} ${action} ${object}${device}${after}`
}

/** One line for one spike: what happened, then which plugin code the tick thread ran. */
export function spikeLine(spike: SpikeReport, m: Markup, maxPath = 40): string {
  if (spike.top_thread === null && spike.first_syscall === null && spike.top_plugin === null) {
    return 'no thread, plugin or syscall data in this window (only the MSPT metric)'
  }
  // a GC pause with no plugin needs no word about plugins
  if (isGcPause(spike) && spike.top_plugin === null) return whatHappened(spike, m, maxPath)
  return `${whatHappened(spike, m, maxPath)}; ${pluginClause(spike, m)}`
}

/** A signature in words: "`CoreProtect` · `pread64`", "no plugin · `fsync`". */
export function signatureWords(
  signature: Pick<SignatureSummary, 'top_plugin' | 'first_syscall'>,
  m: Markup
): string {
  const plugin = signature.top_plugin === null ? NO_PLUGIN : m.name(signature.top_plugin, 40)
  const syscall =
    signature.first_syscall === null ? NO_SYSCALL : m.name(signature.first_syscall, 30)
  return `${plugin} · ${syscall}`
}

/** The worst spike of a signature among the report's runs, with its run. */
export function worstSpikeOf(
  report: Pick<Report, 'runs'>,
  signature: string
): { run: RunReport; spike: SpikeReport } | undefined {
  let worst: { run: RunReport; spike: SpikeReport } | undefined
  for (const run of report.runs) {
    for (const spike of run.spikes) {
      if (spike.signature !== signature) continue
      if (!worst || spike.value_ms > worst.spike.value_ms) worst = { run, spike }
    }
  }
  return worst
}

const repeatsText = (withIt: number, of: number) =>
  `${withIt} of ${of} repeat${of === 1 ? '' : 's'}`

/** Why a signature of a diff is listed, in a parenthesis: "new: 2 of 2 repeats, none before". */
export function judgedStatus(signature: JudgedSignature, kind: LeadKind): string {
  const head = signature.judgement?.head
  const base = signature.judgement?.base
  const inHead = head
    ? repeatsText(head.repeats_with, head.repeats)
    : `${signature.repeats} repeats`
  switch (kind) {
    case 'new':
      return `new: ${inHead}, none before`
    case 'unconfirmed':
      return `new, but only in ${inHead}: rerun to confirm`
    case 'more frequent':
      return base
        ? `more frequent: ${inHead}, against ${repeatsText(base.repeats_with, base.repeats)} before`
        : `more frequent: ${inHead}`
    case 'worse':
      return base?.median_ms != null && head?.median_ms != null
        ? `worse: a typical spike of ${formatLength(head.median_ms)}, against ${formatLength(base.median_ms)} before`
        : 'worse than before'
    case 'seen':
      return `${signature.spikes} spike${signature.spikes === 1 ? '' : 's'} in ${signature.repeats} repeat${signature.repeats === 1 ? '' : 's'}`
  }
}

export type LeadKind = 'new' | 'unconfirmed' | 'more frequent' | 'worse' | 'seen'

/**
 * The sentence a report leads with for one signature: "Ticks up to 2.4 s while `Paper I/O Worker
 * #0` fsynced `…/region/r.0.0.mca` on `nvme0n1`; the tick thread ran no plugin code (new in this
 * PR, 1 of 5 repeats)."
 */
export function signatureSentence(
  report: Pick<Report, 'runs'>,
  signature: JudgedSignature,
  kind: LeadKind,
  m: Markup
): string {
  const status = judgedStatus(signature, kind)
  const worst = worstSpikeOf(report, signature.signature)
  const length = m.strong(formatLength(signature.worst_ms))
  const ticks = signature.spikes === 1 ? `A tick of ${length}` : `Ticks up to ${length}`
  if (!worst) return `${ticks}: ${signatureWords(signature, m)} (${status}).`
  const { spike } = worst
  if (spike.top_thread === null && spike.first_syscall === null && spike.top_plugin === null) {
    return `${ticks}, with no thread, plugin or syscall data to explain ${signature.spikes === 1 ? 'it' : 'them'} (${status}).`
  }
  const when = isGcPause(spike) ? 'during' : 'while'
  return `${ticks} ${when} ${spikeLine(spike, m)} (${status}).`
}

/** The kinds of row of the comparison table, in the order both reports show them. */
export type DiffRowKind =
  | 'new'
  | 'more frequent'
  | 'worse'
  | 'unconfirmed'
  | 'resolved'
  | 'not seen (incomplete)'
  | 'persisting'

/** One row of the comparison table, before a report sets it in its own way. */
export interface DiffRow {
  kind: DiffRowKind
  signature: JudgedSignature
  /** The base's spikes, with in how many of its repeats: "4 in 2 of 5", "none of 20". */
  before: string
  now: string
  /** The head's worst spike; null for a signature the head no longer has. */
  worstMs: number | null
}

/** A side's spikes, with in how many of its repeats: "4 in 2 of 5", "none of 20". */
function sideWords(spikes: number, repeatsWith?: number, repeats?: number): string {
  if (repeats === undefined) return String(spikes)
  return spikes === 0 ? `none of ${repeats}` : `${spikes} in ${repeatsWith} of ${repeats}`
}

/** The comparison's rows: what changed first, then what went, then what stayed. */
export function diffRows(diff: DiffReport): DiffRow[] {
  const judged = (kind: DiffRowKind) => (s: JudgedSignature) => ({
    kind,
    signature: s,
    before: sideWords(
      s.judgement?.base.spikes ?? 0,
      s.judgement?.base.repeats_with,
      s.judgement?.base.repeats
    ),
    now: sideWords(
      s.judgement?.head.spikes ?? s.spikes,
      s.judgement?.head.repeats_with,
      s.judgement?.head.repeats
    ),
    worstMs: s.judgement?.head.worst_ms ?? s.worst_ms
  })
  const gone = (kind: DiffRowKind) => (s: JudgedSignature) => ({
    kind,
    signature: s,
    before: String(s.spikes),
    now: '0',
    worstMs: null
  })
  return [
    ...diff.new.map(judged('new')),
    ...(diff.more_frequent ?? []).map(judged('more frequent')),
    ...(diff.worse ?? []).map(judged('worse')),
    ...(diff.new_unconfirmed ?? []).map(judged('unconfirmed')),
    ...diff.resolved.map(gone('resolved')),
    ...(diff.unseen ?? []).map(gone('not seen (incomplete)')),
    ...diff.persisting.map(judged('persisting'))
  ]
}

/** The signatures a diff leads with, in the order they matter. */
export function leadEntries(diff: DiffReport): [LeadKind, JudgedSignature][] {
  return [
    ...diff.new.map((s) => ['new', s] as [LeadKind, JudgedSignature]),
    ...(diff.more_frequent ?? []).map((s) => ['more frequent', s] as [LeadKind, JudgedSignature]),
    ...(diff.worse ?? []).map((s) => ['worse', s] as [LeadKind, JudgedSignature]),
    ...(diff.new_unconfirmed ?? []).map((s) => ['unconfirmed', s] as [LeadKind, JudgedSignature])
  ]
}
