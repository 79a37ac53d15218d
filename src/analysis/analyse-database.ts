/**
 * A run in plugbench's PostgreSQL sidecar analysed like events.parquet files (docs/postgres.md):
 * each repeat of the run is one RunSource for analyseRun. The first pass lets PostgreSQL count the
 * rows it only counts (L3, L4, other metrics) and streams the MSPT series and the L1/L2 thread
 * rows; the second pass streams only the rows of bounded ts_ns ranges around the spike windows,
 * on the (run_id, repeat, ts_ns) index.
 */
import type { Column } from '../telemetry/columns.js'
import { quoteIdentifier, type Database } from '../telemetry/pg-connect.js'
import { selectList, streamBatches } from '../telemetry/pg-read.js'
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

/**
 * What the first pass counts in PostgreSQL rather than reading, in one scan: rows by layer and
 * their earliest time (rows matching `excluded` were handed over and are not counted), and the
 * largest dur_ns of all the table's rows — how far before a window a row may start and still
 * overlap it (0 without a dur_ns column).
 */
async function countRows(
  database: Database,
  table: Table,
  params: unknown[],
  profiler: Profiler,
  excluded?: string
): Promise<bigint> {
  const layer = table.name === 'io_events' ? table.columns.get('layer') : undefined
  const dur = table.columns.get('dur')
  const counted = excluded === undefined ? '' : ` FILTER (WHERE NOT (${excluded}))`
  const { rows } = await database.client.query<{
    layer: string | null
    rows: number
    earliest: number | null
    longest: string | null
  }>(
    `SELECT ${layer ? layer.expression : 'NULL::text'} AS layer, count(*)${counted}::float8 AS rows,
            min(ts_ns - $3::bigint)${counted}::float8 AS earliest,
            ${dur ? `max(${quoteIdentifier(dur.physical)})::text` : 'NULL::text'} AS longest
       FROM ${table.qualified} WHERE ${RUN}
      ${layer ? 'GROUP BY 1' : ''}`,
    params
  )
  let longest = 0n
  for (const row of rows) {
    if (row.rows > 0 && row.earliest !== null)
      profiler.addCounted(TABLE_LAYER[table.name] ?? row.layer, row.rows, row.earliest)
    if (row.longest !== null && BigInt(row.longest) > longest) longest = BigInt(row.longest)
  }
  return longest
}

