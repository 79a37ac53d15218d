/**
 * The verdict (docs/analysis.md, "The verdict"): each signature of the head, compared with a
 * history of base reports, is new, new but unconfirmed, more frequent, worse, or persisting; each
 * signature of the newest base report the head no longer has is resolved. The unit of evidence is
 * the repeat (one events.parquet): spikes come in bursts, so twenty spikes in one repeat say less
 * than one spike in each of five.
 */
import { fisherGreater, holm, mannWhitneyGreater, permutationGreater } from './significance.js'
import type { Judgement, RunReport, SideEvidence } from './types.js'

export interface VerdictOptions {
  /** Head repeats a new signature must appear in to be confirmed. */
  minRepeats: number
  /** Significance level of the test that confirms a new signature (after Holm's correction). */
  alpha: number
  /**
   * Significance level of the tests for more frequent and worse signatures (after Holm's
   * correction over both). Stricter than `alpha`: every known signature is tested twice, and a
   * regression gate that is red for no reason gets switched off (docs/analysis.md).
   */
  regressionAlpha: number
  /** Spikes per repeat at least this many times the history's make "more frequent". */
  frequencyRatio: number
  /** A typical spike at least this many times longer than the history's makes "worse". */
  lengthRatio: number
  /** Spikes of a signature the history must hold before its lengths are compared. */
  minBaseSpikes: number
}

export const DEFAULT_VERDICT: VerdictOptions = {
  minRepeats: 2,
  alpha: 0.05,
  regressionAlpha: 0.01,
  frequencyRatio: 3,
  lengthRatio: 2,
  minBaseSpikes: 3
}

export type SignatureClass = Judgement['class']

export interface SignatureVerdict extends Judgement {
  signature: string
}

/** Spikes of one report by signature and repeat: the counts per repeat and every spike's length. */
interface Tally {
  repeats: number
  bySignature: Map<string, { perRepeat: number[]; lengthsMs: number[] }>
}

