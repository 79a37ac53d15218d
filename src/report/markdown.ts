import { markdownTable } from 'markdown-table'
import type {
  DiffReport,
  JudgedSignature,
  Report,
  RunReport,
  SignatureSummary,
  SpikeReport
} from '../analysis/types.js'
import { chartedRun, msptChart } from './chart.js'
import { htmlText, inlineCode, markdownText, tableCell } from './escape.js'
import { pluginContext } from './plugin-cell.js'
import { formatBytes, formatCount, formatMs, formatOffset, plural } from './format.js'
import {
  diffRows,
  type DiffRowKind,
  formatAt,
  formatLength,
  leadEntries,
  isGcPause,
  type LeadKind,
  type Markup,
  NO_PLUGIN,
  NO_SYSCALL,
  shortenPath,
  signatureSentence,
  signatureWords,
  spikeLine
} from './words.js'

export interface MarkdownOptions {
  /** Heading level of the report title; sections use the next level. */
  level?: number
  /** Spikes listed in the spike table (the worst ones, worst first). */
  maxSpikeRows?: number
  /** Spikes given a `<details>` block (the worst ones). */
  maxDetails?: number
  /** Rows per table inside a `<details>` block. */
  detailRows?: number
  /** Said wherever detail was left out, e.g. "the iostorm-report artifact". */
  fullReportHint?: string
  /** Include a mermaid MSPT chart of the run with the worst spike. */
  chart?: boolean
  /** Run notes listed at most (the rest are counted). */
  maxNotes?: number
  /** Runs listed at most in the runs table: those with the worst spikes first. */
  maxRuns?: number
  /** Rows of the diff table at most: new signatures first, then resolved, then persisting. */
  maxDiffRows?: number
  /** Lines shown right under the title when the report has no diff (e.g. "no baseline"). */
  verdict?: string
  /** Sentences the report leads with, one per new or worsened kind of spike, at most. */
  maxLeadSentences?: number
}

const DEFAULTS: Required<MarkdownOptions> = {
  level: 2,
  maxSpikeRows: 30,
  maxDetails: 10,
  detailRows: 8,
  fullReportHint: 'the JSON report',
  chart: false,
  maxNotes: 40,
  maxRuns: 200,
  maxDiffRows: 100,
  verdict: '',
  maxLeadSentences: 5
}

const table = (rows: string[][], align: ('l' | 'r' | 'c')[]) =>
  markdownTable(rows, { align, alignDelimiters: false })

/** Names as inline code; inside a table cell, with every `|` escaped as GFM needs. */
const TEXT: Markup = { name: inlineCode, strong: (text) => `**${text}**` }
const CELL: Markup = { name: tableCell, strong: (text) => `**${text}**` }

interface RankedSpike {
  run: RunReport
  spike: SpikeReport
  /** 1-based rank, the worst first: the number the spike table and the details share. */
  number: number
}

function runLabel(run: RunReport): string {
  return `${run.run_id} #${run.repeat}`
}

/** Every spike of the report, the worst first (ties in run and time order). */
function rankedSpikes(report: Report): RankedSpike[] {
  const spikes = report.runs.flatMap((run) => run.spikes.map((spike) => ({ run, spike })))
  return spikes
    .map((entry, order) => ({ ...entry, order }))
    .sort((a, b) => b.spike.value_ms - a.spike.value_ms || a.order - b.order)
    .map(({ run, spike }, index) => ({ run, spike, number: index + 1 }))
}

/** `#0` when every run has the same id (repeats of one run), else `run-id #0`. */
function shortRunLabel(report: Report): (run: RunReport) => string {
  const ids = new Set(report.runs.map((run) => run.run_id))
  return ids.size === 1 ? (run) => `#${run.repeat}` : runLabel
}

