/**
 * A page's values into the typed outputs: dictionary indices checked against the dictionary,
 * INT64 as doubles or as nanosecond offsets from the file's base (exact, without a BigInt per
 * value), strings decoded once per dictionary entry, and values scattered to the rows the
 * presence bitmap marks or picked for selected rows only.
 */
import type { ChunkSpec, PageValues, ValueSource } from './pages.js'
import { CorruptChunk, UnsupportedChunk } from './pages.js'
import { decodeHybridAt, decodeHybrid, POPCOUNT } from './hybrid.js'

const TWO_32 = 4294967296

const decoder = new TextDecoder()

/** Scratch space for a page's dictionary indices, reused page after page (decoding is sync). */
let scratch = new Int32Array(0)

/** An index outside the dictionary would make a value out of nothing: the chunk is corrupt. */
function checkIndices(indices: Int32Array, dictionarySize: number): Int32Array {
  let largest = -1
  let smallest = 0
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]
    if (index > largest) largest = index
    if (index < smallest) smallest = index
  }
  if (largest >= dictionarySize || smallest < 0) {
    const bad = smallest < 0 ? smallest >>> 0 : largest
    throw new CorruptChunk(
      dictionarySize === 0
        ? 'dictionary-encoded values without a dictionary page'
        : `dictionary index ${bad} out of range (the dictionary holds ${dictionarySize} values)`
    )
  }
  return indices
}

/** Every dictionary index of a page, in a buffer valid until the next call. */
export function allIndices(source: Extract<ValueSource, { kind: 'indices' }>): Int32Array {
  if (scratch.length < source.count) scratch = new Int32Array(source.count)
  const indices = scratch.subarray(0, source.count)
  if (source.width > 0) decodeHybrid({ ...source.reader }, source.width, indices, source.byteLength)
  else indices.fill(0)
  return checkIndices(indices, source.dictionarySize)
}

export function indicesAt(
  source: Extract<ValueSource, { kind: 'indices' }>,
  positions: Int32Array
): Int32Array {
  const out = new Int32Array(positions.length)
  decodeHybridAt(source.reader, source.width, source.byteLength, positions, out)
  return checkIndices(out, source.dictionarySize)
}

export function int64Numbers(values: ArrayLike<unknown>, into?: Float64Array): Float64Array {
  const out = into ?? new Float64Array(values.length)
  if (values instanceof BigInt64Array) {
    // two 32-bit halves: no BigInt per value
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2)
    for (let i = 0; i < values.length; i++)
      out[i] = words[2 * i + 1] * TWO_32 + (words[2 * i] >>> 0)
  } else {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i] as bigint | number)
  }
  return out
}

/** INT64 units → nanosecond offsets from the base, exact while the offset is under 2^53. */
export function timeOffsets(
  values: ArrayLike<unknown>,
  baseNs: bigint,
  scale: number,
  into?: Float64Array
): Float64Array {
  const out = into ?? new Float64Array(values.length)
  const base = baseNs / BigInt(scale)
  const remainder = Number(baseNs - base * BigInt(scale))
  const baseHigh = Number(BigInt.asIntN(64, base) >> 32n)
  const baseLow = Number(BigInt.asUintN(32, base))
  if (values instanceof BigInt64Array) {
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2)
    for (let i = 0; i < values.length; i++) {
      const units = (words[2 * i + 1] - baseHigh) * TWO_32 + ((words[2 * i] >>> 0) - baseLow)
      out[i] = units * scale - remainder
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      out[i] = Number(BigInt(values[i] as bigint) * BigInt(scale) - baseNs)
    }
  }
  return out
}

/** Plain values as numbers, written into `into` (of the same length) when given. */
export function numbersOf(
  values: ArrayLike<unknown>,
  spec: ChunkSpec,
  into?: Float64Array
): Float64Array {
  // an all-null page's values: hyparquet gives a plain empty array
  if (values.length === 0) return into ?? new Float64Array(0)
  const { target } = spec
  if (target.kind === 'time') return timeOffsets(values, target.baseNs, target.scale, into)
  if (
    values instanceof Float64Array ||
    values instanceof Float32Array ||
    values instanceof Int32Array
  ) {
    if (!into) return values instanceof Float64Array ? values : Float64Array.from(values)
    into.set(values)
    return into
  }
  if (spec.meta.type === 'INT64') return int64Numbers(values, into)
  throw new UnsupportedChunk(`numbers from ${spec.meta.type}`)
}

