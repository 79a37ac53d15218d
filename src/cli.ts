import { access, constants, stat, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { argumentError, didYouMean, nearMiss } from './arguments.js'
import type { AnalysisProgress } from './analysis/analyse-file.js'
import type { InputError } from './analysis/types.js'
import { DEFAULT_SETTINGS } from './analysis/verdict.js'
import { compare, historyRuns, loadSide, markIncomplete, type Side } from './compare.js'
import {
  ANALYSIS_OPTIONS,
  DATABASE_OPTIONS,
  databaseInput,
  describeOptions,
  optionNotes,
  optionsUsage,
  parseAnalysisOptions,
  parseVerdictOptions,
  UsageError,
  VERDICT_OPTIONS
} from './options.js'
import { analyseTargets } from './pipeline.js'
import { MAX_THREADS } from './telemetry/decode-workers.js'
import { errorMessage } from './errors.js'
import { terminalLine } from './report/escape.js'
import { formatBytes, formatCount, plural } from './report/format.js'
import { buildReport, reportToJson } from './report/json.js'
import { renderMarkdown } from './report/markdown.js'
import { renderText } from './report/text.js'
import { formatLength } from './report/words.js'
import type { Report } from './analysis/types.js'
import { VERSION } from './version.js'

export const DEFAULT_RUNS_DIR = '/fast/plugbench/runs'

const USAGE = `iostorm ${VERSION} — MSPT spike detection and attribution for plugbench events.parquet

Usage:
  iostorm detect <target>... [options] [--out-md FILE] [--out-json FILE]
  iostorm diff <base>... <head> [options] [verdict options] [--out-md FILE] [--out-json FILE]
  iostorm tail (--run-id ID | --all) [--dsn URL] [tail options]    (see iostorm tail --help)

A target is an events.parquet file, a directory searched for events.parquet, or a run id
looked up under --runs-dir; with --dsn, a target that is not a path is a run id in
plugbench's PostgreSQL sidecar (every repeat of it). The arguments of diff are report JSON files written by
detect --out-json, or targets: the last is the head, the others its history of bases,
oldest first.

Options:
  --runs-dir DIR          where run ids are looked up (default: $IOSTORM_RUNS_DIR, else ${DEFAULT_RUNS_DIR})
${optionsUsage(DATABASE_OPTIONS)}
${optionsUsage()}
  --format FORMAT         what standard output gets: text (for a person: aligned, coloured on a
                          terminal unless NO_COLOR is set), markdown or json; default: text on a
                          terminal, markdown when piped or redirected
  --details               text: every spike with its threads, plugins, syscalls, files, devices
  --out-md FILE           write the markdown report here; standard output then gets one line
                          saying what was written (and the report only if --format is given)
  --out-json FILE         write the JSON report (schema_version 1) here
  --threads N             threads decoding the row groups (1 to ${MAX_THREADS}, default 1); never
                          changes an answer
  -h, --help              this help;  -V, --version  the version

Verdict options (diff):
${optionsUsage(VERDICT_OPTIONS)}
  --fail-on-new           the same as --fail-on new

diff fails (exit 1) only when asked with --fail-on: by default it reports. When an input of
either side cannot be read, the comparison is incomplete: it says so and calls nothing resolved.
On a terminal, progress (files, rows, rows/s) shows on standard error after a second.
Exit status: 0 done; 1 a signature fails under --fail-on; 2 usage error or unreadable input.
`

export interface Io {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
  /** Standard output is a terminal: text by default, coloured unless NO_COLOR. */
  stdoutIsTTY?: boolean
  /** Standard error is a terminal: progress is shown there. */
  stderrIsTTY?: boolean
  /** The terminal's width (else $COLUMNS, else 100). */
  columns?: number
  /** Milliseconds, for the progress line's timing (Date.now by default). */
  now?: () => number
}

/** The analysis and verdict flags come from the options tables; the others are the CLI's own. */
const OPTION_SPEC = {
  ...Object.fromEntries(
    [...ANALYSIS_OPTIONS, ...VERDICT_OPTIONS, ...DATABASE_OPTIONS].map((spec) => [
      spec.name,
      { type: 'string' as const, multiple: 'kind' in spec && spec.kind === 'list' }
    ])
  ),
  'runs-dir': { type: 'string' },
  'out-md': { type: 'string' },
  'out-json': { type: 'string' },
  threads: { type: 'string' },
  'fail-on-new': { type: 'boolean' },
  format: { type: 'string' },
  details: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' }
} as const

// tail is dispatched before parsing (its own options); listed here for near-miss suggestions
const COMMANDS = ['detect', 'diff', 'tail', 'help']
const FORMATS = ['text', 'markdown', 'json'] as const
type Format = (typeof FORMATS)[number]

function unknownCommand(command: string): string {
  const suggestion = didYouMean(nearMiss(command, COMMANDS))
  return `unknown command "${terminalLine(command)}" (expected detect, diff or tail)${suggestion}`
}

/**
 * Progress on standard error while the files are read: shown only on a terminal and only once the
 * reading has taken a second (a quick run prints nothing), redrawn at most five times a second,
 * and wiped before the report is printed.
 */
function progressLine(io: Io): { hooks: AnalysisProgress; done(): void } {
  const now = io.now ?? Date.now
  const started = now()
  let files = 0
  let rows = 0
  let drawnAt = 0
  let drawnWidth = 0
  const draw = () => {
    const at = now()
    if (!io.stderrIsTTY || at - started < 1000 || at - drawnAt < 200) return
    drawnAt = at
    const rate = rows / Math.max(0.001, (at - started) / 1000)
    const text = `iostorm: reading ${plural(files, 'file')}, ${formatCount(rows)} rows, ${formatCount(Math.round(rate))} rows/s`
    const width = Math.max(20, (io.columns ?? 80) - 1)
    const line = text.length > width ? text.slice(0, width) : text
    io.stderr(`\r${line.padEnd(drawnWidth)}`)
    drawnWidth = line.length
  }
  return {
    hooks: {
      file: () => {
        files++
        draw()
      },
      rows: (count) => {
        rows += count
        draw()
      }
    },
    done: () => {
      if (drawnWidth > 0) io.stderr(`\r${' '.repeat(drawnWidth)}\r`)
      drawnWidth = 0
    }
  }
}

/** One line per input that could not be read: the file, then what is wrong with it. */
function reportErrors(errors: readonly InputError[], io: Io): void {
  for (const error of errors) {
    io.stderr(`iostorm: ${terminalLine(error.file)}: ${terminalLine(error.message)}\n`)
  }
}

type OutputFlags = { 'out-md'?: string; 'out-json'?: string }

/**
 * An output file that cannot be written is a usage error found before the analysis starts, not
 * after minutes of reading: its folder must exist and be writable, and it must not be a folder.
 */
async function checkOutputs(values: OutputFlags): Promise<void> {
  for (const flag of ['out-md', 'out-json'] as const) {
    const path = values[flag]
    if (!path) continue
    const shown = terminalLine(path)
    const info = await stat(path).catch(() => null)
    if (info?.isDirectory()) throw new UsageError(`--${flag} ${shown} is a directory`)
    const folder = dirname(resolve(path))
    const folderInfo = await stat(folder).catch(() => null)
    if (!folderInfo?.isDirectory()) {
      throw new UsageError(`--${flag} ${shown}: no such directory ${terminalLine(folder)}`)
    }
    const writable = await access(info ? path : folder, constants.W_OK).then(
      () => true,
      () => false
    )
    if (!writable) throw new UsageError(`--${flag} ${shown}: permission denied`)
  }
}

interface Output {
  /** --format as given, else text on a terminal and markdown when piped. */
  format: Format
  /** --format was given: the report goes to standard output even with --out-md. */
  formatGiven: boolean
  details: boolean
}

function chooseOutput(values: { format?: string; details?: boolean }, io: Io): Output {
  const given = values.format
  if (given !== undefined && !(FORMATS as readonly string[]).includes(given)) {
    throw new UsageError(
      `--format must be text, markdown or json; got "${given}"${didYouMean(nearMiss(given, FORMATS))}`
    )
  }
  return {
    format: (given as Format | undefined) ?? (io.stdoutIsTTY ? 'text' : 'markdown'),
    formatGiven: given !== undefined,
    details: values.details === true
  }
}

function renderFor(report: Report, output: Output, io: Io, notice?: string): string {
  if (output.format === 'json') return reportToJson(report)
  if (output.format === 'markdown') return renderMarkdown(report, { verdict: notice })
  const color = io.stdoutIsTTY === true && !io.env.NO_COLOR
  const width = io.columns ?? (Number(io.env.COLUMNS) || 100)
  return renderText(report, { width, color, details: output.details, notice })
}

/** The report's gist in a line: "5 spikes in 2 of 2 runs, the worst 620 ms". */
function gist(report: Report): string {
  const spikes = report.runs.flatMap((run) => run.spikes)
  if (report.runs.length === 0) return 'no input could be analysed'
  if (spikes.length === 0) return `no MSPT spikes in ${plural(report.runs.length, 'run')}`
  const withSpikes = report.runs.filter((run) => run.spikes.length > 0).length
  const worst = Math.max(...spikes.map((spike) => spike.value_ms))
  const judged = report.diff
    ? `; ${plural(report.diff.new.length, 'new signature')}${report.diff.incomplete ? ' (comparison incomplete)' : ''}`
    : ''
  return `${plural(spikes.length, 'spike')} in ${withSpikes} of ${plural(report.runs.length, 'run')}, the worst ${formatLength(worst)}${judged}`
}

/**
 * The report to standard output in the chosen format, unless --out-md takes it (then only when
 * --format asks), and the files; returns what prints the one-line summary of what was written.
 */
async function writeOutputs(
  report: Report,
  values: OutputFlags,
  output: Output,
  io: Io,
  notice?: string
): Promise<() => void> {
  const written: string[] = []
  const write = async (flag: keyof OutputFlags, content: string, kind: string) => {
    const path = values[flag] as string
    await writeFile(path, content).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(
        `--${flag} ${terminalLine(path)}: cannot write (${error.code ?? 'error'})`
      )
    })
    written.push(`${terminalLine(path)} (${kind}, ${formatBytes(Buffer.byteLength(content))})`)
  }
  if (values['out-md'])
    await write('out-md', renderMarkdown(report, { verdict: notice }), 'markdown')
  if (values['out-json']) await write('out-json', reportToJson(report), 'JSON')
  const reportOnStdout = !values['out-md'] || output.formatGiven
  if (reportOnStdout) io.stdout(renderFor(report, output, io, notice))
  // said last, after the lines about unreadable inputs: on standard output when the report is not
  // there, else on standard error when a person watches it (a script's stderr keeps one line per
  // unreadable input and nothing else)
  return () => {
    if (written.length === 0) return
    const line = `iostorm: ${gist(report)}; wrote ${written.join(' and ')}\n`
    if (!reportOnStdout) io.stdout(line)
    else if (io.stderrIsTTY) io.stderr(line)
  }
}

