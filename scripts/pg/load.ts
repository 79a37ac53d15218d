/**
 * Writes events.parquet files into the four tables of the PostgreSQL sidecar contract
 * (docs/postgres.md), as plugbench would: for trying `iostorm detect --dsn` and `iostorm tail`
 * without plugbench, and for the tests. iostorm itself never writes a database; this script does.
 *
 * Usage: npm run pg-load -- --dsn URL [--schema S] [--frames array|jsonb|stack] [--run-id ID]
 *                           [--repeat N] [--replace] [--all-columns] <events.parquet|folder>...
 *   --schema S      tables in schema S (created when missing; default: the search path's first)
 *   --frames        frames as text[] (default), as a jsonb array, or as `stack` text joined by ';'
 *   --run-id, --repeat  override what the rows (or the path <run_id>/<repeat>/) say
 *   --replace       delete the rows of each run and repeat loaded before writing them again
 *   --all-columns   create every contract column, not only those the first file has
 *   --replay X      write each file as a live benchmark would, X times faster than real time:
 *                   one second of telemetry at a time, the metrics one second ahead of the other
 *                   tables (holds the file's rows in memory: for small files such as fixtures/)
 * Tables are created when missing, with an index on (run_id, repeat, ts_ns).
 */
import { parseArgs } from 'node:util'
import pg from 'pg'
import { runIdentity } from '../../src/analysis/analyse-file.js'
import { discoverTargets } from '../../src/telemetry/discover.js'
import { openParquet, readGroup } from '../../src/telemetry/parquet-file.js'
import { quoteIdentifier } from '../../src/telemetry/pg-connect.js'
import type { TableName } from '../../src/telemetry/pg-tables.js'

export type FramesShape = 'array' | 'jsonb' | 'stack'

type SqlType = 'text' | 'integer' | 'bigint' | 'double precision' | 'frames'

/** The contract's columns of each table beside run_id, repeat and ts_ns (docs/postgres.md). */
export const CONTRACT_COLUMNS: Record<TableName, [string, SqlType][]> = {
  metrics: [
    ['metric', 'text'],
    ['value', 'double precision'],
    ['dur_ns', 'bigint']
  ],
  samples: [
    ['tid', 'bigint'],
    ['thread', 'text'],
    ['comm', 'text'],
    ['frames', 'frames'],
    ['plugin', 'text'],
    ['weight', 'bigint'],
    ['state', 'text']
  ],
  syscalls: [
    ['dur_ns', 'bigint'],
    ['tid', 'bigint'],
    ['thread', 'text'],
    ['comm', 'text'],
    ['syscall', 'text'],
    ['fd', 'integer'],
    ['path', 'text'],
    ['bytes', 'bigint'],
    ['ret', 'bigint']
  ],
  io_events: [
    ['layer', 'text'],
    ['source', 'text'],
    ['event', 'text'],
    ['dur_ns', 'bigint'],
    ['tid', 'bigint'],
    ['thread', 'text'],
    ['comm', 'text'],
    ['path', 'text'],
    ['bytes', 'bigint'],
    ['device', 'text'],
    ['rw', 'text'],
    ['sector', 'bigint'],
    ['read_bytes', 'bigint'],
    ['write_bytes', 'bigint'],
    ['rchar', 'bigint'],
    ['wchar', 'bigint'],
    ['syscr', 'bigint'],
    ['syscw', 'bigint'],
    ['frames', 'frames']
  ]
}

/** Names a parquet column may have for a contract column (docs/input.md). */
const PARQUET_NAMES: Record<string, readonly string[]> = {
  ts_ns: ['ts_ns', 'ts'],
  dur_ns: ['dur_ns', 'duration_ns'],
  thread: ['thread', 'thread_name'],
  frames: ['frames', 'stack']
}

const TABLES: readonly TableName[] = ['metrics', 'samples', 'syscalls', 'io_events']

/** One row as a table receives it: contract column → value. */
export type TableRow = Record<string, unknown>

/** Rows of one parquet row group, split by table. */
export type SplitRows = Record<TableName, TableRow[]>

/** The table of a row: L0 metrics, L1 samples, L4 rows with a syscall syscalls, the rest io_events. */
export function tableOf(row: TableRow): TableName {
  if (row.layer === 'L0') return 'metrics'
  if (row.layer === 'L1') return 'samples'
  if (row.layer === 'L4' && typeof row.syscall === 'string') return 'syscalls'
  return 'io_events'
}

/** L3 byte counts that a file writes as metric/value rows (docs/input.md). */
const BYTE_METRICS = new Set(['read_bytes', 'write_bytes'])

