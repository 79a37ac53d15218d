// The lean DuckDB reference of the benchmark (issue 14): the query a user who knows SQL would
// write instead of running iostorm, one thread, in its own process. It does less than iostorm and
// than bench/duckdb-reference.mjs (no thread-name resolution, no sampling gaps, no plugins, no
// ranking rules), so iostorm's ratio to it is the price of the full answer:
//   - tick_ms p95 (quantile_cont), σ (stddev_pop), threshold max(50, p95 + 3σ)
//   - spike windows [ts, ts + dur_ns] (else [ts, ts + value ms]) of the ticks at or above it
//   - per window: L1 samples per tid; non-wait L4 syscall time per syscall and per path, clipped
//     to the window; biosnoop bytes per device
// Prints JSON on stdout: { metric, p95_ms, sigma_ms, threshold_ms, spikes: [{ start_ns, end_ns,
// samples: [[tid, n]], syscalls: [[name, ms]], paths: [[path, ms]], devices: [[device, bytes]] }],
// timings_ms } (nanoseconds as decimal strings).
//
// Usage: node bench/duckdb-lean.mjs <events.parquet> [--threads 1]
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

function parseArgs(argv) {
  const options = { file: null, threads: '1' }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--threads') options.threads = argv[++i]
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`)
    else if (options.file === null) options.file = arg
    else throw new Error(`one file only (got ${arg})`)
  }
  if (options.file === null || options.threads === undefined)
    throw new Error('usage: node bench/duckdb-lean.mjs <events.parquet> [--threads N]')
  return options
}

const q = (text) => `'${String(text).replace(/'/g, "''")}'`

async function main() {
  const options = parseArgs(process.argv.slice(2))
  const started = performance.now()
  const timings = {}
  const db = await DuckDBInstance.create(':memory:', { threads: options.threads })
  const con = await db.connect()
  const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjects()
  const file = q(options.file)

  let t = performance.now()
  const [stats] = await rows(`
    SELECT quantile_cont(value, 0.95) AS p95, stddev_pop(value) AS sigma
    FROM read_parquet(${file}) WHERE layer = 'L0' AND metric = 'tick_ms'`)
  const p95 = Number(stats.p95)
  const sigma = Number(stats.sigma)
  const threshold = Math.max(50, p95 + 3 * sigma)
  await con.run(`
    CREATE TEMP TABLE spikes AS
    SELECT row_number() OVER (ORDER BY ts_ns) AS id, ts_ns AS ws,
           ts_ns + coalesce(dur_ns, round(value * 1e6)::BIGINT) AS we
    FROM read_parquet(${file})
    WHERE layer = 'L0' AND metric = 'tick_ms' AND value >= ${threshold}`)
  timings.detect = Math.round(performance.now() - t)

  t = performance.now()
  // the longest dur_ns from the statistics, else (a writer that left them out) from the data
  const [dur] = await rows(`
    SELECT coalesce(max(TRY_CAST(coalesce(stats_max_value, stats_max) AS BIGINT)), 0) AS m,
           count(*) FILTER (WHERE coalesce(stats_max_value, stats_max) IS NULL) AS unknown
    FROM parquet_metadata(${file}) WHERE path_in_schema = 'dur_ns'`)
  let maxDur = BigInt(dur.m)
  if (Number(dur.unknown) > 0) {
    const [all] = await rows(`SELECT coalesce(max(dur_ns), 0) AS m FROM read_parquet(${file})`)
    maxDur = BigInt(all.m)
  }
  // the rows of each window, with literal bounds so DuckDB prunes row groups by ts_ns statistics
  // (a range join would scan the whole file)
  const windows = await rows(`SELECT id, ws, we FROM spikes ORDER BY id`)
  const parts = windows.map(
    (s) => `
      SELECT ${s.id} AS id, layer, tid, syscall, path, device, bytes,
             CASE WHEN layer = 'L4' AND dur_ns > 0
                  THEN least(ts_ns + dur_ns, ${s.we}) - greatest(ts_ns, ${s.ws}) ELSE 0 END AS overlap_ns,
             ts_ns >= ${s.ws} AND ts_ns < ${s.we} AS inside
      FROM read_parquet(${file})
      WHERE ts_ns >= ${BigInt(s.ws) - maxDur} AND ts_ns < ${s.we} AND layer IN ('L1', 'L4')`
  )
  await con.run(
    `CREATE TEMP TABLE w AS ${parts.length ? parts.join('\nUNION ALL') : 'SELECT NULL::BIGINT AS id, NULL::VARCHAR AS layer, NULL::BIGINT AS tid, NULL::VARCHAR AS syscall, NULL::VARCHAR AS path, NULL::VARCHAR AS device, NULL::BIGINT AS bytes, 0 AS overlap_ns, false AS inside WHERE false'}`
  )
  const samples = await rows(`
    SELECT id, tid, count(*) AS n FROM w WHERE layer = 'L1' AND inside
    GROUP BY id, tid ORDER BY id, n DESC, tid`)
  const nonWait = `layer = 'L4' AND syscall IS NOT NULL AND syscall NOT IN (${WAIT_SYSCALLS.map(q).join(', ')}) AND overlap_ns > 0`
  const syscalls = await rows(`
    SELECT id, syscall AS key, sum(overlap_ns) AS ns FROM w WHERE ${nonWait}
    GROUP BY id, syscall ORDER BY id, ns DESC, key`)
  const paths = await rows(`
    SELECT id, path AS key, sum(overlap_ns) AS ns FROM w WHERE ${nonWait} AND path IS NOT NULL
    GROUP BY id, path ORDER BY id, ns DESC, key`)
  const devices = await rows(`
    SELECT id, device AS key, sum(bytes) AS n FROM w
    WHERE layer = 'L4' AND device IS NOT NULL AND (inside OR overlap_ns > 0)
    GROUP BY id, device ORDER BY id, n DESC, key`)
  const spikes = windows
  timings.attribute = Math.round(performance.now() - t)

  const byId = (list, pick) => {
    const map = new Map()
    for (const row of list) {
      const id = Number(row.id)
      if (!map.has(id)) map.set(id, [])
      map.get(id).push(pick(row))
    }
    return map
  }
  const samplesOf = byId(samples, (r) => [r.tid === null ? null : Number(r.tid), Number(r.n)])
  const syscallsOf = byId(syscalls, (r) => [r.key, Number(r.ns) / 1e6])
  const pathsOf = byId(paths, (r) => [r.key, Number(r.ns) / 1e6])
  const devicesOf = byId(devices, (r) => [r.key, Number(r.n)])
  const result = {
    file: options.file,
    metric: 'tick_ms',
    p95_ms: p95,
    sigma_ms: sigma,
    threshold_ms: threshold,
    spikes: spikes.map((s) => {
      const id = Number(s.id)
      return {
        start_ns: String(s.ws),
        end_ns: String(s.we),
        samples: samplesOf.get(id) ?? [],
        syscalls: syscallsOf.get(id) ?? [],
        paths: pathsOf.get(id) ?? [],
        devices: devicesOf.get(id) ?? []
      }
    })
  }
  timings.total = Math.round(performance.now() - started)
  console.log(JSON.stringify({ ...result, timings_ms: timings }))
}

main().catch((error) => {
  console.error(`duckdb-lean: ${error instanceof Error ? error.message : error}`)
  process.exit(2)
})
