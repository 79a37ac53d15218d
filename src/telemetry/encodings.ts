/**
 * The value encodings other writers use besides PLAIN and dictionaries (pyarrow and arrow-rs with
 * data page v2, DuckDB's PARQUET_VERSION v2, parquet-mr), decoded straight into the fast reader's
 * outputs without a BigInt or a JS string per value:
 *
 * - DELTA_BINARY_PACKED integers become doubles relative to a base (a time column's base, so
 *   nanosecond epochs stay exact); a page whose values leave the exact range of a double (2^53)
 *   is handed to hyparquet's exact reader instead.
 * - BYTE_STREAM_SPLIT floats and integers are gathered byte by byte.
 * - Byte arrays (PLAIN, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY) become codes of distinct
 *   strings: each distinct byte string is decoded to text once, found again by a hash of its bytes.
 *
 * Every count, length and offset is checked against the page before it is used: a page that
 * claims more than its bytes hold is corrupt (docs/hostile-input.md).
 */
import type { Reader } from './hybrid.js'
import { bytesOf } from './hybrid.js'
import { CorruptChunk, UnsupportedChunk } from './pages.js'

const TWO_32 = 4294967296
const EXACT = 2 ** 53

/** An unsigned LEB128 varint of up to 64 bits, as a double (exact below 2^53). */
function varint(bytes: Uint8Array, reader: Reader, end: number): number {
  let value = 0
  let scale = 1
  for (let i = 0; i < 10; i++) {
    if (reader.offset >= end) throw new CorruptChunk('a delta header runs past its page')
    const byte = bytes[reader.offset++]
    value += (byte & 0x7f) * scale
    if ((byte & 0x80) === 0) return value
    scale *= 128
  }
  throw new CorruptChunk('a delta header holds a varint longer than 64 bits')
}

/** A zigzag varint of up to 64 bits, exactly, as a BigInt (read once per page or block). */
function zigzag(bytes: Uint8Array, reader: Reader, end: number): bigint {
  let value = 0n
  let shift = 0n
  for (let i = 0; i < 10; i++) {
    if (reader.offset >= end) throw new CorruptChunk('a delta header runs past its page')
    const byte = bytes[reader.offset++]
    value |= BigInt(byte & 0x7f) << shift
    if ((byte & 0x80) === 0) return (value >> 1n) ^ -(value & 1n)
    shift += 7n
  }
  throw new CorruptChunk('a delta header holds a varint longer than 64 bits')
}

/**
 * DELTA_BINARY_PACKED: `count` integers as doubles minus `base` (INT32 values wrap as 32-bit
 * integers do). Throws UnsupportedChunk when a value leaves the exact range of a double, so the
 * caller hands the chunk to hyparquet's exact reader.
 */