/** Runs one CLI invocation and returns its exit status; never throws for user mistakes. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  if (argv[0] === 'tail') {
    const { runTail } = await import('./tail.js')
    return runTail(argv.slice(1), { ...io, isTty: io.stdoutIsTTY })
  }
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      options: OPTION_SPEC,
      allowPositionals: true,
      strict: true
    })
  } catch (error) {
    // a mistyped command explains the option errors that follow it: say that first
    const first = argv[0]
    const problem =
      first !== undefined && !first.startsWith('-') && !COMMANDS.includes(first)
        ? unknownCommand(first)
        : argumentError(error, Object.keys(OPTION_SPEC))
    io.stderr(`iostorm: ${problem} (see iostorm --help)\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.version) {
    io.stdout(`${VERSION}\n`)
    return 0
  }
  const [command, ...targets] = positionals
  // no arguments at all asks what the tool does: the help, on standard output, and no error
  if (values.help || command === undefined || command === 'help') {
    io.stdout(USAGE)
    return 0
  }
  const progress = progressLine(io)
  try {
    if (!COMMANDS.includes(command)) {
      throw new UsageError(unknownCommand(command))
    }
    const given = (specs: readonly { raw: string; name: string }[]) =>
      Object.fromEntries(
        specs.map((spec) => [
          spec.raw,
          (values as Record<string, string | string[] | undefined>)[spec.name]
        ])
      )
    const options = await parseAnalysisOptions(given(ANALYSIS_OPTIONS))
    if (values.threads !== undefined) {
      const threads = Number(values.threads)
      if (!Number.isInteger(threads) || threads < 1) {
        throw new UsageError(
          `--threads must be a whole number of at least 1; got "${values.threads}"`
        )
      }
      options.threads = threads
    }
    const settings = await parseVerdictOptions(given(VERDICT_OPTIONS), undefined, {
      ...DEFAULT_SETTINGS,
      failOn: values['fail-on-new'] ? 'new' : 'never'
    })
    const runsDir = values['runs-dir'] || io.env.IOSTORM_RUNS_DIR || DEFAULT_RUNS_DIR
    const output = chooseOutput(values, io)
    const database = databaseInput(values as { dsn?: string; 'pg-schema'?: string }, io.env)
    await checkOutputs(values)
    const analysis = { ...options, progress: progress.hooks }

    if (command === 'detect') {
      if (targets.length === 0) throw new UsageError('detect needs at least one target')
      const verdictFlag = ['fail-on-new', ...VERDICT_OPTIONS.map((spec) => spec.name)].find(
        (name) => (values as Record<string, unknown>)[name] !== undefined
      )
      if (verdictFlag) throw new UsageError(`--${verdictFlag} only applies to diff`)
      const analysed = await analyseTargets(targets, runsDir, analysis, database)
      progress.done()
      const report = buildReport({
        ...analysed,
        options: describeOptions(options),
        notes: optionNotes(options)
      })
      const summarise = await writeOutputs(report, values, output, io)
      reportErrors(analysed.errors, io)
      summarise()
      return analysed.errors.length > 0 ? 2 : 0
    }

    if (command === 'diff') {
      if (targets.length < 2) {
        throw new UsageError('diff needs a base and a head: <base>... <head>')
      }
      const headTarget = targets[targets.length - 1]
      const bases: Side[] = []
      for (const target of targets.slice(0, -1)) {
        const base = await loadSide(target, runsDir, analysis, database)
        bases.push({ ...base, runs: historyRuns(base.runs) })
      }
      const head = await loadSide(headTarget, runsDir, analysis, database)
      progress.done()
      const errors = [
        ...bases.flatMap((base) =>
          base.errors.map((error) => ({ ...error, message: `(base) ${error.message}` }))
        ),
        ...head.errors
      ]
      // newest first: the base named just before the head
      const { diff, verdict } = compare([...bases].reverse(), head, settings)
      const report = buildReport({
        runs: head.runs,
        errors,
        options: describeOptions(options),
        diff: diff && markIncomplete(diff, errors.length),
        notes: optionNotes(options)
      })
      // a side none of whose inputs could be read leaves nothing to compare: said, not implied
      const notice =
        diff === null
          ? '⚠️ **No comparison**: the base or the head could not be read (see the inputs listed at the end).'
          : undefined
      const summarise = await writeOutputs(report, values, output, io, notice)
      reportErrors(errors, io)
      summarise()
      if (errors.length > 0) return 2
      return settings.failOn !== 'never' && verdict === 'fail' ? 1 : 0
    }
    throw new UsageError(`unknown command "${terminalLine(command)}"`)
  } catch (error) {
    progress.done()
    if (error instanceof UsageError) {
      io.stderr(`iostorm: ${terminalLine(error.message)}\n`)
      return 2
    }
    const detail = io.env.IOSTORM_DEBUG && error instanceof Error ? `\n${error.stack}` : ''
    const message = errorMessage(error)
    io.stderr(
      `iostorm: internal error (please report it; IOSTORM_DEBUG=1 shows where): ${terminalLine(message)}${detail}\n`
    )
    return 2
  }
}
