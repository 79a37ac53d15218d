import { stat } from 'node:fs/promises'
import type { AnalysisOptions } from './analysis/analyse-file.js'
import { byRank, summariseSignatures } from './analysis/signatures.js'
import {
  classify,
  DEFAULT_SETTINGS,
  failing,
  type SignatureClass,
  type SignatureVerdict,
  type VerdictSettings
} from './analysis/verdict.js'
import type {
  BaselineSource,
  DiffReport,
  JudgedSignature,
  RunReport,
  ReportOptions,
  SignatureSummary
} from './analysis/types.js'
import { errorMessage } from './errors.js'
import { ANALYSIS_OPTIONS, changedOptions, describeOptions } from './options.js'
import { analyseTargets, type Analysed, type DatabaseInput } from './pipeline.js'
import { readReportFile } from './report/json.js'

/**
 * One side of a comparison: its runs and the inputs that could not be read, its signatures (null
 * when none can be trusted), where it comes from and the options it was made with (unknown for
 * reports older than the options field).
 */
export interface Side extends Analysed {
  signatures: SignatureSummary[] | null
  source: BaselineSource
  options?: Partial<ReportOptions>
}

/** What compare() needs of each side: its repeats (runs), signatures and options. */
export type Signatures = Pick<Side, 'runs' | 'signatures' | 'options'>

/** A base report of the history. */
export type Base = Signatures & { source: BaselineSource }

/**
 * `fail`: a signature fails under `fail-on` (under `never`, as it would under `new`: the step
 * still passes); `pass`: none does; `no-baseline`: no history, or a side without signatures.
 */
export type Verdict = 'pass' | 'fail' | 'no-baseline'

export interface Comparison {
  diff: DiffReport | null
  verdict: Verdict
}

/**
 * A base report's runs as the verdict needs them: each spike's signature and length, without its
 * thread, plugin, syscall, path and device lists, so that a history of ten reports holds little
 * more than their spike counts in memory.
 */
export function historyRuns(runs: readonly RunReport[]): RunReport[] {
  return runs.map((run) => ({
    ...run,
    series: null,
    spikes: run.spikes.map((spike) => ({
      ...spike,
      threads: [],
      plugins: [],
      syscalls: [],
      paths: [],
      devices: [],
      notes: []
    }))
  }))
}

/** No comparison was asked for: a push run, whose report is a baseline of later pull requests. */
export const NOT_COMPARED: Comparison = { diff: null, verdict: 'pass' }

/**
 * The head against a history of base reports (newest first): every head signature judged new,
 * unconfirmed, more frequent, worse or persisting, the newest base's lost ones resolved
 * (docs/analysis.md, "Diff and verdict"), and the analysis options that differ between any base
 * and the head, since signatures may differ only because of them.
 */
export function compare(
  history: readonly Base[] | null,
  head: Signatures,
  settings: VerdictSettings = DEFAULT_SETTINGS
): Comparison {
  const bases = (history ?? []).filter((base) => base.signatures !== null)
  if (bases.length === 0 || head.signatures === null) return { diff: null, verdict: 'no-baseline' }
  const verdicts = classify(
    bases.map((base) => base.runs),
    head.runs,
    settings
  )
  const summaries = new Map(
    [...(bases[0].signatures ?? []), ...head.signatures].map((entry) => [entry.signature, entry])
  )
  const judged = (verdict: SignatureVerdict): JudgedSignature => {
    const { signature, ...judgement } = verdict
    const summary = summaries.get(signature) as SignatureSummary
    return { ...summary, judgement }
  }
  const of = (...classes: SignatureClass[]) =>
    verdicts
      .filter((verdict) => classes.includes(verdict.class))
      .map(judged)
      .sort(byRank)
  const changed = new Set(bases.flatMap((base) => changedOptions(base.options, head.options)))
  const diff: DiffReport = {
    base: bases[0].source,
    history: {
      reports: bases.length,
      repeats: bases.reduce((sum, base) => sum + base.runs.length, 0),
      sources: bases.map((base) => base.source)
    },
    options_changed: ANALYSIS_OPTIONS.map((spec) => spec.report.key as string).filter((name) =>
      changed.has(name)
    ),
    verdict_options: {
      fail_on: settings.failOn,
      min_repeats: settings.minRepeats,
      alpha: settings.alpha,
      regression_alpha: settings.regressionAlpha,
      frequency_ratio: settings.frequencyRatio,
      length_ratio: settings.lengthRatio,
      min_base_spikes: settings.minBaseSpikes
    },
    new: of('new'),
    new_unconfirmed: of('new-unconfirmed'),
    more_frequent: of('more-frequent'),
    worse: of('worse'),
    resolved: of('resolved'),
    persisting: of('persisting').map((entry) => ({
      ...entry,
      base_spikes: entry.judgement?.base.spikes ?? 0,
      head_spikes: entry.judgement?.head.spikes ?? entry.spikes,
      base_worst_ms: entry.judgement?.base.worst_ms ?? 0
    })),
    failing: failing(verdicts, settings.failOn).map((verdict) => verdict.signature)
  }
  const judgedAs = settings.failOn === 'never' ? 'new' : settings.failOn
  return { diff, verdict: failing(verdicts, judgedAs).length > 0 ? 'fail' : 'pass' }
}

/**
 * A comparison one of whose sides had inputs that could not be read is incomplete: a signature of
 * the newest base that the head lacks may be in what was not read, so it is `unseen`, never
 * `resolved` (docs/analysis.md, "Diff and verdict").
 */
export function markIncomplete(diff: DiffReport, unreadable: number): DiffReport {
  if (unreadable === 0) return diff
  return { ...diff, incomplete: true, unseen: diff.resolved, resolved: [] }
}

/**
 * A stored report (a `diff` argument, the `baseline` input), read and checked by readReportFile.
 * One that cannot be read has no signatures and an input error naming it as `shown`.
 */
export async function loadReport(path: string, shown: string = path): Promise<Side> {
  const source: BaselineSource = { kind: 'report', location: shown }
  try {
    const stored = await readReportFile(path)
    return {
      runs: stored.runs,
      errors: [],
      signatures: stored.signatures,
      options: stored.options,
      source
    }
  } catch (error) {
    return {
      runs: [],
      errors: [{ file: shown, message: errorMessage(error) }],
      signatures: null,
      source
    }
  }
}

async function isReportFile(path: string): Promise<boolean> {
  if (!path.endsWith('.json')) return false
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/**
 * A side named on the command line: a report JSON file, else a target (an events.parquet file, a
 * folder of them or a run id) analysed with `options`. A side none of whose inputs could be read
 * has no signatures, so it is never "all resolved" (every target names at least one input, so a
 * side without runs always has an error).
 */
export async function loadSide(
  target: string,
  runsDir: string,
  options: AnalysisOptions,
  database?: DatabaseInput
): Promise<Side> {
  if (await isReportFile(target)) return loadReport(target)
  const analysed = await analyseTargets([target], runsDir, options, database)
  return {
    ...analysed,
    signatures: analysed.runs.length === 0 ? null : summariseSignatures(analysed.runs),
    options: describeOptions(options),
    source: { kind: 'events', location: target }
  }
}