export function deltaIntegers(
  reader: Reader,
  end: number,
  count: number,
  type: 'INT32' | 'INT64',
  base: bigint,
  out = new Float64Array(count)
): Float64Array {
  const bytes = bytesOf(reader)
  end = Math.min(end, bytes.length)
  if (count === 0 && reader.offset >= end) return out
  const blockSize = varint(bytes, reader, end)
  const miniblocks = varint(bytes, reader, end)
  const total = varint(bytes, reader, end)
  const perMiniblock = blockSize / miniblocks
  if (
    !(blockSize > 0 && blockSize % 128 === 0 && miniblocks > 0 && blockSize <= 1 << 20) ||
    !Number.isInteger(perMiniblock) ||
    perMiniblock % 32 !== 0
  ) {
    throw new CorruptChunk(`a delta header claims blocks of ${blockSize} in ${miniblocks} parts`)
  }
  if (total < count) {
    throw new CorruptChunk(`a delta-encoded page holds ${total} values where ${count} are due`)
  }
  // the header always holds a first value, even for no value at all
  if (count === 0 && reader.offset >= end) return out
  const first = zigzag(bytes, reader, end)
  if (count === 0) return out
  const int32 = type === 'INT32'
  let value = int32 ? Number(BigInt.asIntN(32, first)) : Number(first - base)
  if (!int32 && !(Math.abs(value) < EXACT)) throw new UnsupportedChunk('deltas beyond 2^53')
  out[0] = int32 ? value - Number(base) : value
  let seen = 1
  while (seen < count) {
    const minDelta = zigzag(bytes, reader, end)
    const min = int32 ? Number(BigInt.asIntN(32, minDelta)) : Number(minDelta)
    if (!int32 && !(Math.abs(min) < EXACT)) throw new UnsupportedChunk('deltas beyond 2^53')
    const widths = reader.offset
    if (widths + miniblocks > end) throw new CorruptChunk('a delta block runs past its page')
    let at = widths + miniblocks
    for (let m = 0; m < miniblocks && seen < count; m++) {
      const width = bytes[widths + m]
      if (width > 64) throw new CorruptChunk(`a delta miniblock of ${width}-bit values`)
      const size = (perMiniblock * width) / 8
      if (at + size > end) throw new CorruptChunk('a delta miniblock runs past its page')
      const take = Math.min(perMiniblock, count - seen)
      if (width > 53) throw new UnsupportedChunk('deltas beyond 2^53')
      let bit = at * 8
      for (let k = 0; k < take; k++, bit += width) {
        // the packed value, least significant bits first, read a byte at a time
        let packed = 0
        let scale = 1
        let got = 0
        let pos = bit >>> 3
        let shift = bit & 7
        while (got < width) {
          const bits = Math.min(8 - shift, width - got)
          packed += ((bytes[pos] >>> shift) & ((1 << bits) - 1)) * scale
          scale *= 1 << bits
          got += bits
          shift = 0
          pos++
        }
        if (int32) {
          // modulo 2^32, as the writer's 32-bit arithmetic wrapped
          value = (value + min + (packed % TWO_32)) | 0
          out[seen++] = value - Number(base)
        } else {
          const delta = min + packed
          value += delta
          if (!(Math.abs(delta) < EXACT && Math.abs(value) < EXACT)) {
            throw new UnsupportedChunk('deltas beyond 2^53')
          }
          out[seen++] = value
        }
      }
      at += size
    }
    reader.offset = at
  }
  return out
}

/**
 * BYTE_STREAM_SPLIT: value k's byte b is at `b × count + k`. Gives the values as numbers:
 * FLOAT and DOUBLE as they are, INT32 and INT64 through `int64` (the caller's reader, which
 * offsets times from the base).
 */
export function byteStreamSplit(
  reader: Reader,
  end: number,
  count: number,
  type: string,
  int64: (view: DataView, at: number) => number
): Float64Array {
  const width =
    type === 'DOUBLE' || type === 'INT64' ? 8 : type === 'FLOAT' || type === 'INT32' ? 4 : 0
  if (width === 0) throw new UnsupportedChunk(`BYTE_STREAM_SPLIT ${type}`)
  const bytes = bytesOf(reader)
  const start = reader.offset
  if (start + count * width > Math.min(end, bytes.length)) {
    throw new CorruptChunk(`a page holds ${end - start} bytes for ${count} ${type} values`)
  }
  const scratch = new Uint8Array(8)
  const view = new DataView(scratch.buffer)
  const out = new Float64Array(count)
  for (let k = 0; k < count; k++) {
    for (let b = 0; b < width; b++) scratch[b] = bytes[start + b * count + k]
    out[k] =
      type === 'DOUBLE'
        ? view.getFloat64(0, true)
        : type === 'FLOAT'
          ? view.getFloat32(0, true)
          : type === 'INT32'
            ? view.getInt32(0, true)
            : int64(view, 0)
  }
  reader.offset = start + count * width
  return out
}

const decoder = new TextDecoder()

/**
 * Distinct byte strings → codes of one string interner: a value's bytes are hashed (FNV-1a) and
 * compared with the strings already seen; only a new one is decoded to text.
 */
export class ByteStrings {
  private slots = new Int32Array(256).fill(-1)
  private hashes: number[] = []
  private starts: number[] = []
  private lengths: number[] = []
  private codes: number[] = []
  private arena = new Uint8Array(4096)
  private used = 0

  constructor(private readonly intern: (value: string) => number) {}

