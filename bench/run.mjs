// The benchmark of issues 4 and 14: `iostorm detect` against two DuckDB single-thread references
// on large generated events.parquet files, each run as its own process: the full-work reference
// (bench/duckdb-reference.mjs, the same answers as iostorm) and the lean query a user would write
// (bench/duckdb-lean.mjs: statistics, windows, per-window counts; no names, gaps or plugins).
//
// Usage: npm run bench -- [options]      (= node bench/run.mjs [options])
//   --sizes 1m,10m,30m       which generated sizes (default all three; missing files are generated)
//   --codecs zstd,snappy     filter the files by codec
//   --writers duckdb,arrow-rs,polars
//                            which writers' files (default all three): arrow-rs and polars rewrite
//                            each size's zstd 122,880-row file (bench/rewrite.mjs; arrow-rs-v2 too:
//                            data page v2 and DELTA_BINARY_PACKED integers, when asked for)
//   --threads N              passed to iostorm (decoding threads; the references use one)
//   --row-groups 122880      filter the files by row-group size (122880, 1048576)
//   --runs N                 timed runs per process, interleaved (default 5; median reported)
//   --only-iostorm           time iostorm only; answers are still checked against the cached
//                            DuckDB answers of the file (bench/data/*.duckdb.json) when present
//   --no-lean                skip the lean DuckDB reference
//   --profile                also run iostorm once per file with `node --cpu-prof` and print the
//                            top self-time functions and modules (profiles in bench/profiles/)
//   --top N                  functions listed by --profile (default 25)
//   --timeout S              kill a process after S seconds (default 600)
//   --build                  `npm run build` first (dist/cli.js is what is measured)
//   --cli FILE               measure another build of the CLI (default dist/cli.js), e.g. an
//                            older commit's: git show 4bf6800:dist/cli.js > /tmp/cli-4bf6800.mjs
//                            then npm run bench -- --cli /tmp/cli-4bf6800.mjs (keep copies out of
//                            the checkout: `eslint .` would lint them)
//   --no-generate            skip missing files instead of generating them
//   --json FILE              also write the results as JSON (default bench/data/last-run.json)
//   --postgres               the PostgreSQL bench instead (bench/postgres.ts: detect on a 10M-row
//                            run in the sidecar tables beside parquet, and tail's polls)
//
// Wall time is spawn → exit as seen by this process (Node start-up and module loading included,
// for both). Peak RSS is the child's maximum resident set from the OS: `/usr/bin/time -f %M`
// (getrusage of the child), else VmHWM polled from /proc/<pid>/status every 20 ms.
import { spawn, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet'
import { DATA_DIR, DEFAULT_VARIANTS, fileName } from './generate.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..')
let CLI = join(root, 'dist/cli.js')
const REFERENCE = join(here, 'duckdb-reference.mjs')
const LEAN = join(here, 'duckdb-lean.mjs')
const PROFILE_DIR = join(here, 'profiles')

function parseArgs(argv) {
  const options = {
    sizes: ['1m', '10m', '30m'],
    codecs: null,
    writers: ['duckdb', 'arrow-rs', 'polars'],
    threads: null,
    rowGroups: null,
    runs: 5,
    onlyIostorm: false,
    lean: true,
    profile: false,
    top: 25,
    timeout: 600,
    build: false,
    generate: true,
    json: join(DATA_DIR, 'last-run.json')
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const next = argv[++i]
      if (next === undefined) throw new Error(`${arg} needs a value`)
      return next
    }
    const listOf = () =>
      value()
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)
    if (arg === '--sizes') options.sizes = listOf()
    else if (arg === '--codecs') options.codecs = listOf()
    else if (arg === '--writers') options.writers = listOf()
    else if (arg === '--threads') options.threads = value()
    else if (arg === '--row-groups') options.rowGroups = listOf().map(Number)
    else if (arg === '--runs') options.runs = Number(value())
    else if (arg === '--only-iostorm') options.onlyIostorm = true
    else if (arg === '--no-lean') options.lean = false
    else if (arg === '--profile') options.profile = true
    else if (arg === '--top') options.top = Number(value())
    else if (arg === '--timeout') options.timeout = Number(value())
    else if (arg === '--build') options.build = true
    else if (arg === '--cli') CLI = resolve(value())
    else if (arg === '--no-generate') options.generate = false
    else if (arg === '--json') options.json = resolve(value())
    else if (arg === '--help' || arg === '-h') {
      console.log(
        readFileSync(fileURLToPath(import.meta.url), 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('//'))
          .join('\n')
      )
      process.exit(0)
    } else throw new Error(`unknown argument ${arg} (--help)`)
  }
  for (const size of options.sizes)
    if (!(size in DEFAULT_VARIANTS)) throw new Error(`unknown size ${size}`)
  if (!(options.runs >= 1)) throw new Error('--runs must be at least 1')
  return options
}

