// The DuckDB reference of the benchmark (issue 4): the same work as `iostorm detect` on one
// events.parquet, in SQL, single-threaded, in its own process. Prints JSON on stdout:
//   { metric, samples, p95_ms, sigma_ms, threshold_ms, sampling_interval_ms,
//     spikes: [{ start_ns, end_ns, value_ms, top_thread, first_syscall, first_syscall_scope,
//                threads: [...], syscalls: [...] }], timings_ms }
// (nanoseconds as decimal strings).
//
// Usage: node bench/duckdb-reference.mjs <events.parquet> [--threads 1] [--tick-thread REGEX]
//        [--threshold-ms 50] [--sigma-mult 3] [--metric NAME]
//
// The rules are the README's (and analysis-and-report.md's), applied the way the engine applies
// them, with no shortcut the engine could not take:
//   - metric: first of tick_ms, mspt_p99, mspt_p95, mspt_p50, mspt with a non-null L0 value
//   - p95 = quantile_cont(0.95) (linear interpolation, numpy's default), σ = stddev_pop, over all
//     non-null values; threshold = max(floor, p95 + k·σ); spikes: value >= threshold
//   - window: [ts, ts + dur_ns], else tick_ms [ts, ts + value ms], else [previous ts, ts]
//   - tid → full name: the first L1/L2 row (file order) with both; sampling interval: median gap
//     between consecutive unweighted L1 samples of one thread (tid, else name), else 10 ms
//   - rows overlapping a window (L1 samples: start <= ts < end; others [ts, ts + dur] with time
//     clipped to the window); threads ranked by sampled time + non-wait L4 syscall time, then L3
//     bytes, name, tid; syscalls ranked non-wait first, then time, count, name; first_syscall:
//     tick thread's first non-wait, else all threads' first non-wait, else first wait
//   - each window reads only the rows with ts in [start − max dur_ns, end): the largest dur_ns
//     comes from the row-group statistics, as the engine's row-group pruning uses them
import { DuckDBInstance } from '@duckdb/node-api'

const WAIT_SYSCALLS = [
  'futex',
  'nanosleep',
  'clock_nanosleep',
  'epoll_wait',
  'epoll_pwait',
  'poll',
  'ppoll',
  'select',
  'pselect6'
]
const MSPT_METRICS = ['tick_ms', 'mspt_p99', 'mspt_p95', 'mspt_p50', 'mspt']
const FLOOR_MS = 50
const DEFAULT_SAMPLING_NS = 10e6
const LIST_LIMIT = 25

function parseArgs(argv) {
  const options = {
    file: null,
    threads: '1',
    tickThread: '^Server thread$',
    thresholdMs: 50,
    sigmaMult: 3,
    metric: undefined
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const next = argv[++i]
      if (next === undefined) throw new Error(`${arg} needs a value`)
      return next
    }
    if (arg === '--threads') options.threads = value()
    else if (arg === '--tick-thread') options.tickThread = value()
    else if (arg === '--threshold-ms') options.thresholdMs = Number(value())
    else if (arg === '--sigma-mult') options.sigmaMult = Number(value())
    else if (arg === '--metric') options.metric = value()
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`)
    else if (options.file === null) options.file = arg
    else throw new Error(`one file only (got ${arg})`)
  }
  if (options.file === null)
    throw new Error('usage: node bench/duckdb-reference.mjs <events.parquet> [options]')
  return options
}

const q = (text) => `'${String(text).replace(/'/g, "''")}'`
const ms = (ns) => Math.round(ns) / 1e6
const num = (value) => (value === null || value === undefined ? null : Number(value))