export function stringsOf(values: ArrayLike<unknown>): string[] {
  const out = new Array<string>(values.length)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    out[i] = value instanceof Uint8Array ? decoder.decode(value) : String(value)
  }
  return out
}

/**
 * Which of a flat page's rows the output keeps and where their values are: `targets` are output
 * positions, `positions` the value indices (present rows only, in order). Without a selection
 * every row of the page is kept.
 */
export function selectedValues(
  page: PageValues,
  firstRow: number,
  select: Int32Array | undefined,
  cursor: { next: number }
): { targets: Int32Array; positions: Int32Array } {
  const { presence, count } = page
  const end = firstRow + count
  const from = cursor.next
  if (select) while (cursor.next < select.length && select[cursor.next] < end) cursor.next++
  else cursor.next += count
  const rows = cursor.next - from
  const targets = new Int32Array(rows)
  const positions = new Int32Array(rows)
  let kept = 0
  let byte = 0
  let before = 0
  for (let t = 0; t < rows; t++) {
    const local = (select ? select[from + t] : firstRow + t) - firstRow
    let position = local
    if (presence) {
      const b = local >> 3
      while (byte < b) before += POPCOUNT[presence[byte++]]
      const bits = presence[b]
      const bit = local & 7
      if ((bits & (1 << bit)) === 0) continue
      position = before + POPCOUNT[bits & ((1 << bit) - 1)]
    }
    targets[kept] = from + t
    positions[kept++] = position
  }
  return { targets: targets.subarray(0, kept), positions: positions.subarray(0, kept) }
}

/**
 * Copies a page's values into every row its presence bitmap marks (all rows without one),
 * skipping whole absent bytes (eight rows) at once: `values[k]`, or with indices
 * `values[indices[k]]`. Two monomorphic copies (numbers, codes) keep V8's loops fast.
 */
export function scatterNumbers(
  out: Float64Array,
  firstRow: number,
  page: PageValues,
  values: Float64Array,
  indices: Int32Array | undefined
): void {
  const { presence, count } = page
  if (!presence) {
    if (indices) for (let k = 0; k < count; k++) out[firstRow + k] = values[indices[k]]
    else out.set(values.subarray(0, count), firstRow)
    return
  }
  let next = 0
  for (let b = 0; b < presence.length; b++) {
    const byte = presence[b]
    if (byte === 0) continue
    const row = firstRow + b * 8
    for (let k = 0; k < 8; k++) {
      if (byte & (1 << k)) out[row + k] = values[indices ? indices[next++] : next++]
    }
  }
}

export function scatterCodes(
  out: Int32Array,
  firstRow: number,
  page: PageValues,
  codes: Int32Array
): void {
  const { presence, count } = page
  if (!presence) {
    out.set(codes.subarray(0, count), firstRow)
    return
  }
  let next = 0
  for (let b = 0; b < presence.length; b++) {
    const byte = presence[b]
    if (byte === 0) continue
    const row = firstRow + b * 8
    if (byte === 0xff) {
      for (let k = 0; k < 8; k++) out[row + k] = codes[next++]
    } else {
      for (let k = 0; k < 8; k++) if (byte & (1 << k)) out[row + k] = codes[next++]
    }
  }
}

/** INT64 value `index` of a page as a number: a time offset from the base, or the integer. */
export function int64Reader(spec: ChunkSpec): (view: DataView, at: number) => number {
  const { target } = spec
  if (target.kind !== 'time') {
    return (view, at) => view.getInt32(at + 4, true) * TWO_32 + view.getUint32(at, true)
  }
  const { baseNs, scale } = target
  const base = baseNs / BigInt(scale)
  const remainder = Number(baseNs - base * BigInt(scale))
  const baseHigh = Number(BigInt.asIntN(64, base) >> 32n)
  const baseLow = Number(BigInt.asUintN(32, base))
  return (view, at) =>
    ((view.getInt32(at + 4, true) - baseHigh) * TWO_32 + (view.getUint32(at, true) - baseLow)) *
      scale -
    remainder
}
