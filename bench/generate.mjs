// Deterministic generator of large, realistic plugbench events.parquet files for the benchmark of
// issue 4, written by DuckDB (`COPY … (FORMAT parquet, COMPRESSION …, ROW_GROUP_SIZE …)`), sorted
// by ts_ns. Same arguments → same rows (DuckDB's hash() is the only source of randomness).
//
// Usage: node bench/generate.mjs [--sizes 1m,10m,30m] [--variants zstd:122880,snappy:122880,...]
//                                [--out bench/data] [--spikes 20] [--force] [--quiet]
// Default variants: every size × {zstd, snappy} at 122,880-row groups, plus 1m and 10m zstd at
// 1,048,576-row groups. Existing files are skipped (--force rewrites them).
//
// A file of N rows is a repeat of 600 s × N / 10M (10M rows ≈ a 10-minute repeat):
//   L0  spark: tick_ms every 50 ms (12,000 per 10M rows; values ~18–32 ms, 1.5% lag ticks up to
//       90 ms, dur_ns = value), `tps` every second, `mspt_p95` every 5 s; `--spikes` planted spike
//       ticks (230–2500 ms, dur_ns = value; the ticks the stall swallows are absent)
//   L1  async-profiler wall-clock samples every 10 ms for 10 JVM threads (`frames` from a
//       catalogue of ~525 stacks, see stacks.mjs; no `weight` column, so the interval is measured)
//   L2  a few JFR events (GarbageCollection, FileForce, FileWrite, ThreadPark)
//   L3  /proc io deltas every 100 ms per JVM thread (thread + comm, read_bytes, write_bytes)
//   L4  bpftrace syscalls (futex/epoll noise, read/write/pread64/pwrite64/… with paths and bytes;
//       thread NULL, comm = 15-char kernel name) and biosnoop block_io rows with device; the rest
//       of the N rows
// Each spike has a planted cause that the attribution must find (see CAUSES below).
import { DuckDBInstance } from '@duckdb/node-api'
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildCatalogue } from './stacks.mjs'

const here = dirname(fileURLToPath(import.meta.url))
export const DATA_DIR = join(here, 'data')

export const SIZES = { '1m': 1_000_000, '10m': 10_000_000, '30m': 30_000_000 }
export const ROW_GROUP_SMALL = 122_880
export const ROW_GROUP_LARGE = 1_048_576
export const DEFAULT_VARIANTS = {
  '1m': ['zstd:122880', 'snappy:122880', 'zstd:1048576'],
  '10m': ['zstd:122880', 'snappy:122880', 'zstd:1048576'],
  '30m': ['zstd:122880', 'snappy:122880']
}

export function fileName(size, codec, rowGroup) {
  const rg =
    rowGroup === ROW_GROUP_SMALL
      ? 'rg122k'
      : rowGroup === ROW_GROUP_LARGE
        ? 'rg1m'
        : `rg${rowGroup}`
  return `events-${size}-${codec}-${rg}.parquet`
}

// ---------------------------------------------------------------------------------------------
// The world: threads, paths, syscall mixes, spike causes
// ---------------------------------------------------------------------------------------------

const T0 = 18_734_000_000_000n + 127_531_977n // CLOCK_MONOTONIC ns: ~5.2 h of uptime
const MS = 1_000_000

/** name, tid, kind, L1-sampled, L3 rows, L4 noise weight (per mille). */
const THREADS = [
  ['Server thread', 2899, 'server', true, true, 160],
  ['Paper I/O Worker #0', 2931, 'io', true, true, 60],
  ['Paper I/O Worker #1', 2932, 'io', true, true, 60],
  ['Netty Epoll Server IO #1', 2957, 'netty', true, true, 110],
  ['Netty Epoll Server IO #2', 2958, 'netty', true, true, 110],
  ['Craft Scheduler Thread - 3', 3012, 'craft', true, true, 80],
  ['Craft Scheduler Thread - 7', 3019, 'craft', true, true, 80],
  ['Log4j2-AsyncAppenderEventDispatcher-1-Async', 2871, 'log4j', true, true, 70],
  ['GC Thread#0', 2846, 'gc', true, true, 50],
  ['G1 Conc#0', 2849, 'g1conc', true, true, 30],
  // L4 only: no L1/L2 row names their tid, so the report knows them by comm
  ['Craft Scheduler Thread - 12', 3044, 'craft', false, false, 60],
  ['Worker-Main-3', 2903, 'worker', false, false, 40],
  ['C2 CompilerThread0', 2861, 'compiler', false, false, 50],
  // named by L2 (JFR GarbageCollection) rows only
  ['VM Thread', 2852, 'vm', false, false, 40],
  // kernel threads: biosnoop rows only
  ['kworker/u16:3', 412, 'kernel', false, false, 0],
  ['jbd2/nvme0n1p2-8', 398, 'kernel', false, false, 0]
]
const TH = Object.fromEntries(THREADS.map(([name], i) => [name, i + 1]))
const comm15 = (name) => name.slice(0, 15)

