/**
 * Builds hostile cases into a temporary directory and runs each through the CLI bundle as its own
 * process, beside a good file, with a time limit and a peak-RSS record; then judges the outcome.
 * Used by `npm run hostile` (main.ts) and by __tests__/hostile.test.ts.
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CONTENT_CASES } from './cases/content.js'
import { FILESYSTEM_CASES } from './cases/filesystem.js'
import { OPTION_CASES } from './cases/options.js'
import { STRUCTURAL_CASES } from './cases/structural.js'
import { CorpusContext, GROUPS, type HostileCase } from './corpus.js'
import { EXPECTATIONS } from './expectations.js'
import {
  goodSpikesOf,
  judge,
  TIME_LIMIT_MS,
  type ProcessOutcome,
  type SpikeKey
} from './verdict.js'

/** The good file every case runs beside: a fixture with one spike (relative to the checkout). */
export const GOOD_FILE = 'fixtures/runs/s1-save-all/0/events.parquet'

export const ALL_CASES: readonly HostileCase[] = [
  ...STRUCTURAL_CASES,
  ...CONTENT_CASES,
  ...FILESYSTEM_CASES,
  ...OPTION_CASES
].sort((a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group))

function checkTable(): void {
  const names = new Set(ALL_CASES.map(({ name }) => name))
  const missing = [...names].filter((name) => !EXPECTATIONS[name])
  const stale = Object.keys(EXPECTATIONS).filter((name) => !names.has(name))
  if (names.size !== ALL_CASES.length) throw new Error('two hostile cases share a name')
  if (missing.length > 0 || stale.length > 0) {
    throw new Error(
      `expectations.ts and the cases disagree: no expectation for ${missing.join(', ') || '-'}; ` +
        `no case for ${stale.join(', ') || '-'}`
    )
  }
}
checkTable()

export interface SelectOptions {
  /** Only cases whose name or group contains this. */
  only?: string
  /** Only the fast subset. */
  fast?: boolean
}

export function selectCases({ only, fast }: SelectOptions): HostileCase[] {
  return ALL_CASES.filter(
    ({ name, group }) =>
      (!fast || EXPECTATIONS[name].fast) &&
      (only === undefined || name.includes(only) || group.includes(only))
  )
}

/**
 * Loaded with `node --import` into every CLI process: writes its peak RSS (KiB) on exit. A
 * process that is killed or aborts leaves no file.
 *
 * Not `process.resourceUsage().maxRSS` alone: on Linux it also counts the RSS the process had
 * before exec, i.e. this runner's own at fork time (a trivial child of a runner holding 600 MB
 * reports 604 MB). `VmHWM` is the high-water mark of the process's own address space; maxRSS is
 * the fallback where there is no /proc.
 */
const RSS_PRELOAD = `import { readFileSync, writeFileSync } from 'node:fs'
const target = process.env.IOSTORM_HOSTILE_RSS_FILE
function peakKib() {
  try {
    const status = readFileSync('/proc/self/status', 'utf8')
    const match = /^VmHWM:\\s+(\\d+) kB/m.exec(status)
    if (match) return Number(match[1])
  } catch {}
  return process.resourceUsage().maxRSS
}
if (target) {
  process.on('exit', () => {
    try {
      writeFileSync(target, String(peakKib()))
    } catch {}
  })
}
`

/** stdout/stderr beyond this are dropped (a flood is a failure anyway). */
const OUTPUT_CAP = 256 * 1024
/** Reports larger than this are not read back (the runner must not run out of memory itself). */
const REPORT_READ_CAP = 128 * 1024 * 1024

/**
 * A child above this RSS is killed at once: the verdict is a FAIL either way, and a lying row
 * count can otherwise grow a process until the kernel's OOM killer picks a victim (it did, at
 * 24 GB, on the 24 GB machine this was written on).
 */
export const MEMORY_GUARD_MB = 1024
const GUARD_POLL_MS = 50

type RawRun = Omit<ProcessOutcome, 'json' | 'markdown'>

/** The current RSS of a process in MiB, from /proc (undefined once it is gone, or off Linux). */
async function currentRssMb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]
    return kib === undefined ? undefined : Number(kib) / 1024
  } catch {
    return undefined
  }
}

export interface SessionOptions {
  /** The CLI bundle (default dist/cli.js), relative to the working directory. */
  cli?: string
  /** Keep the corpus directory. */
  keep?: boolean
  timeoutMs?: number
}

