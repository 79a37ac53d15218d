/**
 * The rules every case is judged by (the per-case part is expectations.ts):
 * - it ends by itself within the time limit, with an exit status (not a signal), and leaves a
 *   peak-RSS record (no record: killed or aborted) at or under the memory limit;
 * - the exit status is one the case expects;
 * - exit 0 prints nothing on stderr; exit 2 prints exactly one line `iostorm: <file>: <problem>`
 *   naming the culprit, in words: no JavaScript internals, no stack trace, no control characters;
 * - once past option parsing, the good file's spikes are in the JSON report as when it ran alone;
 * - notes, run count and markdown checks where the case asks for them.
 */
import type { Expectation } from './expectations.js'
import { markdownProblems } from './markdown-checks.js'

export const TIME_LIMIT_MS = 60_000
export const RSS_LIMIT_MB = 256

/** Words that give away a JavaScript error instead of a problem described for a person. */
const INTERNALS = [
  'is not a function',
  'Cannot read properties',
  'undefined',
  'internal error',
  'RangeError',
  'TypeError',
  'Maximum call stack',
  'Invalid array length',
  'Array buffer allocation failed',
  '[object '
]
const STACK_LINE = /^\s+at /m
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

export interface ProcessOutcome {
  status: number | null
  signal: string | null
  timedOut: boolean
  /** Killed by the runner for passing MEMORY_GUARD_MB. */
  memoryGuard: boolean
  seconds: number
  /** Peak resident set size, MiB; null when the process left no record. */
  peakRssMb: number | null
  /** The highest RSS the runner sampled while it ran, MiB. */
  sampledRssMb: number | null
  stderr: string
  /** The JSON and markdown reports, when written; their size in bytes when too large to read. */
  json?: string | number
  markdown?: string | number
}

export interface SpikeKey {
  ts_ns: string
  value_ms: number
}

export interface JudgedCall {
  /** The path stderr must name when the input is refused (or the option's file). */
  culprit: string
  /** What the hostile thing is: an input is analysed beside the good file, an option is parsed. */
  stage: 'input' | 'option'
  /** Whether the good file's run is expected in the report (false when the head is hostile). */
  goodInReport: boolean
  /** The good file's path as the report names it. */
  goodFile: string
}

interface ReportRun {
  file?: unknown
  notes?: unknown
  spikes?: unknown
}

function parseRuns(json: string): ReportRun[] | string {
  try {
    const report = JSON.parse(json) as { runs?: unknown }
    return Array.isArray(report.runs) ? (report.runs as ReportRun[]) : 'the report has no runs list'
  } catch (error) {
    return `the JSON report does not parse (${(error as Error).message})`
  }
}

function spikeKeys(run: ReportRun): SpikeKey[] {
  if (!Array.isArray(run.spikes)) return []
  return (run.spikes as { ts_ns?: unknown; value_ms?: unknown }[]).map((spike) => ({
    ts_ns: String(spike.ts_ns),
    value_ms: Number(spike.value_ms)
  }))
}

export function goodSpikesOf(json: string, goodFile: string): SpikeKey[] | string {
  const runs = parseRuns(json)
  if (typeof runs === 'string') return runs
  const run = runs.find((candidate) => candidate.file === goodFile)
  return run ? spikeKeys(run) : 'the good file has no run in the report'
}

function notesOf(run: ReportRun): string[] {
  const own = Array.isArray(run.notes) ? run.notes.map(String) : []
  const spikes = Array.isArray(run.spikes) ? (run.spikes as ReportRun[]) : []
  return [
    ...own,
    ...spikes.flatMap((spike) => (Array.isArray(spike.notes) ? spike.notes.map(String) : []))
  ]
}

/** The culprit path named in the line: whole, or (for paths with control characters) piece by piece. */
function namesPath(line: string, path: string): boolean {
  if (line.includes(path)) return true
  // eslint-disable-next-line no-control-regex
  const pieces = path.split(/[\u0000-\u001f\u007f]+/).filter((piece) => piece !== '')
  return pieces.length > 1 && pieces.every((piece) => line.includes(piece))
}

