/**
 * An events.parquet opened for the analysis: the contract columns resolved, each row group's time
 * span learnt from its statistics, and batches of the wanted columns read one row group at a time
 * (the fast reader, falling back per chunk to hyparquet's general one).
 */
import { parquetSchema, type FileMetaData, type Statistics } from 'hyparquet'
import { pickRows, framesColumn, stringColumn, type Batch } from './batch.js'
import { decodeChunk, UnsupportedChunk, type DecodedChunk } from './chunks.js'
import { chunkRange, planColumns, type ColumnPlan } from './column-plan.js'
import { resolveColumns, SchemaError, type Column, type ColumnMap } from './columns.js'
import {
  columnIndex,
  errorText,
  EventsFileError,
  openParquet,
  readGroup,
  type ParquetFile
} from './parquet-file.js'

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
      // INT96 has no defined sort order: its statistics, where a writer left any, mean nothing
      const tsType = group.columns[tsColumn]?.meta_data?.type
      const ts = tsType === 'INT96' ? undefined : statisticsOf(metadata, index, tsColumn)
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

/**
 * `fast` decodes pages into typed arrays itself (falling back per chunk to hyparquet for
 * encodings it does not handle); `reference` reads everything through hyparquet's general
 * reader. Both give the same batches: tests compare them on every fixture.
 */
export type ReaderKind = 'fast' | 'reference'

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
  plan: ColumnPlan,
  checked = false
): Promise<DecodedChunk> {
  const rows: unknown[] = new Array(span.rowCount).fill(null)
  const sink = (_name: string, data: ArrayLike<unknown>, offset: number) => {
    const end = Math.min(data.length, span.rowCount - offset)
    for (let i = 0; i < end; i++) rows[offset + i] = data[i]
  }
  await readGroup(file, span, [plan.physical], sink, checked)
  return fromDecoded(plan, rows, span.rowCount, file.baseNs)
}

/** Counts what the fast reader handed to hyparquet's general reader, by reason. */
export type FallbackLog = Map<string, number>

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
  const reference = async (checked: boolean) => {
    const all = await readReference(file, span, plan, checked)
    return select ? pickRows(all, select) : all
  }
  if (!meta || !bytes) return reference(false)
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
      // decodeChunk checked the pages before it found the encoding it does not decode
      return reference(true)
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
