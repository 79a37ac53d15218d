/**
 * A fast decoder for the column chunks of an events table. hyparquet's readers assemble every
 * value into a JS array (strings per row, BigInts, nulls), which costs tens of milliseconds per
 * 100k rows; here pages decode straight into typed arrays: numbers into a Float64Array, strings
 * into dictionary codes, frames lists into offsets + codes, and the definition levels of flat
 * columns into a presence bitmap (bit-packed levels already are one). Page headers,
 * decompression and plain decoding are hyparquet's own. Encodings not covered here raise
 * UnsupportedChunk, and the caller falls back to hyparquet's general reader for that chunk.
 */
import type { ColumnMetaData, Compressors, SchemaElement } from 'hyparquet'
import { parquetHeader } from 'hyparquet/src/column.js'
import { decompressPage } from 'hyparquet/src/datapage.js'
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js'
import { readPlain } from 'hyparquet/src/plain.js'
import { createInterner, type FramesColumn, type StringColumn } from './batch.js'
import { PAGE_LIMIT } from './codecs.js'

export class UnsupportedChunk extends Error {}

/**
 * The chunk's bytes contradict its own description (counts, sizes, dictionary indices): the file
 * is corrupt, or lies (docs/hostile-input.md). Its message says what, in words.
 */
export class CorruptChunk extends Error {}

const TWO_32 = 4294967296

/** What a chunk's values become. */
export type ChunkTarget =
  | { kind: 'number' }
  /** INT64 times as offsets from a base, `scale` nanoseconds per stored unit. */
  | { kind: 'time'; baseNs: bigint; scale: number }
  | { kind: 'string' }
  | { kind: 'frames-list' }
  | { kind: 'frames-joined' }

export interface ChunkSpec {
  bytes: Uint8Array
  rows: number
  meta: ColumnMetaData
  element: SchemaElement
  maxDefinition: number
  maxRepetition: number
  compressors: Compressors
  target: ChunkTarget
  /** The previous output of this column, overwritten when it fits (less garbage per group). */
  reuse?: DecodedChunk
  /** Rows of the group to keep (sorted); the output then has one entry per selected row. */
  select?: Int32Array
}

export type DecodedChunk = Float64Array | StringColumn | FramesColumn

const decoder = new TextDecoder()

interface Reader {
  view: DataView
  offset: number
}

function readerOf(bytes: Uint8Array): Reader {
  return { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 }
}

function bytesOf(reader: Reader): Uint8Array {
  const { view } = reader
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}

const widthOf = (maxLevel: number) => 32 - Math.clz32(maxLevel)

/** An unsigned LEB128 varint (a run header), as a double so no header overflows. */
function varint(bytes: Uint8Array, reader: Reader): number {
  let value = 0
  let scale = 1
  let byte: number
  do {
    byte = bytes[reader.offset++]
    value += (byte & 0x7f) * scale
    scale *= 128
  } while (byte & 0x80)
  return value
}

/**
 * The RLE / bit-packed hybrid (levels and dictionary indices) over raw bytes: a byte at a time
 * into a 32-bit buffer, runs as typed-array fills. Widths over 24 bits (dictionaries of more than
 * 16M entries) go to hyparquet's general decoder.
 */