function stderrProblems(outcome: ProcessOutcome, call: JudgedCall): string[] {
  const { stderr, status } = outcome
  const problems: string[] = []
  if (STACK_LINE.test(stderr)) problems.push('stack trace on stderr')
  const internal = INTERNALS.find((word) => stderr.includes(word))
  if (internal) problems.push(`stderr shows JavaScript internals ("${internal}")`)
  if (status === 0) {
    if (stderr !== '')
      problems.push(`exit 0 but stderr says ${JSON.stringify(stderr.slice(0, 120))}`)
    return problems
  }
  const lines = stderr.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  if (lines.length !== 1) {
    problems.push(`stderr has ${lines.length} lines, expected 1`)
    return problems
  }
  const [line] = lines
  if (!line.startsWith('iostorm: ')) problems.push('stderr line does not start with "iostorm: "')
  if (!namesPath(line, call.culprit)) problems.push('stderr line does not name the file')
  if (CONTROL.test(line)) problems.push('stderr line carries control characters')
  return problems
}

function sameSpikes(a: SpikeKey[], b: SpikeKey[]): boolean {
  return (
    a.length === b.length &&
    a.every((spike, i) => spike.ts_ns === b[i].ts_ns && spike.value_ms === b[i].value_ms)
  )
}

/** Everything wrong with one call; an empty list means the case was handled. */
export function judge(
  outcome: ProcessOutcome,
  expectation: Expectation,
  call: JudgedCall,
  goodSpikes: SpikeKey[]
): string[] {
  if (outcome.timedOut) return [`hung: killed after ${outcome.seconds.toFixed(0)} s`]
  if (outcome.memoryGuard) {
    return [`killed by the runner's memory guard at ${outcome.sampledRssMb?.toFixed(0)} MB RSS`]
  }
  if (outcome.signal) return [`killed by ${outcome.signal}`]
  const problems: string[] = []
  if (outcome.peakRssMb === null) problems.push('no peak-RSS record (the process died abruptly)')
  else if (outcome.peakRssMb > RSS_LIMIT_MB) {
    problems.push(`peak RSS ${outcome.peakRssMb.toFixed(0)} MB > ${RSS_LIMIT_MB} MB`)
  }
  if (!expectation.status.includes(outcome.status as 0 | 1 | 2)) {
    problems.push(`exit ${outcome.status}, expected ${expectation.status.join(' or ')}`)
  }
  problems.push(...stderrProblems(outcome, call))

  // a usage error (an option refused) ends before analysis: no report to check
  const analysed = call.stage === 'input' || outcome.status === 0
  if (!analysed) return problems
  if (outcome.json === undefined) return [...problems, 'no JSON report written']
  if (typeof outcome.json === 'number') {
    return [
      ...problems,
      `the JSON report is ${(outcome.json / 2 ** 20).toFixed(0)} MB: not checked`
    ]
  }
  const runs = parseRuns(outcome.json)
  if (typeof runs === 'string') return [...problems, runs]

  if (call.goodInReport) {
    const good = goodSpikesOf(outcome.json, call.goodFile)
    if (typeof good === 'string') problems.push(good)
    else if (!sameSpikes(good, goodSpikes)) {
      problems.push(
        `the good file's spikes changed: ${good.length} instead of ${goodSpikes.length}`
      )
    }
  }
  if (expectation.runs !== undefined && runs.length !== expectation.runs) {
    problems.push(`${runs.length} runs in the report, expected ${expectation.runs}`)
  }
  const hostile = runs.filter((run) => run.file !== call.goodFile)
  if (expectation.spikes !== undefined) {
    const found = hostile.reduce((sum, run) => sum + spikeKeys(run).length, 0)
    if (found !== expectation.spikes) {
      problems.push(`${found} spike(s) in the hostile run, expected ${expectation.spikes}`)
    }
  }
  if (expectation.note && outcome.status === 0) {
    const notes = hostile.flatMap(notesOf)
    if (!notes.some((note) => expectation.note?.test(note))) {
      problems.push(`no note matches ${expectation.note}`)
    }
  }
  if (expectation.markdown) {
    if (outcome.markdown === undefined) problems.push('no markdown report written')
    else if (typeof outcome.markdown === 'number') {
      problems.push(`the markdown report is ${(outcome.markdown / 2 ** 20).toFixed(0)} MB`)
    } else {
      problems.push(...markdownProblems(outcome.markdown).map((finding) => `markdown: ${finding}`))
    }
  }
  return problems
}
