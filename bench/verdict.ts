/**
 * `npm run simulate [-- --trials N] [--seed S]`: how often the verdict is wrong, on a simulated
 * server, with the real detector and the real verdict.
 *
 * A repeat is 120 s of ticks at 20 TPS (2,400 `tick_ms` values around 25 ms) plus six rare causes
 * at realistic Poisson rates — a GC pause, the vanilla autosave every five minutes, chunk-load
 * bursts, a plugin's periodic save, dynmap's synchronous loads, a MySQL round trip — each giving
 * its ticks a length drawn from its own distribution and its own signature. `detectSpikes` (the
 * engine's own) finds the spikes of each repeat; each spike carries the signature of the cause of
 * its tick. A trial draws a base history of K reports of 5 repeats and a head of 5 repeats:
 *
 * - null: the head from the same model (every failure is a false failure);
 * - new cause: the head gains a cause that did not exist (caught when it is classified `new`;
 *   the goal counts the heads where it was detected in at least 2 of the 5 repeats);
 * - 10× frequency: the chunk-load bursts of the head are ten times as frequent (`more-frequent`);
 * - 5× length: a GC pause (about one per repeat), or the plugin's periodic save (one in three
 *   repeats), takes five times as long (`worse`); a cause seen once in the head cannot be judged.
 *
 * Today's rule (before the verdict): fail when the head has a signature the newest base report
 * does not. The new rule: `fail-on: new` (confirmed new signatures) and `fail-on: regression`.
 * Also measured: how often a cause on every 20th tick, and chunk loads in a repeat with one 2.4 s
 * spike, are detected with σ and with `--spread mad`. Deterministic for a seed.
 */
import { detectSpikes, type Spread } from '../src/analysis/detect.js'
import type { RunReport, SpikeReport } from '../src/analysis/types.js'
import { classify, failing, type FailOn, type SignatureClass } from '../src/analysis/verdict.js'

const TICKS = 2400
const TICK_NS = 50e6
const REPEATS = 5

/** A deterministic generator (mulberry32). */
function generator(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Random = () => number

function normal(random: Random): number {
  const u = Math.max(random(), 1e-12)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
}

function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean)
  let product = random()
  let count = 0
  while (product > limit) {
    product *= random()
    count++
  }
  return count
}

interface Cause {
  signature: string
  /** Events per 120 s repeat (Poisson), or the period of a periodic one in seconds. */
  rate?: number
  periodS?: number
  /** Consecutive slow ticks per event, uniform between the two. */
  burst: [number, number]
  /** Median length of a slow tick in ms, and the spread of its logarithm. */
  medianMs: number
  logSpread: number
}

const BASE_MODEL: Cause[] = [
  { signature: '-|futex', rate: 1.0, burst: [1, 1], medianMs: 90, logSpread: 0.4 },
  { signature: '-|fsync', periodS: 300, burst: [1, 2], medianMs: 300, logSpread: 0.4 },
  { signature: '-|pread64', rate: 0.6, burst: [1, 4], medianMs: 75, logSpread: 0.25 },
  { signature: 'CoreProtect|pwrite64', rate: 0.3, burst: [1, 1], medianMs: 130, logSpread: 0.4 },
  { signature: 'org.dynmap|pread64', rate: 0.2, burst: [1, 3], medianMs: 90, logSpread: 0.3 },
  { signature: 'Jobs|recvfrom', rate: 0.25, burst: [1, 1], medianMs: 95, logSpread: 0.4 }
]

const NEW_CAUSE: Cause = {
  signature: 'NewPlugin|fsync',
  rate: 0.6,
  burst: [1, 2],
  medianMs: 250,
  logSpread: 0.4
}

const model = {
  null: BASE_MODEL,
  'new cause': [...BASE_MODEL, NEW_CAUSE],
  '10× frequency': BASE_MODEL.map((cause) =>
    cause.signature === '-|pread64' ? { ...cause, rate: (cause.rate ?? 0) * 10 } : cause
  ),
  '5× length (GC pause)': BASE_MODEL.map((cause) =>
    cause.signature === '-|futex' ? { ...cause, medianMs: cause.medianMs * 5 } : cause
  ),
  '5× length (plugin save)': BASE_MODEL.map((cause) =>
    cause.signature === 'CoreProtect|pwrite64' ? { ...cause, medianMs: cause.medianMs * 5 } : cause
  )
} as const

type Effect = keyof typeof model