const UUIDS = [
  '069a79f4-44e9-4726-a5be-fca90e38aaf5',
  '853c80ef-3c37-49fd-aa49-938b674adae6',
  'f84c6a79-0a4e-45e0-879b-cd49ebd4c4e2',
  '61699b2e-d327-4a01-9f1e-0ea8c3f06bc6',
  'c06f8906-4c8a-4911-9c29-ea1dbd1aab82',
  '7125ba8b-1c86-4508-b92b-b8d0f1ac8e4b',
  'e6b5c088-0680-44df-9e1b-9bf11792291b',
  '0f3c2b77-52ad-4b42-8b1a-7c4b5d1e9a01'
]
const PATH_POOLS = {
  region: [
    ...[-2, -1, 0, 1, 2].flatMap((x) =>
      [-2, -1, 0, 1, 2].map((z) => `/srv/mc/world/region/r.${x}.${z}.mca`)
    ),
    '/srv/mc/world_nether/DIM-1/region/r.0.0.mca',
    '/srv/mc/world_nether/DIM-1/region/r.-1.0.mca',
    '/srv/mc/world_the_end/DIM1/region/r.0.0.mca'
  ],
  playerdata: [
    ...UUIDS.map((u) => `/srv/mc/world/playerdata/${u}.dat`),
    '/srv/mc/world/level.dat',
    ...UUIDS.slice(0, 4).map((u) => `/srv/mc/world/stats/${u}.json`)
  ],
  sockets: Array.from({ length: 24 }, (_, i) => `socket:[48213${String(i + 10).padStart(2, '0')}]`),
  mysql: ['socket:[4820991]', 'socket:[4820992]', 'socket:[4820993]'],
  plugin_files: [
    '/srv/mc/plugins/CoreProtect/database.db',
    '/srv/mc/plugins/CoreProtect/database.db-journal',
    '/srv/mc/plugins/LuckPerms/luckperms-h2-v2.mv.db',
    ...UUIDS.slice(0, 6).map((u) => `/srv/mc/plugins/Essentials/userdata/${u}.yml`),
    ...[0, 1, 2, 3, 4, 5].map(
      (i) => `/srv/mc/plugins/dynmap/web/tiles/world/flat/0_${i}/zz_${i * 32}_0.png`
    ),
    ...UUIDS.slice(2, 6).map((u) => `/srv/mc/plugins/Quests/playerdata/${u}.json`)
  ],
  logs: ['/srv/mc/logs/latest.log'],
  pipe: ['pipe:[31337]'],
  jars: [
    '/srv/mc/paper-1.21.4-211.jar',
    '/srv/mc/libraries/com/mojang/datafixerupper/8.0.16/datafixerupper-8.0.16.jar'
  ],
  coreprotect_db: ['/srv/mc/plugins/CoreProtect/database.db'],
  schematics: [
    '/srv/mc/plugins/WorldEdit/schematics/castle.schem',
    '/srv/mc/plugins/WorldEdit/schematics/spawn.schem'
  ],
  essentials_user: UUIDS.slice(0, 6).map((u) => `/srv/mc/plugins/Essentials/userdata/${u}.yml`),
  jobs_mysql: ['socket:[4821177]']
}
const PATHS = []
const POOL_IDS = {}
for (const [pool, list] of Object.entries(PATH_POOLS)) {
  POOL_IDS[pool] = list.map((path) => {
    let id = PATHS.indexOf(path)
    if (id < 0) id = PATHS.push(path) - 1
    return id + 1
  })
}

/** Per thread kind: [syscall, per-mille weight, duration class, path pool | null, has bytes]. */
const SYSCALL_MIX = {
  server: [
    ['futex', 700, 'wait'],
    ['read', 80, 'fast', 'playerdata', true],
    ['write', 60, 'fast', 'pipe', true],
    ['pread64', 50, 'disk', 'region', true],
    ['openat', 30, 'fast', 'playerdata'],
    ['close', 30, 'fast'],
    ['newfstatat', 30, 'fast', 'playerdata'],
    ['sched_yield', 20, 'fast']
  ],
  io: [
    ['futex', 500, 'wait'],
    ['pread64', 200, 'disk', 'region', true],
    ['pwrite64', 150, 'disk', 'region', true],
    ['openat', 50, 'fast', 'region'],
    ['close', 50, 'fast'],
    ['lseek', 30, 'fast', 'region'],
    ['fdatasync', 20, 'sync', 'region']
  ],
  netty: [
    ['epoll_wait', 400, 'wait'],
    ['read', 250, 'fast', 'sockets', true],
    ['write', 250, 'fast', 'sockets', true],
    ['futex', 100, 'wait']
  ],
  craft: [
    ['futex', 550, 'wait'],
    ['read', 120, 'fast', 'plugin_files', true],
    ['write', 100, 'fast', 'plugin_files', true],
    ['recvfrom', 100, 'fast', 'mysql', true],
    ['sendto', 80, 'fast', 'mysql', true],
    ['openat', 50, 'fast', 'plugin_files']
  ],
  log4j: [
    ['futex', 600, 'wait'],
    ['write', 350, 'fast', 'logs', true],
    ['lseek', 50, 'fast', 'logs']
  ],
  gc: [
    ['futex', 600, 'wait'],
    ['madvise', 250, 'fast'],
    ['mmap', 50, 'fast'],
    ['munmap', 100, 'fast']
  ],
  g1conc: [
    ['futex', 700, 'wait'],
    ['madvise', 300, 'fast']
  ],
  worker: [
    ['futex', 800, 'wait'],
    ['read', 200, 'fast', 'jars', true]
  ],
  compiler: [
    ['futex', 900, 'wait'],
    ['mmap', 50, 'fast'],
    ['madvise', 50, 'fast']
  ],
  vm: [
    ['futex', 600, 'wait'],
    ['nanosleep', 200, 'wait'],
    ['madvise', 100, 'fast'],
    ['mprotect', 100, 'fast']
  ]
}
const SYSCALLS = [
  ...new Set(
    Object.values(SYSCALL_MIX)
      .flatMap((mix) => mix.map(([name]) => name))
      .concat(['fsync', 'sendto', 'recvfrom'])
  )
]
const SC = Object.fromEntries(SYSCALLS.map((name, i) => [name, i + 1]))
const DEVICES = ['nvme0n1', 'sda']
const METRICS = ['tick_ms', 'tps', 'mspt_p95']

/**
 * Row kinds (layer, source, event). Sorting uses (ts_ns, kind, seq), so equal timestamps keep a
 * stable order.
 */
const KINDS = [
  ['L0', 'spark', 'tick'],
  ['L0', 'spark', 'metric'],
  ['L1', 'async-profiler', 'sample'],
  ['L2', 'jfr', 'jdk.GarbageCollection'],
  ['L2', 'jfr', 'jdk.FileForce'],
  ['L2', 'jfr', 'jdk.FileWrite'],
  ['L2', 'jfr', 'jdk.ThreadPark'],
  ['L3', 'procfs', 'io_delta'],
  ['L4', 'bpftrace', 'syscall'],
  ['L4', 'biosnoop', 'block_io']
]
const KIND = {
  tick: 1,
  metric: 2,
  sample: 3,
  gc: 4,
  force: 5,
  fwrite: 6,
  park: 7,
  io: 8,
  syscall: 9,
  block: 10
}

