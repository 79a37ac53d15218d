/**
 * The report for a person at a terminal (`iostorm … --format text`, the default on a TTY): aligned
 * columns fitted to the terminal's width, a plain-language line per spike (the worst first),
 * colour only when asked for, and the details on request (docs/report.md, "In the terminal").
 * Widths are measured with string-width and lines wrapped with wrap-ansi, so wide characters and
 * colour codes never break the alignment; colour comes from picocolors.
 */
import { createColors } from 'picocolors'
import stringWidth from 'string-width'
import wrapAnsi from 'wrap-ansi'
import type {
  DiffReport,
  JudgedSignature,
  Report,
  RunReport,
  SpikeReport
} from '../analysis/types.js'
import { oneLine } from './escape.js'
import { formatBytes, formatCount, formatMs, plural } from './format.js'
import { windowText } from './markdown.js'
import {
  diffRows,
  formatAt,
  formatLength,
  leadEntries,
  type LeadKind,
  type Markup,
  signatureSentence,
  signatureWords,
  spikeLine
} from './words.js'

export interface TextOptions {
  /** Columns of the terminal; lines never exceed it (at least MIN_WIDTH). */
  width: number
  /** ANSI colours (a TTY without NO_COLOR). */
  color: boolean
  /** Every spike with its threads, plugins, syscalls, files and devices; every note. */
  details?: boolean
  /** A line under the title when there is no diff to show (e.g. why no comparison was made). */
  notice?: string
}

const MIN_WIDTH = 60
/** Spike lines shown without --details; the rest are counted. */
const SPIKE_LINES = 15
const NOTE_LINES = 5
const DETAIL_ROWS = 8

type Colors = ReturnType<typeof createColors>

type Align = 'l' | 'r'

const pad = (text: string, width: number, align: Align) => {
  const room = Math.max(0, width - stringWidth(text))
  return align === 'r' ? ' '.repeat(room) + text : text + ' '.repeat(room)
}

/** Cuts a (colourless) cell to `width` columns with an ellipsis, keeping its end when asked. */
function fit(text: string, width: number, keep: 'start' | 'end' = 'start'): string {
  if (stringWidth(text) <= width) return text
  const chars = [...text]
  let kept = ''
  if (keep === 'end') {
    for (let i = chars.length - 1; i >= 0 && stringWidth(chars[i] + kept) <= width - 1; i--) {
      kept = chars[i] + kept
    }
    return '…' + kept
  }
  for (const char of chars) {
    if (stringWidth(kept + char) > width - 1) break
    kept += char
  }
  return kept + '…'
}

interface Column {
  header: string
  align: Align
  /** Cut to fit (the widest first) when the table is wider than the terminal; never below min. */
  shrink?: { min: number; keep?: 'start' | 'end' }
  /** The last column may wrap onto continuation lines instead of being cut. */
  wrap?: boolean
  /** Left out when the table cannot fit otherwise: the lowest number goes first. */
  drop?: number
}

/**
 * A table of plain cells, aligned by display width and fitted to `width`: shrinkable columns are
 * cut (widest first), a wrapping last column takes the rest of the line and wraps under itself.
 * `paint` colours a cell after it is fitted, so colour codes never count toward the width.
 */