/**
 * What the profiler learns from L1 and L2 rows, aggregated by PostgreSQL (only those of
 * [low, high] when given): their count and earliest time per layer, each tid's first full thread
 * name (by ts_ns), and for L1 the weighted and unweighted samples and the gaps between
 * consecutive unweighted samples of one thread (tid, else name) to the microsecond, as the
 * profiler's histogram keeps them (rounded half up, as Math.round: gaps are never negative). `params`: run_id, repeat, base.
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
  const column = (table: Table, name: Column, type: string) =>
    table.columns.get(name)?.expression ?? `NULL::${type}`
  if (tables.samples) {
    const table = tables.samples
    parts.push(
      `SELECT 'L1'::text AS layer, ts_ns - $3::bigint AS at, nullif(${column(table, 'tid', 'float8')}, 'NaN') AS tid,
              ${column(table, 'thread', 'text')} AS thread, ${column(table, 'weight', 'float8')} AS weight
         FROM ${table.qualified} WHERE ${RUN}${within}`
    )
  }
  const ioLayer = tables.io_events?.columns.get('layer')
  if (tables.io_events && ioLayer) {
    const table = tables.io_events
    parts.push(
      `SELECT ${ioLayer.expression} AS layer, ts_ns - $3::bigint AS at, nullif(${column(table, 'tid', 'float8')}, 'NaN') AS tid,
              ${column(table, 'thread', 'text')} AS thread, NULL::float8 AS weight
         FROM ${table.qualified}
        WHERE ${RUN}${within} AND ${ioLayer.expression} IN ('L1', 'L2')`
    )
  }
  if (parts.length === 0) return
  const rows = `(${parts.join(' UNION ALL ')})`
  const all = range ? [...params, range[0].toString(), range[1].toString()] : [...params]
  const { client } = database
  const counts = await client.query<{
    layer: string
    rows: number
    earliest: number
    weighted: number
  }>(
    `SELECT layer, count(*)::float8 AS rows, min(at)::float8 AS earliest,
            count(*) FILTER (WHERE layer = 'L1' AND weight IS NOT NULL AND weight <> 'NaN')::float8
              AS weighted
       FROM ${rows} l GROUP BY layer`,
    all
  )
  let weighted = 0
  let unweighted = 0
  for (const row of counts.rows) {
    profiler.addCounted(row.layer, row.rows, row.earliest)
    if (row.layer === 'L1') {
      weighted += row.weighted
      unweighted += row.rows - row.weighted
    }
  }
  // first (tid, thread) pair by time: a hash aggregate, then a sort of the few pairs
  const names = await client.query<{ tid: number; thread: string }>(
    `SELECT DISTINCT ON (tid) tid, thread
       FROM (SELECT tid, thread, min(at) AS first FROM ${rows} l
              WHERE tid IS NOT NULL AND thread IS NOT NULL
              GROUP BY tid, thread) pairs
      ORDER BY tid, first`,
    all
  )
  for (const row of names.rows) profiler.addThreadName(row.tid, row.thread)
  const gaps = await client.query<{ gap: number; count: number }>(
    `SELECT ((at - previous + 500) / 1000 * 1000)::float8 AS gap, count(*)::float8 AS count
       FROM (SELECT at, lag(at) OVER (
                    PARTITION BY tid, CASE WHEN tid IS NULL THEN thread END
                    ORDER BY at) AS previous
               FROM ${rows} l
              WHERE layer = 'L1' AND (weight IS NULL OR weight = 'NaN')
                AND (tid IS NOT NULL OR thread IS NOT NULL)) g
      WHERE previous IS NOT NULL GROUP BY 1`,
    all
  )
  profiler.addSampleSummary(
    weighted,
    unweighted,
    gaps.rows.map((row): [number, number] => [row.gap, row.count])
  )
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
    // rows that end before the window are left out by the server, not sent to be skipped here
    const dur = table.columns.get('dur')
    const ends = dur
      ? ` AND ts_ns + greatest(coalesce(${quoteIdentifier(dur.physical)}, 0), 0) >= r.start`
      : ''
    const sql = `SELECT ${selected.map((entry) => entry.expression).join(', ')}
        FROM unnest($4::bigint[], $5::bigint[], $6::bigint[]) AS r(low, high, start)
        CROSS JOIN LATERAL (
          SELECT * FROM ${table.qualified}
           WHERE ${RUN} AND ts_ns >= r.low AND ts_ns <= r.high${ends}
        ) AS t`
    const batches = streamBatches(
      database.client,
      sql,
      [
        ...params,
        ranges.map((range) => range.low.toString()),
        ranges.map((range) => range.high.toString()),
        ranges.map((range) => range.start.toString())
      ],
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
      // the MSPT rows were handed over above: the others are only counted
      const handed = `${metricColumn.expression} IS NOT NULL AND ${metricColumn.expression} = ANY($4::text[])`
      await countRows(database, metrics, [...params, tracked], profiler, handed)
    } else {
      await countRows(database, metrics, params, profiler)
    }

    await profileThreads(database, tables, params, profiler)
    const ioLayer = tables.io_events?.columns.get('layer')
    if (tables.syscalls) {
      longest.set(tables.syscalls, await countRows(database, tables.syscalls, params, profiler))
    }
    if (tables.io_events) {
      // the L1/L2 rows were handed over above; the others are only counted
      const handed = ioLayer
        ? `${ioLayer.expression} IS NOT NULL AND ${ioLayer.expression} IN ('L1', 'L2')`
        : undefined
      longest.set(
        tables.io_events,
        await countRows(database, tables.io_events, params, profiler, handed)
      )
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

/**
 * Rows starting in [low, high] may overlap a window of the range; only those ending at or after
 * `start` (the earliest window start of the range) can.
 */
export interface Range {
  low: bigint
  high: bigint
  start: bigint
}

/** The ts_ns ranges that may hold rows overlapping the windows, merged where they overlap. */
export function mergedRanges(
  spikes: readonly SpikeWindow[],
  base: bigint,
  lookBack: bigint
): Range[] {
  const ranges = spikes
    .map((spike): Range => {
      const start = base + BigInt(Math.floor(spike.start))
      return { low: start - lookBack, high: base + BigInt(Math.ceil(spike.end)), start }
    })
    .sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : 0))
  const merged: Range[] = []
  for (const range of ranges) {
    const last = merged[merged.length - 1]
    if (last && range.low <= last.high) {
      if (range.high > last.high) last.high = range.high
      if (range.start < last.start) last.start = range.start
    } else {
      merged.push({ ...range })
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