/** Spike values (ms) and causes, cycled when --spikes is not 20. */
const SPIKE_VALUES = [
  2400, 310, 1250, 620, 480, 1900, 260, 880, 350, 1500, 720, 2100, 410, 980, 540, 1700, 230, 1100,
  800, 2500
]
/**
 * What each planted cause makes visible in its window, and what the attribution must say:
 *   fsync        save-all: Paper I/O Worker #n fsyncs a region file for ~88% of the window, the
 *                Server thread waits in futex → top thread the I/O worker, first syscall fsync
 *                (all threads: the tick thread has no non-wait syscall)
 *   coreprotect  Quests calls CoreProtect's lookup on the Server thread: pread64 on database.db
 *                for ~80% of the window → Server thread / pread64
 *   worldedit    //schem load on the Server thread: reads of a .schem file (~30%), then pasting
 *                → Server thread / read
 *   essentials   EssentialsX saves userdata on quit: write + fsync (~70%) → Server thread / fsync
 *   gc           G1 pause: GC Thread#0 madvise (~60%), Server thread parked at the safepoint
 *                → GC Thread#0 / madvise (all threads)
 *   mysql        Jobs logs to MySQL on the Server thread: recvfrom (~90%) → Server thread / recvfrom
 */
const CAUSES = [
  'fsync',
  'coreprotect',
  'worldedit',
  'essentials',
  'fsync',
  'gc',
  'coreprotect',
  'mysql',
  'fsync',
  'worldedit',
  'coreprotect',
  'gc',
  'essentials',
  'fsync',
  'mysql',
  'worldedit',
  'coreprotect',
  'gc',
  'essentials',
  'fsync'
]
export const EXPECTED = {
  fsync: (spike) => [spike.ioThread, 'fsync'],
  coreprotect: () => ['Server thread', 'pread64'],
  worldedit: () => ['Server thread', 'read'],
  essentials: () => ['Server thread', 'fsync'],
  gc: () => ['GC Thread#0', 'madvise'],
  mysql: () => ['Server thread', 'recvfrom']
}

/** mulberry32: the only JS-side randomness (spike placement), seeded. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Spike ticks spread over the repeat, never overlapping: each stall is followed by at least 20
 * normal ticks (1 s), and the remaining slack is shared out between the spikes with some jitter.
 */
export function planSpikes(rows, count) {
  const durationNs = Math.round((600e9 * rows) / 10e6)
  const ticks = Math.floor(durationNs / (50 * MS))
  const random = prng(4242 + count)
  const values = Array.from(
    { length: count },
    (_, j) => SPIKE_VALUES[j % SPIKE_VALUES.length] + [0.125, 0.375, 0.625, 0.875][j % 4]
  )
  const stalls = values.map((v) => Math.ceil(Math.round(v * MS) / (50 * MS)) + 20)
  const slack = ticks - 40 - stalls.reduce((a, b) => a + b, 0)
  if (count > 0 && slack < count)
    throw new Error(`${count} spikes do not fit in ${ticks} ticks; use fewer (--spikes)`)
  const spikes = []
  let free = 20 // first tick index a spike may take
  let left = slack
  for (let j = 0; j < count; j++) {
    const share = left / (count - j)
    const gap = Math.min(left, Math.floor(share * (0.5 + random())))
    left -= gap
    const tick = free + gap
    const valueMs = values[j]
    const durNs = Math.round(valueMs * MS)
    free = tick + stalls[j]
    spikes.push({
      j: j + 1,
      tick,
      startNs: T0 + BigInt(tick) * 50_000_000n,
      durNs,
      valueMs,
      cause: CAUSES[j % CAUSES.length],
      ioThread: `Paper I/O Worker #${j % 2}`
    })
  }
  for (const spike of spikes) spike.endNs = spike.startNs + BigInt(spike.durNs)
  return { durationNs, ticks, spikes }
}

// ---------------------------------------------------------------------------------------------
// SQL
// ---------------------------------------------------------------------------------------------

const q = (text) => `'${String(text).replace(/'/g, "''")}'`
const list = (values) => `[${values.map(q).join(', ')}]`
const ints = (values) => `[${values.join(', ')}]`

/** CASE over a per-mille draw `draw` choosing among weighted [value, weight] pairs. */
function weighted(draw, pairs, otherwise = 'NULL') {
  let cumulative = 0
  const arms = pairs.map(([value, weight]) => {
    cumulative += weight
    return `WHEN ${draw} < ${cumulative} THEN ${value}`
  })
  return `CASE ${arms.join(' ')} ELSE ${otherwise} END`
}

function setupSql(catalogue, plan) {
  const threadKinds = THREADS.map(([, , kind]) => kind)
  const kindsOf = (pred) =>
    THREADS.map((t, i) => (pred(t) ? i + 1 : null)).filter((x) => x !== null)
  const stackValues = catalogue.stacks.map((stack, i) => `(${i + 1}, ${list(stack)})`).join(',\n')
  const spikeValues = plan.spikes
    .map(
      (s) =>
        `(${s.j}, ${s.tick}, ${s.startNs}, ${s.endNs}, ${s.durNs}, ${s.valueMs}, ${q(s.cause)}, ${TH[s.ioThread]})`
    )
    .join(', ')
  return `
CREATE MACRO u(h) AS ((h) % 1000003)::DOUBLE / 1000003.0;
CREATE MACRO logu(h, lo, hi) AS CAST(exp(ln(lo) + u(h) * (ln(hi) - ln(lo))) AS BIGINT);
CREATE MACRO pickl(l, h) AS l[1 + ((h) % len(l))::BIGINT];
CREATE TABLE stacks (id INTEGER, frames VARCHAR[]);
INSERT INTO stacks VALUES ${stackValues};
SET VARIABLE stacks = (SELECT list(frames ORDER BY id) FROM stacks);
${Object.entries(catalogue.pickers)
  .map(([kind, ids]) => `SET VARIABLE pick_${kind} = ${ints(ids)};`)
  .join('\n')}
${Object.entries(catalogue.planted)
  .map(([name, ids]) => `SET VARIABLE planted_${name} = ${ints(ids)};`)
  .join('\n')}
${Object.entries(POOL_IDS)
  .map(([pool, ids]) => `SET VARIABLE paths_${pool} = ${ints(ids)};`)
  .join('\n')}
SET VARIABLE thread_kind = ${list(threadKinds)};
SET VARIABLE sampled = ${ints(kindsOf((t) => t[3]))};
CREATE TABLE spikes (j INTEGER, tick BIGINT, start_ns BIGINT, end_ns BIGINT, dur_ns BIGINT, value_ms DOUBLE, cause VARCHAR, io_th UTINYINT);
INSERT INTO spikes VALUES ${spikeValues};
CREATE TABLE spike_windows AS SELECT j, start_ns, end_ns, start_ns - ${10 * MS} AS guard_start, cause, io_th FROM spikes;
`
}