// ---------------------------------------------------------------------------------------------
// Processes: wall time and peak RSS
// ---------------------------------------------------------------------------------------------

// BENCH_RSS=poll forces the /proc polling (what happens where GNU time is not installed)
const TIME =
  process.env.BENCH_RSS === 'poll'
    ? undefined
    : ['/usr/bin/time', '/bin/time'].find(
        (path) => existsSync(path) && spawnSync(path, ['-f', '%M', 'true']).status === 0
      )

function readStatusKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const field = (name) =>
      Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm'))?.[1] ?? 0)
    return Math.max(field('VmHWM'), field('VmRSS'))
  } catch {
    return 0
  }
}

/**
 * Runs a command to completion: { wall_ms, rss_kb, code, stdout, stderr, timedOut }. stdout goes to
 * `stdoutFile` when given (big JSON), else is collected.
 */
function measure(command, args, { timeoutS, stdoutFile } = {}) {
  return new Promise((resolvePromise) => {
    const rssFile = join(
      tmpdir(),
      `iostorm-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`
    )
    const [bin, argv] = TIME
      ? [TIME, ['-f', '%M', '-o', rssFile, command, ...args]]
      : [command, args]
    const started = process.hrtime.bigint()
    const child = spawn(bin, argv, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const chunks = []
    child.stdout.on('data', (d) => (stdoutFile ? chunks.push(d) : (stdout += d)))
    child.stderr.on('data', (d) => (stderr += d))
    let peakKb = 0
    let poller
    if (!TIME) {
      poller = setInterval(() => {
        peakKb = Math.max(peakKb, readStatusKb(child.pid))
      }, 20)
    }
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      try {
        process.kill(-child.pid, 'SIGKILL') // the process group this call started
      } catch {
        // already gone
      }
    }, timeoutS * 1000)
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6
      clearTimeout(timer)
      if (poller) clearInterval(poller)
      let rssKb = peakKb
      if (TIME) {
        try {
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n')
          rssKb = Number(lines[lines.length - 1]) || 0
        } catch {
          // no figure: /usr/bin/time could not write it
        }
        rmSync(rssFile, { force: true })
      }
      if (stdoutFile) writeFileSync(stdoutFile, Buffer.concat(chunks))
      resolvePromise({
        wall_ms: wallMs,
        rss_kb: rssKb,
        code: code ?? signal,
        stdout,
        stderr,
        timedOut
      })
    })
  })
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

const close = (a, b) =>
  a === b ||
  (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)))

