/**
 * Exact tests for the verdict (docs/analysis.md, "The verdict"). Benchmarks are noisy and spikes
 * come in bursts, so the unit of evidence is the repeat, never the spike: "present in k of n
 * repeats" is Fisher's exact test, "more spikes per repeat" a permutation test over repeats, and
 * "longer spikes" Mann–Whitney's rank test. Each answers a one-sided question (is the head worse?)
 * with a p-value; Holm's method corrects them for the number of signatures compared.
 */

/** ln(n!) for n up to the largest table seen so far, kept between calls. */
const logFactorials: number[] = [0]

function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++)
    logFactorials[i] = logFactorials[i - 1] + Math.log(i)
  return logFactorials[n]
}

const logChoose = (n: number, k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k)

/**
 * Fisher's exact test, one-sided: the probability, with the margins fixed, of a head at least as
 * often affected as observed — `withHead` of `headRepeats` head repeats show the signature,
 * `withBase` of `baseRepeats` base repeats do. scipy: `fisher_exact([[a, b], [c, d]],
 * alternative='greater')`.
 */
export function fisherGreater(
  withHead: number,
  headRepeats: number,
  withBase: number,
  baseRepeats: number
): number {
  const total = headRepeats + baseRepeats
  const affected = withHead + withBase
  const most = Math.min(headRepeats, affected)
  const denominator = logChoose(total, headRepeats)
  let p = 0
  for (let x = withHead; x <= most; x++) {
    if (headRepeats - x > total - affected) continue
    p += Math.exp(
      logChoose(affected, x) + logChoose(total - affected, headRepeats - x) - denominator
    )
  }
  return Math.min(1, p)
}

/**
 * A permutation test on counts per repeat, one-sided: the share of all ways to pick which of the
 * pooled repeats are the head's whose head total is at least the observed one. Exact (counted by
 * dynamic programming over subsets, not sampled), and valid however bursty the counts are, since
 * it only assumes that repeats are exchangeable when nothing changed.
 */
export function permutationGreater(head: readonly number[], base: readonly number[]): number {
  const pooled = [...head, ...base]
  const picked = head.length
  const observed = head.reduce((sum, count) => sum + count, 0)
  const most = pooled.reduce((sum, count) => sum + count, 0)
  // ways[j][s]: subsets of j repeats whose counts sum to s
  const ways = Array.from({ length: picked + 1 }, () => new Float64Array(most + 1))
  ways[0][0] = 1
  for (const count of pooled) {
    for (let j = picked; j >= 1; j--) {
      const from = ways[j - 1]
      const into = ways[j]
      for (let s = most; s >= count; s--) into[s] += from[s - count]
    }
  }
  let atLeast = 0
  let all = 0
  for (let s = 0; s <= most; s++) {
    all += ways[picked][s]
    if (s >= observed) atLeast += ways[picked][s]
  }
  return all === 0 ? 1 : atLeast / all
}

/** Exact null distribution of U is counted when the samples are this small and untied. */
const EXACT_CELLS = 2500

/**
 * Mann–Whitney's U test, one-sided: are the head's values larger than the base's? Exact for
 * small samples without ties (scipy: `mannwhitneyu(head, base, alternative='greater',
 * method='exact')`), else the normal approximation with the tie correction and a continuity
 * correction (`method='asymptotic'`).
 */
export function mannWhitneyGreater(head: readonly number[], base: readonly number[]): number {
  const m = head.length
  const n = base.length
  if (m === 0 || n === 0) return 1
  const all = [
    ...head.map((value) => ({ value, head: true })),
    ...base.map((value) => ({ value, head: false }))
  ]
  all.sort((a, b) => a.value - b.value)
  // mid-ranks for ties
  const ranks = new Float64Array(all.length)
  let tieTerm = 0
  for (let i = 0; i < all.length;) {
    let j = i
    while (j + 1 < all.length && all[j + 1].value === all[i].value) j++
    const rank = (i + j + 2) / 2
    for (let k = i; k <= j; k++) ranks[k] = rank
    const tied = j - i + 1
    tieTerm += tied ** 3 - tied
    i = j + 1
  }
  let rankSum = 0
  all.forEach((entry, index) => {
    if (entry.head) rankSum += ranks[index]
  })
  const u = rankSum - (m * (m + 1)) / 2
  if (tieTerm === 0 && m * n <= EXACT_CELLS) return exactUGreater(u, m, n)
  const mean = (m * n) / 2
  const variance = ((m * n) / 12) * (m + n + 1 - tieTerm / ((m + n) * (m + n - 1)))
  if (variance <= 0) return 1
  const z = (u - mean - 0.5) / Math.sqrt(variance)
  return 1 - normalCdf(z)
}

/** P(U ≥ u) with no ties: counts of rank arrangements by their U, built up one value at a time. */
function exactUGreater(u: number, m: number, n: number): number {
  // counts[i][j][k]: arrangements of i head and j base values with U = k (rolling over i)
  let previous: Float64Array[] = Array.from({ length: n + 1 }, () => new Float64Array(1).fill(1))
  for (let i = 1; i <= m; i++) {
    const current: Float64Array[] = []
    for (let j = 0; j <= n; j++) {
      const size = i * j + 1
      const row = new Float64Array(size)
      // the largest value is a head value (it beats all j base values) or a base value
      const withHead = previous[j]
      for (let k = 0; k < withHead.length; k++) row[k + j] += withHead[k]
      if (j > 0) {
        const withBase = current[j - 1]
        for (let k = 0; k < withBase.length; k++) row[k] += withBase[k]
      }
      current.push(row)
    }
    previous = current
  }
  const counts = previous[n]
  let total = 0
  let atLeast = 0
  for (let k = 0; k < counts.length; k++) {
    total += counts[k]
    if (k >= u - 1e-9) atLeast += counts[k]
  }
  return atLeast / total
}

/**
 * The standard normal distribution function, to double precision: Hart's rational approximation
 * as given by West ("Better approximations to cumulative normal functions", 2005).
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z)
  let tail = 0
  if (x <= 37) {
    const e = Math.exp((-x * x) / 2)
    if (x < 7.07106781186547) {
      let p = 3.52624965998911e-2 * x + 0.700383064443688
      p = p * x + 6.37396220353165
      p = p * x + 33.912866078383
      p = p * x + 112.079291497871
      p = p * x + 221.213596169931
      p = p * x + 220.206867912376
      let q = 8.83883476483184e-2 * x + 1.75566716318264
      q = q * x + 16.064177579207
      q = q * x + 86.7807322029461
      q = q * x + 296.564248779674
      q = q * x + 637.333633378831
      q = q * x + 793.826512519948
      q = q * x + 440.413735824752
      tail = (e * p) / q
    } else {
      let f = x + 0.65
      f = x + 4 / f
      f = x + 3 / f
      f = x + 2 / f
      f = x + 1 / f
      tail = e / f / 2.506628274631
    }
  }
  return z > 0 ? 1 - tail : tail
}

/**
 * Holm's step-down correction: adjusted p-values, in the input order, that keep the chance of any
 * false finding among all the signatures compared at most alpha.
 */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues.map((_, index) => index).sort((a, b) => pValues[a] - pValues[b])
  const adjusted = new Array<number>(pValues.length)
  let running = 0
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * pValues[index]))
    adjusted[index] = running
  })
  return adjusted
}