/**
 * A row as the contract's tables hold it: io_events has no metric/value, so an L3 row written as
 * `metric = read_bytes|write_bytes, value = N` keeps its bytes in the column of that name.
 */
function contractForm(row: TableRow): TableRow {
  const { metric, value } = row
  if (row.layer !== 'L3' || typeof metric !== 'string' || !BYTE_METRICS.has(metric)) return row
  if (typeof value !== 'number' || !Number.isFinite(value)) return row
  const before = bigintValue(row[metric])
  row[metric] = BigInt(before ?? '0') + BigInt(Math.round(value))
  return row
}

/** The contract columns (physical parquet name for each) an events.parquet has. */
export async function fileColumns(path: string): Promise<Map<string, string>> {
  const file = await openParquet(path)
  try {
    const names = new Set(file.metadata.schema.slice(1).map((element) => element.name))
    return physicalColumns(names)
  } finally {
    await file.close()
  }
}

function physicalColumns(names: ReadonlySet<string>): Map<string, string> {
  const wanted = new Set(['ts_ns', 'run_id', 'repeat', 'layer', 'syscall', 'metric'])
  for (const table of TABLES) for (const [name] of CONTRACT_COLUMNS[table]) wanted.add(name)
  const found = new Map<string, string>()
  for (const column of wanted) {
    const physical = (PARQUET_NAMES[column] ?? [column]).find((name) => names.has(name))
    if (physical !== undefined) found.set(column, physical)
  }
  return found
}

/**
 * The rows of an events.parquet, one row group at a time, split by table. run_id and repeat come
 * from the rows, else from `identity` (options or the path). Rows without a time are left out:
 * the contract's ts_ns is never null.
 */
export async function* readEventRows(
  path: string,
  identity: { runId?: string; repeat?: number } = {}
): AsyncGenerator<SplitRows> {
  const file = await openParquet(path)
  try {
    const names = new Set(file.metadata.schema.slice(1).map((element) => element.name))
    const columns = physicalColumns(names)
    const fromPath = runIdentity(path, { runId: null, repeat: null })
    let rowStart = 0
    for (const [index, group] of file.metadata.row_groups.entries()) {
      const rowCount = Number(group.num_rows)
      const rows: TableRow[] = Array.from({ length: rowCount }, () => ({}))
      await readGroup(
        file,
        { index, rowStart, rowCount },
        [...new Set(columns.values())],
        (physical, data, offset) => {
          for (const [column, name] of columns) {
            if (name !== physical) continue
            for (let i = 0; i < data.length && offset + i < rowCount; i++)
              rows[offset + i][column] = data[i]
          }
        }
      )
      rowStart += rowCount
      const split: SplitRows = { metrics: [], samples: [], syscalls: [], io_events: [] }
      for (const row of rows) {
        if (typeof row.ts_ns !== 'bigint') continue
        row.run_id =
          identity.runId ?? (typeof row.run_id === 'string' ? row.run_id : fromPath.runId)
        row.repeat =
          identity.repeat ?? (typeof row.repeat === 'number' ? row.repeat : fromPath.repeat)
        split[tableOf(row)].push(contractForm(row))
      }
      yield split
    }
  } finally {
    await file.close()
  }
}

/** What a loader writes: the tables' schema, which columns, and the shape of frames. */
export interface LoadTarget {
  schema?: string
  frames: FramesShape
  /** Contract columns of each table that exist (those created). */
  columns: Record<TableName, string[]>
}

function qualified(schema: string | undefined, table: string): string {
  return schema === undefined
    ? quoteIdentifier(table)
    : `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`
}

function sqlType(type: SqlType, frames: FramesShape): string {
  if (type !== 'frames') return type
  return frames === 'array' ? 'text[]' : frames === 'jsonb' ? 'jsonb' : 'text'
}

/** The physical name of a contract column in a table: frames as `stack` when joined. */
function physicalName(column: string, frames: FramesShape): string {
  return column === 'frames' && frames === 'stack' ? 'stack' : column
}

/**
 * Creates the four tables (those missing) with the given contract columns, and the
 * (run_id, repeat, ts_ns) index on each. Returns the columns each table really has.
 */
