/**
 * A parquet file taken apart into its footer and every page (header + body), so a case can change
 * any field and write the file back with every offset consistent again: column chunk
 * `data_page_offset`, `dictionary_page_offset`, `total_compressed_size`,
 * `total_uncompressed_size`, the row group's `file_offset` and `total_compressed_size`, the offset
 * index page locations and the footer length. A reader of the rewritten file finds a structurally
 * sound file and goes on to trust whatever lie a case put into it.
 *
 * Field numbers are parquet.thrift's (apache/parquet-format).
 */
import { snappyUncompress } from 'hyparquet'
import { snappyCompress } from 'hyparquet-writer/src/snappy.js'
import { gunzipSync, gzipSync } from 'node:zlib'
import {
  assertRoundTrip,
  decodeStruct,
  encodeStruct,
  getI32,
  getI64,
  getList,
  getStruct,
  getStructList,
  has,
  setField,
  setI32,
  setI64,
  type ThriftStruct
} from './thrift.js'

/** FileMetaData fields. */
export const FILE = { schema: 2, numRows: 3, rowGroups: 4 } as const
/** RowGroup fields. */
export const ROW_GROUP = {
  columns: 1,
  totalByteSize: 2,
  numRows: 3,
  fileOffset: 5,
  totalCompressedSize: 6
} as const
/** ColumnChunk fields. */
export const CHUNK = {
  fileOffset: 2,
  metaData: 3,
  offsetIndexOffset: 4,
  offsetIndexLength: 5,
  columnIndexOffset: 6,
  columnIndexLength: 7
} as const
/** ColumnMetaData fields. */
export const COLUMN = {
  type: 1,
  pathInSchema: 3,
  codec: 4,
  numValues: 5,
  totalUncompressedSize: 6,
  totalCompressedSize: 7,
  dataPageOffset: 9,
  indexPageOffset: 10,
  dictionaryPageOffset: 11,
  bloomFilterOffset: 14,
  bloomFilterLength: 15
} as const
/** PageHeader fields. */
export const PAGE = {
  type: 1,
  uncompressedSize: 2,
  compressedSize: 3,
  crc: 4,
  dataHeader: 5,
  dictionaryHeader: 7,
  dataHeaderV2: 8
} as const
/** DataPageHeader, DictionaryPageHeader and DataPageHeaderV2 all keep num_values in field 1. */
export const NUM_VALUES = 1

export const PAGE_TYPE = { DATA_PAGE: 0, DICTIONARY_PAGE: 2, DATA_PAGE_V2: 3 } as const
export const CODEC = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2, ZSTD: 6 } as const
export const PHYSICAL_TYPE = {
  BOOLEAN: 0,
  INT32: 1,
  INT64: 2,
  INT96: 3,
  FLOAT: 4,
  DOUBLE: 5,
  BYTE_ARRAY: 6
} as const

export interface Page {
  header: ThriftStruct
  body: Uint8Array
  /** Where the page starts in the file it was read from (after writeLayout: was written to). */
  offset: number
  /** Bytes of the encoded header at `offset`; the body follows. */
  headerLength: number
}

export interface ChunkLayout {
  /** The ColumnChunk struct of the footer (shared with `footer`: changing it changes the footer). */
  chunk: ThriftStruct
  pages: Page[]
  /** The ColumnIndex bytes, copied as they are (they hold no offsets). */
  columnIndex?: Uint8Array
  /** first_row_index of each data page, from the original OffsetIndex. */
  firstRowIndexes?: bigint[]
}

export interface ParquetLayout {
  footer: ThriftStruct
  /** [row group][column] */
  chunks: ChunkLayout[][]
}

const MAGIC = new TextEncoder().encode('PAR1')

function startsWithMagic(bytes: Uint8Array, at: number): boolean {
  return MAGIC.every((byte, index) => bytes[at + index] === byte)
}