function renderTable(
  allColumns: Column[],
  allRows: string[][],
  width: number,
  c: Colors,
  paint: (row: number, column: number, text: string) => string = (_r, _c, text) => text,
  indent = '  '
): string[] {
  const gap = 2
  // columns that may go are left out, the least needed first, until the rest can fit
  const minimum = (column: Column, i: number) =>
    column.wrap
      ? 12
      : (column.shrink?.min ??
        Math.max(stringWidth(column.header), ...allRows.map((row) => stringWidth(row[i] ?? ''))))
  const kept = allColumns.map((_, i) => i)
  const needed = () =>
    indent.length +
    kept.reduce((sum, i) => sum + minimum(allColumns[i], i), 0) +
    gap * (kept.length - 1)
  const droppable = kept
    .filter((i) => allColumns[i].drop !== undefined)
    .sort((a, b) => (allColumns[a].drop as number) - (allColumns[b].drop as number))
  for (const i of droppable) {
    if (needed() <= width) break
    kept.splice(kept.indexOf(i), 1)
  }
  const columns = kept.map((i) => allColumns[i])
  const rows = allRows.map((row) => kept.map((i) => row[i] ?? ''))
  const original = (column: number) => kept[column]
  const widths = columns.map((column, i) =>
    Math.max(stringWidth(column.header), ...rows.map((row) => stringWidth(row[i] ?? '')))
  )
  const wrapIndex = columns.findIndex((column) => column.wrap)
  const total = () =>
    indent.length + widths.reduce((sum, w) => sum + w, 0) + gap * (columns.length - 1)
  if (wrapIndex >= 0) {
    // the wrapping column needs a readable width; the others give up room for it first
    const wanted = Math.min(widths[wrapIndex], 36)
    widths[wrapIndex] = 0
    shrinkTo(columns, widths, width - wanted, total)
    widths[wrapIndex] = Math.max(12, width - total())
  } else {
    shrinkTo(columns, widths, width, total)
  }
  const line = (cells: string[], rowIndex: number | null): string[] => {
    const fitted = cells.map((cell, i) =>
      i === wrapIndex ? cell : fit(cell, widths[i], columns[i].shrink?.keep)
    )
    const wrapped =
      wrapIndex >= 0
        ? wrapAnsi(fitted[wrapIndex], widths[wrapIndex], { hard: true, trim: true }).split('\n')
        : ['']
    const out: string[] = []
    wrapped.forEach((part, lineIndex) => {
      const parts = fitted.map((cell, i) => {
        const text = i === wrapIndex ? part : lineIndex === 0 ? cell : ''
        const painted =
          rowIndex === null ? c.dim(text) : text === '' ? text : paint(rowIndex, original(i), text)
        return i === columns.length - 1 && columns[i].align === 'l'
          ? painted
          : pad(painted, widths[i], columns[i].align)
      })
      out.push((indent + parts.join(' '.repeat(gap))).trimEnd())
    })
    return out
  }
  return [
    ...line(
      columns.map((column) => column.header),
      null
    ),
    ...rows.flatMap((row, index) => line(row, index))
  ]
}

function shrinkTo(columns: Column[], widths: number[], width: number, total: () => number) {
  while (total() > width) {
    let widest = -1
    for (let i = 0; i < columns.length; i++) {
      const min = columns[i].shrink?.min
      if (min === undefined || widths[i] <= min) continue
      if (widest < 0 || widths[i] > widths[widest]) widest = i
    }
    if (widest < 0) return
    widths[widest] = Math.max(columns[widest].shrink?.min ?? 0, widths[widest] - (total() - width))
  }
}

const runLabel = (run: RunReport) => `${run.run_id} #${run.repeat}`

/** A paragraph wrapped to the width, continuation lines indented under its first word. */
function paragraph(text: string, width: number, indent = '', hanging = indent): string[] {
  const wrapped = wrapAnsi(text, Math.max(20, width - stringWidth(hanging)), {
    hard: true,
    trim: true
  })
  return wrapped.split('\n').map((line, index) => (index === 0 ? indent : hanging) + line)
}

function verdictLines(diff: DiffReport, c: Colors): string[] {
  const lines: string[] = []
  const regressions = [...(diff.more_frequent ?? []), ...(diff.worse ?? [])]
  if (diff.incomplete) {
    lines.push(
      c.yellow(c.bold('! The comparison is incomplete:')) +
        ' some inputs could not be read (listed below), so nothing is called resolved.'
    )
  }
  if (diff.new.length > 0) {
    lines.push(
      c.red(c.bold(`✗ ${plural(diff.new.length, 'new spike signature')}`)) +
        ' compared with the baseline.'
    )
  }
  if (regressions.length > 0) {
    const paint = diff.verdict_options?.fail_on === 'regression' ? c.red : c.yellow
    lines.push(
      paint(c.bold(`! ${plural(regressions.length, 'known signature')}`)) +
        ' more frequent or worse than in the history.'
    )
  }
  const unconfirmed = diff.new_unconfirmed ?? []
  if (diff.new.length === 0 && regressions.length === 0) {
    const none =
      unconfirmed.length > 0 ? 'No confirmed new spike signatures' : 'No new spike signatures'
    lines.push(
      c.green(c.bold(`✓ ${none}`)) +
        (diff.resolved.length > 0
          ? `; ${plural(diff.resolved.length, 'signature')} resolved.`
          : '.')
    )
  }
  if (unconfirmed.length > 0) {
    lines.push(
      c.yellow(`? ${plural(unconfirmed.length, 'signature')}`) +
        ' new but seen too rarely to confirm: rerun to tell.'
    )
  }
  return lines
}