/** The narrow, sortable table: codes instead of strings, decoded when the file is written. */
function eventsSql(plan, rows) {
  const D = plan.durationNs
  const t0 = T0.toString()
  const sampledThreads = THREADS.map((t, i) => [i + 1, ...t]).filter((t) => t[4])
  const l3Threads = THREADS.map((t, i) => [i + 1, ...t]).filter((t) => t[5])
  const cols = `ts_ns, kind, seq, dur_ns, th, metric, value, stack, sc, path, bytes, dev, rb, wb`

  // ---- L0: ticks (minus the ticks swallowed by a stall), the spike ticks, other metrics
  const ticks = `
  SELECT t.ts AS ts_ns, ${KIND.tick}::UTINYINT AS kind, t.k AS seq,
         CAST(round(t.v * 1e6) AS BIGINT) AS dur_ns, NULL::UTINYINT AS th, 1::UTINYINT AS metric, t.v AS value,
         NULL::USMALLINT AS stack, NULL::UTINYINT AS sc, NULL::USMALLINT AS path, NULL::BIGINT AS bytes,
         NULL::UTINYINT AS dev, NULL::BIGINT AS rb, NULL::BIGINT AS wb
  FROM (
    SELECT k, ${t0} + k * ${50 * MS} + (hash(k, 11) % 400000)::BIGINT AS ts,
           round(CASE WHEN u(hash(k, 12)) < 0.015 THEN 35 + 55 * u(hash(k, 13))
                      ELSE 18 + 8 * u(hash(k, 14)) + 6 * u(hash(k, 15)) * u(hash(k, 15)) END, 3) AS v
    FROM range(${plan.ticks}) r(k)
  ) t ASOF LEFT JOIN spikes s ON t.ts >= s.start_ns
  WHERE s.j IS NULL OR t.ts >= s.end_ns
  UNION ALL
  SELECT start_ns, ${KIND.tick}, tick, dur_ns, NULL, 1, value_ms, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM spikes
  UNION ALL
  SELECT ${t0} + i * 1000000000 + ${1 * MS}, ${KIND.metric}, 1000000 + i, NULL, NULL, 2,
         round(19.92 + 0.08 * u(hash(i, 16)), 2), NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM range(${Math.floor(D / 1e9)}) r(i)
  UNION ALL
  SELECT ${t0} + i * 5000000000 + ${2 * MS}, ${KIND.metric}, 2000000 + i, NULL, NULL, 3,
         round(29 + 5 * u(hash(i, 17)), 2), NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM range(${Math.floor(D / 5e9)}) r(i)`

  // ---- L1: one sample per 10 ms per sampled thread; planted stacks in spike windows
  const sampledList = ints(sampledThreads.map((t) => t[0]))
  const pickNormal = `CASE getvariable('thread_kind')[x.th] ${Object.keys(SYSCALL_MIX)
    .filter((kind) => sampledThreads.some((t) => t[3] === kind))
    .map((kind) => `WHEN ${q(kind)} THEN pickl(getvariable('pick_${kind}'), x.h)`)
    .join(' ')} END`
  const S = TH['Server thread']
  const planted = (name) => `pickl(getvariable('planted_${name}'), x.h)`
  const samples = `
  SELECT x.ts AS ts_ns, ${KIND.sample}, x.s * 16 + x.th, NULL, x.th, NULL, NULL,
         CASE
           WHEN x.ts >= s.end_ns OR s.j IS NULL THEN ${pickNormal}
           WHEN s.cause = 'fsync' AND x.th = s.io_th THEN ${planted('io_fsync')}
           WHEN s.cause = 'fsync' AND x.th = ${S} THEN ${planted('save_wait')}
           WHEN s.cause = 'coreprotect' AND x.th = ${S} THEN ${planted('coreprotect')}
           WHEN s.cause = 'worldedit' AND x.th = ${S} THEN ${planted('worldedit')}
           WHEN s.cause = 'essentials' AND x.th = ${S} THEN ${planted('essentials')}
           WHEN s.cause = 'gc' AND x.th IN (${TH['GC Thread#0']}, ${TH['G1 Conc#0']}) THEN ${planted('gc_work')}
           WHEN s.cause = 'gc' AND x.th = ${S} THEN ${planted('safepoint')}
           WHEN s.cause = 'mysql' AND x.th = ${S} THEN ${planted('jobs_mysql')}
           ELSE ${pickNormal}
         END::USMALLINT,
         NULL, NULL, NULL, NULL, NULL, NULL
  FROM (
    SELECT s, th, ${t0} + s * ${10 * MS} + th * 20000 + (hash(s, th, 21) % 50000)::BIGINT AS ts, hash(s, th, 22) AS h
    FROM range(${Math.floor(D / (10 * MS))}) r(s), unnest(${sampledList}) u(th)
  ) x ASOF LEFT JOIN spike_windows s ON x.ts >= s.start_ns`

  // ---- L2: JFR events
  const VM = TH['VM Thread']
  const jfr = `
  SELECT ${t0} + i * 7000000000 + 3100000000 + (hash(i, 31) % 900000000)::BIGINT, ${KIND.gc}, i, logu(hash(i, 32), 4000000, 25000000),
         ${VM}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM range(${Math.floor(D / 7e9)}) r(i)
  UNION ALL
  SELECT ${t0} + i * 2000000000 + 500000000 + (hash(i, 33) % 300000000)::BIGINT, ${KIND.fwrite}, i, logu(hash(i, 34), 20000, 80000),
         ${TH['Log4j2-AsyncAppenderEventDispatcher-1-Async']}, NULL, NULL, NULL, NULL, ${POOL_IDS.logs[0]}, 512 + (hash(i, 35) % 4096)::BIGINT, NULL, NULL, NULL
  FROM range(${Math.floor(D / 2e9)}) r(i)
  UNION ALL
  SELECT ${t0} + i * 3000000000 + 700000000 + (hash(i, 36) % 900000000)::BIGINT, ${KIND.park}, i, 50000000,
         ${TH['Craft Scheduler Thread - 3']} + (i % 2)::INTEGER * ${TH['Craft Scheduler Thread - 7'] - TH['Craft Scheduler Thread - 3']},
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM range(${Math.floor(D / 3e9)}) r(i)
  UNION ALL
  SELECT start_ns, ${KIND.gc}, 100000 + j, CAST(dur_ns * 0.95 AS BIGINT), ${VM}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM spikes WHERE cause = 'gc'
  UNION ALL
  SELECT start_ns + CAST(dur_ns * 0.08 AS BIGINT), ${KIND.force}, 100000 + j, CAST(dur_ns * 0.88 AS BIGINT), io_th,
         NULL, NULL, NULL, NULL, pickl(getvariable('paths_region'), hash(j, 37)), NULL, NULL, NULL, NULL
  FROM spikes WHERE cause = 'fsync'
  UNION ALL
  SELECT start_ns + CAST(dur_ns * 0.1 AS BIGINT), ${KIND.force}, 200000 + j, CAST(dur_ns * 0.7 AS BIGINT), ${S},
         NULL, NULL, NULL, NULL, pickl(getvariable('paths_essentials_user'), hash(j, 38)), NULL, NULL, NULL, NULL
  FROM spikes WHERE cause = 'essentials'
  UNION ALL
  SELECT start_ns + 300000, ${KIND.park}, 100000 + j, dur_ns - 1000000, ${S}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM spikes WHERE cause = 'fsync'`

  // ---- L3: /proc io deltas every 100 ms per thread (bytes of the interval)
  const l3Rates = {
    server: [
      '(hash(x.i, x.th, 41) % 10 = 0)::BIGINT * 4096 * (hash(x.i, x.th, 42) % 16)::BIGINT',
      '(hash(x.i, x.th, 43) % 20 = 0)::BIGINT * 4096 * (hash(x.i, x.th, 44) % 4)::BIGINT'
    ],
    io: [
      '4096 * (hash(x.i, x.th, 41) % 64)::BIGINT',
      '(hash(x.i, x.th, 43) % 3 = 0)::BIGINT * 4096 * (hash(x.i, x.th, 44) % 128)::BIGINT'
    ],
    craft: [
      '(hash(x.i, x.th, 41) % 5 = 0)::BIGINT * 4096 * (hash(x.i, x.th, 42) % 8)::BIGINT',
      '(hash(x.i, x.th, 43) % 4 = 0)::BIGINT * 4096 * (hash(x.i, x.th, 44) % 16)::BIGINT'
    ],
    log4j: [
      '0',
      '(hash(x.i, x.th, 43) % 2 = 0)::BIGINT * 4096 * (1 + hash(x.i, x.th, 44) % 3)::BIGINT'
    ]
  }
  const rate = (which) =>
    `CASE getvariable('thread_kind')[x.th] ${Object.entries(l3Rates)
      .map(([kind, pair]) => `WHEN ${q(kind)} THEN ${pair[which]}`)
      .join(' ')} ELSE 0 END`
  const hit = `(s.j IS NOT NULL AND x.ts < s.end_ns)`
  const io = `
  SELECT x.ts, ${KIND.io}, x.i * 16 + x.th, ${100 * MS}, x.th, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         CASE WHEN ${hit} AND s.cause = 'coreprotect' AND x.th = ${S} THEN 2000000 + (hash(x.i, 45) % 4000000)::BIGINT
              WHEN ${hit} AND s.cause = 'worldedit' AND x.th = ${S} THEN 1000000 + (hash(x.i, 45) % 1000000)::BIGINT
              ELSE ${rate(0)} END,
         CASE WHEN ${hit} AND s.cause = 'fsync' AND x.th = s.io_th THEN 8000000 + (hash(x.i, 46) % 32000000)::BIGINT
              WHEN ${hit} AND s.cause = 'essentials' AND x.th = ${S} THEN 65536
              ELSE ${rate(1)} END
  FROM (
    SELECT i, th, ${t0} + i * ${100 * MS} + th * 1000000 AS ts
    FROM range(${Math.floor(D / (100 * MS))}) r(i), unnest(${ints(l3Threads.map((t) => t[0]))}) u(th)
  ) x ASOF LEFT JOIN spike_windows s ON x.ts + ${100 * MS - 1} >= s.start_ns`

  // ---- L4 biosnoop: ~100 block I/Os per second
  const blockTids = [
    [TH['kworker/u16:3'], 500],
    [TH['jbd2/nvme0n1p2-8'], 150],
    [TH['Paper I/O Worker #0'], 150],
    [TH['Paper I/O Worker #1'], 150],
    [TH['Log4j2-AsyncAppenderEventDispatcher-1-Async'], 50]
  ]
  const blockCount = Math.floor(D / (10 * MS))
  const block = `
  SELECT ${t0} + i * ${10 * MS} + (hash(i, 51) % ${10 * MS})::BIGINT, ${KIND.block}, i, logu(hash(i, 52), 30000, 3000000),
         ${weighted('hash(i, 53) % 1000', blockTids)}, NULL, NULL, NULL, NULL, NULL,
         4096 * (1 + (hash(i, 54) % 256) * (hash(i, 55) % 256) // 256)::BIGINT,
         CASE WHEN hash(i, 56) % 100 < 92 THEN 1 ELSE 2 END, NULL, NULL
  FROM range(${blockCount}) r(i)`

  // ---- L4 planted syscalls and block I/O in the spike windows
  const P = (pool, h) => `pickl(getvariable('paths_${pool}'), ${h})`
  const plantedL4 = `
  SELECT s.start_ns + 2000000 + i * (s.dur_ns * 6 // 100 // 40), ${KIND.syscall}, s.j * 100000 + i, logu(hash(s.j, i, 61), 50000, 400000),
         s.io_th, NULL, NULL, NULL, ${SC.pwrite64}, ${P('region', 'hash(s.j, 37)')}, 4096 * (1 + hash(s.j, i, 62) % 64)::BIGINT, NULL, NULL, NULL
  FROM spikes s, range(40) r(i) WHERE s.cause = 'fsync'
  UNION ALL
  SELECT s.start_ns + CAST(s.dur_ns * 0.08 AS BIGINT), ${KIND.syscall}, s.j * 100000 + 50, CAST(s.dur_ns * 0.88 AS BIGINT),
         s.io_th, NULL, NULL, NULL, ${SC.fsync}, ${P('region', 'hash(s.j, 37)')}, NULL, NULL, NULL, NULL
  FROM spikes s WHERE s.cause = 'fsync'
  UNION ALL
  SELECT s.start_ns - 1000000, ${KIND.syscall}, s.j * 100000 + 51, s.dur_ns + 1000000 - (hash(s.j, 63) % 2000000)::BIGINT,
         ${S}, NULL, NULL, NULL, ${SC.futex}, NULL, NULL, NULL, NULL, NULL
  FROM spikes s WHERE s.cause IN ('fsync', 'gc')
  UNION ALL
  SELECT s.start_ns + i * ${5 * MS} + (hash(s.j, i, 64) % 1000000)::BIGINT, ${KIND.block}, s.j * 100000 + 100 + i, logu(hash(s.j, i, 65), 500000, 8000000),
         CASE WHEN i % 3 = 0 THEN ${TH['kworker/u16:3']} ELSE s.io_th END, NULL, NULL, NULL, NULL, NULL,
         262144 * (1 + hash(s.j, i, 66) % 4)::BIGINT, 1, NULL, NULL
  FROM spikes s, range(1000) r(i) WHERE s.cause = 'fsync' AND i < s.dur_ns // ${5 * MS}
  UNION ALL
  SELECT s.start_ns + 200000 + i * ${3 * MS}, ${KIND.syscall}, s.j * 100000 + i, 2200000 + (hash(s.j, i, 67) % 600000)::BIGINT,
         ${S}, NULL, NULL, NULL, ${SC.pread64}, ${POOL_IDS.coreprotect_db[0]}, 4096, NULL, NULL, NULL
  FROM spikes s, range(1000) r(i) WHERE s.cause = 'coreprotect' AND i < s.dur_ns // ${3 * MS}
  UNION ALL
  SELECT s.start_ns + 1000000 + i * ${6 * MS}, ${KIND.block}, s.j * 100000 + 2000 + i, logu(hash(s.j, i, 68), 1000000, 4000000),
         ${S}, NULL, NULL, NULL, NULL, NULL, 16384, 2, NULL, NULL
  FROM spikes s, range(1000) r(i) WHERE s.cause = 'coreprotect' AND i < s.dur_ns // ${6 * MS}
  UNION ALL
  SELECT s.start_ns + 500000, ${KIND.syscall}, s.j * 100000 + 3000, 40000, ${S}, NULL, NULL, NULL, ${SC.openat}, ${P('schematics', 's.j')}, NULL, NULL, NULL, NULL
  FROM spikes s WHERE s.cause = 'worldedit'
  UNION ALL
  SELECT s.start_ns + 1000000 + i * ${20 * MS}, ${KIND.syscall}, s.j * 100000 + i, 5500000 + (hash(s.j, i, 69) % 1000000)::BIGINT,
         ${S}, NULL, NULL, NULL, ${SC.read}, ${P('schematics', 's.j')}, 65536, NULL, NULL, NULL
  FROM spikes s, range(1000) r(i) WHERE s.cause = 'worldedit' AND i < s.dur_ns // ${20 * MS}
  UNION ALL
  SELECT s.start_ns + 1000000, ${KIND.syscall}, s.j * 100000, 30000, ${S}, NULL, NULL, NULL, ${SC.openat}, ${P('essentials_user', 'hash(s.j, 38)')}, NULL, NULL, NULL, NULL
  FROM spikes s WHERE s.cause = 'essentials'
  UNION ALL
  SELECT s.start_ns + 2000000 + i * 300000, ${KIND.syscall}, s.j * 100000 + 1 + i, 60000 + (hash(s.j, i, 70) % 60000)::BIGINT,
         ${S}, NULL, NULL, NULL, ${SC.write}, ${P('essentials_user', 'hash(s.j, 38)')}, 2048 + (hash(s.j, i, 71) % 4096)::BIGINT, NULL, NULL, NULL
  FROM spikes s, range(3) r(i) WHERE s.cause = 'essentials'
  UNION ALL
  SELECT s.start_ns + CAST(s.dur_ns * 0.1 AS BIGINT), ${KIND.syscall}, s.j * 100000 + 10, CAST(s.dur_ns * 0.7 AS BIGINT),
         ${S}, NULL, NULL, NULL, ${SC.fsync}, ${P('essentials_user', 'hash(s.j, 38)')}, NULL, NULL, NULL, NULL
  FROM spikes s WHERE s.cause = 'essentials'
  UNION ALL
  SELECT s.start_ns + CAST(s.dur_ns * 0.81 AS BIGINT), ${KIND.syscall}, s.j * 100000 + 11, 8000, ${S}, NULL, NULL, NULL, ${SC.close}, NULL, NULL, NULL, NULL, NULL
  FROM spikes s WHERE s.cause = 'essentials'
  UNION ALL
  SELECT s.start_ns + CAST(s.dur_ns * 0.1 AS BIGINT) + i * ${20 * MS}, ${KIND.block}, s.j * 100000 + 100 + i, logu(hash(s.j, i, 72), 300000, 3000000),
         ${TH['jbd2/nvme0n1p2-8']}, NULL, NULL, NULL, NULL, NULL, 4096 * (1 + hash(s.j, i, 73) % 8)::BIGINT, 1, NULL, NULL
  FROM spikes s, range(1000) r(i) WHERE s.cause = 'essentials' AND i < s.dur_ns * 7 // 10 // ${20 * MS}
  UNION ALL
  SELECT s.start_ns + 500000 + i * ${5 * MS}, ${KIND.syscall}, s.j * 100000 + i, 2800000 + (hash(s.j, i, 74) % 400000)::BIGINT,
         ${TH['GC Thread#0']}, NULL, NULL, NULL, ${SC.madvise}, NULL, NULL, NULL, NULL, NULL
  FROM spikes s, range(1000) r(i) WHERE s.cause = 'gc' AND i < s.dur_ns // ${5 * MS}
  UNION ALL
  SELECT s.start_ns + 700000 + i * ${10 * MS}, ${KIND.syscall}, s.j * 100000 + 5000 + i, 800000 + (hash(s.j, i, 75) % 400000)::BIGINT,
         ${TH['G1 Conc#0']}, NULL, NULL, NULL, ${SC.madvise}, NULL, NULL, NULL, NULL, NULL
  FROM spikes s, range(1000) r(i) WHERE s.cause = 'gc' AND i < s.dur_ns // ${10 * MS}
  UNION ALL
  SELECT s.start_ns + 300000, ${KIND.syscall}, s.j * 100000, 40000, ${S}, NULL, NULL, NULL, ${SC.sendto}, ${POOL_IDS.jobs_mysql[0]}, 180, NULL, NULL, NULL
  FROM spikes s WHERE s.cause = 'mysql'
  UNION ALL
  SELECT s.start_ns + 500000 + i * CAST(s.dur_ns * 0.31 AS BIGINT), ${KIND.syscall}, s.j * 100000 + 1 + i, CAST(s.dur_ns * 0.3 AS BIGINT),
         ${S}, NULL, NULL, NULL, ${SC.recvfrom}, ${POOL_IDS.jobs_mysql[0]}, 1024 + (hash(s.j, i, 76) % 7168)::BIGINT, NULL, NULL, NULL
  FROM spikes s, range(3) r(i) WHERE s.cause = 'mysql'`

  return { cols, parts: { ticks, samples, jfr, io, block, plantedL4 }, rows }
}

