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
  type ParquetParsers,
  type SchemaElement,
  type Statistics
} from 'hyparquet'
import { getMaxDefinitionLevel, getMaxRepetitionLevel, getTreePath } from './hyparquet-internals.js'
import { framesColumn, pickRows, stringColumn, type Batch } from './batch.js'
import { codecs } from './codecs.js'
import {
  checkChunk,
  CorruptChunk,
  decodeChunk,
  UnsupportedChunk,
  type ChunkTarget,
  type DecodedChunk
} from './chunks.js'
import {
  COLUMN_KINDS,
  resolveColumns,
  SchemaError,
  type Column,
  type ColumnMap
} from './columns.js'

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
const NANOSECOND_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (millis: bigint) => BigInt(millis) * 1_000_000n,
  timestampFromMicroseconds: (micros: bigint) => BigInt(micros) * 1_000n,
  timestampFromNanoseconds: (nanos: bigint) => BigInt(nanos)
}

/** One row group, with its time span as nanosecond offsets from the file's base (NaN: unknown). */
export interface RowGroupSpan {
  index: number
  rowStart: number
  rowCount: number
  tsMin: number
  tsMax: number
  /** Largest `dur_ns` in the group: 0 without a duration column, Infinity when unknown. */
  durMax: number
}

export interface EventsFile extends ParquetFile {
  columns: ColumnMap
  rowCount: number
  /**
   * Times are carried as float offsets from this base: exact for any span under 104 days, where
   * a raw CLOCK_MONOTONIC value in a double would already have lost nanoseconds.
   */
  baseNs: bigint
  rowGroups: RowGroupSpan[]
}

const MAGIC = 'PAR1'

/**
 * One line of words for a decoding failure. Our own checks and hyparquet's errors say what is
 * wrong; a TypeError or RangeError only says where a decoder tripped over bytes that are not what
 * they claim to be, which means nothing to a user (docs/hostile-input.md).
 */
function errorText(error: unknown): string {
  if (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof ReferenceError ||
    error instanceof SyntaxError
  ) {
    return 'its bytes do not match its own description'
  }
  const text = error instanceof Error ? error.message : String(error)
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

function columnIndex(metadata: FileMetaData, physical: string): number {
  const first = metadata.row_groups[0]
  if (!first) return -1
  return first.columns.findIndex((chunk) => chunk.meta_data?.path_in_schema[0] === physical)
}

function statisticsOf(
  metadata: FileMetaData,
  group: number,
  column: number
): Statistics | undefined {
  if (column < 0) return undefined
  return metadata.row_groups[group].columns[column]?.meta_data?.statistics
}

function bigintStat(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value)
  return undefined
}