export async function createTables(
  client: pg.Client,
  schema: string | undefined,
  wanted: (table: TableName, column: string) => boolean,
  frames: FramesShape
): Promise<LoadTarget> {
  if (schema !== undefined)
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`)
  const columns = {} as Record<TableName, string[]>
  for (const table of TABLES) {
    const name = qualified(schema, table)
    const own = CONTRACT_COLUMNS[table].filter(([column]) => wanted(table, column))
    const definitions = [
      'run_id text NOT NULL',
      'repeat integer NOT NULL',
      'ts_ns bigint NOT NULL',
      ...own.map(
        ([column, type]) =>
          `${quoteIdentifier(physicalName(column, frames))} ${sqlType(type, frames)}`
      )
    ]
    await client.query(`CREATE TABLE IF NOT EXISTS ${name} (${definitions.join(', ')})`)
    await client.query(
      `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${table}_run_repeat_ts`)} ON ${name} (run_id, repeat, ts_ns)`
    )
    const { rows } = await client.query<{ name: string }>(
      `SELECT a.attname AS name FROM pg_attribute a
        WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
      [name]
    )
    const present = new Set(rows.map((row) => (row.name === 'stack' ? 'frames' : row.name)))
    columns[table] = CONTRACT_COLUMNS[table]
      .map(([column]) => column)
      .filter((column) => present.has(column))
  }
  return { schema, frames, columns }
}

function bigintValue(value: unknown): string | null {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number' && Number.isFinite(value))
    return BigInt(Math.round(value)).toString()
  return null
}

function framesValue(value: unknown, frames: FramesShape): string | null {
  let list: string[] | null = null
  if (Array.isArray(value))
    list = value.filter((frame): frame is string => typeof frame === 'string')
  else if (typeof value === 'string') list = value === '' ? [] : value.split(';')
  if (list === null) return null
  return frames === 'stack' ? list.join(';') : JSON.stringify(list)
}

function columnValue(value: unknown, type: SqlType, frames: FramesShape): unknown {
  if (value === null || value === undefined) return null
  switch (type) {
    case 'text':
      return typeof value === 'string' ? value : String(value)
    case 'integer':
    case 'bigint':
      return bigintValue(value)
    case 'double precision':
      return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null
    case 'frames':
      return framesValue(value, frames)
  }
}

/** Inserts rows into one table, a few thousand per statement (one array parameter per column). */
export async function insertRows(
  client: pg.Client,
  target: LoadTarget,
  table: TableName,
  rows: readonly TableRow[],
  chunk = 20_000
): Promise<void> {
  const own = CONTRACT_COLUMNS[table].filter(([column]) => target.columns[table].includes(column))
  const all: [string, SqlType][] = [
    ['run_id', 'text'],
    ['repeat', 'integer'],
    ['ts_ns', 'bigint'],
    ...own
  ]
  const names = all.map(([column]) => quoteIdentifier(physicalName(column, target.frames)))
  const arrays = all.map(([, type], index) => {
    const parameter = `$${index + 1}`
    if (type !== 'frames') return `${parameter}::${type}[]`
    return `${parameter}::text[]`
  })
  const outputs = all.map(([, type], index) => {
    const name = `c${index}`
    if (type !== 'frames' || target.frames === 'stack') return name
    if (target.frames === 'jsonb') return `${name}::jsonb`
    return `CASE WHEN ${name} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${name}::jsonb)) END`
  })
  const sql =
    `INSERT INTO ${qualified(target.schema, table)} (${names.join(', ')}) ` +
    `SELECT ${outputs.join(', ')} FROM unnest(${arrays.join(', ')}) AS u(${all.map((_, index) => `c${index}`).join(', ')})`
  for (let start = 0; start < rows.length; start += chunk) {
    const slice = rows.slice(start, start + chunk)
    const params = all.map(([column, type]) =>
      slice.map((row) => columnValue(row[column], type, target.frames))
    )
    await client.query(sql, params)
  }
}

/** Loads one events.parquet into the tables; returns the rows written per table. */
export async function loadFile(
  client: pg.Client,
  target: LoadTarget,
  path: string,
  identity: { runId?: string; repeat?: number } = {},
  replace = false
): Promise<Record<TableName, number>> {
  const written: Record<TableName, number> = { metrics: 0, samples: 0, syscalls: 0, io_events: 0 }
  const cleared = new Set<string>()
  for await (const split of readEventRows(path, identity)) {
    for (const table of TABLES) {
      const rows = split[table]
      if (replace) {
        for (const row of rows) {
          const key = `${String(row.run_id)}\u0000${String(row.repeat)}`
          if (cleared.has(key)) continue
          cleared.add(key)
          for (const each of TABLES) {
            await client.query(
              `DELETE FROM ${qualified(target.schema, each)} WHERE run_id = $1 AND repeat = $2`,
              [row.run_id, row.repeat]
            )
          }
        }
      }
      await insertRows(client, target, table, rows)
      written[table] += rows.length
    }
  }
  return written
}

/**
 * Creates the tables for `paths` (the columns the first file has, or all) and loads every file.
 */
export async function loadFiles(
  client: pg.Client,
  paths: readonly string[],
  options: {
    schema?: string
    frames?: FramesShape
    runId?: string
    repeat?: number
    replace?: boolean
    allColumns?: boolean
  } = {}
): Promise<LoadTarget> {
  const present = paths.length > 0 && !options.allColumns ? await fileColumns(paths[0]) : undefined
  // L3 metric/value rows become io_events' read_bytes/write_bytes (contractForm)
  if (present?.has('metric')) for (const name of BYTE_METRICS) present.set(name, name)
  const target = await createTables(
    client,
    options.schema,
    (_table, column) => present === undefined || present.has(column),
    options.frames ?? 'array'
  )
  for (const path of paths) {
    await loadFile(
      client,
      target,
      path,
      { runId: options.runId, repeat: options.repeat },
      options.replace
    )
  }
  return target
}

const TABLE_ORDER: readonly TableName[] = ['metrics', 'samples', 'syscalls', 'io_events']

/**
 * Writes a file's rows as a benchmark in progress would: one second of telemetry at a time, every
 * `1 / speed` seconds, the metrics of second k with the other tables of second k - 1.
 */
export async function replayFile(
  client: pg.Client,
  target: LoadTarget,
  path: string,
  identity: { runId?: string; repeat?: number },
  speed: number
): Promise<void> {
  const all: SplitRows = { metrics: [], samples: [], syscalls: [], io_events: [] }
  for await (const split of readEventRows(path, identity)) {
    for (const table of TABLE_ORDER) all[table].push(...split[table])
  }
  const times = TABLE_ORDER.flatMap((table) => all[table].map((row) => row.ts_ns as bigint))
  if (times.length === 0) return
  const start = times.reduce((a, b) => (b < a ? b : a))
  const second = (row: TableRow) => Number(((row.ts_ns as bigint) - start) / 1_000_000_000n)
  const last = times.reduce((a, b) => (b > a ? b : a))
  const seconds = Number((last - start) / 1_000_000_000n)
  for (let k = 0; k <= seconds + 1; k++) {
    for (const table of TABLE_ORDER) {
      const wanted = table === 'metrics' ? k : k - 1
      const rows = all[table].filter((row) => second(row) === wanted)
      if (rows.length > 0) await insertRows(client, target, table, rows)
    }
    await new Promise((done) => setTimeout(done, 1000 / speed))
  }
}

/** `npm run pg-load -- …` (scripts/run-ts.mjs calls this). */
export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dsn: { type: 'string' },
      schema: { type: 'string' },
      frames: { type: 'string' },
      'run-id': { type: 'string' },
      repeat: { type: 'string' },
      replace: { type: 'boolean' },
      'all-columns': { type: 'boolean' },
      replay: { type: 'string' }
    }
  })
  const replay = values.replay === undefined ? undefined : Number(values.replay)
  if (replay !== undefined && !(replay > 0)) {
    console.error('pg-load: --replay must be a speed above 0')
    return 2
  }
  const frames = (values.frames ?? 'array') as FramesShape
  if (!['array', 'jsonb', 'stack'].includes(frames)) {
    console.error('pg-load: --frames must be array, jsonb or stack')
    return 2
  }
  const found = await discoverTargets(positionals, '.')
  for (const error of found.errors) console.error(`pg-load: ${error.file}: ${error.message}`)
  if (found.files.length === 0) {
    console.error('pg-load: no events.parquet given')
    return 2
  }
  const client = new pg.Client({ connectionString: values.dsn ?? process.env.IOSTORM_PG_DSN })
  await client.connect()
  try {
    const identity = {
      runId: values['run-id'],
      repeat: values.repeat === undefined ? undefined : Number(values.repeat)
    }
    if (replay === undefined) {
      await loadFiles(client, found.files, {
        schema: values.schema,
        frames,
        ...identity,
        replace: values.replace,
        allColumns: values['all-columns']
      })
      for (const file of found.files) console.log(`loaded ${file}`)
    } else {
      const present = values['all-columns'] ? undefined : await fileColumns(found.files[0])
      if (present?.has('metric')) for (const name of BYTE_METRICS) present.set(name, name)
      const target = await createTables(
        client,
        values.schema,
        (_table, column) => present === undefined || present.has(column),
        frames
      )
      for (const file of found.files) {
        console.log(`replaying ${file} at ${replay}× real time`)
        await replayFile(client, target, file, identity, replay)
      }
    }
  } finally {
    await client.end()
  }
  return found.errors.length > 0 ? 2 : 0
}
