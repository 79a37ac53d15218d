import { access, constants, stat, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { InputError } from './analysis/types.js'
import { DEFAULT_SETTINGS } from './analysis/verdict.js'
import { compare, historyRuns, loadSide, type Side } from './compare.js'
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
import { errorMessage } from './errors.js'
import { terminalLine } from './report/escape.js'
import { buildReport, reportToJson } from './report/json.js'
import { renderMarkdown } from './report/markdown.js'
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
  --out-md FILE           write the markdown report here instead of standard output
  --out-json FILE         write the JSON report (schema_version 1) here

Verdict options (diff):
${optionsUsage(VERDICT_OPTIONS)}
  --fail-on-new           the same as --fail-on new

diff fails (exit 1) only when asked with --fail-on: by default it reports.
Exit status: 0 done; 1 a signature fails under --fail-on; 2 usage error or unreadable input.
`

interface Io {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
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
  'fail-on-new': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' }
} as const

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

async function writeOutputs(
  markdown: string,
  json: string,
  values: OutputFlags,
  io: Io
): Promise<void> {
  const write = async (flag: keyof OutputFlags, content: string) => {
    const path = values[flag] as string
    await writeFile(path, content).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(
        `--${flag} ${terminalLine(path)}: cannot write (${error.code ?? 'error'})`
      )
    })
  }
  if (values['out-md']) await write('out-md', markdown)
  else io.stdout(markdown)
  if (values['out-json']) await write('out-json', json)
}

/** Runs one CLI invocation and returns its exit status; never throws for user mistakes. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  if (argv[0] === 'tail') return (await import('./tail.js')).runTail(argv.slice(1), io)
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      options: OPTION_SPEC,
      allowPositionals: true,
      strict: true
    })
  } catch (error) {
    const message = errorMessage(error)
      .replace(/^\w+ \[ERR_[A-Z_]+\]: /, '')
      .replace(/\n+/g, ' ')
    io.stderr(`iostorm: ${message} (see iostorm --help)\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.version) {
    io.stdout(`${VERSION}\n`)
    return 0
  }
  const [command, ...targets] = positionals
  if (values.help || command === undefined || command === 'help') {
    io.stdout(USAGE)
    return command === undefined && !values.help ? 2 : 0
  }
  try {
    const given = (specs: readonly { raw: string; name: string }[]) =>
      Object.fromEntries(
        specs.map((spec) => [
          spec.raw,
          (values as Record<string, string | string[] | undefined>)[spec.name]
        ])
      )
    const options = await parseAnalysisOptions(given(ANALYSIS_OPTIONS))
    const settings = await parseVerdictOptions(given(VERDICT_OPTIONS), undefined, {
      ...DEFAULT_SETTINGS,
      failOn: values['fail-on-new'] ? 'new' : 'never'
    })
    const runsDir = values['runs-dir'] || io.env.IOSTORM_RUNS_DIR || DEFAULT_RUNS_DIR
    const database = databaseInput(values as { dsn?: string; 'pg-schema'?: string }, io.env)
    await checkOutputs(values)

    if (command === 'detect') {
      if (targets.length === 0) throw new UsageError('detect needs at least one target')
      const verdictFlag = ['fail-on-new', ...VERDICT_OPTIONS.map((spec) => spec.name)].find(
        (name) => (values as Record<string, unknown>)[name] !== undefined
      )
      if (verdictFlag) throw new UsageError(`--${verdictFlag} only applies to diff`)
      const analysed = await analyseTargets(targets, runsDir, options, database)
      const report = buildReport({
        ...analysed,
        options: describeOptions(options),
        notes: optionNotes(options)
      })
      await writeOutputs(renderMarkdown(report), reportToJson(report), values, io)
      reportErrors(analysed.errors, io)
      return analysed.errors.length > 0 ? 2 : 0
    }

    if (command === 'diff') {
      if (targets.length < 2) {
        throw new UsageError('diff needs a base and a head: <base>... <head>')
      }
      const headTarget = targets[targets.length - 1]
      const bases: Side[] = []
      for (const target of targets.slice(0, -1)) {
        const base = await loadSide(target, runsDir, options, database)
        bases.push({ ...base, runs: historyRuns(base.runs) })
      }
      const head = await loadSide(headTarget, runsDir, options, database)
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
        diff,
        notes: optionNotes(options)
      })
      await writeOutputs(renderMarkdown(report), reportToJson(report), values, io)
      reportErrors(errors, io)
      if (errors.length > 0) return 2
      return settings.failOn !== 'never' && verdict === 'fail' ? 1 : 0
    }
    throw new UsageError(`unknown command "${command}" (expected detect or diff)`)
  } catch (error) {
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