function decodeHybrid(
  reader: Reader,
  width: number,
  out: Int32Array | Uint8Array,
  byteLength: number
): void {
  if (width > 24) {
    readRleBitPackedHybrid(reader, width, out, byteLength)
    return
  }
  const bytes = bytesOf(reader)
  const end = Math.min(reader.offset + byteLength, bytes.length)
  const mask = (1 << width) - 1
  const byteWidth = (width + 7) >> 3
  const count = out.length
  let seen = 0
  while (seen < count && reader.offset < end) {
    const header = varint(bytes, reader)
    if (header % 2 === 1) {
      const groups = (header - 1) / 2
      let pos = reader.offset
      const stop = pos + groups * width
      const values = Math.min(groups * 8, count - seen)
      let k = 0
      if (width <= 8) {
        // eight values fill exactly `width` bytes: two 32-bit words hold them all
        for (; k + 8 <= values; k += 8, pos += width) {
          let low = 0
          let high = 0
          for (let b = 0; b < width; b++) {
            if (b < 4) low |= bytes[pos + b] << (8 * b)
            else high |= bytes[pos + b] << (8 * (b - 4))
          }
          for (let v = 0, bit = 0; v < 8; v++, bit += width) {
            out[seen++] =
              (bit + width <= 32
                ? low >>> bit
                : bit >= 32
                  ? high >>> (bit - 32)
                  : (low >>> bit) | (high << (32 - bit))) & mask
          }
        }
      }
      let buffer = 0
      let bits = 0
      for (; k < values; k++) {
        while (bits < width) {
          buffer |= bytes[pos++] << bits
          bits += 8
        }
        out[seen++] = buffer & mask
        buffer >>>= width
        bits -= width
      }
      reader.offset = stop
    } else {
      let value = 0
      for (let i = 0; i < byteWidth; i++) value |= bytes[reader.offset++] << (8 * i)
      const stop = Math.min(count, seen + header / 2)
      out.fill(value, seen, stop)
      seen = stop
    }
  }
  reader.offset = end
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, byte) => {
  let bits = 0
  for (let b = byte; b; b >>= 1) bits += b & 1
  return bits
})

/**
 * Definition levels of a flat optional column (bit width 1) as a bitmap of present rows: a
 * bit-packed run is copied byte for byte, a run of ones is filled. Returns the bitmap and how
 * many rows are present.
 */
function readPresence(
  reader: Reader,
  count: number,
  byteLength: number
): { presence: Uint8Array; present: number } {
  const bytes = bytesOf(reader)
  const end = Math.min(reader.offset + byteLength, bytes.length)
  const presence = new Uint8Array((count + 7) >> 3)
  let seen = 0
  let present = 0
  while (seen < count && reader.offset < end) {
    const header = varint(bytes, reader)
    if (header % 2 === 1) {
      const groups = (header - 1) / 2
      const take = Math.min(groups, (count - seen + 7) >> 3)
      const shift = seen & 7
      let at = seen >> 3
      for (let k = 0; k < take; k++) {
        let byte = bytes[reader.offset + k]
        if ((k + 1) * 8 > count - seen) byte &= (1 << (count - seen - k * 8)) - 1
        present += POPCOUNT[byte]
        presence[at] |= (byte << shift) & 0xff
        if (shift) presence[at + 1] |= byte >> (8 - shift)
        at++
      }
      reader.offset += groups
      seen = Math.min(count, seen + groups * 8)
    } else {
      const run = Math.min(header / 2, count - seen)
      if (bytes[reader.offset++] & 1) {
        present += run
        let from = seen
        const to = seen + run
        while (from < to && from & 7) presence[from >> 3] |= 1 << (from++ & 7)
        const whole = (to - from) >> 3
        presence.fill(0xff, from >> 3, (from >> 3) + whole)
        from += whole * 8
        while (from < to) presence[from >> 3] |= 1 << (from++ & 7)
      }
      seen += run
    }
  }
  reader.offset = end
  return { presence, present }
}

/**
 * Dictionary indices at the given value positions only (sorted), without unpacking the others:
 * RLE runs give their value, bit-packed runs are read at `position × width` bits.
 */
function decodeHybridAt(
  reader: Reader,
  width: number,
  byteLength: number,
  positions: Int32Array,
  out: Int32Array
): void {
  if (width === 0) {
    out.fill(0)
    return
  }
  if (width > 24) {
    const all = new Int32Array(positions.length ? positions[positions.length - 1] + 1 : 0)
    readRleBitPackedHybrid({ ...reader }, width, all, byteLength)
    for (let k = 0; k < positions.length; k++) out[k] = all[positions[k]]
    return
  }
  const bytes = bytesOf(reader)
  const end = Math.min(reader.offset + byteLength, bytes.length)
  const mask = (1 << width) - 1
  const byteWidth = (width + 7) >> 3
  let pos = reader.offset
  let seen = 0
  let k = 0
  const cursor = { view: reader.view, offset: pos }
  while (k < positions.length && pos < end) {
    cursor.offset = pos
    const header = varint(bytes, cursor)
    pos = cursor.offset
    if (header % 2 === 1) {
      const groups = (header - 1) / 2
      const runEnd = seen + groups * 8
      while (k < positions.length && positions[k] < runEnd) {
        const bit = (positions[k] - seen) * width
        const at = pos + (bit >> 3)
        const word =
          bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)
        out[k++] = (word >>> (bit & 7)) & mask
      }
      pos += groups * width
      seen = runEnd
    } else {
      const run = header / 2
      let value = 0
      for (let i = 0; i < byteWidth; i++) value |= bytes[pos++] << (8 * i)
      while (k < positions.length && positions[k] < seen + run) out[k++] = value
      seen += run
    }
  }
}

