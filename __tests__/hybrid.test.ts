/**
 * The RLE / bit-packed hybrid at the byte level, in the style of hyparquet's own encoding tests:
 * known bytes from the parquet specification, then seeded random runs decoded both by hybrid.ts
 * and by hyparquet's general decoder, which must agree.
 */
import { describe, expect, it } from '@jest/globals'
import { decodeHybrid, decodeHybridAt, readerOf, readPresence } from '../src/telemetry/hybrid.js'
import { readRleBitPackedHybrid } from '../src/telemetry/hyparquet-internals.js'
import { bitPackedRun, concat, rleRun } from './support/bytes.js'

function decode(bytes: Uint8Array, width: number, count: number): number[] {
  const out = new Int32Array(count)
  decodeHybrid(readerOf(bytes), width, out, bytes.length)
  return [...out]
}

/** A deterministic generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('the RLE / bit-packed hybrid', () => {
  it('decodes the bit-packed example of the parquet specification', () => {
    // 0..7 at bit width 3: 10001000 11000110 11111010
    const bytes = Uint8Array.of(0x03, 0x88, 0xc6, 0xfa)
    expect(decode(bytes, 3, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
  })

  it('decodes RLE runs of every byte width', () => {
    expect(decode(rleRun(5, 5, 3), 3, 5)).toEqual([5, 5, 5, 5, 5])
    expect(decode(rleRun(3, 0x1234, 13), 13, 3)).toEqual([0x1234, 0x1234, 0x1234])
    expect(decode(rleRun(2, 0x123456, 24), 24, 2)).toEqual([0x123456, 0x123456])
  })

  it('stops at the values wanted, in the middle of a run', () => {
    const bytes = concat(rleRun(10, 1, 2), bitPackedRun([0, 1, 2, 3, 3, 2, 1, 0], 2))
    expect(decode(bytes, 2, 13)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 2])
  })

  it('agrees with hyparquet on random runs of widths 1 to 24', () => {
    const next = random(7)
    for (let width = 1; width <= 24; width++) {
      const values: number[] = []
      const parts: Uint8Array[] = []
      for (let run = 0; run < 20; run++) {
        if (next() < 0.5) {
          const count = 1 + Math.floor(next() * 40)
          const value = Math.floor(next() * 2 ** width)
          parts.push(rleRun(count, value, width))
          values.push(...Array.from({ length: count }, () => value))
        } else {
          const group = Array.from({ length: 8 * (1 + Math.floor(next() * 4)) }, () =>
            Math.floor(next() * 2 ** width)
          )
          parts.push(bitPackedRun(group, width))
          values.push(...group)
        }
      }
      const bytes = concat(...parts)
      const ours = decode(bytes, width, values.length)
      const theirs = new Int32Array(values.length)
      readRleBitPackedHybrid(readerOf(bytes), width, theirs, bytes.length)
      expect(ours).toEqual(values)
      expect(ours).toEqual([...theirs])
      // and at chosen positions only
      const positions = Int32Array.from(values.map((_, i) => i).filter(() => next() < 0.3))
      const picked = new Int32Array(positions.length)
      decodeHybridAt(readerOf(bytes), width, bytes.length, positions, picked)
      expect([...picked]).toEqual([...positions].map((p) => values[p]))
    }
  })

  it('turns width-1 definition levels into a presence bitmap and a count', () => {
    // 3 present, 5 absent, then 1 0 1 1 0 0 0 1 bit-packed, then 4 present
    const bytes = concat(
      rleRun(3, 1, 1),
      rleRun(5, 0, 1),
      bitPackedRun([1, 0, 1, 1, 0, 0, 0, 1], 1),
      rleRun(4, 1, 1)
    )
    const { presence, present } = readPresence(readerOf(bytes), 20, bytes.length)
    expect(present).toBe(3 + 4 + 4)
    const bits = Array.from({ length: 20 }, (_, row) => (presence[row >> 3] >> (row & 7)) & 1)
    expect(bits).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1])
  })

  it('ignores bit-packed padding past the rows wanted', () => {
    const bytes = bitPackedRun([1, 1, 1, 1, 1, 1, 1, 1], 1)
    const { presence, present } = readPresence(readerOf(bytes), 5, bytes.length)
    expect(present).toBe(5)
    expect(presence[0]).toBe(0b11111)
  })
})
