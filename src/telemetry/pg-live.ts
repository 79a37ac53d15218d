/**
 * The queries `iostorm tail` polls the PostgreSQL sidecar with (docs/postgres.md). Each is bounded
 * on the (run_id, repeat, ts_ns) index: a loose index scan for the streams, a backward probe for
 * a table's newest row, a ts_ns range for new rows. None reads a whole table.
 */
import type { Database } from './pg-connect.js'
import { quoteIdentifier } from './pg-connect.js'
import { streamRows } from './pg-read.js'
import type { Table, Tables } from './pg-tables.js'

/** One followed stream: a repeat of a run. */
export interface StreamKey {
  runId: string
  repeat: number
}

/**
 * The (run_id, repeat) pairs of the metrics table (of one run when `runId` is given), one index
 * probe per pair: a recursive loose scan, never a scan of the rows.
 */
export function streamsQuery(tables: Tables, runId: string | undefined): [string, unknown[]] {
  const table = tables.metrics.qualified
  if (runId !== undefined) {
    return [
      `WITH RECURSIVE s AS (
         (SELECT run_id, repeat FROM ${table} WHERE run_id = $1 AND repeat IS NOT NULL
           ORDER BY run_id, repeat LIMIT 1)
         UNION ALL
         SELECT n.run_id, n.repeat FROM s CROSS JOIN LATERAL (
           SELECT run_id, repeat FROM ${table} m
            WHERE m.run_id = $1 AND m.repeat > s.repeat ORDER BY run_id, repeat LIMIT 1) n
       ) SELECT run_id, repeat::int AS repeat FROM s`,
      [runId]
    ]
  }
  return [
    `WITH RECURSIVE s AS (
       (SELECT run_id, repeat FROM ${table} WHERE run_id IS NOT NULL AND repeat IS NOT NULL
         ORDER BY run_id, repeat LIMIT 1)
       UNION ALL
       SELECT n.run_id, n.repeat FROM s CROSS JOIN LATERAL (
         SELECT run_id, repeat FROM ${table} m
          WHERE (m.run_id, m.repeat) > (s.run_id, s.repeat) AND m.repeat IS NOT NULL
          ORDER BY run_id, repeat LIMIT 1) n
     ) SELECT run_id, repeat::int AS repeat FROM s`,
    []
  ]
}

export async function findStreams(
  database: Database,
  tables: Tables,
  runId: string | undefined
): Promise<StreamKey[]> {
  const [sql, params] = streamsQuery(tables, runId)
  const { rows } = await database.client.query<{ run_id: string; repeat: number }>(sql, params)
  return rows.map((row) => ({ runId: row.run_id, repeat: row.repeat }))
}

/** The newest (or oldest) ts_ns of a stream in a table: one index probe. */
export function edgeQuery(table: Table, newest: boolean): string {
  return `SELECT ts_ns::text AS ts FROM ${table.qualified}
           WHERE run_id = $1 AND repeat = $2 ORDER BY ts_ns ${newest ? 'DESC' : 'ASC'} LIMIT 1`
}

export async function edgeOf(
  database: Database,
  table: Table,
  stream: StreamKey,
  newest: boolean
): Promise<bigint | undefined> {
  const { rows } = await database.client.query<{ ts: string }>(edgeQuery(table, newest), [
    stream.runId,
    stream.repeat
  ])
  return rows[0] ? BigInt(rows[0].ts) : undefined
}

/** The largest dur_ns of a stream's rows in (after, until]: a range of the index. */
export function longestQuery(table: Table): string | undefined {
  const dur = table.columns.get('dur')
  if (!dur) return undefined
  return `SELECT max(${quoteIdentifier(dur.physical)})::text AS longest FROM ${table.qualified}
           WHERE run_id = $1 AND repeat = $2 AND ts_ns > $3::bigint AND ts_ns <= $4::bigint`
}

export async function longestIn(
  database: Database,
  table: Table,
  stream: StreamKey,
  after: bigint,
  until: bigint
): Promise<bigint> {
  const sql = longestQuery(table)
  if (sql === undefined) return 0n
  const { rows } = await database.client.query<{ longest: string | null }>(sql, [
    stream.runId,
    stream.repeat,
    after.toString(),
    until.toString()
  ])
  return rows[0]?.longest ? BigInt(rows[0].longest) : 0n
}

/** A metric row as tail keeps it. */
export interface MetricRow {
  ts: bigint
  metric: string
  value: number
  dur: number
}

/** The metric rows of a stream in (after, until], tracked metrics only, in time order. */
export function metricRowsQuery(tables: Tables): string | undefined {
  const { metrics } = tables
  const metric = metrics.columns.get('metric')
  if (!metric) return undefined
  const value = metrics.columns.get('value')?.expression ?? 'NULL::float8'
  const dur = metrics.columns.get('dur')?.expression ?? 'NULL::float8'
  return `SELECT ts_ns::text, ${metric.expression}, ${value}, ${dur} FROM ${metrics.qualified}
           WHERE run_id = $1 AND repeat = $2 AND ts_ns > $3::bigint AND ts_ns <= $4::bigint
             AND ${metric.expression} = ANY($5::text[])
           ORDER BY ts_ns`
}

export async function* metricRows(
  database: Database,
  tables: Tables,
  stream: StreamKey,
  after: bigint,
  until: bigint,
  metrics: readonly string[]
): AsyncGenerator<MetricRow[]> {
  const sql = metricRowsQuery(tables)
  if (sql === undefined) return
  const params = [stream.runId, stream.repeat, after.toString(), until.toString(), [...metrics]]
  for await (const rows of streamRows(database.client, sql, params)) {
    yield rows.map((row) => ({
      ts: BigInt(row[0] as string),
      metric: row[1] as string,
      value: typeof row[2] === 'number' ? row[2] : NaN,
      dur: typeof row[3] === 'number' ? row[3] : NaN
    }))
  }
}
