/**
 * A run in plugbench's PostgreSQL sidecar analysed like events.parquet files (docs/postgres.md):
 * each repeat of the run is one RunSource for analyseRun. The first pass lets PostgreSQL count the
 * rows it only counts (L3, L4, other metrics) and streams the MSPT series and the L1/L2 thread
 * rows; the second pass streams only the rows of bounded ts_ns ranges around the spike windows,
 * on the (run_id, repeat, ts_ns) index.
 */
import type { Column } from '../telemetry/columns.js'
import { quoteIdentifier, type Database } from '../telemetry/pg-connect.js'
import { selectList, streamBatches, type Selected } from '../telemetry/pg-read.js'
import {
  availableColumns,
  findTables,
  TABLE_LAYER,
  TABLE_NAMES,
  type Table,
  type Tables
} from '../telemetry/pg-tables.js'
import { ATTRIBUTION_COLUMNS } from './attribute.js'
import {
  analyseRun,
  type AnalysisOptions,
  type Attributor,
  type RunSource
} from './analyse-file.js'
import { MSPT_METRICS, type SpikeWindow } from './detect.js'
import type { Profiler } from './profile.js'
import type { RunReport } from './types.js'

/** run_id and repeat of a table's rows: the leading columns of plugbench's index. */
const RUN = 'run_id = $1 AND repeat = $2'

/** The repeats of a run, from every table, with a loose scan of the index (one probe each). */
async function repeatsOf(database: Database, tables: Tables, runId: string): Promise<number[]> {
  const repeats = new Set<number>()
  for (const name of TABLE_NAMES) {
    const table = tables[name]
    if (!table) continue
    const { rows } = await database.client.query<{ repeat: number }>(
      `WITH RECURSIVE r AS (
         (SELECT repeat FROM ${table.qualified} WHERE run_id = $1 AND repeat IS NOT NULL
           ORDER BY repeat LIMIT 1)
         UNION ALL
         SELECT (SELECT repeat FROM ${table.qualified} WHERE run_id = $1 AND repeat > r.repeat
                  ORDER BY repeat LIMIT 1)
           FROM r WHERE r.repeat IS NOT NULL
       ) SELECT repeat::int AS repeat FROM r WHERE repeat IS NOT NULL`,
      [runId]
    )
    for (const row of rows) repeats.add(row.repeat)
  }
  return [...repeats].sort((a, b) => a - b)
}

/** Earliest ts_ns of a repeat over every table (the batches' base), as a BigInt. */
async function baseOf(database: Database, tables: Tables, runId: string, repeat: number) {
  let base: bigint | undefined
  for (const name of TABLE_NAMES) {
    const table = tables[name]
    if (!table) continue
    const { rows } = await database.client.query<{ ts: string | null }>(
      `SELECT min(ts_ns)::text AS ts FROM ${table.qualified} WHERE ${RUN}`,
      [runId, repeat]
    )
    const ts = rows[0]?.ts
    if (ts !== null && ts !== undefined && (base === undefined || BigInt(ts) < base)) {
      base = BigInt(ts)
    }
  }
  return base ?? 0n
}

/** What the first pass counts in PostgreSQL rather than reading: rows by layer, earliest time. */
async function countRows(
  database: Database,
  table: Table,
  params: unknown[],
  profiler: Profiler,
  excluded = ''
): Promise<void> {
  const layer = table.name === 'io_events' ? table.columns.get('layer') : undefined
  const { rows } = await database.client.query<{
    layer: string | null
    rows: number
    earliest: number
  }>(
    `SELECT ${layer ? layer.expression : 'NULL::text'} AS layer, count(*)::float8 AS rows,
            min(ts_ns - $3::bigint)::float8 AS earliest
       FROM ${table.qualified} WHERE ${RUN}${excluded}
      ${layer ? 'GROUP BY 1' : ''}`,
    params
  )
  for (const row of rows) {
    if (row.rows > 0)
      profiler.addCounted(TABLE_LAYER[table.name] ?? row.layer, row.rows, row.earliest)
  }
}

/**
 * Largest dur_ns of a table's rows in the repeat: how far before a window a row may start and
 * still overlap it (0 without a dur_ns column).
 */
async function longestOf(database: Database, table: Table, params: unknown[]): Promise<bigint> {
  const dur = table.columns.get('dur')
  if (!dur) return 0n
  const { rows } = await database.client.query<{ longest: string | null }>(
    `SELECT max(${quoteIdentifier(dur.physical)})::text AS longest
       FROM ${table.qualified} WHERE ${RUN}`,
    params.slice(0, 2)
  )
  const longest = rows[0]?.longest
  return longest ? BigInt(longest) : 0n
}