function summaryLine(report: Report, spikes: RankedSpike[]): string {
  const analysed = report.runs.length
  const withSpikes = report.runs.filter((run) => run.spikes.length > 0).length
  if (analysed === 0) return 'No input could be analysed.'
  if (spikes.length === 0) {
    return `No MSPT spikes in ${plural(analysed, 'run')}.`
  }
  const worst = spikes[0]
  return (
    `**${plural(spikes.length, 'spike')}** in ${withSpikes} of ${plural(analysed, 'run')}; ` +
    `the worst **${formatLength(worst.spike.value_ms)}**, ${formatAt(worst.spike.offset_ms)} into ${inlineCode(runLabel(worst.run), 40)}.`
  )
}

/** Keeps a number and its unit together in a narrow table column. */
const nowrap = (text: string) => text.replace(/ /g, '\u00a0')

function runsTable(runs: RunReport[]): string {
  const rows = runs.map((run) => {
    const worst = run.spikes.reduce((max, spike) => Math.max(max, spike.value_ms), -Infinity)
    const atFloor = run.threshold_ms !== null && run.threshold_ms === run.floor_ms
    return [
      tableCell(runLabel(run), 40),
      run.metric === null ? '–' : tableCell(run.metric, 20),
      formatCount(run.samples),
      nowrap(formatMs(run.p95_ms)),
      nowrap(formatMs(run.sigma_ms)),
      run.threshold_ms === null
        ? '–'
        : nowrap(formatMs(run.threshold_ms)) + (atFloor ? ' (floor)' : ''),
      formatCount(run.spikes.length),
      run.spikes.length > 0 ? nowrap(formatMs(worst)) : '–'
    ]
  })
  return table(
    [['run', 'metric', 'ticks', 'p95', 'σ', 'threshold', 'spikes', 'worst'], ...rows],
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r']
  )
}

/** Marks a syscall made by another thread than the tick thread (explained under the table). */
const OTHER_THREAD_MARK = '\\*'

function syscallAndFile(spike: SpikeReport): string {
  if (spike.first_syscall === null) return NO_SYSCALL
  const mark = spike.first_syscall_scope === 'all-threads' ? OTHER_THREAD_MARK : ''
  const syscall = tableCell(spike.first_syscall, 20) + mark
  if (spike.top_path === null) return syscall
  return `${syscall}<br>${tableCell(shortenPath(spike.top_path, 30), 31)}`
}

/**
 * The spikes, the worst first, in six columns that fit GitHub's 880 px comment column: names in
 * plain (escaped) text, which is narrower than code, and the syscall above its file.
 */
function spikesTable(spikes: RankedSpike[], label: ((run: RunReport) => string) | null): string {
  const rows = spikes.map(({ run, spike, number }) => [
    `${number}`,
    `**${nowrap(formatLength(spike.value_ms))}**`,
    (label ? `${markdownText(label(run), 32)}, ` : '') + nowrap(formatAt(spike.offset_ms)),
    spike.top_thread === null
      ? '–'
      : markdownText(spike.top_thread, 28) + (isGcPause(spike) ? ' (GC pause)' : ''),
    spike.top_plugin === null
      ? NO_PLUGIN
      : markdownText(spike.top_plugin, 24) +
        (spike.via_plugin ? ` in ${markdownText(spike.via_plugin, 24)}` : '') +
        (spike.entry_plugin === null ? '' : ` ← ${markdownText(spike.entry_plugin, 24)}`),
    syscallAndFile(spike)
  ])
  return table(
    [['#', 'tick', label ? 'run, at' : 'at', 'busiest thread', 'plugin', 'syscall, file'], ...rows],
    ['r', 'r', 'l', 'l', 'l', 'l']
  )
}