function diffTable(diff: DiffReport, width: number, c: Colors, m: Markup): string[] {
  const rows = diffRows(diff).map((row) => [
    row.kind,
    signatureWords(row.signature, m),
    row.before,
    row.now,
    row.worstMs === null ? '–' : formatLength(row.worstMs)
  ])
  if (rows.length === 0) return ['  Neither side has spikes.']
  const colour: Record<string, (text: string) => string> = {
    new: c.red,
    'more frequent': c.yellow,
    worse: c.yellow,
    unconfirmed: c.yellow,
    resolved: c.green
  }
  return renderTable(
    [
      { header: '', align: 'l' },
      { header: 'plugin · first syscall', align: 'l', shrink: { min: 16 } },
      { header: 'spikes before', align: 'r' },
      { header: 'spikes now', align: 'r' },
      { header: 'worst now', align: 'r' }
    ],
    rows,
    width,
    c,
    (row, column, text) => (column === 0 ? (colour[rows[row][0]] ?? c.dim)(text) : text)
  )
}

function runsTable(runs: RunReport[], width: number, c: Colors): string[] {
  const rows = runs.map((run) => {
    const worst = run.spikes.reduce((max, spike) => Math.max(max, spike.value_ms), -Infinity)
    const atFloor = run.threshold_ms !== null && run.threshold_ms === run.floor_ms
    return [
      oneLine(runLabel(run), 200),
      run.metric === null ? '–' : oneLine(run.metric, 20),
      formatCount(run.samples),
      formatMs(run.p95_ms),
      formatMs(run.sigma_ms),
      run.threshold_ms === null ? '–' : formatMs(run.threshold_ms) + (atFloor ? ' (floor)' : ''),
      formatCount(run.spikes.length),
      run.spikes.length > 0 ? formatLength(worst) : '–'
    ]
  })
  return renderTable(
    [
      { header: 'run', align: 'l', shrink: { min: 12, keep: 'end' } },
      { header: 'metric', align: 'l', shrink: { min: 6 }, drop: 1 },
      { header: 'ticks', align: 'r', drop: 2 },
      { header: 'p95', align: 'r', drop: 4 },
      { header: 'σ', align: 'r', drop: 3 },
      { header: 'threshold', align: 'r' },
      { header: 'spikes', align: 'r' },
      { header: 'worst', align: 'r' }
    ],
    rows,
    width,
    c
  )
}

interface Ranked {
  run: RunReport
  spike: SpikeReport
  number: number
}