/** A page's values: dictionary indices still encoded (decoded all or at positions), or plain. */
type ValueSource =
  | {
      kind: 'indices'
      reader: Reader
      width: number
      byteLength: number
      count: number
      /** Entries of the chunk's dictionary: every index must be below it. */
      dictionarySize: number
    }
  /** PLAIN INT64 read in place (pages are rarely 8-byte aligned: no copy to align them). */
  | { kind: 'int64'; view: DataView; offset: number; count: number }
  | { kind: 'plain'; values: ArrayLike<unknown> }

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
function allIndices(source: Extract<ValueSource, { kind: 'indices' }>): Int32Array {
  if (scratch.length < source.count) scratch = new Int32Array(source.count)
  const indices = scratch.subarray(0, source.count)
  if (source.width > 0) decodeHybrid({ ...source.reader }, source.width, indices, source.byteLength)
  else indices.fill(0)
  return checkIndices(indices, source.dictionarySize)
}

function indicesAt(
  source: Extract<ValueSource, { kind: 'indices' }>,
  positions: Int32Array
): Int32Array {
  const out = new Int32Array(positions.length)
  decodeHybridAt(source.reader, source.width, source.byteLength, positions, out)
  return checkIndices(out, source.dictionarySize)
}

/** One page's presence (flat) or levels (lists), and its values. */
interface PageValues {
  count: number
  /** Flat columns: a bit per row, set when present; undefined when every row is. */
  presence?: Uint8Array
  repetition?: Uint8Array
  definition?: Uint8Array
  present: number
  source: ValueSource
}

function readLevels(
  reader: Reader,
  count: number,
  maxLevel: number,
  byteLength: number
): Uint8Array {
  const levels = new Uint8Array(count)
  decodeHybrid(reader, widthOf(maxLevel), levels, byteLength)
  return levels
}

function levelLength(reader: Reader, given: number | undefined): number {
  if (given !== undefined) return given
  // data page v1: the levels carry their own 4-byte length
  const length = reader.view.getUint32(reader.offset, true)
  reader.offset += 4
  return length
}

interface Levels {
  presence?: Uint8Array
  present: number
  repetition?: Uint8Array
  definition?: Uint8Array
}

function readPageLevels(
  reader: Reader,
  spec: ChunkSpec,
  count: number,
  lengths?: { repetition: number; definition: number }
): Levels {
  if (spec.maxRepetition === 0) {
    if (spec.maxDefinition === 0) return { present: count }
    const length = levelLength(reader, lengths?.definition)
    return readPresence(reader, count, length)
  }
  const repetition = readLevels(
    reader,
    count,
    spec.maxRepetition,
    levelLength(reader, lengths?.repetition)
  )
  const definition = readLevels(
    reader,
    count,
    spec.maxDefinition,
    levelLength(reader, lengths?.definition)
  )
  let present = 0
  for (let i = 0; i < count; i++) if (definition[i] === spec.maxDefinition) present++
  return { repetition, definition, present }
}

/** The fewest bytes one PLAIN value of a physical type takes (a BYTE_ARRAY: its length). */
function plainWidth(type: string, typeLength: number | undefined): number {
  switch (type) {
    case 'BOOLEAN':
      return 0
    case 'INT32':
    case 'FLOAT':
    case 'BYTE_ARRAY':
      return 4
    case 'INT64':
    case 'DOUBLE':
      return 8
    case 'INT96':
      return 12
    default:
      return typeLength ?? 0
  }
}

