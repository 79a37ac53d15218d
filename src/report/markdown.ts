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
import { pluginCell, pluginContext } from './plugin-cell.js'
import { formatBytes, formatCount, formatMs, formatOffset, plural } from './format.js'

export interface MarkdownOptions {
  /** Heading level of the report title; sections use the next level. */
  level?: number
  /** Spikes listed in the spike table (the worst ones, shown in time order). */
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
  verdict: ''
}

const table = (rows: string[][], align: ('l' | 'r' | 'c')[]) =>
  markdownTable(rows, { align, alignDelimiters: false })

interface RankedSpike {
  run: RunReport
  spike: SpikeReport
  /** 1-based number in time order across the report. */
  number: number
}

function runLabel(run: RunReport): string {
  return `${run.run_id} #${run.repeat}`
}

function allSpikes(report: Report): RankedSpike[] {
  const spikes = report.runs.flatMap((run) => run.spikes.map((spike) => ({ run, spike })))
  return spikes.map((entry, index) => ({ ...entry, number: index + 1 }))
}

function worstFirst(spikes: RankedSpike[]): RankedSpike[] {
  return [...spikes].sort((a, b) => b.spike.value_ms - a.spike.value_ms || a.number - b.number)
}

function syscallCell(spike: SpikeReport): string {
  if (spike.first_syscall === null) return '–'
  const name = tableCell(spike.first_syscall, 30)
  return spike.first_syscall_scope === 'all-threads' ? `${name} (other thread)` : name
}

function optionalCell(value: string | null, max: number, keep: 'start' | 'end' = 'start'): string {
  return value === null ? '–' : tableCell(value, max, keep)
}

function summaryLine(report: Report, spikes: RankedSpike[]): string {
  const analysed = report.runs.length
  const withSpikes = report.runs.filter((run) => run.spikes.length > 0).length
  if (analysed === 0) return 'No input could be analysed.'
  if (spikes.length === 0) {
    return `No MSPT spikes in ${plural(analysed, 'run')}.`
  }
  const worst = worstFirst(spikes)[0]
  return (
    `**${plural(spikes.length, 'spike')}** in ${withSpikes} of ${plural(analysed, 'run')}; ` +
    `worst **${formatMs(worst.spike.value_ms)}** (spike ${worst.number}, ${inlineCode(runLabel(worst.run), 40)} ` +
    `at ${formatOffset(worst.spike.offset_ms)}, ${inlineCode(worst.spike.signature, 60)}).`
  )
}

function runsTable(runs: RunReport[]): string {
  const rows = runs.map((run) => {
    const worst = run.spikes.reduce((max, spike) => Math.max(max, spike.value_ms), -Infinity)
    const atFloor = run.threshold_ms !== null && run.threshold_ms === run.floor_ms
    return [
      tableCell(runLabel(run), 40),
      run.metric === null ? '–' : tableCell(run.metric, 20),
      formatCount(run.samples),
      formatMs(run.p95_ms),
      formatMs(run.sigma_ms),
      run.threshold_ms === null ? '–' : formatMs(run.threshold_ms) + (atFloor ? ' (floor)' : ''),
      formatCount(run.spikes.length),
      run.spikes.length > 0 ? formatMs(worst) : '–'
    ]
  })
  return table(
    [['run', 'metric', 'values', 'p95', 'σ', 'threshold', 'spikes', 'worst'], ...rows],
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r']
  )
}