function spikeDetails(
  { run, spike, number }: Ranked,
  width: number,
  c: Colors,
  m: Markup
): string[] {
  const lines = [
    '',
    c.bold(
      `#${number}  ${formatLength(spike.value_ms)}  ${oneLine(runLabel(run), 60)} at ${formatAt(spike.offset_ms)}`
    ),
    ...paragraph(`${spikeLine(spike, m, 60)}.`, width, '  '),
    ...paragraph(c.dim(`Window ${windowText(spike)}.`), width, '  ')
  ]
  const section = (title: string, columns: Column[], rows: string[][], count: number) => {
    if (rows.length === 0) return
    lines.push('', ...paragraph(c.bold(title), width, '  ', '  '))
    lines.push(...renderTable(columns, rows, width, c, undefined, '    '))
    if (count > rows.length) lines.push(c.dim(`    …and ${count - rows.length} more`))
  }
  const threads = spike.threads.slice(0, DETAIL_ROWS)
  section(
    'Threads (each thread’s own time: together they can exceed the spike’s length)',
    [
      { header: 'thread', align: 'l', shrink: { min: 12 } },
      { header: 'tid', align: 'r', drop: 1 },
      { header: 'samples', align: 'r', drop: 2 },
      { header: 'sampled ms', align: 'r' },
      { header: 'syscall ms', align: 'r' },
      { header: 'wait ms', align: 'r', drop: 3 },
      { header: 'I/O', align: 'r' }
    ],
    threads.map((t) => [
      oneLine(t.thread, 80) + (t.tick_thread ? ' (tick)' : ''),
      t.tid === null ? '–' : String(t.tid),
      formatCount(t.samples),
      t.cpu_ms.toFixed(1),
      t.syscall_ms.toFixed(1),
      t.wait_ms.toFixed(1),
      formatBytes(t.io_bytes)
    ]),
    spike.threads.length
  )
  section(
    'Plugins (sampled time summed over threads)',
    [
      { header: 'plugin', align: 'l', shrink: { min: 12 } },
      { header: 'tick-thread samples', align: 'r', drop: 1 },
      { header: 'samples', align: 'r' },
      { header: 'sampled ms', align: 'r' }
    ],
    spike.plugins
      .slice(0, DETAIL_ROWS)
      .map((p) => [
        oneLine(p.plugin, 80),
        formatCount(p.tick_thread_samples),
        formatCount(p.samples),
        p.cpu_ms.toFixed(1)
      ]),
    spike.plugins.length
  )
  section(
    'Syscalls (all threads, summed)',
    [
      { header: 'syscall', align: 'l', shrink: { min: 8 } },
      { header: 'count', align: 'r' },
      { header: 'total ms', align: 'r' },
      { header: 'max ms', align: 'r' }
    ],
    spike.syscalls
      .slice(0, DETAIL_ROWS)
      .map((s) => [
        oneLine(s.syscall, 40) + (s.wait ? ' (wait)' : ''),
        formatCount(s.count),
        s.total_ms.toFixed(1),
        s.max_ms.toFixed(1)
      ]),
    spike.syscalls.length
  )
  section(
    'Files',
    [
      { header: 'path', align: 'l', shrink: { min: 20, keep: 'end' } },
      { header: 'ms', align: 'r' },
      { header: 'bytes', align: 'r' },
      { header: 'ops', align: 'r' }
    ],
    spike.paths
      .slice(0, DETAIL_ROWS)
      .map((p) => [
        oneLine(p.path, 400),
        p.total_ms.toFixed(1),
        formatBytes(p.bytes),
        formatCount(p.ops)
      ]),
    spike.paths.length
  )
  section(
    'Block devices',
    [
      { header: 'device', align: 'l', shrink: { min: 8 } },
      { header: 'bytes', align: 'r' },
      { header: 'ops', align: 'r' },
      { header: 'ms', align: 'r' }
    ],
    spike.devices
      .slice(0, DETAIL_ROWS)
      .map((d) => [
        oneLine(d.device, 40),
        formatBytes(d.bytes),
        formatCount(d.ops),
        d.total_ms.toFixed(1)
      ]),
    spike.devices.length
  )
  for (const note of spike.notes) {
    lines.push(...paragraph(c.dim(`- ${oneLine(note, 300)}`), width, '  ', '    '))
  }
  return lines
}

