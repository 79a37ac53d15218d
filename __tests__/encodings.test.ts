/**
 * The fast reader's DELTA_*, BYTE_STREAM_SPLIT and byte-array decoders on hand-made pages: the
 * values they give, and pages that lie about their counts and lengths (docs/hostile-input.md).
 */
import { describe, expect, it } from '@jest/globals'
import {
  byteArrayCodes,
  ByteStrings,
  byteStreamSplit,
  deltaIntegers
} from '../src/telemetry/encodings.js'
import { readerOf } from '../src/telemetry/hybrid.js'
import { CorruptChunk, UnsupportedChunk } from '../src/telemetry/pages.js'
import { createInterner } from '../src/telemetry/batch.js'

const varint = (value: number): number[] => {
  const out: number[] = []
  do {
    out.push((value & 0x7f) | (value > 0x7f ? 0x80 : 0))
    value = Math.floor(value / 128)
  } while (value > 0)
  return out
}
const zigzag = (value: number) => varint(value < 0 ? -2 * value - 1 : 2 * value)

/** A DELTA_BINARY_PACKED header and one block of 4 miniblocks of 32 values, all 8 bits wide. */
function deltaPage(first: number, deltas: number[]): Uint8Array {
  const min = Math.min(...deltas)
  const packed = new Array<number>(128).fill(0)
  deltas.forEach((delta, k) => (packed[k] = delta - min))
  return Uint8Array.from([
    ...varint(128),
    ...varint(4),
    ...varint(deltas.length + 1),
    ...zigzag(first),
    ...zigzag(min),
    8,
    8,
    8,
    8,
    ...packed
  ])
}

describe('DELTA_BINARY_PACKED', () => {
  it('decodes integers, relative to a base', () => {
    const page = deltaPage(1000, [5, -3, 200, 0])
    expect(Array.from(deltaIntegers(readerOf(page), page.length, 5, 'INT64', 0n))).toEqual([
      1000, 1005, 1002, 1202, 1202
    ])
    expect(Array.from(deltaIntegers(readerOf(page), page.length, 5, 'INT64', 1000n))).toEqual([
      0, 5, 2, 202, 202
    ])
    expect(Array.from(deltaIntegers(readerOf(page), page.length, 5, 'INT32', 0n))).toEqual([
      1000, 1005, 1002, 1202, 1202
    ])
  })

  it('keeps nanosecond epochs exact through the base', () => {
    // 2^62 + 7: no double holds it, its offset from the base does
    const first = (1n << 62n) + 7n
    const bytes: number[] = []
    let z = first << 1n
    do {
      bytes.push(Number(z & 0x7fn) | (z > 0x7fn ? 0x80 : 0))
      z >>= 7n
    } while (z > 0n)
    const page = Uint8Array.from([
      ...varint(128),
      ...varint(4),
      ...varint(2),
      ...bytes,
      2,
      0,
      0,
      0,
      0
    ])
    const offsets = deltaIntegers(readerOf(page), page.length, 2, 'INT64', 1n << 62n)
    expect(Array.from(offsets)).toEqual([7, 8])
    // without the base the values leave a double's exact range: hyparquet's exact reader takes them
    expect(() => deltaIntegers(readerOf(page), page.length, 2, 'INT64', 0n)).toThrow(
      UnsupportedChunk
    )
  })

  it('refuses headers and blocks that lie', () => {
    const page = deltaPage(1, [1, 1, 1])
    // more values due than the header holds
    expect(() => deltaIntegers(readerOf(page), page.length, 9, 'INT64', 0n)).toThrow(CorruptChunk)
    // a block cut short
    expect(() => deltaIntegers(readerOf(page), 20, 4, 'INT64', 0n)).toThrow(CorruptChunk)
    // a block size that is not a multiple of 128
    const bad = Uint8Array.from([...varint(100), ...varint(4), ...varint(2), 2, 0])
    expect(() => deltaIntegers(readerOf(bad), bad.length, 2, 'INT64', 0n)).toThrow(CorruptChunk)
  })
})

describe('BYTE_STREAM_SPLIT', () => {
  it('gathers each value from its byte streams', () => {
    const values = [1.5, -2.25, 1e300]
    const plain = new Uint8Array(new Float64Array(values).buffer)
    const split = new Uint8Array(plain.length)
    for (let k = 0; k < 3; k++) for (let b = 0; b < 8; b++) split[b * 3 + k] = plain[k * 8 + b]
    const read = () => 0
    expect(Array.from(byteStreamSplit(readerOf(split), split.length, 3, 'DOUBLE', read))).toEqual(
      values
    )
    expect(() => byteStreamSplit(readerOf(split), split.length, 4, 'DOUBLE', read)).toThrow(
      CorruptChunk
    )
  })
})

describe('byte arrays', () => {
  const encoder = new TextEncoder()
  const strings = () => {
    const interner = createInterner()
    return { interner, table: new ByteStrings(interner.intern) }
  }

  it('give one code per distinct string, decoding each once', () => {
    const words = ['futex', 'write', 'futex', 'fsync', 'write', '']
    const parts = words.flatMap((word) => {
      const bytes = encoder.encode(word)
      return [bytes.length, 0, 0, 0, ...bytes]
    })
    const page = Uint8Array.from(parts)
    const { interner, table } = strings()
    const codes = byteArrayCodes(readerOf(page), page.length, words.length, 'PLAIN', table)
    expect(Array.from(codes, (code) => interner.dictionary[code])).toEqual(words)
    expect(interner.dictionary).toEqual(['futex', 'write', 'fsync', ''])
  })

  it('rebuild DELTA_BYTE_ARRAY values from the previous prefix', () => {
    // "pread64", "pread", "pwrite": prefixes 0, 5, 1; suffixes "pread64", "", "write"
    // one block; the unused miniblocks have a width but no body
    const lengths = (values: number[]) => {
      const deltas = values.slice(1).map((v, k) => v - values[k])
      const min = Math.min(...deltas)
      const packed = new Array<number>(32).fill(0)
      deltas.forEach((delta, k) => (packed[k] = delta - min))
      return [
        ...[...varint(128), ...varint(4), ...varint(values.length)],
        ...[...zigzag(values[0]), ...zigzag(min), 8, 0, 0, 0],
        ...packed
      ]
    }
    const page = Uint8Array.from([
      ...lengths([0, 5, 1]),
      ...lengths([7, 0, 5]),
      ...encoder.encode('pread64write')
    ])
    const { interner, table } = strings()
    const codes = byteArrayCodes(readerOf(page), page.length, 3, 'DELTA_BYTE_ARRAY', table)
    expect(Array.from(codes, (code) => interner.dictionary[code])).toEqual([
      'pread64',
      'pread',
      'pwrite'
    ])
    // a prefix longer than the previous value
    const lying = Uint8Array.from([
      ...lengths([0, 9, 1]),
      ...lengths([7, 0, 5]),
      ...encoder.encode('pread64write')
    ])
    expect(() =>
      byteArrayCodes(readerOf(lying), lying.length, 3, 'DELTA_BYTE_ARRAY', table)
    ).toThrow(/prefix of 9 bytes/)
  })

  it('refuse lengths past the page', () => {
    const page = Uint8Array.of(200, 0, 0, 0, 97, 98)
    const { table } = strings()
    expect(() => byteArrayCodes(readerOf(page), page.length, 1, 'PLAIN', table)).toThrow(
      CorruptChunk
    )
  })
})
