/**
 * Any parquet file, opened for reading: only regular files, the footer parsed and its claims
 * checked (row counts against the bytes that would hold them, docs/hostile-input.md), bytes read on
 * demand, and a row group's columns through hyparquet's general reader once their pages are
 * checked. Every failure is an EventsFileError: the file and one line of words.
 */
import { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import {
  parquetMetadata,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type ColumnMetaData,
  type Compressors,
  type FileMetaData,
  type ParquetParsers
} from 'hyparquet'
import { checkChunk, CorruptChunk } from './pages.js'
import { codecs } from './codecs.js'
import { getMaxRepetitionLevel, getTreePath } from './hyparquet-internals.js'
import { errorMessage } from '../errors.js'

/** Everything that goes wrong with one input file carries the file and one readable line. */
export class EventsFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string
  ) {
    super(`${file}: ${problem}`)
  }
}

/**
 * TIMESTAMP columns of any unit (and INT96) become exact nanosecond BigInts instead of
 * hyparquet's default millisecond Dates.
 */
export const NANOSECOND_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (millis: bigint) => BigInt(millis) * 1_000_000n,
  timestampFromMicroseconds: (micros: bigint) => BigInt(micros) * 1_000n,
  timestampFromNanoseconds: (nanos: bigint) => BigInt(nanos)
}

const MAGIC = 'PAR1'

/**
 * One line of words for a decoding failure. Our own checks and hyparquet's errors say what is
 * wrong; a TypeError or RangeError only says where a decoder tripped over bytes that are not what
 * they claim to be, which means nothing to a user (docs/hostile-input.md).
 */
export function errorText(error: unknown): string {
  if (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof ReferenceError ||
    error instanceof SyntaxError
  ) {
    return 'its bytes do not match its own description'
  }
  const text = errorMessage(error)
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').trim() || 'unknown error'
}

/**
 * The most rows a row group of `bytes` bytes is believed to hold: one bit per row, which real
 * telemetry (a distinct nanosecond time on every row) never comes near, plus room for small files.
 * Row counts are claims of the footer, and readers allocate by them (docs/hostile-input.md).
 */
export function plausibleRows(bytes: number): number {
  return 8 * bytes + 1_048_576
}

/** Row counts that are negative, fractional or more than the file's bytes can hold are refused. */
function checkRowGroups(file: string, metadata: FileMetaData, size: number): void {
  metadata.row_groups.forEach((group, index) => {
    const rows = Number(group.num_rows)
    const bytes = group.columns.reduce(
      (sum, chunk) => sum + Math.max(0, Number(chunk.meta_data?.total_compressed_size ?? 0)),
      0
    )
    const limit = plausibleRows(Math.min(size, bytes))
    if (!Number.isSafeInteger(rows) || rows < 0 || rows > limit) {
      throw new EventsFileError(
        file,
        `corrupt parquet footer (row group ${index} claims ${group.num_rows} rows in ${Math.min(size, bytes)} bytes)`
      )
    }
  })
}