/** The profile columns of L1/L2 rows (thread names, sampling interval). */
const THREAD_COLUMNS: readonly Column[] = ['tid', 'thread', 'weight']

/** The SQL selecting `selected` columns of a table, NULL where the table lacks one. */
function selectFrom(selected: readonly Selected[], table: Table, base: string): string {
  const own = selectList(table, THREAD_COLUMNS, base)
  return selected
    .map((entry) => {
      const found = own.find((candidate) => candidate.column === entry.column)
      if (found) return found.expression
      return entry.shape === 'number' ? 'NULL::float8' : 'NULL::text'
    })
    .join(', ')
}

/**
 * L1 and L2 rows (tid, thread, weight) in time order to the profiler, which takes each tid's first
 * full thread name and the sampling interval from them; only those of [low, high] when given.
 * `params`: run_id, repeat, base.
 */
export async function profileThreads(
  database: Database,
  tables: Tables,
  params: readonly unknown[],
  profiler: Profiler,
  range?: [bigint, bigint]
): Promise<void> {
  const within = range ? ' AND ts_ns >= $4::bigint AND ts_ns <= $5::bigint' : ''
  const parts: string[] = []
  const selected: Selected[] = [
    { column: 'ts', shape: 'time', expression: '' },
    { column: 'layer', shape: 'layer', expression: '' },
    { column: 'tid', shape: 'number', expression: '' },
    { column: 'thread', shape: 'string', expression: '' },
    { column: 'weight', shape: 'number', expression: '' }
  ]
  if (tables.samples) {
    parts.push(
      `SELECT ${selectFrom(selected, tables.samples, '$3')}, ts_ns AS order_ts
         FROM ${tables.samples.qualified} WHERE ${RUN}${within}`
    )
  }
  const ioLayer = tables.io_events?.columns.get('layer')
  if (tables.io_events && ioLayer) {
    parts.push(
      `SELECT ${selectFrom(selected, tables.io_events, '$3')}, ts_ns AS order_ts
         FROM ${tables.io_events.qualified}
        WHERE ${RUN}${within} AND ${ioLayer.expression} IN ('L1', 'L2')`
    )
  }
  if (parts.length === 0) return
  const sql = `${parts.map((part) => `(${part})`).join(' UNION ALL ')} ORDER BY order_ts`
  const all = range ? [...params, range[0].toString(), range[1].toString()] : [...params]
  for await (const batch of streamBatches(database.client, sql, all, selected, { next: 0 })) {
    profiler.add(batch)
  }
}

/**
 * Second pass: the rows of samples, syscalls and io_events in the ts_ns ranges that may overlap
 * the windows (each range on the index), to the attributor. `longest`: the largest dur_ns of each
 * table, how far before a window a row may start and overlap it. `params`: run_id, repeat, base.
 */
export async function attributeRanges(
  database: Database,
  tables: Tables,
  params: readonly unknown[],
  spikes: readonly SpikeWindow[],
  base: bigint,
  longest: ReadonlyMap<Table, bigint>,
  attributor: Attributor
): Promise<void> {
  for (const name of ['samples', 'syscalls', 'io_events'] as const) {
    const table = tables[name]
    if (!table) continue
    // a row overlaps [start, end] when it starts by `end` and ends after `start`: with no row
    // longer than `longest`, only rows starting in [start - longest, end] can
    const lookBack = name === 'samples' ? 0n : (longest.get(table) ?? 0n)
    const ranges = mergedRanges(spikes, base, lookBack)
    const selected = selectList(table, ATTRIBUTION_COLUMNS, '$3')
    const sql = `SELECT ${selected.map((entry) => entry.expression).join(', ')}
        FROM unnest($4::bigint[], $5::bigint[]) AS r(low, high)
        CROSS JOIN LATERAL (
          SELECT * FROM ${table.qualified}
           WHERE ${RUN} AND ts_ns >= r.low AND ts_ns <= r.high
        ) AS t`
    const batches = streamBatches(
      database.client,
      sql,
      [...params, ranges.map(([low]) => low.toString()), ranges.map(([, high]) => high.toString())],
      selected,
      { next: 0 }
    )
    for await (const batch of batches) attributor.add(batch)
  }
}