/** Compares iostorm's report.json run with the DuckDB reference's answers. */
function compare(report, reference) {
  const run = report?.runs?.[0]
  if (!run) return { same: false, summary: 'no run in the iostorm report', details: [] }
  const details = []
  const problems = []
  if (run.metric !== reference.metric) problems.push(`metric ${run.metric} vs ${reference.metric}`)
  for (const [field, label] of [
    ['p95_ms', 'p95'],
    ['sigma_ms', 'σ'],
    ['threshold_ms', 'threshold']
  ]) {
    if (!close(run[field], reference[field]))
      details.push(`${label} ${run[field]} vs ${reference[field]}`)
  }
  if (!close(run.sampling_interval_ms ?? null, reference.sampling_interval_ms)) {
    details.push(
      `sampling interval ${run.sampling_interval_ms} ms vs ${reference.sampling_interval_ms} ms (cpu_ms differs accordingly)`
    )
  }
  const ours = new Map(run.spikes.map((s) => [s.start_ns, s]))
  const theirs = new Map(reference.spikes.map((s) => [s.start_ns, s]))
  const onlyOurs = [...ours.keys()].filter((k) => !theirs.has(k))
  const onlyTheirs = [...theirs.keys()].filter((k) => !ours.has(k))
  if (onlyOurs.length)
    problems.push(
      `${onlyOurs.length} spike(s) only iostorm found (${onlyOurs.slice(0, 3).join(', ')})`
    )
  if (onlyTheirs.length)
    problems.push(
      `${onlyTheirs.length} spike(s) only DuckDB found (${onlyTheirs.slice(0, 3).join(', ')})`
    )
  let threadDiffs = 0
  let syscallDiffs = 0
  for (const [start, a] of ours) {
    const b = theirs.get(start)
    if (!b) continue
    if (a.end_ns !== b.end_ns) problems.push(`spike ${start}: end ${a.end_ns} vs ${b.end_ns}`)
    if (a.top_thread !== b.top_thread)
      problems.push(`spike ${start}: top_thread ${a.top_thread} vs ${b.top_thread}`)
    if (a.first_syscall !== b.first_syscall)
      problems.push(`spike ${start}: first_syscall ${a.first_syscall} vs ${b.first_syscall}`)
    // the per-thread and per-syscall counts (lists are cut at 25 entries by both)
    const threadKey = (t) =>
      [t.thread, t.tid, t.samples, t.syscall_ms, t.wait_ms, t.io_bytes].join('|')
    const syscallKey = (s) => [s.syscall, s.count, s.total_ms, s.max_ms].join('|')
    const sameList = (x, y, key) => x.length === y.length && x.every((e, i) => key(e) === key(y[i]))
    if (!sameList(a.threads ?? [], b.threads ?? [], threadKey)) {
      if (threadDiffs++ === 0)
        details.push(
          `spike ${start}: per-thread counts differ, e.g. ${JSON.stringify((a.threads ?? []).find((t, i) => threadKey(t) !== threadKey(b.threads[i] ?? {})) ?? null)}`
        )
    }
    if (!sameList(a.syscalls ?? [], b.syscalls ?? [], syscallKey)) {
      if (syscallDiffs++ === 0)
        details.push(
          `spike ${start}: per-syscall counts differ, e.g. ${JSON.stringify((a.syscalls ?? []).find((s, i) => syscallKey(s) !== syscallKey(b.syscalls[i] ?? {})) ?? null)}`
        )
    }
  }
  if (threadDiffs > 1) details.push(`per-thread counts differ in ${threadDiffs} spikes`)
  if (syscallDiffs > 1) details.push(`per-syscall counts differ in ${syscallDiffs} spikes`)
  const spikes = `${run.spikes.length} spikes`
  if (problems.length === 0) return { same: true, summary: `yes (${spikes})`, details }
  return {
    same: false,
    summary: `no: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; +${problems.length - 3} more` : ''}`,
    details: [...problems, ...details]
  }
}

/**
 * Compares iostorm's report with the lean query's answers: the same statistics and windows, and
 * per window the same L1 samples per tid and non-wait syscall time per syscall (iostorm lists
 * at most 25 threads and syscalls; those it lists must match).
 */
function compareLean(report, lean) {
  const run = report?.runs?.[0]
  if (!run) return { same: false, summary: 'no run in the iostorm report', details: [] }
  const problems = []
  for (const [field, label] of [
    ['p95_ms', 'p95'],
    ['sigma_ms', 'σ'],
    ['threshold_ms', 'threshold']
  ]) {
    if (!close(run[field], lean[field])) problems.push(`${label} ${run[field]} vs ${lean[field]}`)
  }
  const theirs = new Map(lean.spikes.map((s) => [s.start_ns, s]))
  if (run.spikes.length !== lean.spikes.length)
    problems.push(`${run.spikes.length} spikes vs ${lean.spikes.length}`)
  for (const spike of run.spikes) {
    const other = theirs.get(spike.start_ns)
    if (!other) {
      problems.push(`spike ${spike.start_ns} not in the lean answer`)
      continue
    }
    if (other.end_ns !== spike.end_ns) problems.push(`spike ${spike.start_ns}: end differs`)
    const samples = new Map(other.samples.map(([tid, n]) => [tid, n]))
    for (const thread of spike.threads ?? []) {
      if (thread.tid !== null && thread.samples > 0 && samples.get(thread.tid) !== thread.samples)
        problems.push(`spike ${spike.start_ns}: tid ${thread.tid} samples differ`)
    }
    const syscalls = new Map(other.syscalls.map(([name, ms]) => [name, ms]))
    for (const call of spike.syscalls ?? []) {
      if (!call.wait && call.total_ms > 0 && !close(syscalls.get(call.syscall) ?? 0, call.total_ms))
        problems.push(`spike ${spike.start_ns}: ${call.syscall} time differs`)
    }
  }
  return problems.length === 0
    ? { same: true, summary: 'yes', details: [] }
    : { same: false, summary: `no: ${problems.slice(0, 2).join('; ')}`, details: problems }
}

// ---------------------------------------------------------------------------------------------
// CPU profile
// ---------------------------------------------------------------------------------------------

/** Line ranges of the modules esbuild concatenated into a bundle (its `// path` comments). */
function bundleModules(file) {
  const ranges = []
  try {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        const match = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(line)
        if (match) ranges.push({ start: index, module: match[1] })
      })
  } catch {
    // not a bundle we can read: functions are shown by file name only
  }
  return (line) => {
    let low = 0
    let high = ranges.length - 1
    let found = null
    while (low <= high) {
      const middle = (low + high) >> 1
      if (ranges[middle].start <= line) {
        found = ranges[middle].module
        low = middle + 1
      } else high = middle - 1
    }
    return found ?? basename(file)
  }
}

