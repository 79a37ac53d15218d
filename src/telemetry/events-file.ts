import { open, type FileHandle } from 'node:fs/promises'
import {
  parquetMetadata,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
  type ParquetParsers,
  type Statistics
} from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { resolveColumns, SchemaError, type Column, type ColumnMap } from './columns.js'

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

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.replace(/\s+/g, ' ').trim() || 'unknown error'
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
    throw new EventsFileError(file, `corrupt parquet footer (${errorText(error)})`)
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
  close(): Promise<void>
}

/** Opens any parquet file and parses its footer; throws EventsFileError naming the problem. */
export async function openParquet(path: string): Promise<ParquetFile> {
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
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
    const { size } = await handle.stat()
    const buffer = await bufferFromHandle(handle, size)
    const metadata = await readFooter(path, buffer)
    return { path, buffer, metadata, close: () => handle.close() }
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
      await parquetRead({
        file: file.buffer,
        metadata: file.metadata,
        compressors,
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

export interface Batch {
  /** First row of the batch in the file. */
  rowStart: number
  length: number
  /** Nanosecond offsets from EventsFile.baseNs; NaN for null. */
  ts: Float64Array
  dur?: Float64Array
  tid?: Float64Array
  repeat?: Float64Array
  value?: Float64Array
  weight?: Float64Array
  bytes?: Float64Array
  read_bytes?: Float64Array
  write_bytes?: Float64Array
  layer?: (string | null)[]
  source?: (string | null)[]
  event?: (string | null)[]
  run_id?: (string | null)[]
  thread?: (string | null)[]
  comm?: (string | null)[]
  metric?: (string | null)[]
  plugin?: (string | null)[]
  syscall?: (string | null)[]
  path?: (string | null)[]
  device?: (string | null)[]
  /** Frames root → leaf, exactly as written (dotted or slashed). */
  frames?: (readonly string[] | null)[]
}

type NumericColumn = 'ts' | 'dur' | 'tid' | 'repeat' | 'value' | 'weight' | 'bytes'
type StringColumn = Exclude<keyof Batch, NumericColumn | 'rowStart' | 'length' | 'frames'>

const NUMERIC = new Set<string>([
  'ts',
  'dur',
  'tid',
  'repeat',
  'value',
  'weight',
  'bytes',
  'read_bytes',
  'write_bytes'
])

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  return NaN
}

function toFrames(value: unknown, joined: boolean): readonly string[] | null {
  if (value == null) return null
  if (joined) return typeof value === 'string' && value !== '' ? value.split(';') : []
  if (!Array.isArray(value)) return null
  return value.filter((frame): frame is string => typeof frame === 'string')
}

/**
 * Reads the requested contract columns of the chosen row groups, one row group at a time, so
 * memory holds one group's columns however large the file is. Columns the file lacks are absent
 * from the batch.
 */
export async function* readBatches(
  file: EventsFile,
  wanted: readonly Column[],
  groups: readonly RowGroupSpan[] = file.rowGroups
): AsyncGenerator<Batch> {
  const present = [...new Set<Column>(['ts', ...wanted])].filter((column) => file.columns[column])
  const byPhysical = new Map(present.map((column) => [file.columns[column]?.physical, column]))
  const base = file.baseNs
  for (const span of groups) {
    const batch: Batch = { rowStart: span.rowStart, length: span.rowCount, ts: new Float64Array() }
    const target = batch as unknown as Record<string, unknown>
    for (const column of present) {
      target[column] = NUMERIC.has(column)
        ? new Float64Array(span.rowCount).fill(NaN)
        : new Array(span.rowCount).fill(null)
    }
    await readGroup(file, span, [...byPhysical.keys()] as string[], (physical, data, offset) => {
      const column = byPhysical.get(physical) as Column
      const end = Math.min(data.length, span.rowCount - offset)
      if (column === 'ts') {
        const out = batch.ts
        for (let i = 0; i < end; i++) {
          const value = data[i]
          out[offset + i] =
            typeof value === 'bigint'
              ? Number(value - base)
              : typeof value === 'number'
                ? Number(BigInt(value) - base)
                : NaN
        }
      } else if (NUMERIC.has(column)) {
        const out = target[column] as Float64Array
        for (let i = 0; i < end; i++) out[offset + i] = toNumber(data[i])
      } else if (column === 'frames') {
        const joined = file.columns.frames?.shape === 'joined'
        const out = batch.frames as (readonly string[] | null)[]
        for (let i = 0; i < end; i++) out[offset + i] = toFrames(data[i], joined)
      } else {
        const out = target[column as StringColumn] as (string | null)[]
        for (let i = 0; i < end; i++) {
          const value = data[i]
          out[offset + i] = typeof value === 'string' ? value : null
        }
      }
    })
    yield batch
  }
}
