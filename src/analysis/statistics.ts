/** p-th percentile (0–100) by linear interpolation between closest ranks, as numpy's default. */
export function percentile(sortedValues: ArrayLike<number>, p: number): number {
  const n = sortedValues.length
  if (n === 0) return NaN
  const rank = ((n - 1) * p) / 100
  const lower = Math.floor(rank)
  const upper = Math.min(lower + 1, n - 1)
  const fraction = rank - lower
  return sortedValues[lower] + fraction * (sortedValues[upper] - sortedValues[lower])
}

/** Above this magnitude squared deviations could overflow: values are scaled down first. */
const SCALE_ABOVE = 1e150

/** Population standard deviation (ddof = 0), with a two-pass mean for numerical stability. */
export function populationSigma(values: ArrayLike<number>): number {
  const n = values.length
  if (n === 0) return NaN
  let largest = 0
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(values[i]))
  if (largest > SCALE_ABOVE && Number.isFinite(largest)) {
    const scaled = Float64Array.from(values as ArrayLike<number>, (value) => value / largest)
    return largest * populationSigma(scaled)
  }
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i]
  const mean = sum / n
  let squares = 0
  for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2
  return Math.sqrt(squares / n)
}

/**
 * 1.4826 × the median absolute deviation from the median: the standard deviation of normal data,
 * but moved by no single value however large, and by outliers only as far as their share. Sorts
 * `values` in place.
 */
export function scaledMad(values: Float64Array): number {
  if (values.length === 0) return NaN
  values.sort()
  const middle = percentile(values, 50)
  const deviations = Float64Array.from(values, (value) => Math.abs(value - middle)).sort()
  return 1.4826 * percentile(deviations, 50)
}

/** Gaps up to this many microseconds are counted in a fixed array; longer ones in a map. */
const GAP_BINS = 1_000_000

/**
 * The median of non-negative nanosecond gaps, taken to the microsecond: a histogram keeps memory
 * fixed however many samples a run has (an exact median would hold every gap).
 */
export function createGapHistogram() {
  let bins: Uint32Array | undefined
  const overflow = new Map<number, number>()
  let count = 0
  return {
    add(gapNs: number): void {
      const micros = Math.round(gapNs / 1000)
      if (micros < GAP_BINS) {
        bins ??= new Uint32Array(GAP_BINS)
        bins[micros]++
      } else {
        overflow.set(micros, (overflow.get(micros) ?? 0) + 1)
      }
      count++
    },
    get count(): number {
      return count
    },
    /** numpy's median (the mean of the two middle values for an even count), in nanoseconds. */
    median(): number {
      if (count === 0) return NaN
      const wanted = [Math.floor((count - 1) / 2), Math.ceil((count - 1) / 2)]
      const found: number[] = []
      let seen = 0
      const visit = (micros: number, n: number) => {
        while (found.length < 2 && wanted[found.length] < seen + n) found.push(micros)
        seen += n
      }
      if (bins)
        for (let micros = 0; micros < GAP_BINS && found.length < 2; micros++)
          if (bins[micros]) visit(micros, bins[micros])
      for (const micros of [...overflow.keys()].sort((a, b) => a - b))
        visit(micros, overflow.get(micros) as number)
      return ((found[0] + found[1]) / 2) * 1000
    }
  }
}