export interface CaseResult {
  group: string
  name: string
  status: number | null
  signal: string | null
  expected: readonly number[]
  seconds: number
  peakRssMb: number | null
  /** The highest RSS the runner saw while polling (shown when the process left no record). */
  sampledRssMb: number | null
  problems: string[]
}

export class HostileSession {
  private constructor(
    readonly dir: string,
    private readonly cli: string,
    private readonly preload: string,
    private readonly context: CorpusContext,
    private readonly goodSpikes: SpikeKey[],
    private readonly options: SessionOptions
  ) {}

  /** Creates the corpus directory and runs the good file alone to learn its spikes. */
  static async open(options: SessionOptions = {}): Promise<HostileSession> {
    const cli = resolve(options.cli ?? 'dist/cli.js')
    await stat(cli).catch(() => {
      throw new Error(`no CLI bundle at ${cli}: run npm run build first`)
    })
    const dir = await mkdtemp(join(tmpdir(), 'iostorm-hostile-'))
    const preload = join(dir, 'rss-preload.mjs')
    await writeFile(preload, RSS_PRELOAD)
    const goodFile = resolve(GOOD_FILE)
    const goodReport = join(dir, 'good-report.json')
    const context = new CorpusContext(join(dir, 'corpus'), goodFile, goodReport)
    const baseline = await runCli(
      cli,
      preload,
      ['detect', goodFile, '--out-json', goodReport, '--out-md', join(dir, 'good.md')],
      dir,
      options.timeoutMs
    )
    const spikes =
      baseline.status === 0
        ? goodSpikesOf(await readFile(goodReport, 'utf8'), goodFile)
        : 'exit ' + baseline.status
    if (typeof spikes === 'string' || spikes.length === 0) {
      await rm(dir, { recursive: true, force: true })
      throw new Error(
        `the good file alone does not give spikes (${typeof spikes === 'string' ? spikes : 'none'}): ${baseline.stderr}`
      )
    }
    return new HostileSession(dir, cli, preload, context, spikes, options)
  }

  /** The good file's spikes when analysed alone. */
  get baselineSpikes(): readonly SpikeKey[] {
    return this.goodSpikes
  }

  async run(testCase: HostileCase): Promise<CaseResult> {
    const expectation = EXPECTATIONS[testCase.name]
    const caseDir = join(this.context.root, testCase.group, testCase.name)
    const outDir = join(this.dir, 'out', testCase.name)
    await mkdir(caseDir, { recursive: true })
    await mkdir(outDir, { recursive: true })
    const call = await testCase.build(this.context, caseDir)
    const json = join(outDir, 'r.json')
    const markdown = join(outDir, 'r.md')
    const raw = await runCli(
      this.cli,
      this.preload,
      [...call.args, '--out-json', json, '--out-md', markdown],
      outDir,
      this.options.timeoutMs
    )
    // kept with the reports (see --keep): the command and what it printed
    await writeFile(join(outDir, 'stderr.txt'), raw.stderr)
    await writeFile(join(outDir, 'command.json'), JSON.stringify(call.args) + '\n')
    const outcome: ProcessOutcome = {
      ...raw,
      json: await readCapped(json),
      markdown: await readCapped(markdown)
    }
    const problems = judge(
      outcome,
      expectation,
      { ...call, goodFile: this.context.goodFile },
      this.goodSpikes
    )
    return {
      group: testCase.group,
      name: testCase.name,
      status: raw.status,
      signal: raw.signal,
      expected: expectation.status,
      seconds: raw.seconds,
      peakRssMb: raw.peakRssMb,
      sampledRssMb: raw.sampledRssMb,
      problems
    }
  }

  async close(): Promise<void> {
    if (!this.options.keep) await rm(this.dir, { recursive: true, force: true })
  }
}

/** A report the CLI wrote: its text, `undefined` when there is none, its size when too large. */
async function readCapped(path: string): Promise<string | number | undefined> {
  try {
    const { size } = await stat(path)
    return size > REPORT_READ_CAP ? size : await readFile(path, 'utf8')
  } catch {
    return undefined
  }
}