export function metaData(chunk: ThriftStruct): ThriftStruct {
  return getStruct(chunk, CHUNK.metaData)
}

export function rowGroups(footer: ThriftStruct): ThriftStruct[] {
  return getStructList(footer, FILE.rowGroups)
}

export function columnChunks(rowGroup: ThriftStruct): ThriftStruct[] {
  return getStructList(rowGroup, ROW_GROUP.columns)
}

/** The dotted path_in_schema of a column chunk (`frames.list.element`). */
export function columnPath(chunk: ThriftStruct): string {
  return getList(metaData(chunk), COLUMN.pathInSchema)
    .map((part) => new TextDecoder().decode(part as Uint8Array))
    .join('.')
}

/** Where a chunk's first page is: its dictionary page when it has one. */
function chunkStart(meta: ThriftStruct): number {
  const data = Number(getI64(meta, COLUMN.dataPageOffset))
  const dictionary = has(meta, COLUMN.dictionaryPageOffset)
    ? Number(getI64(meta, COLUMN.dictionaryPageOffset))
    : 0
  // some writers store 0 for "no dictionary page"
  return dictionary > 0 && dictionary < data ? dictionary : data
}

function readPages(bytes: Uint8Array, meta: ThriftStruct): Page[] {
  const start = chunkStart(meta)
  const end = start + Number(getI64(meta, COLUMN.totalCompressedSize))
  const pages: Page[] = []
  for (let offset = start; offset < end;) {
    const { struct: header, end: bodyStart } = decodeStruct(bytes, offset)
    const bodyEnd = bodyStart + getI32(header, PAGE.compressedSize)
    if (bodyEnd > end) throw new Error(`page at ${offset} runs past its column chunk`)
    pages.push({
      header,
      body: bytes.slice(bodyStart, bodyEnd),
      offset,
      headerLength: bodyStart - offset
    })
    offset = bodyEnd
  }
  return pages
}

function readFirstRowIndexes(bytes: Uint8Array, chunk: ThriftStruct): bigint[] | undefined {
  if (!has(chunk, CHUNK.offsetIndexOffset)) return undefined
  const { struct } = decodeStruct(bytes, Number(getI64(chunk, CHUNK.offsetIndexOffset)))
  return getStructList(struct, 1).map((location) => getI64(location, 3))
}

/** Takes a valid parquet file apart. Throws when it is not one. */
export function readLayout(bytes: Uint8Array): ParquetLayout {
  if (!startsWithMagic(bytes, 0) || !startsWithMagic(bytes, bytes.length - 4)) {
    throw new Error('not a parquet file')
  }
  const footerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(
    bytes.length - 8,
    true
  )
  const footerStart = bytes.length - 8 - footerLength
  const { struct: footer } = decodeStruct(bytes, footerStart)
  assertRoundTrip(footer, 'footer')
  const chunks = rowGroups(footer).map((rowGroup) =>
    columnChunks(rowGroup).map((chunk): ChunkLayout => {
      const meta = metaData(chunk)
      const layout: ChunkLayout = {
        chunk,
        pages: readPages(bytes, meta),
        firstRowIndexes: readFirstRowIndexes(bytes, chunk)
      }
      if (has(chunk, CHUNK.columnIndexOffset) && has(chunk, CHUNK.columnIndexLength)) {
        const at = Number(getI64(chunk, CHUNK.columnIndexOffset))
        layout.columnIndex = bytes.slice(at, at + getI32(chunk, CHUNK.columnIndexLength))
      }
      for (const page of layout.pages) assertRoundTrip(page.header, `page at ${page.offset}`)
      return layout
    })
  )
  return { footer, chunks }
}

class Output {
  private readonly parts: Uint8Array[] = []
  offset = 0
  append(bytes: Uint8Array): void {
    this.parts.push(bytes)
    this.offset += bytes.length
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.parts)
  }
}