/** The text report: lines no wider than `options.width`, ending with a newline. */
export function renderText(report: Report, options: TextOptions): string {
  const width = Math.max(MIN_WIDTH, Math.floor(options.width))
  const c = createColors(options.color)
  const m: Markup = {
    name: (text, max, keep) => c.cyan(oneLine(text, max, keep)),
    strong: (text) => c.bold(text)
  }
  const out: string[] = []
  const heading = (title: string) => out.push('', c.bold(c.underline(title)))

  const spikes: Ranked[] = report.runs
    .flatMap((run) => run.spikes.map((spike) => ({ run, spike })))
    .map((entry, order) => ({ ...entry, order }))
    .sort((a, b) => b.spike.value_ms - a.spike.value_ms || a.order - b.order)
    .map(({ run, spike }, index) => ({ run, spike, number: index + 1 }))
  const withSpikes = report.runs.filter((run) => run.spikes.length > 0).length
  const headline =
    report.runs.length === 0
      ? 'no input could be analysed'
      : spikes.length === 0
        ? `no MSPT spikes in ${plural(report.runs.length, 'run')}`
        : `${plural(spikes.length, 'spike')} in ${withSpikes} of ${plural(report.runs.length, 'run')}, the worst ${formatLength(spikes[0].spike.value_ms)}`
  // repeats of one run: the run is named once, its repeats by number
  const ids = new Set(report.runs.map((run) => run.run_id))
  const oneRun = ids.size === 1 && report.runs.length > 1
  const named = oneRun ? ` · ${c.cyan(oneLine(report.runs[0].run_id, 60))}` : ''
  out.push(`${c.bold('io-storm-catcher')}${named} · ${headline}`)

  if (report.diff) {
    out.push('')
    for (const line of verdictLines(report.diff, c)) out.push(...paragraph(line, width, '', '  '))
  } else if (options.notice) {
    const plain = options.notice.replace(/\*\*/g, '').replace(/^⚠️ /, '! ')
    out.push('', ...paragraph(c.yellow(plain), width))
  }
  const lead: [LeadKind, JudgedSignature][] = report.diff
    ? leadEntries(report.diff)
    : [...report.signatures]
        .sort((a, b) => b.worst_ms - a.worst_ms)
        .map((s) => ['seen', s] as [LeadKind, JudgedSignature])
  if (lead.length > 0) {
    out.push('')
    for (const [kind, signature] of lead.slice(0, 5)) {
      out.push(...paragraph(signatureSentence(report, signature, kind, m), width, '• ', '  '))
    }
    if (lead.length > 5) out.push(c.dim(`  …and ${plural(lead.length - 5, 'more kind')} of spike`))
  }

  if (spikes.length > 0) {
    heading('Spikes, worst first')
    const shown = options.details ? spikes : spikes.slice(0, SPIKE_LINES)
    const severalRuns = report.runs.length > 1
    const rows = shown.map(({ run, spike, number }) => [
      String(number),
      formatLength(spike.value_ms),
      ...(severalRuns ? [oneRun ? `#${run.repeat}` : oneLine(runLabel(run), 200)] : []),
      formatAt(spike.offset_ms),
      spikeLine(spike, m, 48)
    ])
    out.push(
      ...renderTable(
        [
          { header: '#', align: 'r' },
          { header: 'tick', align: 'r' },
          ...(severalRuns
            ? [{ header: 'run', align: 'l' as const, shrink: { min: 10, keep: 'end' as const } }]
            : []),
          { header: 'at', align: 'r' },
          { header: 'what happened', align: 'l', wrap: true }
        ],
        rows,
        width,
        c,
        (_row, column, text) => (column === 1 ? c.bold(c.red(text)) : text)
      )
    )
    if (shown.length < spikes.length) {
      out.push(c.dim(`  …and ${spikes.length - shown.length} more (--details lists every spike)`))
    }
  }

  if (report.diff) {
    heading('Compared with the base branch')
    out.push(...diffTable(report.diff, width, c, m))
    const base = report.diff.base
    const history = report.diff.history
    const where = oneLine(base.location, 200)
    out.push(
      ...paragraph(
        c.dim(
          history && history.reports > 1
            ? `Judged against ${plural(history.reports, 'base report')} (${plural(history.repeats, 'repeat')}); the newest: ${where}.`
            : `Baseline: ${where}.`
        ),
        width,
        '  '
      )
    )
  }

  if (report.runs.length > 0) {
    heading('Runs and thresholds')
    out.push(...runsTable(report.runs, width, c))
    out.push(
      ...paragraph(
        c.dim(
          'A spike is a tick at or above its run’s threshold: the larger of the floor and p95 + k·σ of its ticks.'
        ),
        width,
        '  '
      )
    )
  }

  if (options.details) {
    for (const entry of spikes) out.push(...spikeDetails(entry, width, c, m))
  }

  const notes = [
    ...(report.notes ?? []).map((note) => oneLine(note, 600)),
    ...report.runs.flatMap((run) =>
      run.notes.map((note) => `${oneLine(runLabel(run), 60)}: ${oneLine(note, 300)}`)
    )
  ]
  if (notes.length > 0) {
    heading('Notes')
    const shown = options.details ? notes : notes.slice(0, NOTE_LINES)
    for (const note of shown) out.push(...paragraph(`- ${note}`, width, '  ', '    '))
    if (shown.length < notes.length) {
      out.push(c.dim(`  …and ${notes.length - shown.length} more (--details lists every note)`))
    }
  }
  if (report.errors.length > 0) {
    heading('Inputs that could not be analysed')
    for (const error of report.errors) {
      out.push(
        ...paragraph(
          `- ${c.red(oneLine(error.file, 200, 'end'))}: ${oneLine(error.message, 300)}`,
          width,
          '  ',
          '    '
        )
      )
    }
  }
  if (!options.details && spikes.length > 0) {
    out.push(
      '',
      ...paragraph(
        c.dim('--details shows each spike’s threads, plugins, syscalls, files and devices.'),
        width
      )
    )
  }
  return out.join('\n') + '\n'
}