function tally(reports: readonly (readonly RunReport[])[]): Tally {
  const runs = reports.flat()
  const bySignature = new Map<string, { perRepeat: number[]; lengthsMs: number[] }>()
  runs.forEach((run, index) => {
    for (const spike of run.spikes) {
      let entry = bySignature.get(spike.signature)
      if (!entry) {
        entry = { perRepeat: new Array<number>(runs.length).fill(0), lengthsMs: [] }
        bySignature.set(spike.signature, entry)
      }
      entry.perRepeat[index]++
      entry.lengthsMs.push(spike.value_ms)
    }
  })
  return { repeats: runs.length, bySignature }
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function evidence(side: Tally, signature: string): SideEvidence {
  const entry = side.bySignature.get(signature)
  const perRepeat = entry?.perRepeat ?? []
  const spikes = perRepeat.reduce((sum, count) => sum + count, 0)
  return {
    repeats_with: perRepeat.filter((count) => count > 0).length,
    repeats: side.repeats,
    spikes,
    rate: side.repeats === 0 ? 0 : spikes / side.repeats,
    median_ms: median(entry?.lengthsMs ?? []),
    worst_ms: entry && entry.lengthsMs.length > 0 ? Math.max(...entry.lengthsMs) : null
  }
}

const countsOf = (side: Tally, signature: string) =>
  side.bySignature.get(signature)?.perRepeat ?? new Array<number>(side.repeats).fill(0)

const round = (value: number, digits = 2) => Number(value.toFixed(digits))
const pText = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${round(p, 3)}`)

/**
 * Classifies every head signature against the history (`history[0]` is the newest base report;
 * each report is its runs, one per repeat) and lists as resolved what the newest base report has
 * and the head does not. Tests that compare known signatures are corrected together (Holm).
 */
export function classify(
  history: readonly (readonly RunReport[])[],
  head: readonly RunReport[],
  options: VerdictOptions = DEFAULT_VERDICT
): SignatureVerdict[] {
  const base = tally(history)
  const headTally = tally([head])
  const verdicts: SignatureVerdict[] = []
  const known: string[] = []

  const candidates: string[] = []
  for (const signature of headTally.bySignature.keys()) {
    if (evidence(base, signature).spikes > 0) known.push(signature)
    else candidates.push(signature)
  }
  // new signatures: present in the head more often than chance allows, corrected over candidates
  const novelty = holm(
    candidates.map((signature) =>
      fisherGreater(evidence(headTally, signature).repeats_with, headTally.repeats, 0, base.repeats)
    )
  )
  candidates.forEach((signature, index) => {
    const headSide = evidence(headTally, signature)
    const p = novelty[index]
    const seen = `in ${headSide.repeats_with} of ${headSide.repeats} head repeats, never in the ${base.repeats} repeats of the history`
    const confirmed = headSide.repeats_with >= options.minRepeats && p < options.alpha
    verdicts.push({
      signature,
      class: confirmed ? 'new' : 'new-unconfirmed',
      head: headSide,
      base: evidence(base, signature),
      p_value: p,
      reason: confirmed
        ? `${seen} (${pText(p)})`
        : `${seen}: too rare to tell from chance (${pText(p)}; needs ${options.minRepeats} repeats and p < ${options.alpha}); rerun to confirm`
    })
  })

  // known signatures: more frequent, or longer, than the history — one correction over both
  // questions for all of them, since either answer fails the step under fail-on: regression
  const frequencyP = known.map((signature) =>
    permutationGreater(countsOf(headTally, signature), countsOf(base, signature))
  )
  const lengthP = known.map((signature) =>
    mannWhitneyGreater(
      headTally.bySignature.get(signature)?.lengthsMs ?? [],
      base.bySignature.get(signature)?.lengthsMs ?? []
    )
  )
  const adjusted = holm([...frequencyP, ...lengthP])
  const frequency = adjusted.slice(0, known.length)
  const lengths = adjusted.slice(known.length)
  known.forEach((signature, index) => {
    const headSide = evidence(headTally, signature)
    const baseSide = evidence(base, signature)
    const rateRatio = baseSide.rate === 0 ? Infinity : headSide.rate / baseSide.rate
    const lengthRatio =
      headSide.median_ms !== null && baseSide.median_ms !== null && baseSide.median_ms > 0
        ? headSide.median_ms / baseSide.median_ms
        : 0
    let verdict: Pick<SignatureVerdict, 'class' | 'p_value' | 'reason'>
    if (rateRatio >= options.frequencyRatio && frequency[index] < options.regressionAlpha) {
      verdict = {
        class: 'more-frequent',
        p_value: frequency[index],
        reason: `${round(headSide.rate)} spikes per repeat against ${round(baseSide.rate)} in the history (${round(rateRatio, 1)}×, ${pText(frequency[index])})`
      }
    } else if (
      baseSide.spikes >= options.minBaseSpikes &&
      lengthRatio >= options.lengthRatio &&
      lengths[index] < options.regressionAlpha
    ) {
      verdict = {
        class: 'worse',
        p_value: lengths[index],
        reason: `a typical spike of ${round(headSide.median_ms as number, 1)} ms against ${round(baseSide.median_ms as number, 1)} ms in the history (${round(lengthRatio, 1)}×, ${pText(lengths[index])})`
      }
    } else {
      verdict = {
        class: 'persisting',
        p_value: null,
        reason: `${round(headSide.rate)} spikes per repeat against ${round(baseSide.rate)} in the history`
      }
    }
    verdicts.push({ signature, head: headSide, base: baseSide, ...verdict })
  })

  const newest = tally(history.slice(0, 1))
  for (const signature of newest.bySignature.keys()) {
    if (headTally.bySignature.has(signature)) continue
    const baseSide = evidence(base, signature)
    verdicts.push({
      signature,
      class: 'resolved',
      head: evidence(headTally, signature),
      base: baseSide,
      p_value: null,
      reason: `in the newest base report, in none of the ${headTally.repeats} head repeats`
    })
  }
  return verdicts
}

/** What fails the step: confirmed new signatures, any regression, or nothing. */
export type FailOn = 'new' | 'regression' | 'never'

/** The verdict's thresholds and what fails the step. */
export interface VerdictSettings extends VerdictOptions {
  failOn: FailOn
}

/** The action's defaults; `iostorm diff` fails on nothing unless asked (`--fail-on`). */
export const DEFAULT_SETTINGS: VerdictSettings = { ...DEFAULT_VERDICT, failOn: 'new' }

export const FAILING: Record<FailOn, readonly SignatureClass[]> = {
  new: ['new'],
  regression: ['new', 'more-frequent', 'worse'],
  never: []
}

/** The signatures that fail the step under `failOn`. */
export function failing(verdicts: readonly SignatureVerdict[], failOn: FailOn): SignatureVerdict[] {
  return verdicts.filter((verdict) => FAILING[failOn].includes(verdict.class))
}
