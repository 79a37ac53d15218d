/**
 * The verdict's exact tests pinned to known values. Each expected value was computed once by
 * exhaustive enumeration with exact fractions (Python: every hypergeometric term, every subset of
 * repeats, every arrangement of ranks), which is what scipy's `fisher_exact(…,
 * alternative='greater')`, an exact permutation test and `mannwhitneyu(…, alternative='greater',
 * method='exact')` compute; the asymptotic Mann–Whitney value follows scipy's tie-corrected
 * formula with Python's math.erfc.
 */
import { describe, expect, it } from '@jest/globals'
import {
  fisherGreater,
  holm,
  mannWhitneyGreater,
  normalCdf,
  permutationGreater
} from '../src/analysis/significance.js'

describe("Fisher's exact test (one-sided, repeats with / without the signature)", () => {
  it.each([
    [[2, 5, 0, 50], 0.006734006734006734],
    [[1, 5, 0, 50], 0.09090909090909091],
    [[3, 5, 1, 50], 0.0014806995939071412],
    [[4, 5, 2, 10], 0.04695304695304695],
    [[2, 5, 0, 5], 0.2222222222222222],
    [[5, 5, 10, 10], 1],
    [[0, 5, 3, 50], 1]
  ])('%j → %f', ([withHead, headRepeats, withBase, baseRepeats], expected) => {
    expect(fisherGreater(withHead, headRepeats, withBase, baseRepeats)).toBeCloseTo(expected, 12)
  })
})

describe('the permutation test on spikes per repeat (one-sided)', () => {
  it.each([
    [[4, 5, 3, 6, 4], [0, 1, 0, 0, 2, 1, 0, 0, 1, 0], 0.000333000333000333],
    [[1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0, 0, 0, 0], 0.5714285714285714],
    [[2, 2, 1, 3, 2], [1, 0, 2, 1, 0, 1, 1, 0, 2, 1, 0, 1], 0.012281835811247576]
  ])('head %j, base %j → %f', (head, base, expected) => {
    expect(permutationGreater(head, base)).toBeCloseTo(expected, 12)
  })

  it('is 1 when nothing happened anywhere', () => {
    expect(permutationGreater([0, 0], [0, 0, 0])).toBe(1)
  })
})

describe("Mann–Whitney's U test (one-sided: are the head's values larger?)", () => {
  it.each([
    [[5.1, 6.2, 7.3], [1, 2, 3, 4], 0.02857142857142857],
    [[2.5, 0.5, 6, 3.5], [1, 2, 3, 4, 5], 0.5476190476190477],
    [[10, 11, 12, 13, 14], [1, 2, 3, 4, 5, 6, 7, 8], 0.000777000777000777]
  ])('exact: %j over %j → %f', (head, base, expected) => {
    expect(mannWhitneyGreater(head, base)).toBeCloseTo(expected, 12)
  })

  it('with ties: the normal approximation with tie and continuity corrections', () => {
    const p = mannWhitneyGreater([2, 2, 3, 4, 6, 7], [1, 1, 2, 3, 3, 5, 0.5])
    expect(p).toBeCloseTo(0.0643944542598965, 6)
  })

  it('has a normal distribution function good to double precision', () => {
    // Python: 0.5 * math.erfc(-z / math.sqrt(2))
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 13)
    expect(normalCdf(-1.96)).toBeCloseTo(0.024997895148220435, 13)
    expect(normalCdf(-8)).toBeCloseTo(6.22096057427178e-16, 20)
    expect(normalCdf(0)).toBeCloseTo(0.5, 13)
  })
})

describe("Holm's correction", () => {
  it('adjusts step-down, keeps monotonicity and the input order', () => {
    const adjusted = holm([0.01, 0.04, 0.03, 0.005])
    ;[0.03, 0.06, 0.06, 0.02].forEach((value, index) =>
      expect(adjusted[index]).toBeCloseTo(value, 12)
    )
    expect(holm([0.9, 0.5])).toEqual([1, 1])
    expect(holm([0.2, 0.01, 0.04])).toEqual([0.2, 0.03, 0.08])
  })
})
