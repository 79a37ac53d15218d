import { stat } from 'node:fs/promises'
import type { AnalysisOptions } from './analysis/analyse-file.js'
import { diffSignatures, summariseSignatures } from './analysis/signatures.js'
import type {
  BaselineSource,
  DiffReport,
  ReportOptions,
  SignatureSummary
} from './analysis/types.js'
import { errorMessage } from './errors.js'
import { changedOptions, describeOptions } from './options.js'
import { analyseTargets, type Analysed } from './pipeline.js'
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

/** What compare() needs of each side. */
export type Signatures = Pick<Side, 'signatures' | 'options'>

/**
 * `fail`: the head has signatures the baseline has not; `pass`: it has none; `no-baseline`: one
 * side had no signatures to compare.
 */
export type Verdict = 'pass' | 'fail' | 'no-baseline'

export interface Comparison {
  diff: DiffReport | null
  verdict: Verdict
}

/** No comparison was asked for: a push run, whose report is a baseline of later pull requests. */
export const NOT_COMPARED: Comparison = { diff: null, verdict: 'pass' }

/**
 * The head's signatures against the baseline's (new, resolved, persisting), flagging the analysis
 * options that differ between the two: signatures may differ only because of them.
 */
export function compare(
  base: (Signatures & { source: BaselineSource }) | null,
  head: Signatures
): Comparison {
  if (base === null || base.signatures === null || head.signatures === null) {
    return { diff: null, verdict: 'no-baseline' }
  }
  const diff = diffSignatures(
    base.signatures,
    head.signatures,
    base.source,
    changedOptions(base.options, head.options)
  )
  return { diff, verdict: diff.new.length > 0 ? 'fail' : 'pass' }
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
  options: AnalysisOptions
): Promise<Side> {
  if (await isReportFile(target)) return loadReport(target)
  const analysed = await analyseTargets([target], runsDir, options)
  return {
    ...analysed,
    signatures: analysed.runs.length === 0 ? null : summariseSignatures(analysed.runs),
    options: describeOptions(options),
    source: { kind: 'events', location: target }
  }
}
