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

/** Population standard deviation (ddof = 0), with a two-pass mean for numerical stability. */
export function populationSigma(values: ArrayLike<number>): number {
  const n = values.length
  if (n === 0) return NaN
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i]
  const mean = sum / n
  let squares = 0
  for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2
  return Math.sqrt(squares / n)
}

export function median(values: Float64Array): number {
  if (values.length === 0) return NaN
  const sorted = values.slice().sort()
  return percentile(sorted, 50)
}