  code(bytes: Uint8Array, start: number, end: number): number {
    let hash = 0x811c9dc5
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193)
    const mask = this.slots.length - 1
    let slot = hash & mask
    const length = end - start
    for (;;) {
      const entry = this.slots[slot]
      if (entry < 0) break
      if (this.hashes[entry] === hash && this.lengths[entry] === length) {
        const at = this.starts[entry]
        let same = true
        for (let i = 0; i < length; i++) {
          if (this.arena[at + i] !== bytes[start + i]) {
            same = false
            break
          }
        }
        if (same) return this.codes[entry]
      }
      slot = (slot + 1) & mask
    }
    const value = bytes.subarray(start, end)
    const code = this.intern(decoder.decode(value))
    if (this.used + length > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.used + length))
      grown.set(this.arena.subarray(0, this.used))
      this.arena = grown
    }
    this.arena.set(value, this.used)
    const entry = this.codes.length
    this.hashes.push(hash)
    this.starts.push(this.used)
    this.lengths.push(length)
    this.codes.push(code)
    this.used += length
    this.slots[slot] = entry
    if (this.codes.length * 2 > this.slots.length) this.rehash()
    return code
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1)
    const mask = slots.length - 1
    for (let entry = 0; entry < this.codes.length; entry++) {
      let slot = this.hashes[entry] & mask
      while (slots[slot] >= 0) slot = (slot + 1) & mask
      slots[slot] = entry
    }
    this.slots = slots
  }
}

export type ByteArrayEncoding = 'PLAIN' | 'DELTA_LENGTH_BYTE_ARRAY' | 'DELTA_BYTE_ARRAY'

/** Lengths (DELTA_BINARY_PACKED INT32) that must be counts. */
function lengthsOf(reader: Reader, end: number, count: number): Float64Array {
  const lengths = deltaIntegers(reader, end, count, 'INT32', 0n)
  for (let k = 0; k < count; k++) {
    if (lengths[k] < 0) throw new CorruptChunk(`a byte array of length ${lengths[k]}`)
  }
  return lengths
}

/**
 * `count` byte arrays of a page as codes of `strings`, one per value, in order. DELTA_BYTE_ARRAY
 * rebuilds each value from the previous one's prefix; the value is rebuilt in one buffer, never
 * kept, so memory follows the page, whatever prefix lengths it claims.
 */
export function byteArrayCodes(
  reader: Reader,
  end: number,
  count: number,
  encoding: ByteArrayEncoding,
  strings: ByteStrings,
  /** Only these values (sorted positions), one code each: the others are skipped, not decoded. */
  positions?: Int32Array
): Int32Array {
  const bytes = bytesOf(reader)
  end = Math.min(end, bytes.length)
  const codes = new Int32Array(positions ? positions.length : count)
  // the value at position k is wanted: its output slot, or -1
  let next = 0
  const slot = positions
    ? (k: number) => (next < positions.length && positions[next] === k ? next++ : -1)
    : (k: number) => k
  if (encoding === 'PLAIN') {
    let at = reader.offset
    for (let k = 0; k < count; k++) {
      if (at + 4 > end) throw new CorruptChunk(`a page holds ${k} of its ${count} byte arrays`)
      const length =
        bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)
      at += 4
      if (length < 0 || at + length > end) {
        throw new CorruptChunk(`a byte array of ${length} bytes runs past its page`)
      }
      const out = slot(k)
      if (out >= 0) codes[out] = strings.code(bytes, at, at + length)
      at += length
    }
    reader.offset = at
    return codes
  }
  if (encoding === 'DELTA_LENGTH_BYTE_ARRAY') {
    const lengths = lengthsOf(reader, end, count)
    let at = reader.offset
    for (let k = 0; k < count; k++) {
      const length = lengths[k]
      if (at + length > end) throw new CorruptChunk('a byte array runs past its page')
      const out = slot(k)
      if (out >= 0) codes[out] = strings.code(bytes, at, at + length)
      at += length
    }
    reader.offset = at
    return codes
  }
  const prefixes = lengthsOf(reader, end, count)
  const suffixes = lengthsOf(reader, end, count)
  let at = reader.offset
  let value = new Uint8Array(256)
  let previous = 0
  for (let k = 0; k < count; k++) {
    const prefix = prefixes[k]
    const suffix = suffixes[k]
    if (prefix > previous) {
      throw new CorruptChunk(`a prefix of ${prefix} bytes of a ${previous}-byte value`)
    }
    if (at + suffix > end) throw new CorruptChunk('a byte array suffix runs past its page')
    const length = prefix + suffix
    if (length > value.length) {
      const grown = new Uint8Array(Math.max(length, value.length * 2))
      grown.set(value.subarray(0, prefix))
      value = grown
    }
    value.set(bytes.subarray(at, at + suffix), prefix)
    at += suffix
    const out = slot(k)
    if (out >= 0) codes[out] = strings.code(value, 0, length)
    previous = length
  }
  reader.offset = at
  return codes
}
