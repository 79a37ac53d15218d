/**
 * A column chunk's pages: their headers checked against the chunk before anything is decoded
 * (docs/hostile-input.md), then, page by page, the dictionary, the levels (a presence bitmap for a
 * flat column, level arrays for a list) and where the values are (dictionary indices still
 * encoded, PLAIN INT64 in place, other PLAIN values read by hyparquet).
 */
import type { ColumnMetaData, Compressors, SchemaElement } from 'hyparquet'
import type { FramesColumn, StringColumn } from './batch.js'
import { PAGE_LIMIT } from './codecs.js'
import { decodeHybrid, readPresence, readerOf, widthOf, type Reader } from './hybrid.js'
import { decompressPage, parquetHeader, readPlain } from './hyparquet-internals.js'
import type { ByteArrayEncoding } from './encodings.js'

/** An encoding or layout the fast reader does not decode: hyparquet's general reader does. */
export class UnsupportedChunk extends Error {}

/**
 * The chunk's bytes contradict its own description (counts, sizes, dictionary indices): the file
 * is corrupt, or lies (docs/hostile-input.md). Its message says what, in words.
 */
export class CorruptChunk extends Error {}

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

/** A page's values: dictionary indices still encoded (decoded all or at positions), or plain. */
export type ValueSource =
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
  /** PLAIN INT96 times read in place (12 bytes each). */
  | { kind: 'int96'; view: DataView; offset: number; count: number }
  | { kind: 'plain'; values: ArrayLike<unknown> }
  /** DELTA_BINARY_PACKED integers, decoded when wanted (encodings.ts). */
  | { kind: 'delta'; reader: Reader; end: number; count: number; type: 'INT32' | 'INT64' }
  /** BYTE_STREAM_SPLIT numbers, decoded when wanted (encodings.ts). */
  | { kind: 'split'; reader: Reader; end: number; count: number; type: string }
  /** Byte arrays (strings) of any of their encodings, decoded to codes when wanted. */
  | { kind: 'bytes'; reader: Reader; end: number; count: number; encoding: ByteArrayEncoding }

/** One page's presence (flat) or levels (lists), and its values. */
export interface PageValues {
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
  if (encoding === 'DELTA_BINARY_PACKED' && (type === 'INT32' || type === 'INT64')) {
    return { kind: 'delta', reader: { ...reader }, end, count, type }
  }
  if (encoding === 'BYTE_STREAM_SPLIT') {
    return { kind: 'split', reader: { ...reader }, end, count, type }
  }
  if (
    type === 'BYTE_ARRAY' &&
    (encoding === 'PLAIN' ||
      encoding === 'DELTA_LENGTH_BYTE_ARRAY' ||
      encoding === 'DELTA_BYTE_ARRAY')
  ) {
    checkPlainRoom(reader, type, encoding === 'PLAIN' ? count : 0, spec)
    return { kind: 'bytes', reader: { ...reader }, end, count, encoding }
  }
  const plainType = type !== 'BOOLEAN' && type !== 'INT96' && type !== 'FIXED_LEN_BYTE_ARRAY'
  if (encoding === 'PLAIN' && type === 'INT64') {
    checkPlainRoom(reader, type, count, spec)
    return { kind: 'int64', view: reader.view, offset: reader.offset, count }
  }
  if (encoding === 'PLAIN' && type === 'INT96') {
    if (spec.target.kind !== 'time') throw new UnsupportedChunk('INT96 that is not a time')
    checkPlainRoom(reader, type, count, spec)
    return { kind: 'int96', view: reader.view, offset: reader.offset, count }
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

/**
 * A dictionary page's values; INT96 times (legacy Spark timestamps) already as nanosecond
 * offsets from the file's base, since hyparquet's PLAIN reader gives them as raw 96-bit integers.
 */
function readDictionary(page: Uint8Array, spec: ChunkSpec, count: number): ArrayLike<unknown> {
  if (spec.meta.type !== 'INT96') {
    return readPlain(readerOf(page), spec.meta.type, count, spec.element.type_length)
  }
  const { target } = spec
  if (target.kind !== 'time') throw new UnsupportedChunk('INT96 that is not a time')
  const reader = readerOf(page)
  checkPlainRoom(reader, 'INT96', count, spec)
  const read = int96Reader(target.baseNs)
  const out = new Float64Array(count)
  for (let k = 0; k < count; k++) out[k] = read(reader.view, k * 12)
  return out
}

const JULIAN_UNIX_EPOCH = 2_440_588
const DAY_NS = 86_400_000_000_000n

/**
 * An INT96 time (nanoseconds of the day, a signed 8-byte integer as Arrow reads it, then the
 * Julian day, 4 bytes, little-endian) as a nanosecond offset from `baseNs`: exact while the offset
 * is under 2^53 (104 days), without a BigInt per value.
 */
export function int96Reader(baseNs: bigint): (view: DataView, at: number) => number {
  const baseDays = baseNs >= 0n ? baseNs / DAY_NS : -((-baseNs + DAY_NS - 1n) / DAY_NS)
  const baseNanos = Number(baseNs - baseDays * DAY_NS)
  const dayOffset = JULIAN_UNIX_EPOCH + Number(baseDays)
  return (view, at) =>
    (view.getInt32(at + 8, true) - dayOffset) * 86_400_000_000_000 +
    (view.getInt32(at + 4, true) * 4294967296 + view.getUint32(at, true) - baseNanos)
}

/** Below this a page's buffer is not worth releasing by hand (and may share Node's buffer pool). */
const RELEASE_FROM = 64 * 1024

/**
 * Frees a decompressed data page's memory at once, once its values have been read: a page is
 * decoded into the column's own arrays before the next is asked for, and nothing keeps a view of
 * it (dictionary pages are kept: their values may be views). Left to the garbage collector, the
 * pages of one row group (8 MB each in DuckDB's 1M-row groups) piled up outside the heap until
 * the next collection and made the peak RSS (docs/performance.md). Only a buffer the decompressor
 * made for this page is released, never the chunk's own bytes (an uncompressed page is a view of
 * them); where the runtime cannot detach a buffer (no `ArrayBuffer.prototype.transfer` before
 * Node 21, or a pooled buffer), the collector frees it as before.
 */
function release(page: Uint8Array, chunk: Uint8Array): void {
  const { buffer } = page
  if (buffer === chunk.buffer || buffer.byteLength < RELEASE_FROM || page.byteOffset !== 0) return
  const detachable = buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }
  try {
    detachable.transfer?.(0)
  } catch {
    // not detachable: left to the collector
  }
}

export function* pages(
  spec: ChunkSpec
): Generator<PageValues | { dictionary: ArrayLike<unknown> }> {
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
      yield { dictionary: readDictionary(page, spec, count) }
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
      release(page, spec.bytes)
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
      release(body, spec.bytes)
    } else {
      throw new UnsupportedChunk(`page type ${header.type}`)
    }
  }
}