function spikesTable(spikes: RankedSpike[]): string {
  const rows = spikes.map(({ run, spike, number }) => [
    `${number}`,
    tableCell(runLabel(run), 30),
    formatOffset(spike.offset_ms),
    `**${spike.value_ms.toFixed(1)}**`,
    optionalCell(spike.top_thread, 40),
    pluginCell(spike),
    syscallCell(spike),
    optionalCell(spike.top_path, 48, 'end'),
    optionalCell(spike.top_device, 20)
  ])
  return table(
    [
      ['#', 'run', 'at', 'MSPT', 'top thread', 'plugin', 'first syscall', 'top path', 'device'],
      ...rows
    ],
    ['r', 'l', 'r', 'r', 'l', 'l', 'l', 'l', 'l']
  )
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
      '**Threads**\n\n' +
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
      '**Plugins** (owner = leaf-most plugin frame)' +
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
      '**Syscalls**\n\n' +
        table([['syscall', 'count', 'total ms', 'max ms'], ...rows], ['l', 'r', 'r', 'r']) +
        more(spike.syscalls.length)
    )
  }
  if (spike.paths.length > 0) {
    const rows = spike.paths
      .slice(0, limit)
      .map((p) => [
        tableCell(p.path, 72, 'end'),
        p.total_ms.toFixed(1),
        formatBytes(p.bytes),
        formatCount(p.ops)
      ])
    parts.push(
      '**Paths**\n\n' +
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

function spikeDetails({ run, spike, number }: RankedSpike, limit: number): string {
  const summary =
    `Spike ${number} · ${htmlText(runLabel(run), 40)} at ${formatOffset(spike.offset_ms)} · ` +
    `${spike.value_ms.toFixed(1)} ms · <code>${htmlText(spike.signature, 80)}</code>`
  const window = `Window ${spike.start_ns} → ${spike.end_ns} ns (${(Number(BigInt(spike.end_ns) - BigInt(spike.start_ns)) / 1e6).toFixed(1)} ms).`
  return [
    '<details>',
    `<summary>${summary}</summary>`,
    '',
    window,
    '',
    detailTables(spike, limit).join('\n\n'),
    '',
    '</details>'
  ].join('\n')
}

function signaturesTable(signatures: SignatureSummary[]): string {
  const rows = signatures.map((s) => [
    tableCell(s.signature, 80),
    formatCount(s.spikes),
    formatCount(s.repeats),
    formatMs(s.worst_ms)
  ])
  return table([['signature', 'spikes', 'repeats', 'worst'], ...rows], ['l', 'r', 'r', 'r'])
}

const regressionsOf = (diff: DiffReport) => [...(diff.more_frequent ?? []), ...(diff.worse ?? [])]

/** The verdict in a line: what fails, what got worse, or that nothing is new. */
export function diffVerdict(diff: DiffReport): string {
  const failOn = diff.verdict_options?.fail_on
  const regressions = regressionsOf(diff)
  const lines: string[] = []
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
  if (lines.length === 0) {
    lines.push(
      diff.resolved.length > 0
        ? `✅ No new spike signatures; ${plural(diff.resolved.length, 'signature')} resolved.`
        : '✅ No new spike signatures.'
    )
  }
  const unconfirmed = diff.new_unconfirmed ?? []
  if (unconfirmed.length > 0) {
    lines.push(
      `❔ ${plural(unconfirmed.length, 'signature')} new but seen too rarely to confirm: rerun to tell.`
    )
  }
  return lines.join('\n\n')
}

/** Why each signature that matters was judged so, in words (new, regressions, unconfirmed). */
function diffReasons(diff: DiffReport, limit: number): string {
  const entries = [
    ...diff.new.map((s) => ['new', s] as const),
    ...(diff.more_frequent ?? []).map((s) => ['more frequent', s] as const),
    ...(diff.worse ?? []).map((s) => ['worse', s] as const),
    ...(diff.new_unconfirmed ?? []).map((s) => ['unconfirmed', s] as const)
  ].filter(([, s]) => s.judgement)
  return entries
    .slice(0, limit)
    .map(
      ([label, s]) =>
        `- ${inlineCode(s.signature, 80)} ${label}: ${markdownText(s.judgement?.reason ?? '', 300)}.`
    )
    .join('\n')
}

/** A side's spikes, with in how many of its repeats: "4 in 2 of 5", "none of 20". */
function sideCell(spikes: number, repeatsWith?: number, repeats?: number): string {
  if (repeats === undefined) return String(spikes)
  return spikes === 0 ? `none of ${repeats}` : `${spikes} in ${repeatsWith} of ${repeats}`
}

function diffTable(diff: DiffReport, limit: number): { table: string; cut: number } {
  const row = (label: string, s: JudgedSignature) => [
    label,
    tableCell(s.signature, 80),
    sideCell(
      s.judgement?.base.spikes ?? 0,
      s.judgement?.base.repeats_with,
      s.judgement?.base.repeats
    ),
    sideCell(
      s.judgement?.head.spikes ?? s.spikes,
      s.judgement?.head.repeats_with,
      s.judgement?.head.repeats
    ),
    formatMs(s.judgement?.head.worst_ms ?? s.worst_ms)
  ]
  const rows = [
    ...diff.new.map((s) => row('🆕 new', s)),
    ...(diff.more_frequent ?? []).map((s) => row('📈 more frequent', s)),
    ...(diff.worse ?? []).map((s) => row('🐢 worse', s)),
    ...(diff.new_unconfirmed ?? []).map((s) => row('❔ unconfirmed', s)),
    ...diff.resolved.map((s) => [
      '✅ resolved',
      tableCell(s.signature, 80),
      String(s.spikes),
      '0',
      '–'
    ]),
    ...diff.persisting.map((s) => row('persisting', s))
  ]
  if (rows.length === 0) return { table: 'Neither side has spikes.', cut: 0 }
  const shown = rows.slice(0, limit)
  return {
    table: table(
      [['', 'signature', 'spikes: history', 'spikes: head', 'worst (head)'], ...shown],
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
 * The human report: summary, diff (when there is one), runs, spikes, per-spike details, notes and
 * unreadable inputs. Long reports keep the worst spikes and say where the rest is.
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
  const spikes = allSpikes(report)
  const sections: string[] = []

  sections.push(`${heading(0)} io-storm-catcher: MSPT spikes`)
  if (report.diff) {
    sections.push(diffVerdict(report.diff))
    if (report.diff.options_changed.length > 0) {
      sections.push(
        `⚠️ The baseline was analysed with other options (${report.diff.options_changed.map((name) => inlineCode(name, 30)).join(', ')}): ` +
          'some signatures may differ only because of that.'
      )
    }
    const reasons = diffReasons(report.diff, settings.maxDiffRows)
    if (reasons !== '') sections.push(reasons)
    const { table: diffRows, cut } = diffTable(report.diff, settings.maxDiffRows)
    sections.push(diffRows)
    if (cut > 0) {
      omitted = true
      sections.push(`…and ${cut} more signatures in ${settings.fullReportHint}.`)
    }
    sections.push(baseLine(report.diff))
  } else if (settings.verdict) {
    sections.push(settings.verdict)
  }
  sections.push(summaryLine(report, spikes))
  if (report.runs.length > 0) {
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
  const charted = settings.chart ? chartedRun(report) : undefined
  const chart = charted ? msptChart(charted) : null
  if (chart) sections.push(chart)

  if (spikes.length > 0) {
    const listed = worstFirst(spikes)
      .slice(0, settings.maxSpikeRows)
      .sort((a, b) => a.number - b.number)
    sections.push(`${heading(1)} Spikes`)
    sections.push(spikesTable(listed))
    if (listed.length < spikes.length) {
      omitted = true
      sections.push(
        `Showing the ${listed.length} worst of ${spikes.length} spikes; all are in ${settings.fullReportHint}.`
      )
    }
    const detailed = worstFirst(spikes)
      .slice(0, settings.maxDetails)
      .sort((a, b) => a.number - b.number)
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
    if (!report.diff) {
      sections.push(`${heading(1)} Signatures`)
      sections.push(signaturesTable(report.signatures))
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
