/**
 * `iostorm tail`: polls plugbench's PostgreSQL sidecar while a benchmark runs and prints each
 * spike, attributed, as it happens, with heartbeats (docs/postgres.md). A lost connection is a
 * warning and a reconnect with backoff, resuming where it was; Ctrl+C or SIGTERM ends it, exit 0.
 */
import { parseArgs } from 'node:util'
import { argumentError } from './arguments.js'
import { createLive, type Live } from './analysis/live.js'
import { errorMessage } from './errors.js'
import {
  ANALYSIS_OPTIONS,
  DATABASE_OPTIONS,
  optionsUsage,
  parseAnalysisOptions,
  parseTailOptions,
  TAIL_OPTIONS,
  UsageError
} from './options.js'
import { terminalLine } from './report/escape.js'
import {
  heartbeatJson,
  heartbeatLine,
  spikeJson,
  spikeLine,
  tailColors
} from './report/tail-line.js'
import {
  connect,
  DatabaseError,
  serverOf,
  describeServer,
  type Database
} from './telemetry/pg-connect.js'
import { findTables } from './telemetry/pg-tables.js'

export interface TailIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
  /** Colour is used only on a terminal. */
  isTty?: boolean
  /** The terminal's width: lines are fitted to it (on a terminal only). */
  columns?: number
  /** Ends tail (exit 0); default: SIGINT or SIGTERM of this process. */
  signal?: AbortSignal
}

const TAIL_USAGE = `Usage: iostorm tail (--run-id ID | --all) [--dsn URL] [options]

Polls plugbench's PostgreSQL sidecar and prints each MSPT spike, with its attribution, as it
happens, and a heartbeat line. Ctrl+C ends it.

  --run-id ID             follow every repeat of this run
  --all                   follow every run that receives rows, also runs that start later
  --json                  one JSON object per line ({"type":"spike",…}, {"type":"heartbeat",…})
${optionsUsage(DATABASE_OPTIONS)}
${optionsUsage(TAIL_OPTIONS)}
${optionsUsage(ANALYSIS_OPTIONS)}
`

const OPTION_SPEC = {
  ...Object.fromEntries(
    [...ANALYSIS_OPTIONS, ...TAIL_OPTIONS, ...DATABASE_OPTIONS].map((spec) => [
      spec.name,
      { type: 'string' as const, multiple: 'kind' in spec && spec.kind === 'list' }
    ])
  ),
  'run-id': { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const

/** Reconnect waits: 1 s, doubling to at most 30 s. */
const BACKOFF_MS = [1000, 2000, 4000, 8000, 16_000, 30_000]

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
  })
}

/** SIGINT and SIGTERM as an AbortSignal, and a function that stops listening. */
function processSignal(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController()
  const stop = () => controller.abort()
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  return {
    signal: controller.signal,
    release() {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
  }
}

export async function runTail(argv: readonly string[], io: TailIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: OPTION_SPEC, strict: true })
  } catch (error) {
    io.stderr(
      `iostorm tail: ${argumentError(error, Object.keys(OPTION_SPEC))} (see iostorm tail --help)\n`
    )
    return 2
  }
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>
  if (values.help) {
    io.stdout(TAIL_USAGE)
    return 0
  }
  const own = process.env === io.env && !io.signal ? processSignal() : undefined
  const signal = io.signal ?? own?.signal ?? new AbortController().signal
  try {
    const raw = (specs: readonly { raw: string; name: string }[]) =>
      Object.fromEntries(
        specs.map((spec) => [spec.raw, values[spec.name] as string | string[] | undefined])
      )
    const analysis = await parseAnalysisOptions(raw(ANALYSIS_OPTIONS))
    const settings = await parseTailOptions(raw(TAIL_OPTIONS))
    const runId = values['run-id'] as string | undefined
    if ((runId === undefined) === !values.all) {
      throw new UsageError('tail needs --run-id ID or --all (one of them)')
    }
    const dsn = (values.dsn as string | undefined) || io.env.IOSTORM_PG_DSN || undefined
    const schema = (values['pg-schema'] as string | undefined) || undefined
    const isTty = io.isTty ?? (io.env === process.env && process.stdout.isTTY === true)
    const colors = tailColors(isTty, io.env)
    // on a terminal a line is fitted to its width; piped, it is whole (a file or a grep reads it)
    const width = isTty
      ? Math.max(40, (io.columns ?? (Number(io.env.COLUMNS) || 100)) - 1)
      : undefined
    const json = values.json === true

    let database: Database
    try {
      database = await connect(dsn)
    } catch (error) {
      if (error instanceof DatabaseError) throw new UsageError(error.message)
      throw error
    }
    const tables = await findTables(database.client, schema, database.shown).catch(
      async (error: unknown) => {
        await database.close()
        if (error instanceof DatabaseError) throw new UsageError(error.message)
        throw error
      }
    )
    const live: Live = createLive(database, tables, {
      runId,
      windowS: settings.windowS,
      from: settings.from,
      analysis
    })
    const write = (line: string) => io.stdout(`${line}\n`)
    const emit = (event: Parameters<Parameters<Live['poll']>[0]>[0]) =>
      write(json ? spikeJson(event, new Date()) : spikeLine(event, new Date(), colors, width))
    const shown = describeServer(serverOf(dsn).server)
    // a query in flight when tail is stopped is cut short: the connection closes at once
    signal.addEventListener('abort', () => void database.close())
    let polls = 0
    let failures = 0
    while (!signal.aborted) {
      let more = false
      try {
        more = await live.poll(emit)
        failures = 0
      } catch (error) {
        if (signal.aborted) break
        const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)]
        failures++
        io.stderr(
          `iostorm tail: warning: a poll of ${shown} failed (${terminalLine(database.problem(error))}); ` +
            `reconnecting in ${wait / 1000} s\n`
        )
        await database.close()
        await sleep(wait, signal)
        if (signal.aborted) break
        try {
          database = await connect(dsn)
          live.reconnected(database)
          io.stderr(`iostorm tail: reconnected to ${shown}\n`)
        } catch {
          // the next round warns again, with a longer wait
        }
        continue
      }
      polls++
      if (settings.heartbeatEvery > 0 && polls % settings.heartbeatEvery === 0) {
        const status = live.status()
        write(
          json
            ? heartbeatJson(status, new Date())
            : heartbeatLine(status, new Date(), colors, width)
        )
      }
      if (!more) await sleep(settings.intervalS * 1000, signal)
    }
    await database.close()
    return 0
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`iostorm tail: ${terminalLine(error.message)}\n`)
      return 2
    }
    io.stderr(
      `iostorm tail: internal error (please report it): ${terminalLine(errorMessage(error))}\n`
    )
    return 2
  } finally {
    own?.release()
  }
}