/** The L4 syscall noise: whatever is left of the N rows. */
function noiseSql(plan, count) {
  const D = plan.durationNs
  const t0 = T0.toString()
  const threadPairs = THREADS.map((t, i) => [i + 1, t[5]]).filter(([, w]) => w > 0)
  const S = TH['Server thread']
  // Server-thread noise inside the fsync / gc stalls (parked thread) goes to Worker-Main-3
  const bySyscall = (field) =>
    `CASE getvariable('thread_kind')[y.th] ${Object.entries(SYSCALL_MIX)
      .map(
        ([kind, mix]) =>
          `WHEN ${q(kind)} THEN ${weighted(
            'y.sw',
            mix.map((m) => [field(m), m[1]])
          )}`
      )
      .join(' ')} END`
  const durOf = (klass) =>
    ({
      wait: 'logu(y.h1, 2000, 50000000)',
      fast: `CASE WHEN y.h2 % 1000 < 3 THEN logu(y.h1, 500000, 5000000) ELSE logu(y.h1, 1000, 200000) END`,
      disk: `CASE WHEN y.h2 % 1000 < 5 THEN logu(y.h1, 1000000, 8000000) ELSE logu(y.h1, 5000, 2000000) END`,
      sync: 'logu(y.h1, 300000, 8000000)'
    })[klass]
  return `
  SELECT y.ts, ${KIND.syscall}, y.i, ${bySyscall((m) => durOf(m[2]))}, y.th, NULL, NULL, NULL,
         ${bySyscall((m) => SC[m[0]])},
         ${bySyscall((m) => (m[3] ? `pickl(getvariable('paths_${m[3]}'), y.h3)` : 'NULL'))},
         ${bySyscall((m) => (m[4] ? `512 * (1 + (y.h3 % 128) * (y.h2 % 128) // 128)::BIGINT` : 'NULL'))},
         NULL, NULL, NULL
  FROM (
    SELECT x.i, x.ts, x.sw, x.h1, x.h2, x.h3,
           CASE WHEN x.th0 = ${S} AND s.j IS NOT NULL AND x.ts < s.end_ns AND s.cause IN ('fsync', 'gc')
                THEN ${TH['Worker-Main-3']} ELSE x.th0 END AS th
    FROM (
      SELECT i, ${t0} + (i::HUGEINT * ${D} // ${count})::BIGINT + (hash(i, 81) % 1000000)::BIGINT AS ts,
             ${weighted('hash(i, 82) % 1000', threadPairs)} AS th0, hash(i, 83) % 1000 AS sw,
             hash(i, 84) AS h1, hash(i, 85) AS h2, hash(i, 86) AS h3
      FROM range(${count}) r(i)
    ) x ASOF LEFT JOIN spike_windows s ON x.ts >= s.guard_start
  ) y`
}

function decodeSql(table) {
  const kindCol = (k) => list(KINDS.map((row) => row[k]))
  return `
SELECT
  ts_ns,
  dur_ns,
  ${kindCol(0)}[kind] AS layer,
  ${kindCol(1)}[kind] AS source,
  ${kindCol(2)}[kind] AS event,
  ${ints(THREADS.map((t) => t[1]))}[th]::BIGINT AS tid,
  CASE WHEN kind BETWEEN ${KIND.sample} AND ${KIND.io} THEN ${list(THREADS.map((t) => t[0]))}[th] END AS thread,
  CASE WHEN kind >= ${KIND.io} THEN ${list(THREADS.map((t) => comm15(t[0])))}[th] END AS comm,
  ${list(METRICS)}[metric] AS metric,
  value,
  getvariable('stacks')[stack] AS frames,
  ${list(SYSCALLS)}[sc] AS syscall,
  ${list(PATHS)}[path] AS path,
  bytes,
  ${list(DEVICES)}[dev] AS device,
  rb AS read_bytes,
  wb AS write_bytes
FROM ${table}`
}

// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const options = {
    sizes: Object.keys(SIZES),
    variants: null,
    out: DATA_DIR,
    spikes: 20,
    force: false,
    quiet: false
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const next = argv[++i]
      if (next === undefined) throw new Error(`${arg} needs a value`)
      return next
    }
    if (arg === '--sizes')
      options.sizes = value()
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)
    else if (arg === '--variants')
      options.variants = value()
        .split(',')
        .map((s) => s.trim())
    else if (arg === '--out') options.out = resolve(value())
    else if (arg === '--spikes') options.spikes = Number(value())
    else if (arg === '--force') options.force = true
    else if (arg === '--quiet') options.quiet = true
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'node bench/generate.mjs [--sizes 1m,10m,30m] [--variants zstd:122880,snappy:1048576] [--out DIR] [--spikes 20] [--force]'
      )
      process.exit(0)
    } else throw new Error(`unknown argument ${arg}`)
  }
  for (const size of options.sizes)
    if (!(size in SIZES)) throw new Error(`unknown size ${size} (1m, 10m, 30m)`)
  if (!Number.isInteger(options.spikes) || options.spikes < 0)
    throw new Error('--spikes must be a whole number')
  return options
}

function variantsOf(size, explicit) {
  return (explicit ?? DEFAULT_VARIANTS[size]).map((v) => {
    const [codec, rg] = v.split(':')
    if (!['zstd', 'snappy', 'uncompressed', 'gzip', 'lz4', 'brotli'].includes(codec))
      throw new Error(`unknown codec ${codec}`)
    return { codec, rowGroup: Number(rg ?? ROW_GROUP_SMALL) }
  })
}

const mib = (bytes) => (bytes / 2 ** 20).toFixed(1)
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

/** Generates the missing files of one size; returns what it wrote. */
export async function generateSize(
  size,
  { variants, out = DATA_DIR, spikes = 20, force = false, log = console.log } = {}
) {
  const rows = SIZES[size]
  const wanted = variantsOf(size, variants).map((v) => ({
    ...v,
    file: join(out, fileName(size, v.codec, v.rowGroup))
  }))
  const missing = wanted.filter((v) => force || !existsSync(v.file))
  for (const v of wanted) if (!missing.includes(v)) log(`${v.file}: exists, skipped`)
  if (missing.length === 0) return []

  mkdirSync(out, { recursive: true })
  const scratch = join(out, `.gen-${size}-${process.pid}`)
  rmSync(scratch, { recursive: true, force: true })
  mkdirSync(scratch, { recursive: true })
  const started = performance.now()
  const db = await DuckDBInstance.create(join(scratch, 'gen.duckdb'), {
    memory_limit: process.env.BENCH_GEN_MEMORY ?? '8GB',
    temp_directory: join(scratch, 'tmp'),
    preserve_insertion_order: 'true'
  })
  const con = await db.connect()
  const run = (sql) => con.run(sql)
  const one = async (sql) => (await con.runAndReadAll(sql)).getRowObjects()[0]
  try {
    const catalogue = buildCatalogue()
    const plan = planSpikes(rows, spikes)
    await run(setupSql(catalogue, plan))
    const { cols, parts } = eventsSql(plan, rows)
    const partNames = Object.keys(parts)
    await run(
      `CREATE TABLE fixed AS ${partNames.map((name) => `SELECT * FROM (${parts[name]})`).join('\nUNION ALL\n')}`
    )
    const fixed = Number((await one('SELECT count(*) AS n FROM fixed')).n)
    const noise = rows - fixed
    if (noise < 0) throw new Error(`the fixed layers already have ${fixed} rows (> ${rows})`)
    await run(`CREATE TABLE noise AS ${noiseSql(plan, noise)}`)
    const built = performance.now()
    await run(
      `CREATE TABLE events AS SELECT ${cols} FROM (SELECT * FROM fixed UNION ALL SELECT * FROM noise) ORDER BY ts_ns, kind, seq`
    )
    await run('DROP TABLE fixed; DROP TABLE noise; CHECKPOINT')
    const sorted = performance.now()
    log(
      `${size}: ${rows.toLocaleString('en')} rows (${fixed.toLocaleString('en')} fixed + ${noise.toLocaleString('en')} L4 noise), ` +
        `${(plan.durationNs / 1e9).toFixed(0)} s, ${plan.ticks.toLocaleString('en')} tick slots, ${plan.spikes.length} planted spikes; ` +
        `built in ${seconds(built - started)}, sorted in ${seconds(sorted - built)}`
    )
    const written = []
    for (const v of missing) {
      const t = performance.now()
      const partial = `${v.file}.partial`
      rmSync(partial, { force: true })
      await run(
        `COPY (${decodeSql('events')}) TO ${q(partial)} (FORMAT parquet, COMPRESSION ${v.codec}, ROW_GROUP_SIZE ${v.rowGroup})`
      )
      const check = await one(`
        SELECT count(*) AS n, count(*) FILTER (WHERE ts_ns < prev) AS unsorted
        FROM (SELECT ts_ns, lag(ts_ns) OVER (ORDER BY file_row_number) AS prev FROM read_parquet(${q(partial)}, file_row_number = true))`)
      const groups = Number(
        (await one(`SELECT count(DISTINCT row_group_id) AS g FROM parquet_metadata(${q(partial)})`))
          .g
      )
      if (Number(check.n) !== rows) throw new Error(`${partial}: ${check.n} rows, expected ${rows}`)
      if (Number(check.unsorted) !== 0)
        throw new Error(`${partial}: ${check.unsorted} rows out of ts_ns order`)
      renameSync(partial, v.file)
      const bytes = statSync(v.file).size
      const ms = performance.now() - t
      log(
        `  ${v.file}: ${rows.toLocaleString('en')} rows, ${groups} row groups × ≤${v.rowGroup.toLocaleString('en')}, ${v.codec}, ${mib(bytes)} MiB, written in ${seconds(ms)}`
      )
      written.push({ ...v, rows, groups, bytes, ms })
    }
    log(`${size}: done in ${seconds(performance.now() - started)}`)
    return written
  } finally {
    con.closeSync?.()
    db.closeSync?.()
    rmSync(scratch, { recursive: true, force: true })
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  const log = options.quiet ? () => {} : console.log
  const started = performance.now()
  for (const size of options.sizes) {
    await generateSize(size, { ...options, log })
  }
  log(`all done in ${seconds(performance.now() - started)}`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