/** What each effect is caught as, and the signature it is about. */
const TARGET: Record<Exclude<Effect, 'null'>, { signature: string; as: SignatureClass }> = {
  'new cause': { signature: NEW_CAUSE.signature, as: 'new' },
  '10× frequency': { signature: '-|pread64', as: 'more-frequent' },
  '5× length (GC pause)': { signature: '-|futex', as: 'worse' },
  '5× length (plugin save)': { signature: 'CoreProtect|pwrite64', as: 'worse' }
}

function spikeOf(signature: string, value: number): SpikeReport {
  return {
    ts_ns: '0',
    start_ns: '0',
    end_ns: '0',
    offset_ms: 0,
    value_ms: value,
    top_thread: null,
    top_plugin: null,
    entry_plugin: null,
    first_syscall: null,
    first_syscall_scope: null,
    top_path: null,
    top_device: null,
    signature,
    threads: [],
    plugins: [],
    syscalls: [],
    paths: [],
    devices: [],
    notes: []
  }
}

const ts = Float64Array.from({ length: TICKS }, (_, i) => i * TICK_NS)
const rows = Float64Array.from({ length: TICKS }, (_, i) => i)
const durations = new Float64Array(TICKS).fill(NaN)

/** One repeat: the ticks, their causes, detection, and the spikes with their signatures. */
function repeat(random: Random, causes: readonly Cause[], spread: Spread): RunReport {
  return repeatWithTicks(random, causes, spread).run
}

function repeatWithTicks(
  random: Random,
  causes: readonly Cause[],
  spread: Spread
): { run: RunReport; slowTicks: number[] } {
  const value = new Float64Array(TICKS)
  const cause = new Int16Array(TICKS).fill(-1)
  for (let i = 0; i < TICKS; i++) value[i] = 25 * Math.exp(0.12 * normal(random))
  causes.forEach((c, index) => {
    const events =
      c.periodS !== undefined
        ? random() < (TICKS * TICK_NS) / 1e9 / c.periodS
          ? 1
          : 0
        : poisson(random, c.rate ?? 0)
    for (let e = 0; e < events; e++) {
      const start = Math.floor(random() * TICKS)
      const length = c.burst[0] + Math.floor(random() * (c.burst[1] - c.burst[0] + 1))
      for (let k = 0; k < length && start + k < TICKS; k++) {
        value[start + k] = c.medianMs * Math.exp(c.logSpread * normal(random))
        cause[start + k] = index
      }
    }
  })
  const detection = detectSpikes(new Map([['tick_ms', { ts, value, dur: durations, row: rows }]]), {
    thresholdMs: 50,
    sigmaMult: 3,
    spread
  })
  const spikes = detection.spikes.map((spike) =>
    spikeOf(cause[spike.row] < 0 ? '-|-' : causes[cause[spike.row]].signature, spike.valueMs)
  )
  const slowTicks = causes.map((_, index) => cause.filter((c) => c === index).length)
  return { run: { spikes } as unknown as RunReport, slowTicks }
}

const report = (random: Random, causes: readonly Cause[], spread: Spread) =>
  Array.from({ length: REPEATS }, () => repeat(random, causes, spread))

interface Tally {
  trials: number
  today: number
  failOnNew: number
  failOnRegression: number
  /** Trials where the effect reached the head's spikes in at least 2 repeats. */
  eligible: number
  caughtToday: number
  caught: number
}

function trial(random: Random, effect: Effect, historySize: number, tally: Tally, spread: Spread) {
  const history = Array.from({ length: historySize }, () => report(random, BASE_MODEL, spread))
  const head = report(random, model[effect], spread)
  const newest = new Set(history[0].flatMap((run) => run.spikes.map((spike) => spike.signature)))
  const headSignatures = new Set(head.flatMap((run) => run.spikes.map((spike) => spike.signature)))
  const today = [...headSignatures].some((signature) => !newest.has(signature))
  const verdicts = classify(history, head)
  const fails = (failOn: FailOn) => failing(verdicts, failOn).length > 0
  tally.trials++
  if (today) tally.today++
  if (fails('new')) tally.failOnNew++
  if (fails('regression')) {
    tally.failOnRegression++
    // (IOSTORM_SIM_EXPLAIN=1: why each false failure failed, on standard error)
    if (effect === 'null' && process.env.IOSTORM_SIM_EXPLAIN) {
      for (const verdict of failing(verdicts, 'regression')) {
        process.stderr.write(`${verdict.signature} ${verdict.class}: ${verdict.reason}\n`)
      }
    }
  }
  if (effect === 'null') return
  const target = TARGET[effect]
  const repeatsWith = head.filter((run) =>
    run.spikes.some((spike) => spike.signature === target.signature)
  ).length
  const eligible = effect !== 'new cause' || repeatsWith >= 2
  if (!eligible) return
  tally.eligible++
  if (effect === 'new cause' ? !newest.has(target.signature) && today : false) tally.caughtToday++
  const verdict = verdicts.find((v) => v.signature === target.signature)
  if (verdict?.class === target.as) tally.caught++
}

