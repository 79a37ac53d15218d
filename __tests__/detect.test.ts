import { describe, expect, it } from '@jest/globals'
import { detectSpikes, MetricError, type MetricSeries } from '../src/analysis/detect.js'
import { percentile, populationSigma } from '../src/analysis/statistics.js'

const MS = 1e6

/** A metric series: rows at 50 ms steps unless times are given. */
function series(
  values: number[],
  options: { at?: number[]; dur?: (number | null)[] } = {}
): MetricSeries {
  return {
    ts: values.map((_, i) => (options.at ? options.at[i] : i * 50) * MS),
    value: values,
    row: values.map((_, i) => i),
    dur: values.map((_, i) => {
      const dur = options.dur?.[i]
      return dur === undefined || dur === null ? NaN : dur * MS
    })
  }
}

const defaults = { thresholdMs: 50, sigmaMult: 3 }
/** For tests about windows and metric choice: threshold = max(50, p95) on tiny series. */
const flat = { thresholdMs: 50, sigmaMult: 0 }

describe('statistics', () => {
  it('computes p95 like numpy (linear interpolation between closest ranks)', () => {
    // numpy.percentile([15, 20, 35, 40, 50], 95) == 48.0; ([1, 2, 3, 4], 95) == 3.85
    expect(percentile([15, 20, 35, 40, 50], 95)).toBeCloseTo(48.0, 12)
    expect(percentile([1, 2, 3, 4], 95)).toBeCloseTo(3.85, 12)
    expect(percentile([7], 95)).toBe(7)
  })

  it('uses the population standard deviation (ddof = 0)', () => {
    expect(populationSigma([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2)
    expect(populationSigma([5])).toBe(0)
  })
})

describe('detection', () => {
  it('never reports below the 50 ms floor, even when the statistics would', () => {
    const quiet = [...Array.from({ length: 50 }, (_, i) => 20 + (i % 3)), 49.9, 50]
    const result = detectSpikes(new Map([['tick_ms', series(quiet)]]), defaults)
    expect(result.p95Ms).toBeLessThan(50)
    expect(result.floorMs).toBe(50)
    expect(result.thresholdMs).toBe(50)
    // at or above the threshold: 50 is a spike, 49.9 is not
    expect(result.spikes.map((spike) => spike.valueMs)).toEqual([50])
  })

  it('raises the threshold to p95 + k·σ when that is above the floor', () => {
    const values = [...Array.from({ length: 95 }, (_, i) => 40 + (i % 10)), 120, 130, 140, 150, 400]
    const sorted = Float64Array.from(values).sort()
    const expected = percentile(sorted, 95) + 3 * populationSigma(values)
    const result = detectSpikes(new Map([['tick_ms', series(values)]]), defaults)
    expect(result.thresholdMs).toBeCloseTo(expected, 9)
    expect(result.thresholdMs).toBeGreaterThan(50)
    expect(result.spikes.map((spike) => spike.valueMs)).toEqual(values.filter((v) => v >= expected))
    expect(result.spikes.length).toBeGreaterThan(0)
  })

  it('honours sigma_mult and a higher floor from --threshold-ms', () => {
    const values = [10, 10, 10, 10, 90, 120]
    const zeroSigma = detectSpikes(new Map([['tick_ms', series(values)]]), {
      thresholdMs: 100,
      sigmaMult: 0
    })
    expect(zeroSigma.floorMs).toBe(100)
    expect(zeroSigma.thresholdMs).toBe(
      Math.max(100, percentile(Float64Array.from(values).sort(), 95))
    )
    expect(zeroSigma.spikes.map((spike) => spike.valueMs)).toEqual([120])
  })

  it('counts only non-null values in the statistics', () => {
    const result = detectSpikes(new Map([['tick_ms', series([20, NaN, 20, 20, 20, 20, 80])]]), flat)
    expect(result.samples).toBe(6)
    expect(result.spikes.map((spike) => spike.valueMs)).toEqual([80])
  })

  it('falls back through tick_ms, mspt_p99, mspt_p95, mspt_p50, mspt and says so', () => {
    const all = new Map([
      ['tick_ms', series([NaN, NaN])],
      ['mspt_p95', series([30, 90])],
      ['mspt', series([30, 300])]
    ])
    const result = detectSpikes(all, flat)
    expect(result.metric).toBe('mspt_p95')
    expect(result.notes.join('\n')).toMatch(/tick_ms, mspt_p99 absent: spikes detected on mspt_p95/)
    expect(
      detectSpikes(
        new Map([
          ['tick_ms', series([30])],
          ['mspt', series([30])]
        ]),
        flat
      ).metric
    ).toBe('tick_ms')
  })

  it('uses a forced metric and fails clearly when it has no values', () => {
    const all = new Map([
      ['tick_ms', series([30, 60])],
      ['mspt', series([30, 300])]
    ])
    expect(detectSpikes(all, { ...flat, metric: 'mspt' }).spikes.map((s) => s.valueMs)).toEqual([
      300
    ])
    expect(() => detectSpikes(all, { ...defaults, metric: 'mspt_p99' })).toThrow(MetricError)
    expect(() => detectSpikes(all, { ...defaults, metric: 'mspt_p99' })).toThrow(
      'metric "mspt_p99" has no values in this file (MSPT metrics present: tick_ms, mspt)'
    )
  })

  it('reports no spikes and a note when no MSPT metric exists (not an error)', () => {
    const result = detectSpikes(new Map(), defaults)
    expect(result.metric).toBeNull()
    expect(result.spikes).toEqual([])
    expect(result.notes[0]).toMatch(/no MSPT metric/)
  })

  it('gives a tick_ms row the window [ts, ts + dur_ns], else [ts, ts + value]', () => {
    const withDur = detectSpikes(
      new Map([['tick_ms', series([20, 200], { dur: [null, 180] })]]),
      flat
    )
    expect(withDur.spikes[0]).toMatchObject({ start: 50 * MS, end: 230 * MS })
    const fromValue = detectSpikes(new Map([['tick_ms', series([20, 200.5])]]), flat)
    expect(fromValue.spikes[0]).toMatchObject({ start: 50 * MS, end: 50 * MS + 200.5 * MS })
  })

  it('gives a window metric [ts, ts + dur_ns], else [previous row, ts], the first row an empty one', () => {
    const at = [0, 1000, 2000, 3000]
    const noDur = detectSpikes(new Map([['mspt_p95', series([300, 20, 20, 300], { at })]]), flat)
    expect(noDur.spikes.map(({ start, end }) => [start / MS, end / MS])).toEqual([
      [0, 0],
      [2000, 3000]
    ])
    const withDur = detectSpikes(
      new Map([['mspt', series([20, 20, 20, 300], { at, dur: [1000, 1000, 1000, 1000] })]]),
      flat
    )
    expect(withDur.spikes.map(({ start, end }) => [start / MS, end / MS])).toEqual([[3000, 4000]])
  })

  it('orders windows by time even when rows are not sorted', () => {
    const result = detectSpikes(
      new Map([['mspt_p99', series([300, 20, 20], { at: [3000, 1000, 2000] })]]),
      flat
    )
    expect(result.spikes.map(({ start, end }) => [start / MS, end / MS])).toEqual([[2000, 3000]])
  })
})

describe('the spread above p95', () => {
  // 600 ticks around 30 ms, three chunk loads of 80–95 ms, and one 2.4 s save-all
  const values = Array.from({ length: 600 }, (_, i) => 28 + (i % 7))
  values[100] = 80
  values[200] = 90
  values[300] = 95
  values[400] = 2400

  it('measured as σ, lets one huge spike hide the others (the contract’s rule)', () => {
    const detection = detectSpikes(new Map([['tick_ms', series(values)]]), defaults)
    expect(detection.spikes.map((spike) => spike.valueMs)).toEqual([2400])
  })

  it('measured by the median absolute deviation, keeps them (1.4826 × MAD, like numpy)', () => {
    const detection = detectSpikes(new Map([['tick_ms', series(values)]]), {
      ...defaults,
      spread: 'mad'
    })
    // median 31, MAD 2 → 2.9652; p95 = 34 → threshold max(50, 34 + 3 × 2.9652)
    expect(detection.sigmaMs).toBeCloseTo(2.9652, 10)
    expect(detection.thresholdMs).toBe(50)
    expect(detection.spikes.map((spike) => spike.valueMs)).toEqual([80, 90, 95, 2400])
  })
})