/** One repeat of a run in the database as a RunSource. */
async function repeatSource(
  database: Database,
  tables: Tables,
  runId: string,
  repeat: number,
  options: AnalysisOptions,
  shown: string
): Promise<RunSource> {
  const base = await baseOf(database, tables, runId, repeat)
  const params = [runId, repeat, base.toString()]
  const longest = new Map<Table, bigint>()
  const rowStart = { next: 0 }

  async function profile(profiler: Profiler): Promise<void> {
    const tracked = [
      ...new Set<string>([...MSPT_METRICS, ...(options.metric ? [options.metric] : [])])
    ]
    // the MSPT series, with dur_ns (so no third read for the spike rows' windows)
    const { metrics } = tables
    const metricColumn = metrics.columns.get('metric')
    if (metricColumn) {
      const selected = selectList(metrics, ['metric', 'value', 'dur'], '$3')
      const batches = streamBatches(
        database.client,
        `SELECT ${selected.map((entry) => entry.expression).join(', ')}
           FROM ${metrics.qualified} WHERE ${RUN} AND ${metricColumn.expression} = ANY($4::text[])
          ORDER BY ts_ns`,
        [...params, tracked],
        selected,
        rowStart
      )
      for await (const batch of batches) profiler.add(batch)
      const others = ` AND (${metricColumn.expression} IS NULL OR NOT (${metricColumn.expression} = ANY($4::text[])))`
      await countRows(database, metrics, [...params, tracked], profiler, others)
    } else {
      await countRows(database, metrics, params, profiler)
    }

    await profileThreads(database, tables, params, profiler)
    const ioLayer = tables.io_events?.columns.get('layer')
    if (tables.syscalls) {
      await countRows(database, tables.syscalls, params, profiler)
      longest.set(tables.syscalls, await longestOf(database, tables.syscalls, params))
    }
    if (tables.io_events) {
      // the L1/L2 rows were handed over above; the others are only counted
      const excluded = ioLayer
        ? ` AND (${ioLayer.expression} IS NULL OR ${ioLayer.expression} NOT IN ('L1', 'L2'))`
        : ''
      await countRows(database, tables.io_events, params, profiler, excluded)
      longest.set(tables.io_events, await longestOf(database, tables.io_events, params))
    }
  }

  async function attribute(spikes: readonly SpikeWindow[], attributor: Attributor): Promise<void> {
    await attributeRanges(database, tables, params, spikes, base, longest, attributor)
  }

  return {
    shown,
    baseNs: base,
    columns: availableColumns(tables),
    profile,
    durations: async () => undefined,
    attribute,
    identity: () => ({ runId, repeat }),
    notes: tables.notes
  }
}

/** The ts_ns ranges that may hold rows overlapping the windows, merged where they overlap. */
export function mergedRanges(
  spikes: readonly SpikeWindow[],
  base: bigint,
  lookBack: bigint
): [bigint, bigint][] {
  const ranges = spikes
    .map((spike): [bigint, bigint] => [
      base + BigInt(Math.floor(spike.start)) - lookBack,
      base + BigInt(Math.ceil(spike.end))
    ])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const merged: [bigint, bigint][] = []
  for (const range of ranges) {
    const last = merged[merged.length - 1]
    if (last && range[0] <= last[1]) {
      if (range[1] > last[1]) last[1] = range[1]
    } else {
      merged.push([range[0], range[1]])
    }
  }
  return merged
}

/** A run id that is not in the database, or a table the engine cannot read. */
export class RunNotFound extends Error {}

/** Where a repeat of a run in the database is, as reports show it (no password). */
export function repeatLocation(
  database: Database,
  schema: string | undefined,
  runId: string,
  repeat: number
): string {
  const query = new URLSearchParams({
    ...(schema === undefined ? {} : { schema }),
    run_id: runId,
    repeat: String(repeat)
  })
  return `${database.shown}?${query.toString()}`
}

/**
 * Every repeat of a run in the database, analysed as analyseRun does a file. Throws RunNotFound
 * when no table has a row of the run.
 */
export async function analyseDatabaseRun(
  database: Database,
  schema: string | undefined,
  runId: string,
  options: AnalysisOptions
): Promise<RunReport[]> {
  const tables = await findTables(database.client, schema, database.shown)
  const repeats = await repeatsOf(database, tables, runId)
  if (repeats.length === 0) {
    throw new RunNotFound(
      `no run "${runId}" in ${database.shown}${schema ? ` (schema ${schema})` : ''}`
    )
  }
  const reports: RunReport[] = []
  for (const repeat of repeats) {
    // one snapshot per repeat: rows that arrive meanwhile do not change a pass half way
    await database.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    try {
      const shown = repeatLocation(database, schema, runId, repeat)
      const source = await repeatSource(database, tables, runId, repeat, options, shown)
      reports.push(await analyseRun(source, options))
    } finally {
      await database.client.query('COMMIT').catch(() => undefined)
    }
  }
  return reports
}