function isDataPage(header: ThriftStruct): boolean {
  const type = getI32(header, PAGE.type)
  return type === PAGE_TYPE.DATA_PAGE || type === PAGE_TYPE.DATA_PAGE_V2
}

/**
 * Writes the layout back as a file. Offsets and sizes are recomputed from what is written; the
 * sizes a page header claims (`uncompressed_page_size`) are summed as they are, so a lie there is
 * carried consistently into the chunk's `total_uncompressed_size`. Bloom filters are dropped
 * (none of the files used here have one; their offsets would otherwise dangle).
 */
export function writeLayout(layout: ParquetLayout): Uint8Array {
  const out = new Output()
  out.append(MAGIC)
  const groups = rowGroups(layout.footer)
  layout.chunks.forEach((chunks, groupIndex) => {
    const group = groups[groupIndex]
    let groupStart: number | undefined
    let groupCompressed = 0n
    for (const { chunk, pages } of chunks) {
      const meta = metaData(chunk)
      const start = out.offset
      groupStart ??= start
      let dictionaryOffset: number | undefined
      let dataOffset: number | undefined
      let uncompressed = 0n
      for (const page of pages) {
        const header = encodeStruct(page.header)
        if (getI32(page.header, PAGE.type) === PAGE_TYPE.DICTIONARY_PAGE) {
          dictionaryOffset ??= out.offset
        } else if (isDataPage(page.header)) {
          dataOffset ??= out.offset
        }
        page.offset = out.offset
        page.headerLength = header.length
        out.append(header)
        out.append(page.body)
        uncompressed += BigInt(header.length + getI32(page.header, PAGE.uncompressedSize))
      }
      const compressed = BigInt(out.offset - start)
      setI64(meta, COLUMN.dataPageOffset, BigInt(dataOffset ?? start))
      setField(
        meta,
        COLUMN.dictionaryPageOffset,
        dictionaryOffset === undefined ? undefined : BigInt(dictionaryOffset)
      )
      setI64(meta, COLUMN.totalCompressedSize, compressed)
      setI64(meta, COLUMN.totalUncompressedSize, uncompressed)
      setField(meta, COLUMN.bloomFilterOffset, undefined)
      setField(meta, COLUMN.bloomFilterLength, undefined)
      if (has(chunk, CHUNK.fileOffset)) setI64(chunk, CHUNK.fileOffset, BigInt(start))
      groupCompressed += compressed
    }
    if (has(group, ROW_GROUP.fileOffset)) {
      setI64(group, ROW_GROUP.fileOffset, BigInt(groupStart ?? out.offset))
    }
    if (has(group, ROW_GROUP.totalCompressedSize)) {
      setI64(group, ROW_GROUP.totalCompressedSize, groupCompressed)
    }
  })
  // page indexes follow the row groups, as parquet-format places them
  for (const chunks of layout.chunks) {
    for (const { chunk, columnIndex } of chunks) {
      if (!columnIndex) continue
      setI64(chunk, CHUNK.columnIndexOffset, BigInt(out.offset))
      setI32(chunk, CHUNK.columnIndexLength, columnIndex.length)
      out.append(columnIndex)
    }
  }
  for (const chunks of layout.chunks) {
    for (const { chunk, pages, firstRowIndexes } of chunks) {
      const dataPages = pages.filter((page) => isDataPage(page.header))
      if (!firstRowIndexes || firstRowIndexes.length !== dataPages.length) {
        setField(chunk, CHUNK.offsetIndexOffset, undefined)
        setField(chunk, CHUNK.offsetIndexLength, undefined)
        continue
      }
      const index = encodeStruct({
        field_1: dataPages.map((page, i) => ({
          field_1: BigInt(page.offset),
          field_2: page.headerLength + page.body.length,
          field_3: firstRowIndexes[i]
        }))
      })
      setI64(chunk, CHUNK.offsetIndexOffset, BigInt(out.offset))
      setI32(chunk, CHUNK.offsetIndexLength, index.length)
      out.append(index)
    }
  }
  const footer = encodeStruct(layout.footer)
  out.append(footer)
  const length = new Uint8Array(4)
  new DataView(length.buffer).setUint32(0, footer.length, true)
  out.append(length)
  out.append(MAGIC)
  return out.bytes()
}