async function bufferFromHandle(handle: FileHandle, byteLength: number): Promise<AsyncBuffer> {
  return {
    byteLength,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? byteLength, byteLength)
      const length = Math.max(0, stop - start)
      const bytes = new Uint8Array(length)
      let filled = 0
      while (filled < length) {
        const { bytesRead } = await handle.read(bytes, filled, length - filled, start + filled)
        if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${start + filled}`)
        filled += bytesRead
      }
      return bytes.buffer
    }
  }
}

async function readFooter(file: string, buffer: AsyncBuffer): Promise<FileMetaData> {
  const size = buffer.byteLength
  if (size < 12) {
    throw new EventsFileError(file, `not a parquet file (${size} bytes, too short)`)
  }
  const decoder = new TextDecoder()
  const head = decoder.decode(await buffer.slice(0, 4))
  const tail = new Uint8Array(await buffer.slice(size - 8, size))
  const footerMagic = decoder.decode(tail.subarray(4)) === MAGIC
  if (head === MAGIC && !footerMagic) {
    throw new EventsFileError(file, 'truncated parquet file (starts with PAR1 but has no footer)')
  }
  if (head !== MAGIC || !footerMagic) {
    throw new EventsFileError(file, 'not a parquet file (no PAR1 magic bytes)')
  }
  const footerLength = new DataView(tail.buffer).getUint32(0, true)
  if (footerLength + 8 > size - 4) {
    throw new EventsFileError(
      file,
      `corrupt parquet footer (footer length ${footerLength} exceeds the file size ${size})`
    )
  }
  const footer = await buffer.slice(size - footerLength - 8, size)
  try {
    return parquetMetadata(footer, { parsers: NANOSECOND_PARSERS })
  } catch (error) {
    const text =
      error instanceof TypeError || error instanceof RangeError
        ? 'its structure is not parquet metadata'
        : errorText(error)
    throw new EventsFileError(file, `corrupt parquet footer (${text})`)
  }
}

export function columnIndex(metadata: FileMetaData, physical: string): number {
  const first = metadata.row_groups[0]
  if (!first) return -1
  return first.columns.findIndex((chunk) => chunk.meta_data?.path_in_schema[0] === physical)
}

/** A parquet file opened for reading: its footer parsed, its bytes read on demand. */
export interface ParquetFile {
  path: string
  buffer: AsyncBuffer
  metadata: FileMetaData
  compressors: Compressors
  close(): Promise<void>
}

/**
 * Opens any parquet file and parses its footer; throws EventsFileError naming the problem. Only
 * regular files are read: a FIFO or a device named events.parquet would block or never end, so it
 * is opened without blocking and refused.
 */
export async function openParquet(path: string): Promise<ParquetFile> {
  let handle: FileHandle
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const problem =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot open (${errorText(error)})`
    throw new EventsFileError(path, problem)
  }
  try {
    const info = await handle.stat()
    if (info.isDirectory()) throw new EventsFileError(path, 'is a directory')
    if (!info.isFile())
      throw new EventsFileError(path, 'not a regular file (a FIFO, socket or device)')
    const { size } = info
    const buffer = await bufferFromHandle(handle, size)
    const metadata = await readFooter(path, buffer)
    checkRowGroups(path, metadata, size)
    return { path, buffer, metadata, compressors: await codecs(), close: () => handle.close() }
  } catch (error) {
    await handle.close()
    if (error instanceof EventsFileError) throw error
    throw new EventsFileError(path, errorText(error))
  }
}

/** A row group by index, with the file rows it holds. */
export interface GroupRows {
  index: number
  rowStart: number
  rowCount: number
}

export type ChunkSink = (physical: string, data: ArrayLike<unknown>, offset: number) => void

/**
 * Decodes the given physical columns of one row group, column by column, and hands each decoded
 * chunk to `sink` with its row offset inside the group. Decoding failures become EventsFileError.
 */
export async function readGroup(
  file: ParquetFile,
  span: GroupRows,
  physical: string[],
  sink: ChunkSink,
  /** The chunks' pages were already checked (the fast reader falling back): not read twice. */
  checked = false
): Promise<void> {
  for (const name of physical) {
    try {
      if (!checked) await checkChunkOf(file, span, name)
      await parquetRead({
        file: file.buffer,
        metadata: file.metadata,
        compressors: file.compressors,
        parsers: NANOSECOND_PARSERS,
        columns: [name],
        rowStart: span.rowStart,
        rowEnd: span.rowStart + span.rowCount,
        onChunk: (chunk) => sink(name, chunk.columnData, chunk.rowStart - span.rowStart)
      })
    } catch (error) {
      throw new EventsFileError(
        file.path,
        `corrupt data in column "${name}", row group ${span.index} (${errorText(error)})`
      )
    }
  }
}

/**
 * hyparquet's general reader trusts the page headers it reads; before it sees a chunk, the chunk's
 * headers are checked as the fast reader checks them (chunks.ts, checkChunk).
 */
async function checkChunkOf(
  file: ParquetFile,
  span: Pick<GroupRows, 'index' | 'rowCount'>,
  name: string
): Promise<void> {
  const group = file.metadata.row_groups[span.index]
  const chunk = group?.columns.find((column) => column.meta_data?.path_in_schema[0] === name)
  const meta = chunk?.meta_data
  if (!meta) return
  const schemaPath = getTreePath(parquetSchema(file.metadata), meta.path_in_schema)
  const range = metaRange(meta)
  if (range[0] < 0 || range[1] > file.buffer.byteLength || range[1] < range[0]) {
    throw new CorruptChunk('its byte range lies outside the file')
  }
  const bytes = new Uint8Array(await file.buffer.slice(range[0], range[1]))
  checkChunk(
    bytes,
    meta,
    span.rowCount,
    getMaxRepetitionLevel(schemaPath),
    schemaPath[schemaPath.length - 1].element.type_length
  )
}

/** Where a column chunk's bytes are: from its dictionary page (when it has one) to its end. */
export function metaRange(meta: ColumnMetaData): [number, number] {
  const dictionary = meta.dictionary_page_offset ? Number(meta.dictionary_page_offset) : undefined
  const data = Number(meta.data_page_offset)
  const start = dictionary !== undefined && dictionary < data ? dictionary : data
  return [start, start + Number(meta.total_compressed_size)]
}