async function firstGroupMinimum(file: EventsFile): Promise<bigint> {
  let minimum: bigint | undefined
  const physical = file.columns.ts?.physical as string
  for (const span of file.rowGroups) {
    await readGroup(file, span, [physical], (_name, data) => {
      for (let i = 0; i < data.length; i++) {
        const value = data[i]
        if (typeof value === 'bigint' && (minimum === undefined || value < minimum)) minimum = value
      }
    })
    if (minimum !== undefined) return minimum
  }
  return 0n
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

/**
 * Opens an events.parquet: reads the footer, resolves the contract columns and learns each row
 * group's time span from its statistics. Throws EventsFileError with one line naming the problem.
 */
export async function openEventsFile(path: string): Promise<EventsFile> {
  const parquet = await openParquet(path)
  try {
    const { metadata } = parquet
    let columns: ColumnMap
    try {
      columns = resolveColumns(parquetSchema(metadata))
    } catch (error) {
      if (error instanceof SchemaError) throw new EventsFileError(path, error.message)
      throw new EventsFileError(path, `unreadable parquet schema (${errorText(error)})`)
    }

    const tsColumn = columnIndex(metadata, columns.ts?.physical as string)
    const durColumn = columns.dur ? columnIndex(metadata, columns.dur.physical) : -1
    const raw: { rowStart: number; rowCount: number; min?: bigint; max?: bigint; dur: number }[] =
      []
    let rowStart = 0
    metadata.row_groups.forEach((group, index) => {
      const rowCount = Number(group.num_rows)
      const ts = statisticsOf(metadata, index, tsColumn)
      const dur = statisticsOf(metadata, index, durColumn)
      const durMax = bigintStat(dur?.max_value ?? dur?.max)
      raw.push({
        rowStart,
        rowCount,
        min: bigintStat(ts?.min_value ?? ts?.min),
        max: bigintStat(ts?.max_value ?? ts?.max),
        dur: !columns.dur ? 0 : durMax === undefined ? Infinity : Math.max(0, Number(durMax))
      })
      rowStart += rowCount
    })

    const file: EventsFile = {
      ...parquet,
      columns,
      rowCount: rowStart,
      baseNs: 0n,
      rowGroups: raw.map((group, index) => ({
        index,
        rowStart: group.rowStart,
        rowCount: group.rowCount,
        tsMin: NaN,
        tsMax: NaN,
        durMax: group.dur
      }))
    }
    const minimums = raw.map((group) => group.min)
    const allKnown = raw.length > 0 && minimums.every((value) => value !== undefined)
    file.baseNs = allKnown
      ? (minimums as bigint[]).reduce((a, b) => (b < a ? b : a))
      : await firstGroupMinimum(file)
    raw.forEach((group, index) => {
      const span = file.rowGroups[index]
      if (group.min !== undefined) span.tsMin = Number(group.min - file.baseNs)
      if (group.max !== undefined) span.tsMax = Number(group.max - file.baseNs)
    })
    return file
  } catch (error) {
    await parquet.close()
    if (error instanceof EventsFileError) throw error
    throw new EventsFileError(path, errorText(error))
  }
}

export type ChunkSink = (physical: string, data: ArrayLike<unknown>, offset: number) => void

/**
 * Decodes the given physical columns of one row group, column by column, and hands each decoded
 * chunk to `sink` with its row offset inside the group. Decoding failures become EventsFileError.
 */
export async function readGroup(
  file: ParquetFile,
  span: Pick<RowGroupSpan, 'index' | 'rowStart' | 'rowCount'>,
  physical: string[],
  sink: ChunkSink
): Promise<void> {
  for (const name of physical) {
    try {
      await checkChunkOf(file, span, name)
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
  span: Pick<RowGroupSpan, 'index' | 'rowCount'>,
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

export type { Batch } from './batch.js'

/**
 * `fast` decodes pages into typed arrays itself (falling back per chunk to hyparquet for
 * encodings it does not handle); `reference` reads everything through hyparquet's general
 * reader. Both give the same batches: tests compare them on every fixture.
 */
export type ReaderKind = 'fast' | 'reference'

const NUMERIC_KINDS = new Set(['time', 'integer', 'number'])

interface ColumnPlan {
  column: Column
  physical: string
  chunk: number
  target: ChunkTarget
  maxDefinition: number
  maxRepetition: number
  element: SchemaElement
}

/** How each wanted column of this file is decoded; columns the file lacks are left out. */
function planColumns(file: EventsFile, wanted: readonly Column[]): ColumnPlan[] {
  const schema = parquetSchema(file.metadata)
  const plans: ColumnPlan[] = []
  for (const column of new Set<Column>(['ts', ...wanted])) {
    const resolved = file.columns[column]
    if (!resolved) continue
    const chunk = columnIndex(file.metadata, resolved.physical)
    const leaf = file.metadata.row_groups[0]?.columns[chunk]?.meta_data?.path_in_schema ?? [
      resolved.physical
    ]
    const schemaPath = getTreePath(schema, leaf)
    const element = schemaPath[schemaPath.length - 1].element
    const kind = COLUMN_KINDS[column]
    let target: ChunkTarget
    if (kind === 'time') {
      const unit =
        element.logical_type?.type === 'TIMESTAMP' ? element.logical_type.unit : undefined
      const converted = element.converted_type
      const scale =
        unit === 'MILLIS' || converted === 'TIMESTAMP_MILLIS'
          ? 1_000_000
          : unit === 'MICROS' || converted === 'TIMESTAMP_MICROS'
            ? 1_000
            : 1
      target = { kind: 'time', baseNs: file.baseNs, scale }
    } else if (kind === 'frames') {
      target = { kind: resolved.shape === 'joined' ? 'frames-joined' : 'frames-list' }
    } else {
      target = { kind: NUMERIC_KINDS.has(kind) ? 'number' : 'string' }
    }
    plans.push({
      column,
      physical: resolved.physical,
      chunk,
      target,
      maxDefinition: getMaxDefinitionLevel(schemaPath),
      maxRepetition: getMaxRepetitionLevel(schemaPath),
      element
    })
  }
  return plans
}

/** Converts what hyparquet's general reader gives into the batch form. */
function fromDecoded(
  plan: ColumnPlan,
  data: ArrayLike<unknown>,
  rows: number,
  baseNs: bigint
): DecodedChunk {
  switch (plan.target.kind) {
    case 'time': {
      const out = new Float64Array(rows).fill(NaN)
      for (let i = 0; i < Math.min(rows, data.length); i++) {
        const value = data[i]
        if (typeof value === 'bigint') out[i] = Number(value - baseNs)
      }
      return out
    }
    case 'number': {
      const out = new Float64Array(rows).fill(NaN)
      for (let i = 0; i < Math.min(rows, data.length); i++) {
        const value = data[i]
        if (typeof value === 'number') out[i] = value
        else if (typeof value === 'bigint') out[i] = Number(value)
      }
      return out
    }
    case 'string':
      return stringColumn(data, rows)
    case 'frames-list':
      return framesColumn(data, false, rows)
    case 'frames-joined':
      return framesColumn(data, true, rows)
  }
}

/** One column of one row group through hyparquet's general reader, assembled into rows. */
async function readReference(
  file: EventsFile,
  span: RowGroupSpan,
  plan: ColumnPlan
): Promise<DecodedChunk> {
  const rows: unknown[] = new Array(span.rowCount).fill(null)
  await readGroup(file, span, [plan.physical], (_name, data, offset) => {
    const end = Math.min(data.length, span.rowCount - offset)
    for (let i = 0; i < end; i++) rows[offset + i] = data[i]
  })
  return fromDecoded(plan, rows, span.rowCount, file.baseNs)
}

/** Counts what the fast reader handed to hyparquet's general reader, by reason. */
export type FallbackLog = Map<string, number>

/** Where a column chunk's bytes are: from its dictionary page (when it has one) to its end. */
function metaRange(meta: ColumnMetaData): [number, number] {
  const dictionary = meta.dictionary_page_offset ? Number(meta.dictionary_page_offset) : undefined
  const data = Number(meta.data_page_offset)
  const start = dictionary !== undefined && dictionary < data ? dictionary : data
  return [start, start + Number(meta.total_compressed_size)]
}

function chunkRange(
  file: EventsFile,
  group: number,
  plan: ColumnPlan
): [number, number] | undefined {
  const meta = file.metadata.row_groups[group].columns[plan.chunk]?.meta_data
  return meta ? metaRange(meta) : undefined
}

async function readFast(
  file: EventsFile,
  span: RowGroupSpan,
  plan: ColumnPlan,
  bytes: Uint8Array | undefined,
  reuse: DecodedChunk | undefined,
  select: Int32Array | undefined,
  fallbacks?: FallbackLog
): Promise<DecodedChunk> {
  const meta = file.metadata.row_groups[span.index].columns[plan.chunk]?.meta_data
  const reference = async () => {
    const all = await readReference(file, span, plan)
    return select ? pickRows(all, select) : all
  }
  if (!meta || !bytes) return reference()
  try {
    return decodeChunk({
      bytes,
      rows: span.rowCount,
      meta,
      element: plan.element,
      maxDefinition: plan.maxDefinition,
      maxRepetition: plan.maxRepetition,
      compressors: file.compressors,
      target: plan.target,
      reuse,
      select
    })
  } catch (error) {
    if (error instanceof UnsupportedChunk) {
      const reason = `${plan.physical}: ${error.message}`
      fallbacks?.set(reason, (fallbacks.get(reason) ?? 0) + 1)
      return reference()
    }
    throw new EventsFileError(
      file.path,
      `corrupt data in column "${plan.physical}", row group ${span.index} (${errorText(error)})`
    )
  }
}

/** Groups up to this many compressed bytes are fetched in one read; larger ones chunk by chunk. */
const ONE_READ_LIMIT = 4 * 1024 * 1024

/**
 * The bytes of each wanted chunk of a row group: one read for a small group (one call instead of
 * twenty), chunk by chunk for a large one (so a chunk's bytes can go once it is decoded).
 */
function groupBytes(
  file: EventsFile,
  span: RowGroupSpan,
  plans: ColumnPlan[]
): (index: number) => Promise<Uint8Array | undefined> {
  const ranges = plans.map((plan) => chunkRange(file, span.index, plan))
  const known = ranges.filter((range): range is [number, number] => range !== undefined)
  const first = Math.min(...known.map(([start]) => start))
  const last = Math.max(...known.map(([, end]) => end))
  const inverted = known.some(([start, end]) => !(end >= start))
  if (known.length > 0 && (inverted || !(first >= 0) || !(last <= file.buffer.byteLength))) {
    throw new EventsFileError(file.path, `corrupt column chunk offsets in row group ${span.index}`)
  }
  let whole: Promise<Uint8Array> | undefined
  return async (index) => {
    const range = ranges[index]
    if (!range) return undefined
    if (last - first > ONE_READ_LIMIT)
      return new Uint8Array(await file.buffer.slice(range[0], range[1]))
    whole ??= Promise.resolve(file.buffer.slice(first, last)).then(
      (buffer) => new Uint8Array(buffer)
    )
    return (await whole).subarray(range[0] - first, range[1] - first)
  }
}

/**
 * Keeps only some rows of each row group: `keys` are decoded first, `rows` picks from them (sorted
 * row indices of the group), and the other columns are decoded for those rows only.
 */
export interface RowSelector {
  keys: readonly Column[]
  rows(batch: Batch): Int32Array
}

/**
 * Reads the requested contract columns of the chosen row groups, one row group at a time, so
 * memory holds one group's columns however large the file is. Columns the file lacks are absent
 * from the batch. With a selector, a batch holds only the selected rows.
 */
export async function* readBatches(
  file: EventsFile,
  wanted: readonly Column[],
  groups: readonly RowGroupSpan[] = file.rowGroups,
  reader: ReaderKind = 'fast',
  fallbacks?: FallbackLog,
  selector?: RowSelector
): AsyncGenerator<Batch> {
  const plans = planColumns(file, [...wanted, ...(selector?.keys ?? [])])
  const keys = new Set<Column>(selector ? ['ts', ...selector.keys] : [])
  // the previous batch's arrays are reused for the next: consumers never keep a batch
  const previous = new Map<Column, DecodedChunk>()
  for (const span of groups) {
    const batch: Batch = { rowStart: span.rowStart, length: span.rowCount, ts: new Float64Array() }
    const target = batch as unknown as Record<string, DecodedChunk>
    const bytes = groupBytes(file, span, plans)
    const decode = async (index: number, select: Int32Array | undefined) => {
      const plan = plans[index]
      if (reader === 'reference') {
        const all = await readReference(file, span, plan)
        return select ? pickRows(all, select) : all
      }
      const reuse = select ? undefined : previous.get(plan.column)
      const decoded = await readFast(file, span, plan, await bytes(index), reuse, select, fallbacks)
      if (!select) previous.set(plan.column, decoded)
      return decoded
    }
    for (const [index, plan] of plans.entries()) {
      if (!selector || keys.has(plan.column)) target[plan.column] = await decode(index, undefined)
    }
    if (selector) {
      const rows = selector.rows(batch)
      for (const [index, plan] of plans.entries()) {
        target[plan.column] = keys.has(plan.column)
          ? pickRows(target[plan.column], rows)
          : await decode(index, rows)
      }
      batch.length = rows.length
    }
    yield batch
  }
}