/** The legend of the spike table: what its marks and columns mean. */
function spikesLegend(spikes: RankedSpike[]): string {
  const parts = ['at: from the run’s start', 'plugin: the plugin code the tick thread ran']
  if (spikes.some(({ spike }) => spike.via_plugin)) {
    parts.push('A in L: A’s code run by the library plugin L')
  }
  if (spikes.some(({ spike }) => spike.entry_plugin !== null)) {
    parts.push('A ← B: A called by B')
  }
  if (spikes.some(({ spike }) => spike.first_syscall_scope === 'all-threads')) {
    parts.push('\\*: made by another thread while the tick thread waited')
  }
  return `<sub>${parts.join(' · ')}</sub>`
}

function detailTables(spike: SpikeReport, limit: number): string[] {
  const parts: string[] = []
  const more = (count: number) => (count > limit ? `\n\n…and ${count - limit} more.` : '')
  if (spike.threads.length > 0) {
    const rows = spike.threads
      .slice(0, limit)
      .map((t) => [
        tableCell(t.thread, 48) + (t.tick_thread ? ' (tick)' : ''),
        t.tid === null ? '–' : String(t.tid),
        formatCount(t.samples),
        t.cpu_ms.toFixed(1),
        t.syscall_ms.toFixed(1),
        t.wait_ms.toFixed(1),
        formatBytes(t.io_bytes)
      ])
    parts.push(
      '**Threads** — each thread’s own time; threads run side by side, so the column sums can exceed the spike’s length\n\n' +
        table(
          [['thread', 'tid', 'samples', 'sampled ms', 'syscall ms', 'wait ms', 'I/O'], ...rows],
          ['l', 'r', 'r', 'r', 'r', 'r', 'r']
        ) +
        more(spike.threads.length)
    )
  }
  if (spike.plugins.length > 0) {
    const rows = spike.plugins
      .slice(0, limit)
      .map((p) => [
        tableCell(p.plugin, 48),
        formatCount(p.tick_thread_samples),
        formatCount(p.samples),
        p.cpu_ms.toFixed(1)
      ])
    parts.push(
      '**Plugins** (owner = leaf-most plugin frame that is not a library plugin; sampled time summed over threads)' +
        pluginContext(spike) +
        '\n\n' +
        table(
          [['plugin', 'tick-thread samples', 'samples', 'sampled ms'], ...rows],
          ['l', 'r', 'r', 'r']
        ) +
        more(spike.plugins.length)
    )
  }
  if (spike.syscalls.length > 0) {
    const rows = spike.syscalls
      .slice(0, limit)
      .map((s) => [
        tableCell(s.syscall, 30) + (s.wait ? ' (wait)' : ''),
        formatCount(s.count),
        s.total_ms.toFixed(1),
        s.max_ms.toFixed(1)
      ])
    parts.push(
      '**Syscalls** (all threads, summed)\n\n' +
        table([['syscall', 'count', 'total ms', 'max ms'], ...rows], ['l', 'r', 'r', 'r']) +
        more(spike.syscalls.length)
    )
  }
  if (spike.paths.length > 0) {
    const rows = spike.paths
      .slice(0, limit)
      .map((p) => [
        tableCell(shortenPath(p.path, 60), 61),
        p.total_ms.toFixed(1),
        formatBytes(p.bytes),
        formatCount(p.ops)
      ])
    parts.push(
      '**Files**\n\n' +
        table([['path', 'ms', 'bytes', 'ops'], ...rows], ['l', 'r', 'r', 'r']) +
        more(spike.paths.length)
    )
  }
  if (spike.devices.length > 0) {
    const rows = spike.devices
      .slice(0, limit)
      .map((d) => [
        tableCell(d.device, 30),
        formatBytes(d.bytes),
        formatCount(d.ops),
        d.total_ms.toFixed(1)
      ])
    parts.push(
      '**Block devices**\n\n' +
        table([['device', 'bytes', 'ops', 'ms'], ...rows], ['l', 'r', 'r', 'r']) +
        more(spike.devices.length)
    )
  }
  if (spike.notes.length > 0) {
    parts.push(spike.notes.map((note) => `- ${markdownText(note, 300)}`).join('\n'))
  }
  return parts
}