/** `count` PLAIN values must fit in the bytes left, before anything is allocated for them. */
function checkPlainRoom(reader: Reader, type: string, count: number, spec: ChunkSpec): void {
  const needed = count * plainWidth(type, spec.element.type_length)
  const left = reader.view.byteLength - reader.offset
  if (needed > left) {
    throw new CorruptChunk(`a page holds ${left} bytes for ${count} ${type} values`)
  }
}

function readValues(
  reader: Reader,
  encoding: string,
  count: number,
  spec: ChunkSpec,
  end: number,
  dictionarySize: number
): ValueSource {
  const type = spec.meta.type
  if (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') {
    const width = count > 0 ? reader.view.getUint8(reader.offset++) : 0
    if (width > 32) throw new CorruptChunk(`dictionary index bit width ${width} (at most 32)`)
    return {
      kind: 'indices',
      reader: { ...reader },
      width,
      byteLength: end - reader.offset,
      count,
      dictionarySize
    }
  }
  const plainType = type !== 'BOOLEAN' && type !== 'INT96' && type !== 'FIXED_LEN_BYTE_ARRAY'
  if (encoding === 'PLAIN' && type === 'INT64') {
    checkPlainRoom(reader, type, count, spec)
    return { kind: 'int64', view: reader.view, offset: reader.offset, count }
  }
  if (encoding === 'PLAIN' && plainType) {
    checkPlainRoom(reader, type, count, spec)
    return { kind: 'plain', values: readPlain(reader, type, count, spec.element.type_length) }
  }
  throw new UnsupportedChunk(`${encoding} ${type}`)
}

type PageHeader = ReturnType<typeof parquetHeader>