function categoryOf(module, functionName) {
  if (functionName === '(garbage collector)') return 'GC'
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)')
    return functionName
  if (/^wasm:/.test(module)) return 'decompression (wasm)'
  if (/fzstd|zstddec|hysnappy|hyparquet-compressors|snappy\.js|lz4|brotli|gzip/.test(module))
    return 'decompression (JS)'
  if (/hyparquet/.test(module)) return 'hyparquet (decoding)'
  if (/^src\//.test(module)) return 'io-storm-catcher (src)'
  if (/^node:|^internal|^$/.test(module)) return 'Node internals / native'
  return 'other'
}

function summariseProfile(path, top) {
  const profile = JSON.parse(readFileSync(path, 'utf8'))
  const moduleOf = bundleModules(CLI)
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map()
  let t = profile.startTime
  const times = profile.samples.map((_, i) => (t += profile.timeDeltas[i]))
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (i + 1 < times.length ? times[i + 1] : profile.endTime) - times[i]
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + Math.max(0, dt))
  }
  const total = profile.endTime - profile.startTime
  const byFunction = new Map()
  const byModule = new Map()
  const byCategory = new Map()
  for (const [id, us] of self) {
    const { callFrame } = nodes.get(id)
    const name = callFrame.functionName || '(anonymous)'
    const url = callFrame.url ?? ''
    const bundled = url.endsWith(`/${basename(CLI)}`)
    const module = bundled
      ? moduleOf(callFrame.lineNumber)
      : url.replace(/^file:\/\//, '').replace(`${root}/`, '')
    const where = bundled
      ? `${module} (${basename(url)}:${callFrame.lineNumber + 1})`
      : module
        ? `${module}:${callFrame.lineNumber + 1}`
        : ''
    const key = `${name}\u0000${where}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
    const mod = module || (name.startsWith('(') ? name : '(native)')
    byModule.set(mod, (byModule.get(mod) ?? 0) + us)
    const category = categoryOf(module, name)
    byCategory.set(category, (byCategory.get(category) ?? 0) + us)
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1)}%`
  const msOf = (us) => (us / 1000).toFixed(0)
  const lines = []
  lines.push(`Profile ${relative(root, path)}: ${(total / 1e6).toFixed(2)} s sampled`)
  lines.push('')
  lines.push('| self ms | self % | function | where |')
  lines.push('| ---: | ---: | :--- | :--- |')
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const [name, where] = key.split('\u0000')
    lines.push(`| ${msOf(us)} | ${pct(us)} | \`${name}\` | ${where || '–'} |`)
  }
  lines.push('')
  lines.push('| self ms | self % | category |')
  lines.push('| ---: | ---: | :--- |')
  for (const [category, us] of [...byCategory].sort((a, b) => b[1] - a[1]))
    lines.push(`| ${msOf(us)} | ${pct(us)} | ${category} |`)
  lines.push('')
  lines.push('| self ms | self % | module |')
  lines.push('| ---: | ---: | :--- |')
  for (const [mod, us] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 15))
    lines.push(`| ${msOf(us)} | ${pct(us)} | ${mod} |`)
  return lines.join('\n')
}