/** The window as offsets from the run's start: `+21.53 s to +22.15 s (620.0 ms)`. */
export function windowText(spike: SpikeReport): string {
  const lengthMs = Number(BigInt(spike.end_ns) - BigInt(spike.start_ns)) / 1e6
  const end = spike.offset_ms + lengthMs
  return `${formatOffset(spike.offset_ms)} to ${formatOffset(end)} from the run’s start (${lengthMs.toFixed(1)} ms)`
}

function spikeDetails({ run, spike, number }: RankedSpike, limit: number): string {
  const words = signatureWords(spike, {
    name: (text, max) => htmlText(text, max),
    strong: (text) => text
  })
  const summary =
    `Spike ${number} · ${formatLength(spike.value_ms)} · ${htmlText(runLabel(run), 40)} ` +
    `at ${formatAt(spike.offset_ms)} · ${words}`
  return [
    '<details>',
    `<summary>${summary}</summary>`,
    '',
    `${capitalise(spikeLine(spike, TEXT, 60))}. Window ${windowText(spike)}.`,
    '',
    detailTables(spike, limit).join('\n\n'),
    '',
    '</details>'
  ].join('\n')
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

function signaturesTable(signatures: SignatureSummary[]): string {
  const rows = signatures.map((s) => [
    signatureWords(s, CELL),
    formatCount(s.spikes),
    formatCount(s.repeats),
    formatMs(s.worst_ms)
  ])
  return table(
    [['plugin · first syscall', 'spikes', 'repeats', 'worst'], ...rows],
    ['l', 'r', 'r', 'r']
  )
}

const regressionsOf = (diff: DiffReport) => [...(diff.more_frequent ?? []), ...(diff.worse ?? [])]

/** The verdict in a line: what fails, what got worse, or that nothing is new. */
export function diffVerdict(diff: DiffReport): string {
  const failOn = diff.verdict_options?.fail_on
  const regressions = regressionsOf(diff)
  const lines: string[] = []
  if (diff.incomplete) {
    lines.push(
      '⚠️ **The comparison is incomplete**: some inputs could not be read (listed at the end), ' +
        'so nothing is called resolved.'
    )
  }
  if (diff.new.length > 0) {
    lines.push(
      `❌ **${plural(diff.new.length, 'new spike signature')}** compared with the baseline.`
    )
  }
  if (regressions.length > 0) {
    const mark = failOn === 'regression' ? '❌' : '⚠️'
    lines.push(
      `${mark} **${plural(regressions.length, 'known signature')}** more frequent or worse than in the history.`
    )
  }
  const unconfirmed = diff.new_unconfirmed ?? []
  if (diff.new.length === 0 && regressions.length === 0) {
    const none =
      unconfirmed.length > 0 ? 'No confirmed new spike signatures' : 'No new spike signatures'
    lines.push(
      diff.resolved.length > 0
        ? `✅ ${none}; ${plural(diff.resolved.length, 'signature')} resolved.`
        : `✅ ${none}.`
    )
  }
  if (unconfirmed.length > 0) {
    lines.push(
      `❔ ${plural(unconfirmed.length, 'signature')} new but seen too rarely to confirm: rerun to tell.`
    )
  }
  return lines.join('\n\n')
}

/**
 * A sentence per new or worsened signature (or, without a diff, per kind of spike, the worst
 * first): what a reader needs before any table.
 */
function leadSentences(report: Report, limit: number): string {
  const entries: [LeadKind, JudgedSignature][] = report.diff
    ? leadEntries(report.diff)
    : [...report.signatures]
        .sort((a, b) => b.worst_ms - a.worst_ms)
        .map((s) => ['seen', s] as [LeadKind, JudgedSignature])
  const shown = entries.slice(0, limit)
  const lines = shown.map(
    ([kind, signature]) => `- ${signatureSentence(report, signature, kind, TEXT)}`
  )
  if (entries.length > shown.length) {
    lines.push(`- …and ${plural(entries.length - shown.length, 'more kind')} of spike, below.`)
  }
  return lines.join('\n')
}

/** Why each signature that matters was judged so, in words (new, regressions, unconfirmed). */
function diffReasons(diff: DiffReport, limit: number): string {
  return leadEntries(diff)
    .filter(([, s]) => s.judgement)
    .slice(0, limit)
    .map(
      ([label, s]) =>
        `- ${signatureWords(s, TEXT)} ${label === 'unconfirmed' ? 'unconfirmed' : label}: ${markdownText(s.judgement?.reason ?? '', 300)}.`
    )
    .join('\n')
}

/** How the comment names each kind of row of the comparison. */
const DIFF_LABELS: Record<DiffRowKind, string> = {
  new: '🆕 new',
  'more frequent': '📈 more frequent',
  worse: '🐢 worse',
  unconfirmed: '❔ unconfirmed',
  resolved: '✅ resolved',
  'not seen (incomplete)': '❓ not seen (incomplete)',
  persisting: 'persisting'
}

function diffTable(diff: DiffReport, limit: number): { table: string; cut: number } {
  const rows = diffRows(diff).map((row) => [
    DIFF_LABELS[row.kind],
    signatureWords(row.signature, CELL),
    row.before,
    row.now,
    row.worstMs === null ? '–' : nowrap(formatMs(row.worstMs))
  ])
  if (rows.length === 0) return { table: 'Neither side has spikes.', cut: 0 }
  const shown = rows.slice(0, limit)
  return {
    table: table(
      [['', 'plugin · first syscall', 'spikes before', 'spikes now', 'worst now'], ...shown],
      ['l', 'l', 'r', 'r', 'r']
    ),
    cut: rows.length - shown.length
  }
}

function baseLine(diff: DiffReport): string {
  const { base } = diff
  const where = base.url
    ? `[${markdownText(base.location, 120)}](${encodeURI(base.url)})`
    : inlineCode(base.location, 120)
  const commit = base.commit ? ` at ${inlineCode(base.commit.slice(0, 12), 12)}` : ''
  const history = diff.history
  if (!history || history.reports <= 1) return `Baseline: ${where}${commit}.`
  return (
    `Judged against the reports of ${plural(history.reports, 'base run')} ` +
    `(${plural(history.repeats, 'repeat')}); the newest: ${where}${commit}.`
  )
}

/**
 * The human report: the verdict and a sentence per new or worsened kind of spike, the spikes worst
 * first, the chart, per-spike details, the comparison, then the statistics, notes and unreadable
 * inputs (docs/report.md). Long reports keep the worst spikes and say where the rest is.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  return renderReport(report, options).markdown
}

/** renderMarkdown, also telling whether anything was left out for length. */
export function renderReport(
  report: Report,
  options: MarkdownOptions = {}
): { markdown: string; omitted: boolean } {
  const settings = { ...DEFAULTS, ...options }
  let omitted = false
  const heading = (offset: number) => '#'.repeat(Math.min(6, settings.level + offset))
  const spikes = rankedSpikes(report)
  const sections: string[] = []

  sections.push(`${heading(0)} io-storm-catcher: MSPT spikes`)
  if (report.diff) {
    sections.push(diffVerdict(report.diff))
  } else if (settings.verdict) {
    sections.push(settings.verdict)
  }
  const lead = leadSentences(report, settings.maxLeadSentences)
  if (lead !== '') sections.push(lead)
  if (report.diff && report.diff.options_changed.length > 0) {
    sections.push(
      `⚠️ The baseline was analysed with other options (${report.diff.options_changed.map((name) => inlineCode(name, 30)).join(', ')}): ` +
        'some signatures may differ only because of that.'
    )
  }
  sections.push(summaryLine(report, spikes))

  if (spikes.length > 0) {
    const listed = spikes.slice(0, settings.maxSpikeRows)
    sections.push(`${heading(1)} Spikes, worst first`)
    const label = report.runs.length > 1 ? shortRunLabel(report) : null
    sections.push(spikesTable(listed, label))
    sections.push(spikesLegend(listed))
    if (listed.length < spikes.length) {
      omitted = true
      sections.push(
        `Showing the ${listed.length} worst of ${spikes.length} spikes; all are in ${settings.fullReportHint}.`
      )
    }
  }
  const charted = settings.chart ? chartedRun(report) : undefined
  const chart = charted ? msptChart(charted) : null
  if (chart) sections.push(chart)

  if (spikes.length > 0) {
    const detailed = spikes.slice(0, settings.maxDetails)
    if (detailed.length > 0) {
      const blocks = detailed.map((entry) => spikeDetails(entry, settings.detailRows))
      if (blocks.some((block) => block.includes('…and '))) omitted = true
      sections.push(blocks.join('\n\n'))
      if (detailed.length < spikes.length) {
        omitted = true
        sections.push(
          `Details for the ${detailed.length} worst spikes; the others are in ${settings.fullReportHint}.`
        )
      }
    }
  }

  if (report.diff) {
    sections.push(`${heading(1)} Compared with the base branch`)
    const reasons = diffReasons(report.diff, settings.maxDiffRows)
    if (reasons !== '') sections.push(reasons)
    const { table: diffRows, cut } = diffTable(report.diff, settings.maxDiffRows)
    sections.push(diffRows)
    if (cut > 0) {
      omitted = true
      sections.push(`…and ${cut} more signatures in ${settings.fullReportHint}.`)
    }
    sections.push(baseLine(report.diff))
  } else if (spikes.length > 0) {
    sections.push(`${heading(1)} Kinds of spike`)
    sections.push(signaturesTable(report.signatures))
  }

  if (report.runs.length > 0) {
    sections.push(`${heading(1)} Runs and thresholds`)
    sections.push(
      'A spike is a tick at or above its run’s threshold: the larger of the floor and p95 + k·σ ' +
        'of the run’s ticks (p95: the 95th percentile; σ: their standard deviation).'
    )
    const worst = (run: RunReport) =>
      run.spikes.reduce((max, spike) => Math.max(max, spike.value_ms), -1)
    const shown =
      report.runs.length <= settings.maxRuns
        ? report.runs
        : [...report.runs].sort((a, b) => worst(b) - worst(a)).slice(0, settings.maxRuns)
    sections.push(runsTable(report.runs.filter((run) => shown.includes(run))))
    if (shown.length < report.runs.length) {
      omitted = true
      sections.push(
        `Showing the ${shown.length} runs with the worst spikes of ${report.runs.length}; all are in ${settings.fullReportHint}.`
      )
    }
  }

  const notes = [
    ...(report.notes ?? []).map((note) => `- ${markdownText(note, 600)}`),
    ...report.runs.flatMap((run) =>
      run.notes.map((note) => `- ${inlineCode(runLabel(run), 40)}: ${markdownText(note, 300)}`)
    )
  ]
  if (notes.length > 0) {
    sections.push(`${heading(1)} Notes`)
    const listed = notes.slice(0, settings.maxNotes)
    if (listed.length < notes.length) {
      omitted = true
      listed.push(`- …and ${notes.length - listed.length} more in ${settings.fullReportHint}.`)
    }
    sections.push(listed.join('\n'))
  }
  if (report.errors.length > 0) {
    sections.push(`${heading(1)} Inputs that could not be analysed`)
    sections.push(
      report.errors
        .map(
          (error) => `- ${inlineCode(error.file, 120, 'end')}: ${markdownText(error.message, 300)}`
        )
        .join('\n')
    )
  }
  return { markdown: sections.join('\n\n') + '\n', omitted }
}