/** The chunks of one column, by dotted path, in every row group. */
export function chunksOf(layout: ParquetLayout, path: string): ChunkLayout[] {
  const found = layout.chunks.flatMap((chunks) =>
    chunks.filter(({ chunk }) => columnPath(chunk) === path)
  )
  if (found.length === 0) throw new Error(`no column chunk "${path}"`)
  return found
}

export function codecOf(chunk: ThriftStruct): number {
  return getI32(metaData(chunk), COLUMN.codec)
}

/** A page body decompressed (dictionary pages and v1 data pages are compressed whole). */
export function decompressBody(page: Page, codec: number): Uint8Array {
  const size = getI32(page.header, PAGE.uncompressedSize)
  switch (codec) {
    case CODEC.UNCOMPRESSED:
      return page.body
    case CODEC.SNAPPY: {
      const output = new Uint8Array(size)
      snappyUncompress(page.body, output)
      return output
    }
    case CODEC.GZIP:
      return new Uint8Array(gunzipSync(page.body))
    default:
      throw new Error(`codec ${codec}: this generator cannot decompress it`)
  }
}

/** Replaces a page's body with `raw` compressed by `codec`, and its two sizes to match. */
export function replaceBody(page: Page, codec: number, raw: Uint8Array): void {
  let body: Uint8Array
  switch (codec) {
    case CODEC.UNCOMPRESSED:
      body = raw
      break
    case CODEC.SNAPPY:
      body = snappyCompress(raw)
      break
    case CODEC.GZIP:
      body = new Uint8Array(gzipSync(raw))
      break
    default:
      throw new Error(`codec ${codec}: this generator cannot compress it`)
  }
  page.body = body
  setI32(page.header, PAGE.uncompressedSize, raw.length)
  setI32(page.header, PAGE.compressedSize, body.length)
}

/** Byte length of the first `count` PLAIN values of a dictionary page of this physical type. */
export function plainPrefixLength(raw: Uint8Array, physicalType: number, count: number): number {
  const fixed: Record<number, number> = {
    [PHYSICAL_TYPE.INT32]: 4,
    [PHYSICAL_TYPE.FLOAT]: 4,
    [PHYSICAL_TYPE.INT64]: 8,
    [PHYSICAL_TYPE.DOUBLE]: 8,
    [PHYSICAL_TYPE.INT96]: 12
  }
  if (fixed[physicalType] !== undefined) return fixed[physicalType] * count
  if (physicalType !== PHYSICAL_TYPE.BYTE_ARRAY) {
    throw new Error(`physical type ${physicalType}: no PLAIN dictionary entries to count`)
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  let at = 0
  for (let i = 0; i < count; i++) at += 4 + view.getUint32(at, true)
  return at
}

export function physicalType(chunk: ThriftStruct): number {
  return getI32(metaData(chunk), COLUMN.type)
}

export function pageType(page: Page): number {
  return getI32(page.header, PAGE.type)
}

/** The type-specific header of a page (DataPageHeader, DictionaryPageHeader, DataPageHeaderV2). */
export function typedHeader(page: Page): ThriftStruct {
  switch (pageType(page)) {
    case PAGE_TYPE.DATA_PAGE:
      return getStruct(page.header, PAGE.dataHeader)
    case PAGE_TYPE.DICTIONARY_PAGE:
      return getStruct(page.header, PAGE.dictionaryHeader)
    case PAGE_TYPE.DATA_PAGE_V2:
      return getStruct(page.header, PAGE.dataHeaderV2)
    default:
      throw new Error(`page type ${pageType(page)} has no typed header here`)
  }
}