/** Wilson's 95% interval of a proportion, in percent. */
function wilson(successes: number, trials: number): string {
  if (trials === 0) return '–'
  const z = 1.959964
  const p = successes / trials
  const centre = (p + (z * z) / (2 * trials)) / (1 + (z * z) / trials)
  const half =
    (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) /
    (1 + (z * z) / trials)
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`
  return `${pct(p)} [${pct(Math.max(0, centre - half))}, ${pct(Math.min(1, centre + half))}]`
}

/** How often a cause is detected when it is frequent, or hidden by one huge spike. */
function masking(random: Random, trials: number): string[] {
  const lines: string[] = []
  for (const spread of ['stddev', 'mad'] as const) {
    let frequentHit = 0
    let frequentAll = 0
    let hiddenHit = 0
    let hiddenAll = 0
    for (let t = 0; t < trials; t++) {
      // a cause on every 20th tick, 70–90 ms
      const frequent: Cause = {
        signature: 'Every20th|fsync',
        rate: TICKS / 20,
        burst: [1, 1],
        medianMs: 80,
        logSpread: 0.05
      }
      const often = repeatWithTicks(random, [frequent], spread)
      frequentAll += often.slowTicks[0]
      frequentHit += often.run.spikes.filter((s) => s.signature === frequent.signature).length
      // chunk loads in a repeat that also has one 2.4 s save-all
      const huge: Cause = {
        signature: '-|fsync',
        rate: 1,
        burst: [1, 1],
        medianMs: 2400,
        logSpread: 0.01
      }
      const chunks: Cause = { ...BASE_MODEL[2], rate: 3 }
      const mixed = repeatWithTicks(random, [huge, chunks], spread)
      hiddenAll += mixed.slowTicks[1]
      hiddenHit += mixed.run.spikes.filter((s) => s.signature === '-|pread64').length
    }
    lines.push(
      `| ${spread} | ${((frequentHit / frequentAll) * 100).toFixed(0)}% | ${((hiddenHit / hiddenAll) * 100).toFixed(0)}% |`
    )
  }
  return lines
}

export async function main(args: string[]): Promise<number> {
  const option = (name: string, fallback: number) => {
    const at = args.indexOf(`--${name}`)
    return at >= 0 ? Number(args[at + 1]) : fallback
  }
  const trials = option('trials', 1000)
  const random = generator(option('seed', 7))
  const started = Date.now()
  const out: string[] = [
    `Verdict simulation: ${trials} trials per row, 5 head repeats, base history of K reports of 5 repeats (seed ${option('seed', 7)})`,
    '',
    '| K | effect | today: fails | fail-on new: fails | fail-on regression: fails | effect caught today | effect caught now |',
    '| -: | :- | -: | -: | -: | -: | -: |'
  ]
  for (const historySize of [10, 1]) {
    for (const effect of Object.keys(model) as Effect[]) {
      const tally: Tally = {
        trials: 0,
        today: 0,
        failOnNew: 0,
        failOnRegression: 0,
        eligible: 0,
        caughtToday: 0,
        caught: 0
      }
      for (let t = 0; t < trials; t++) trial(random, effect, historySize, tally, 'stddev')
      const caught =
        effect === 'null'
          ? ['–', '–']
          : [wilson(tally.caughtToday, tally.eligible), wilson(tally.caught, tally.eligible)]
      out.push(
        `| ${historySize} | ${effect}${effect === 'new cause' ? ` (in ≥ 2 of 5 repeats: ${tally.eligible})` : ''} | ${wilson(tally.today, tally.trials)} | ${wilson(tally.failOnNew, tally.trials)} | ${wilson(tally.failOnRegression, tally.trials)} | ${caught[0]} | ${caught[1]} |`
      )
      process.stdout.write(out[out.length - 1] + '\n')
    }
  }
  out.push(
    '',
    'Detection of frequent and masked causes (share of their slow ticks detected as spikes):',
    '',
    '| spread | a cause on every 20th tick | chunk loads beside one 2.4 s spike |',
    '| :- | -: | -: |',
    ...masking(random, Math.max(20, Math.floor(trials / 10)))
  )
  out.push('', `(${((Date.now() - started) / 1000).toFixed(0)} s)`)
  process.stdout.write('\n' + out.join('\n') + '\n')
  return 0
}