async function main() {
  const options = parseArgs(process.argv.slice(2))
  const started = performance.now()
  const timings = {}
  const lap = (name, since) => (timings[name] = Math.round(performance.now() - since))

  const db = await DuckDBInstance.create(':memory:', { threads: options.threads })
  const con = await db.connect()
  const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjects()
  const file = q(options.file)

  // Columns the file has; the ones it lacks read as NULL (every column but the time and layer
  // may be missing, events-contract.md).
  let t = performance.now()
  const described = await rows(`DESCRIBE SELECT * FROM read_parquet(${file})`)
  const has = new Set(described.map((row) => row.column_name))
  const column = (name, type, ...aliases) => {
    for (const candidate of [name, ...aliases])
      if (has.has(candidate)) return `"${candidate}"::${type} AS ${name}`
    return `NULL::${type} AS ${name}`
  }
  let time
  if (has.has('ts_ns')) time = 'ts_ns::BIGINT'
  else if (has.has('ts')) time = 'epoch_ns(ts)::BIGINT'
  else throw new Error(`${options.file}: no ts_ns or ts column`)
  await con.run(`
    CREATE VIEW ev AS SELECT
      file_row_number AS rn, ${time} AS ts_ns,
      ${column('dur_ns', 'BIGINT', 'duration_ns')}, ${column('layer', 'VARCHAR')},
      ${column('metric', 'VARCHAR')}, ${column('value', 'DOUBLE')},
      ${column('tid', 'BIGINT')}, ${column('thread', 'VARCHAR', 'thread_name')}, ${column('comm', 'VARCHAR')},
      ${column('weight', 'DOUBLE')}, ${column('syscall', 'VARCHAR')}, ${column('device', 'VARCHAR')},
      ${column('read_bytes', 'DOUBLE')}, ${column('write_bytes', 'DOUBLE')}
    FROM read_parquet(${file}, file_row_number = true)`)
  lap('open', t)

  // ---- first pass, one scan of the file like the engine's: the L0 rows of the MSPT metrics and
  // the L1/L2 rows (thread names, sampling gaps) into small temporary tables
  t = performance.now()
  const floorMs = Math.max(FLOOR_MS, options.thresholdMs)
  const candidates = [...new Set([...MSPT_METRICS, ...(options.metric ? [options.metric] : [])])]
  await con.run(`
    CREATE TEMP TABLE pass1 AS
    SELECT rn, ts_ns, layer, metric, value, tid, thread, weight FROM ev
    WHERE ts_ns IS NOT NULL AND (layer IN ('L1', 'L2') OR (layer = 'L0' AND metric IN (${candidates.map(q).join(', ')})))`)
  lap('scan', t)

  // ---- detection: metric, p95, σ, threshold, spike windows
  t = performance.now()
  const stats = new Map(
    (
      await rows(`
      SELECT metric, count(*) AS n, quantile_cont(value, 0.95) AS p95, stddev_pop(value) AS sigma FROM pass1
      WHERE layer = 'L0' AND value IS NOT NULL AND NOT isnan(value)
      GROUP BY metric`)
    ).map((row) => [row.metric, row])
  )
  const metric = options.metric ?? MSPT_METRICS.find((name) => stats.has(name)) ?? null
  if (options.metric && !stats.has(options.metric))
    throw new Error(`metric "${options.metric}" has no values`)
  const result = {
    file: options.file,
    metric,
    samples: 0,
    p95_ms: null,
    sigma_ms: null,
    threshold_ms: null,
    sampling_interval_ms: null,
    spikes: []
  }
  if (metric === null) {
    lap('detect', t)
    timings.total = Math.round(performance.now() - started)
    console.log(JSON.stringify({ ...result, timings_ms: timings }))
    return
  }
  const p95 = Number(stats.get(metric).p95)
  const sigma = Number(stats.get(metric).sigma)
  const threshold = Math.max(floorMs, p95 + options.sigmaMult * sigma)
  // the window of a row: [ts, ts + dur], else tick_ms [ts, ts + value ms], else [previous, ts];
  // dur_ns only for the spike rows (a second, pruned read: the first pass does not need it)
  const spikes = await rows(`
    SELECT row_number() OVER (ORDER BY s.ts_ns, s.rn) AS id, s.ts_ns, s.value,
           CASE WHEN d.dur_ns IS NOT NULL OR ${q(metric)} = 'tick_ms' THEN s.ts_ns ELSE coalesce(s.prev, s.ts_ns) END AS start_ns,
           CASE WHEN d.dur_ns IS NOT NULL THEN s.ts_ns + d.dur_ns
                WHEN ${q(metric)} = 'tick_ms' THEN s.ts_ns + round(s.value * 1e6)::BIGINT
                ELSE s.ts_ns END AS end_ns
    FROM (
      SELECT rn, ts_ns, value, lag(ts_ns) OVER (ORDER BY ts_ns, rn) AS prev FROM pass1
      WHERE layer = 'L0' AND metric = ${q(metric)}
    ) s LEFT JOIN (
      SELECT rn, dur_ns FROM ev WHERE layer = 'L0' AND metric = ${q(metric)} AND value >= ${threshold}
    ) d ON d.rn = s.rn
    WHERE s.value >= ${threshold}
    ORDER BY s.ts_ns, s.rn`)
  Object.assign(result, {
    samples: Number(stats.get(metric).n),
    p95_ms: p95,
    sigma_ms: sigma,
    threshold_ms: threshold
  })
  lap('detect', t)

  // ---- whole-run facts the attribution needs: tid → full name, the sampling interval
  t = performance.now()
  await con.run(`
    CREATE TEMP TABLE names AS
    SELECT tid, arg_min(thread, rn) AS name FROM pass1
    WHERE layer IN ('L1', 'L2') AND tid IS NOT NULL AND thread IS NOT NULL
    GROUP BY tid`)
  const [gap] = await rows(`
    SELECT quantile_cont(ts_ns - prev, 0.5) AS median, count(prev) AS gaps FROM (
      SELECT ts_ns, lag(ts_ns) OVER (PARTITION BY key ORDER BY ts_ns) AS prev FROM (
        SELECT ts_ns, CASE WHEN tid IS NOT NULL THEN 't' || tid ELSE 'n' || thread END AS key FROM pass1
        WHERE layer = 'L1' AND (weight IS NULL OR isnan(weight)) AND (tid IS NOT NULL OR thread IS NOT NULL)))`)
  const samplingNs = Number(gap.gaps) > 0 ? Number(gap.median) : DEFAULT_SAMPLING_NS
  result.sampling_interval_ms = samplingNs / 1e6
  lap('profile', t)

  // ---- attribution, one window at a time (row-group pruning on ts_ns)
  t = performance.now()
  if (spikes.length > 0) {
    const [durStats] = await rows(`
      SELECT max(TRY_CAST(stats_max AS BIGINT)) AS max_dur, count(*) FILTER (WHERE stats_max IS NULL) AS unknown
      FROM parquet_metadata(${file}) WHERE path_in_schema IN ('dur_ns', 'duration_ns')`)
    let maxDur = num(durStats?.max_dur) ?? 0
    if (durStats && Number(durStats.unknown) > 0) {
      maxDur = Number((await rows(`SELECT coalesce(max(dur_ns), 0) AS m FROM ev`))[0].m)
    }
    maxDur = Math.max(0, maxDur)
    await con.run(
      `CREATE TEMP TABLE spikes AS SELECT * FROM (VALUES ${spikes
        .map((s) => `(${s.id}, ${s.start_ns}::BIGINT, ${s.end_ns}::BIGINT)`)
        .join(', ')}) v(id, ws, we)`
    )
    const windows = spikes
      .map(
        (s) => `
      SELECT ${s.id} AS id, ${s.start_ns}::BIGINT AS ws, ${s.end_ns}::BIGINT AS we, rn, ts_ns, dur_ns, layer, metric, value,
             tid, thread, comm, weight, syscall, read_bytes, write_bytes
      FROM ev WHERE ts_ns >= ${BigInt(s.start_ns) - BigInt(maxDur)} AND ts_ns < ${s.end_ns}
        AND layer IN ('L1', 'L2', 'L3', 'L4')`
      )
      .join('\nUNION ALL')
    await con.run(`
      CREATE TEMP TABLE w AS
      SELECT * FROM (
        SELECT x.*,
               CASE WHEN len > 0 THEN ts_ns < we AND ts_ns + len > ws ELSE ws <= ts_ns AND ts_ns < we END AS inside,
               CASE WHEN len > 0 THEN least(ts_ns + len, we) - greatest(ts_ns, ws) ELSE 0 END AS overlap_ns
        FROM (
          SELECT r.*, coalesce(r.thread, n.name, r.comm) AS name,
                 CASE WHEN r.tid IS NOT NULL THEN 't' || r.tid
                      WHEN coalesce(r.thread, n.name, r.comm) IS NOT NULL THEN 'n' || coalesce(r.thread, n.name, r.comm) END AS key,
                 CASE WHEN r.layer = 'L1' OR r.dur_ns IS NULL OR r.dur_ns <= 0 THEN 0 ELSE r.dur_ns END AS len,
                 r.layer = 'L4' AND r.syscall IS NOT NULL AND r.syscall <> '' AS is_syscall,
                 r.syscall IN (${WAIT_SYSCALLS.map(q).join(', ')}) AS is_wait,
                 CASE WHEN r.layer = 'L3' THEN
                   (CASE WHEN r.read_bytes > 0 THEN r.read_bytes ELSE 0 END) +
                   (CASE WHEN r.write_bytes > 0 THEN r.write_bytes ELSE 0 END) +
                   (CASE WHEN r.metric IN ('read_bytes', 'write_bytes') AND r.value > 0 THEN r.value ELSE 0 END)
                 ELSE 0 END AS written
          FROM (${windows}) r LEFT JOIN names n ON n.tid = r.tid
        ) x
      ) WHERE inside`)

    // per spike and thread: the rows that create the thread's entry name it (first in file order)
    await con.run(`
      CREATE TEMP TABLE thread_tally AS
      SELECT id, key, arg_min(name, rn) AS name, any_value(tid) AS tid,
             count(*) FILTER (WHERE layer = 'L1') AS samples,
             coalesce(sum(CASE WHEN weight IS NULL OR isnan(weight) THEN ${samplingNs} ELSE weight END) FILTER (WHERE layer = 'L1'), 0) AS cpu_ns,
             coalesce(sum(overlap_ns) FILTER (WHERE is_syscall AND NOT is_wait), 0) AS syscall_ns,
             coalesce(sum(overlap_ns) FILTER (WHERE is_syscall AND is_wait), 0) AS wait_ns,
             count(*) FILTER (WHERE is_syscall) AS syscall_rows,
             coalesce(sum(written) FILTER (WHERE layer = 'L3'), 0) AS io_bytes
      FROM w
      WHERE key IS NOT NULL AND (layer = 'L1' OR is_syscall OR (layer = 'L3' AND written > 0))
      GROUP BY id, key`)
    await con.run(`ALTER TABLE thread_tally ADD COLUMN tick BOOLEAN`)
    await con.run(
      `UPDATE thread_tally SET tick = coalesce(regexp_matches(name, ${q(options.tickThread)}), false)`
    )

    const threadRows = await rows(`
      SELECT id, name, tid, samples, cpu_ns, syscall_ns, wait_ns, io_bytes, tick,
             row_number() OVER (PARTITION BY id ORDER BY cpu_ns + syscall_ns DESC, io_bytes DESC, name, coalesce(tid, -1)) AS rank
      FROM thread_tally WHERE samples > 0 OR syscall_rows > 0 OR io_bytes > 0
      ORDER BY id, rank`)
    const syscallRows = await rows(`
      SELECT id, syscall, scope, count, total_ns, max_ns, is_wait,
             row_number() OVER (PARTITION BY id, scope ORDER BY is_wait, total_ns DESC, count DESC, syscall) AS rank
      FROM (
        SELECT w.id, w.syscall, 'all' AS scope, count(*) AS count, sum(w.overlap_ns) AS total_ns, max(w.overlap_ns) AS max_ns, any_value(w.is_wait) AS is_wait
        FROM w WHERE w.is_syscall GROUP BY w.id, w.syscall
        UNION ALL
        SELECT w.id, w.syscall, 'tick', count(*), sum(w.overlap_ns), max(w.overlap_ns), any_value(w.is_wait)
        FROM w JOIN thread_tally tt ON tt.id = w.id AND tt.key = w.key
        WHERE w.is_syscall AND tt.tick GROUP BY w.id, w.syscall
      ) ORDER BY id, scope, rank`)

    const byId = (list) => {
      const map = new Map()
      for (const row of list) {
        const id = Number(row.id)
        if (!map.has(id)) map.set(id, [])
        map.get(id).push(row)
      }
      return map
    }
    const threadsOf = byId(threadRows)
    const syscallsOf = byId(syscallRows)
    for (const s of spikes) {
      const id = Number(s.id)
      const threads = threadsOf.get(id) ?? []
      const calls = syscallsOf.get(id) ?? []
      const all = calls.filter((c) => c.scope === 'all')
      const tick = calls.filter((c) => c.scope === 'tick')
      const firstNonWait = (list) => list.find((c) => !c.is_wait)?.syscall
      let first = null
      let scope = null
      for (const [name, sc] of [
        [firstNonWait(tick), 'tick-thread'],
        [firstNonWait(all), 'all-threads'],
        [tick[0]?.syscall, 'tick-thread'],
        [all[0]?.syscall, 'all-threads']
      ]) {
        if (name !== undefined) {
          first = name
          scope = sc
          break
        }
      }
      result.spikes.push({
        start_ns: String(s.start_ns),
        end_ns: String(s.end_ns),
        value_ms: Number(s.value),
        top_thread: threads[0]?.name ?? null,
        first_syscall: first,
        first_syscall_scope: scope,
        threads: threads.slice(0, LIST_LIMIT).map((r) => ({
          thread: r.name,
          tid: num(r.tid),
          tick_thread: r.tick,
          samples: Number(r.samples),
          cpu_ms: ms(Number(r.cpu_ns)),
          syscall_ms: ms(Number(r.syscall_ns)),
          wait_ms: ms(Number(r.wait_ns)),
          io_bytes: Number(r.io_bytes)
        })),
        thread_count: threads.length,
        syscalls: all.slice(0, LIST_LIMIT).map((r) => ({
          syscall: r.syscall,
          wait: r.is_wait,
          count: Number(r.count),
          total_ms: ms(Number(r.total_ns)),
          max_ms: ms(Number(r.max_ns))
        })),
        syscall_count: all.length
      })
    }
  }
  lap('attribute', t)
  timings.total = Math.round(performance.now() - started)
  console.log(JSON.stringify({ ...result, timings_ms: timings }))
}

main().catch((error) => {
  console.error(`duckdb-reference: ${error instanceof Error ? error.message : error}`)
  process.exit(2)
})