function readPageHeader(reader: Reader): PageHeader {
  try {
    return parquetHeader(reader)
  } catch {
    throw new CorruptChunk(`unreadable page header at byte ${reader.offset} of the column chunk`)
  }
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0

/**
 * Checks every page header of a chunk against the chunk and against each other before anything
 * is decoded or allocated: page sizes inside the chunk and under PAGE_LIMIT, dictionary sizes
 * that fit their page, data page value counts that add up to the chunk's, and a chunk whose value
 * count matches its row count (one value, or null, per row of a flat column). Everything a
 * decoder later allocates is sized by counts checked here (docs/hostile-input.md).
 */
export function checkChunk(
  bytes: Uint8Array,
  meta: Pick<ColumnMetaData, 'num_values' | 'type'>,
  rows: number,
  maxRepetition: number,
  typeLength?: number
): void {
  const total = Number(meta.num_values)
  if (!isCount(total)) throw new CorruptChunk(`the column chunk claims ${meta.num_values} values`)
  if (maxRepetition === 0 && total !== rows) {
    throw new CorruptChunk(`the column chunk holds ${total} values for ${rows} rows`)
  }
  if (maxRepetition > 0 && total < rows) {
    throw new CorruptChunk(`the list column chunk holds ${total} values for ${rows} rows`)
  }
  const reader = readerOf(bytes)
  let seen = 0
  while (seen < total && reader.offset < bytes.length) {
    const header = readPageHeader(reader)
    const size = header.compressed_page_size
    const expanded = header.uncompressed_page_size
    if (!isCount(size) || reader.offset + size > bytes.length) {
      throw new CorruptChunk(
        `a page of ${size} bytes runs past the end of its column chunk (${bytes.length} bytes)`
      )
    }
    if (!isCount(expanded) || expanded > PAGE_LIMIT) {
      throw new CorruptChunk(`a page claims ${expanded} bytes uncompressed`)
    }
    reader.offset += size
    if (header.type === 'DICTIONARY_PAGE') {
      const count = header.dictionary_page_header?.num_values
      const width = plainWidth(meta.type, typeLength)
      if (!isCount(count) || count * width > expanded) {
        throw new CorruptChunk(`a dictionary page claims ${count} values in ${expanded} bytes`)
      }
    } else if (header.type === 'DATA_PAGE' || header.type === 'DATA_PAGE_V2') {
      const v2 = header.data_page_header_v2
      const count = (header.data_page_header ?? v2)?.num_values
      if (!isCount(count) || count > total - seen) {
        throw new CorruptChunk(
          `a data page claims ${count} values where the column chunk has ${total - seen} left`
        )
      }
      if (v2) {
        const levels = v2.definition_levels_byte_length + v2.repetition_levels_byte_length
        if (!isCount(levels) || levels > size) {
          throw new CorruptChunk(`a data page's levels claim ${levels} of its ${size} bytes`)
        }
      }
      seen += count
    }
  }
  if (seen < total) {
    throw new CorruptChunk(`the column chunk's pages hold ${seen} of the ${total} values it claims`)
  }
}

function* pages(spec: ChunkSpec): Generator<PageValues | { dictionary: ArrayLike<unknown> }> {
  const reader = readerOf(spec.bytes)
  const { codec } = spec.meta
  let valuesSeen = 0
  let dictionarySize = 0
  const total = Number(spec.meta.num_values)
  while (valuesSeen < total && reader.offset < spec.bytes.length) {
    const header = readPageHeader(reader)
    const size = header.compressed_page_size
    const compressed = spec.bytes.subarray(reader.offset, reader.offset + size)
    reader.offset += size
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompressPage(
        compressed,
        header.uncompressed_page_size,
        codec,
        spec.compressors
      )
      const count = header.dictionary_page_header?.num_values ?? 0
      dictionarySize = count
      yield {
        dictionary: readPlain(readerOf(page), spec.meta.type, count, spec.element.type_length)
      }
    } else if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header
      if (!daph) throw new UnsupportedChunk('data page without header')
      const page = decompressPage(
        compressed,
        header.uncompressed_page_size,
        codec,
        spec.compressors
      )
      const pageReader = readerOf(page)
      const levels = readPageLevels(pageReader, spec, daph.num_values)
      const source = readValues(
        pageReader,
        daph.encoding,
        levels.present,
        spec,
        page.length,
        dictionarySize
      )
      valuesSeen += daph.num_values
      yield { count: daph.num_values, ...levels, source }
    } else if (header.type === 'DATA_PAGE_V2') {
      const daph2 = header.data_page_header_v2
      if (!daph2) throw new UnsupportedChunk('data page v2 without header')
      const lengths = {
        repetition: daph2.repetition_levels_byte_length,
        definition: daph2.definition_levels_byte_length
      }
      const levels =
        daph2.num_nulls === 0 && spec.maxRepetition === 0
          ? { present: daph2.num_values }
          : readPageLevels(readerOf(compressed), spec, daph2.num_values, lengths)
      const levelBytes = lengths.repetition + lengths.definition
      let body = compressed.subarray(levelBytes)
      const bodySize = header.uncompressed_page_size - levelBytes
      if (daph2.is_compressed !== false && bodySize > 0) {
        body = decompressPage(body, bodySize, codec, spec.compressors)
      }
      const source = readValues(
        readerOf(body),
        daph2.encoding,
        levels.present,
        spec,
        body.length,
        dictionarySize
      )
      valuesSeen += daph2.num_values
      yield { count: daph2.num_values, ...levels, source }
    } else {
      throw new UnsupportedChunk(`page type ${header.type}`)
    }
  }
}