/** One CLI process: `node --import <preload> <cli> …args`, killed at the time limit. */
async function runCli(
  cli: string,
  preload: string,
  args: string[],
  outDir: string,
  timeoutMs = TIME_LIMIT_MS
): Promise<RawRun> {
  const rssFile = join(outDir, `rss-${process.hrtime.bigint()}.txt`)
  // jest runs with NODE_OPTIONS=--experimental-vm-modules: the CLI must not inherit it (its
  // warning would land on stderr) nor any debugging switch
  const env: NodeJS.ProcessEnv = { ...process.env, IOSTORM_HOSTILE_RSS_FILE: rssFile }
  delete env.NODE_OPTIONS
  delete env.IOSTORM_DEBUG
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', pathToFileURL(preload).href, cli, ...args], {
    cwd: process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (text: string) => {
    if (stderr.length < OUTPUT_CAP) stderr += text
  })
  child.stdout.resume() // the report goes to --out-md; anything printed is drained
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, timeoutMs)
  let sampledRssMb: number | null = null
  let memoryGuard = false
  const guard = setInterval(() => {
    if (child.pid === undefined) return
    void currentRssMb(child.pid).then((rss) => {
      if (rss === undefined) return
      sampledRssMb = Math.max(sampledRssMb ?? 0, rss)
      if (rss > MEMORY_GUARD_MB && !memoryGuard) {
        memoryGuard = true
        child.kill('SIGKILL')
      }
    })
  }, GUARD_POLL_MS)
  const [status, signal] = await new Promise<[number | null, string | null]>((done) => {
    child.on('close', (code, killedBy) => done([code, killedBy]))
  })
  clearTimeout(timer)
  clearInterval(guard)
  const seconds = (performance.now() - started) / 1000
  const kib = await readFile(rssFile, 'utf8').then(Number, () => null)
  return {
    status,
    signal: timedOut || memoryGuard ? null : signal,
    timedOut,
    memoryGuard,
    seconds,
    peakRssMb: kib === null ? null : kib / 1024,
    sampledRssMb,
    stderr
  }
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - text.length))
const padStart = (text: string, width: number) =>
  ' '.repeat(Math.max(0, width - text.length)) + text

const VERDICT_WIDTH = 150

/** `ok`, or `FAIL: ` and the first problem (cut to a table-friendly width; --verbose has all). */
export function verdictText(result: CaseResult): string {
  if (result.problems.length === 0) return 'ok'
  const more = result.problems.length > 1 ? ` (+${result.problems.length - 1} more)` : ''
  const [first] = result.problems
  const room = VERDICT_WIDTH - more.length
  return `FAIL: ${first.length > room ? first.slice(0, room - 1) + '…' : first}${more}`
}

/** The process's own record; else `~N`, the highest RSS sampled before it was killed. */
function rssText(result: CaseResult): string {
  if (result.peakRssMb !== null) return result.peakRssMb.toFixed(0)
  return result.sampledRssMb === null ? '-' : `~${result.sampledRssMb.toFixed(0)}`
}

function statusText(result: CaseResult): string {
  return result.status === null ? (result.signal ?? 'killed') : String(result.status)
}

/** The results as an aligned text table, then handled/total per group. */
export function formatTable(results: readonly CaseResult[]): string {
  const header = ['group', 'case', 'status', 'expected', 'seconds', 'peak RSS MB', 'verdict']
  const rows = results.map((result) => [
    result.group,
    result.name,
    statusText(result),
    result.expected.join('|'),
    result.seconds.toFixed(2),
    rssText(result),
    verdictText(result)
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (column === 6 ? 0 : row[column].length)))
  )
  const numeric = new Set([2, 4, 5])
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 6
          ? cell
          : numeric.has(column)
            ? padStart(cell, widths[column])
            : pad(cell, widths[column])
      )
      .join('  ')
  const table = [
    line(header),
    line(widths.map((width, column) => '-'.repeat(column === 6 ? 7 : width))),
    ...rows.map(line)
  ]
  const summary = GROUPS.map((group) => {
    const inGroup = results.filter((result) => result.group === group)
    if (inGroup.length === 0) return undefined
    const handled = inGroup.filter((result) => result.problems.length === 0).length
    return `${pad(group, 15)} ${padStart(String(handled), 3)}/${inGroup.length} handled`
  }).filter((text): text is string => text !== undefined)
  const handled = results.filter((result) => result.problems.length === 0).length
  return [
    ...table,
    '',
    ...summary,
    `${pad('all', 15)} ${padStart(String(handled), 3)}/${results.length} handled`
  ].join('\n')
}