// ---------------------------------------------------------------------------------------------

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const n = sorted.length
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}
const seconds = (ms) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`
const mib = (kb) => `${Math.round(kb / 1024)} MiB`
const thousands = (n) => n.toLocaleString('en')

async function fileFacts(file) {
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file))
  const groups = metadata.row_groups
  const codecs = new Set(groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec)))
  return {
    rows: Number(metadata.num_rows),
    groups: groups.length,
    groupRows: Number(groups[0]?.num_rows ?? 0),
    codec: [...codecs].join('/'),
    mib: statSync(file).size / 2 ** 20
  }
}

function referenceCache(file) {
  return `${file}.duckdb.json`
}
function cacheKey(file) {
  const f = statSync(file)
  const r = statSync(REFERENCE)
  return `${f.size}:${f.mtimeMs}:${r.mtimeMs}`
}

function gitDescribe() {
  const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: root,
    encoding: 'utf8'
  }).stdout.trim()
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'dist'], {
    cwd: root,
    encoding: 'utf8'
  }).stdout.trim()
  return `${rev}${dirty ? ' + uncommitted changes in src/ or dist/' : ''}`
}

async function main() {
  if (process.argv.includes('--postgres')) {
    // the PostgreSQL bench (issue 11) is TypeScript over the engine: bench/postgres.ts
    const args = ['scripts/run-ts.mjs', 'bench/postgres.ts', ...process.argv.slice(2)]
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
    process.exit(result.status ?? 1)
  }
  const options = parseArgs(process.argv.slice(2))
  if (options.build) {
    const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
    if (built.status !== 0) throw new Error('npm run build failed')
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build`)

  // the files: the generator's default variants of each size, filtered
  const wanted = []
  for (const size of options.sizes) {
    const variants = DEFAULT_VARIANTS[size]
      .map((v) => v.split(':'))
      .filter(
        ([codec, rg]) =>
          (!options.codecs || options.codecs.includes(codec)) &&
          (!options.rowGroups || options.rowGroups.includes(Number(rg)))
      )
    const missing = variants.filter(
      ([codec, rg]) => !existsSync(join(DATA_DIR, fileName(size, codec, Number(rg))))
    )
    if (missing.length > 0 && options.generate) {
      console.error(`generating ${size}: ${missing.map((v) => v.join(':')).join(', ')} …`)
      const generated = spawnSync(
        process.execPath,
        [
          join(here, 'generate.mjs'),
          '--sizes',
          size,
          '--variants',
          missing.map((v) => v.join(':')).join(',')
        ],
        { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] }
      )
      if (generated.status !== 0) throw new Error(`generating ${size} failed`)
    }
    for (const [codec, rg] of variants) {
      const file = join(DATA_DIR, fileName(size, codec, Number(rg)))
      if (!existsSync(file)) {
        console.error(`${relative(root, file)}: missing, skipped`)
        continue
      }
      if (options.writers.includes('duckdb')) wanted.push({ size, file })
      if (codec !== 'zstd' || Number(rg) !== 122880) continue
      // the other writers' files: this one rewritten
      for (const writer of options.writers.filter((w) => w !== 'duckdb')) {
        const rewritten = join(DATA_DIR, `events-${size}-zstd-${writer}.parquet`)
        if (!existsSync(rewritten) && options.generate) {
          console.error(`rewriting ${basename(file)} with ${writer} …`)
          const done = spawnSync(
            process.execPath,
            [join(here, 'rewrite.mjs'), file, rewritten, '--writer', writer],
            { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] }
          )
          if (done.status !== 0) throw new Error(`rewriting with ${writer} failed`)
        }
        if (existsSync(rewritten)) wanted.push({ size, file: rewritten, writer })
      }
    }
  }
  if (wanted.length === 0) throw new Error('no files to measure')

  console.error(
    `iostorm ${relative(root, CLI)} (${gitDescribe()}); Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB; peak RSS via ${TIME ? `${TIME} -f %M` : '/proc VmHWM polling'}`
  )
  const results = []
  for (const { size, file } of wanted) {
    const facts = await fileFacts(file)
    const name = basename(file)
    const scratch = join(tmpdir(), `iostorm-bench-${process.pid}`)
    mkdirSync(scratch, { recursive: true })
    const reportFile = join(scratch, 'report.json')
    const referenceFile = join(scratch, 'reference.json')
    const iostorm = []
    const duckdb = []
    const lean = []
    let leanAnswer = null
    let failure = null
    let reference = null
    let report = null
    console.error(
      `${name}: ${thousands(facts.rows)} rows, ${facts.groups} row groups, ${facts.mib.toFixed(1)} MiB`
    )
    for (let run = 0; run < options.runs && !failure; run++) {
      const threads = options.threads ? ['--threads', options.threads] : []
      const a = await measure(
        process.execPath,
        [CLI, 'detect', file, '--out-json', reportFile, ...threads],
        {
          timeoutS: options.timeout
        }
      )
      if (a.timedOut || a.code !== 0) {
        failure = `iostorm ${a.timedOut ? `timed out after ${options.timeout} s` : `exit ${a.code}: ${a.stderr.trim().split('\n').pop()}`}`
        break
      }
      iostorm.push(a)
      if (run === 0) report = JSON.parse(readFileSync(reportFile, 'utf8'))
      let line = `  run ${run + 1}/${options.runs}: iostorm ${seconds(a.wall_ms)} ${mib(a.rss_kb)}`
      if (!options.onlyIostorm) {
        const b = await measure(process.execPath, [REFERENCE, file], {
          timeoutS: options.timeout,
          stdoutFile: referenceFile
        })
        if (b.timedOut || b.code !== 0) {
          failure = `DuckDB ${b.timedOut ? `timed out after ${options.timeout} s` : `exit ${b.code}: ${b.stderr.trim().split('\n').pop()}`}`
          break
        }
        duckdb.push(b)
        if (run === 0) {
          reference = JSON.parse(readFileSync(referenceFile, 'utf8'))
          writeFileSync(referenceCache(file), JSON.stringify({ key: cacheKey(file), reference }))
        }
        line += `, DuckDB ${seconds(b.wall_ms)} ${mib(b.rss_kb)}`
        if (options.lean) {
          const c = await measure(process.execPath, [LEAN, file], {
            timeoutS: options.timeout,
            stdoutFile: referenceFile
          })
          if (c.timedOut || c.code !== 0) {
            failure = `DuckDB lean ${c.timedOut ? `timed out after ${options.timeout} s` : `exit ${c.code}: ${c.stderr.trim().split('\n').pop()}`}`
            break
          }
          lean.push(c)
          if (run === 0) leanAnswer = JSON.parse(readFileSync(referenceFile, 'utf8'))
          line += `, lean ${seconds(c.wall_ms)} ${mib(c.rss_kb)}`
        }
      }
      console.error(line)
    }
    if (!reference && existsSync(referenceCache(file))) {
      const cached = JSON.parse(readFileSync(referenceCache(file), 'utf8'))
      if (cached.key === cacheKey(file)) reference = cached.reference
    }
    rmSync(scratch, { recursive: true, force: true })
    const verdict = failure
      ? { same: false, summary: failure, details: [] }
      : reference && report
        ? compare(report, reference)
        : { same: null, summary: '– (no DuckDB answers cached)', details: [] }
    const leanVerdict = !failure && leanAnswer && report ? compareLean(report, leanAnswer) : null
    const timing = (list) =>
      list.length
        ? {
            median_ms: median(list.map((r) => r.wall_ms)),
            min_ms: Math.min(...list.map((r) => r.wall_ms)),
            max_ms: Math.max(...list.map((r) => r.wall_ms)),
            rss_kb: Math.max(...list.map((r) => r.rss_kb)),
            runs: list.length
          }
        : null
    const row = {
      file: name,
      size,
      ...facts,
      iostorm: timing(iostorm),
      duckdb: timing(duckdb),
      lean: timing(lean),
      spikes: report?.runs?.[0]?.spikes?.length ?? null,
      answers: verdict,
      leanAnswers: leanVerdict
    }
    if (options.profile && !failure) {
      mkdirSync(PROFILE_DIR, { recursive: true })
      const before = new Set(readdirSync(PROFILE_DIR))
      const out = join(tmpdir(), `iostorm-bench-profile-${process.pid}.json`)
      const p = await measure(
        process.execPath,
        [
          '--cpu-prof',
          '--cpu-prof-dir',
          PROFILE_DIR,
          '--cpu-prof-name',
          `${name.replace(/\.parquet$/, '')}-${Date.now()}.cpuprofile`,
          CLI,
          'detect',
          file,
          '--out-json',
          out
        ],
        { timeoutS: options.timeout }
      )
      rmSync(out, { force: true })
      const fresh = readdirSync(PROFILE_DIR).filter(
        (f) => f.endsWith('.cpuprofile') && !before.has(f)
      )
      row.profile = fresh.length ? join(PROFILE_DIR, fresh[0]) : null
      row.profileText = row.profile
        ? summariseProfile(row.profile, options.top)
        : `no profile written (exit ${p.code})`
      row.profile_wall_ms = p.wall_ms
    }
    results.push(row)
  }

  // ---- the table
  const lines = []
  lines.push(
    '| file | rows | codec | row group | iostorm wall (median) | DuckDB full | ratio | DuckDB lean | ratio | iostorm peak RSS | DuckDB full RSS | lean RSS | same answers (full / lean) |'
  )
  lines.push(
    '| :--- | ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :--- |'
  )
  for (const r of results) {
    const spread = (m) => (m.runs > 1 ? ` (${seconds(m.min_ms)}–${seconds(m.max_ms)})` : '')
    const wall = (m) => (m ? `${seconds(m.median_ms)}${spread(m)}` : '–')
    const ratio = (m) =>
      r.iostorm && m ? `${(r.iostorm.median_ms / m.median_ms).toFixed(1)}×` : '–'
    const answers = `${r.answers.summary} / ${r.leanAnswers?.summary ?? '–'}`.replace(/\|/g, '\\|')
    lines.push(
      `| ${r.file} | ${thousands(r.rows)} | ${r.codec} | ${thousands(r.groupRows)} × ${r.groups} | ${wall(r.iostorm)} | ${wall(r.duckdb)} | ${ratio(r.duckdb)} | ${wall(r.lean)} | ${ratio(r.lean)} | ` +
        `${r.iostorm ? mib(r.iostorm.rss_kb) : '–'} | ${r.duckdb ? mib(r.duckdb.rss_kb) : '–'} | ${r.lean ? mib(r.lean.rss_kb) : '–'} | ${answers} |`
    )
  }
  const runs = Math.max(...results.map((r) => r.iostorm?.runs ?? 0))
  lines.push('')
  lines.push(
    `Median of ${runs} interleaved run(s) per process (min–max in brackets); wall = spawn → exit, Node start-up included; peak RSS = max over the runs.`
  )
  const details = results.filter((r) => r.answers.details.length || r.leanAnswers?.details.length)
  if (details.length) {
    lines.push('')
    lines.push('Differences in detail (not part of "same answers" unless listed there):')
    for (const r of details) {
      for (const d of r.answers.details) lines.push(`- ${r.file}: ${d}`)
      for (const d of r.leanAnswers?.details ?? []) lines.push(`- ${r.file} (lean): ${d}`)
    }
  }
  console.log(lines.join('\n'))
  for (const r of results) if (r.profileText) console.log(`\n### ${r.file}\n\n${r.profileText}`)

  if (options.json) {
    mkdirSync(dirname(options.json), { recursive: true })
    writeFileSync(
      options.json,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          node: process.version,
          cli: relative(root, CLI),
          iostorm: gitDescribe(),
          results: results.map(({ profileText, ...r }) => r)
        },
        null,
        2
      )
    )
  }
  if (results.some((r) => r.answers.same === false || r.leanAnswers?.same === false))
    process.exitCode = 1
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(2)
})