function int64Numbers(values: ArrayLike<unknown>, into?: Float64Array): Float64Array {
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
function timeOffsets(
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
function numbersOf(values: ArrayLike<unknown>, spec: ChunkSpec, into?: Float64Array): Float64Array {
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

function stringsOf(values: ArrayLike<unknown>): string[] {
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
function selectedValues(
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
function scatterNumbers(
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

function scatterCodes(
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
function int64Reader(spec: ChunkSpec): (view: DataView, at: number) => number {
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

function decodeNumbers(spec: ChunkSpec): Float64Array {
  const length = spec.select ? spec.select.length : spec.rows
  const out =
    spec.reuse instanceof Float64Array && spec.reuse.length === length
      ? spec.reuse
      : new Float64Array(length)
  out.fill(NaN)
  let dictionary: Float64Array | undefined
  let row = 0
  const cursor = { next: 0 }
  for (const page of pages(spec)) {
    if ('dictionary' in page) {
      dictionary = numbersOf(page.dictionary, spec)
      continue
    }
    if (page.source.kind === 'indices' && !dictionary) {
      throw new CorruptChunk('dictionary-encoded values without a dictionary page')
    }
    if (page.source.kind === 'int64') {
      const { view, offset } = page.source
      const read = int64Reader(spec)
      if (!spec.select && !page.presence) {
        for (let k = 0; k < page.count; k++) out[row + k] = read(view, offset + k * 8)
      } else if (!spec.select) {
        const presence = page.presence as Uint8Array
        let next = 0
        for (let b = 0; b < presence.length; b++) {
          const byte = presence[b]
          for (let k = 0; byte !== 0 && k < 8; k++) {
            if (byte & (1 << k)) out[row + b * 8 + k] = read(view, offset + next++ * 8)
          }
        }
      } else {
        const { targets, positions } = selectedValues(page, row, spec.select, cursor)
        for (let k = 0; k < targets.length; k++) {
          out[targets[k]] = read(view, offset + positions[k] * 8)
        }
      }
      row += page.count
      continue
    }
    if (!spec.select && !page.presence && page.source.kind === 'plain') {
      // every row present, plain values: converted straight into the output
      numbersOf(page.source.values, spec, out.subarray(row, row + page.count))
      row += page.count
      continue
    }
    if (!spec.select) {
      // every row: walk the presence bitmap, no per-row bookkeeping
      const values =
        page.source.kind === 'indices'
          ? (dictionary as Float64Array)
          : numbersOf(page.source.values, spec)
      const indices = page.source.kind === 'indices' ? allIndices(page.source) : undefined
      scatterNumbers(out, row, page, values, indices)
      row += page.count
      continue
    }
    const { targets, positions } = selectedValues(page, row, spec.select, cursor)
    if (page.source.kind === 'indices') {
      const values = dictionary as Float64Array
      const indices = indicesAt(page.source, positions)
      for (let k = 0; k < targets.length; k++) out[targets[k]] = values[indices[k]]
    } else {
      const values = numbersOf(page.source.values, spec)
      for (let k = 0; k < targets.length; k++) out[targets[k]] = values[positions[k]]
    }
    row += page.count
  }
  return out
}

function reusableCodes(spec: ChunkSpec, length: number): Int32Array {
  const previous = spec.reuse
  const codes =
    previous &&
    !(previous instanceof Float64Array) &&
    !('offsets' in previous) &&
    previous.codes.length === length
      ? previous.codes
      : new Int32Array(length)
  return codes.fill(-1)
}

function decodeStrings(spec: ChunkSpec): StringColumn {
  const codes = reusableCodes(spec, spec.select ? spec.select.length : spec.rows)
  let dictionary: string[] = []
  const interner = createInterner()
  let interned = false
  let row = 0
  const cursor = { next: 0 }
  for (const page of pages(spec)) {
    if ('dictionary' in page) {
      dictionary = stringsOf(page.dictionary)
      continue
    }
    if (!spec.select && page.source.kind === 'indices') {
      scatterCodes(codes, row, page, allIndices(page.source))
      row += page.count
      continue
    }
    const { targets, positions } = selectedValues(page, row, spec.select, cursor)
    if (page.source.kind === 'indices') {
      const indices = indicesAt(page.source, positions)
      for (let k = 0; k < targets.length; k++) codes[targets[k]] = indices[k]
    } else {
      if (!interned) {
        // plain pages after dictionary ones (a dictionary that grew too large): one dictionary
        for (const value of dictionary) interner.intern(value)
        interned = true
      }
      if (page.source.kind !== 'plain') throw new UnsupportedChunk('strings stored as INT64')
      const values = page.source.values
      for (let k = 0; k < targets.length; k++) {
        const value = values[positions[k]]
        codes[targets[k]] = interner.intern(
          value instanceof Uint8Array ? decoder.decode(value) : String(value)
        )
      }
    }
    row += page.count
  }
  return { codes, dictionary: interned ? interner.dictionary : dictionary }
}

function decodeFramesList(spec: ChunkSpec): FramesColumn {
  const { select } = spec
  const rows = select ? select.length : spec.rows
  const offsets = new Int32Array(rows + 1)
  const parts: Int32Array[] = []
  let used = 0
  let dictionary: string[] = []
  const interner = createInterner()
  let interned = false
  let row = -1
  let target = 0
  for (const page of pages(spec)) {
    if ('dictionary' in page) {
      dictionary = stringsOf(page.dictionary)
      continue
    }
    const { repetition, definition, count, source } = page
    if (!repetition || !definition) throw new UnsupportedChunk('frames list without levels')
    // which values (by position) belong to kept rows, and where each kept row starts
    const positions = new Int32Array(page.present)
    let wanted = 0
    let position = 0
    let keep = false
    for (let i = 0; i < count; i++) {
      if (repetition[i] === 0) {
        row++
        if (row >= spec.rows)
          throw new CorruptChunk('the list column has more rows than its row group')
        keep = select ? target < select.length && select[target] === row : true
        if (keep) offsets[target++] = used + wanted
      }
      if (definition[i] === spec.maxDefinition) {
        if (keep) positions[wanted++] = position
        position++
      }
    }
    const kept = positions.subarray(0, wanted)
    if (source.kind === 'indices') {
      // (a copy: the scratch buffer is reused by the next page)
      parts.push(select ? indicesAt(source, kept) : allIndices(source).slice(0, wanted))
    } else {
      if (source.kind !== 'plain') throw new UnsupportedChunk('frames stored as INT64')
      if (!interned) {
        for (const value of dictionary) interner.intern(value)
        interned = true
      }
      const strings = stringsOf(Array.from(kept, (p) => source.values[p]))
      parts.push(Int32Array.from(strings, (value) => interner.intern(value)))
    }
    used += wanted
  }
  while (target < rows) offsets[target++] = used
  offsets[rows] = used
  const codes = new Int32Array(used)
  let at = 0
  for (const part of parts) {
    codes.set(part, at)
    at += part.length
  }
  return { offsets, codes, dictionary: interned ? interner.dictionary : dictionary }
}

/** `;`-joined stacks: each distinct stack is split once, rows copy its frame codes. */
function decodeFramesJoined(spec: ChunkSpec): FramesColumn {
  const stacks = decodeStrings({ ...spec, reuse: undefined })
  const interner = createInterner()
  const split = stacks.dictionary.map((stack) =>
    Int32Array.from(stack === '' ? [] : stack.split(';').map((frame) => interner.intern(frame)))
  )
  const rows = stacks.codes.length
  const offsets = new Int32Array(rows + 1)
  let total = 0
  for (let row = 0; row < rows; row++) {
    const code = stacks.codes[row]
    total += code < 0 ? 0 : split[code].length
    offsets[row + 1] = total
  }
  const codes = new Int32Array(total)
  for (let row = 0; row < rows; row++) {
    const code = stacks.codes[row]
    if (code >= 0) codes.set(split[code], offsets[row])
  }
  return { offsets, codes, dictionary: interner.dictionary }
}

/**
 * Decodes one column chunk of `rows` rows (or only the `select`ed rows, in that order); throws
 * UnsupportedChunk for encodings not handled.
 */
export function decodeChunk(spec: ChunkSpec): DecodedChunk {
  checkChunk(spec.bytes, spec.meta, spec.rows, spec.maxRepetition, spec.element.type_length)
  const nested = spec.maxRepetition > 0 || spec.maxDefinition > 1
  switch (spec.target.kind) {
    case 'number':
    case 'time':
      if (nested) throw new UnsupportedChunk('nested number')
      return decodeNumbers(spec)
    case 'string':
      if (nested) throw new UnsupportedChunk('nested string')
      return decodeStrings(spec)
    case 'frames-joined':
      if (nested) throw new UnsupportedChunk('nested stack')
      return decodeFramesJoined(spec)
    case 'frames-list':
      if (spec.maxRepetition !== 1) throw new UnsupportedChunk('frames nested deeper than one list')
      return decodeFramesList(spec)
  }
}
