/**
 * The columnar form every reader produces and the analysis consumes: numbers in Float64Arrays
 * (NaN for null; times as nanosecond offsets from the file's base) and strings as dictionary codes
 * (-1 for null), so per-row work compares integers and never builds a string per row.
 */

export interface StringColumn {
  /** Index into `dictionary` per row; -1 for null. */
  codes: Int32Array
  dictionary: readonly string[]
}

/** Frames root → leaf per row: `codes[offsets[row] .. offsets[row + 1])` into `dictionary`. */
export interface FramesColumn {
  offsets: Int32Array
  codes: Int32Array
  dictionary: readonly string[]
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
  layer?: StringColumn
  source?: StringColumn
  event?: StringColumn
  run_id?: StringColumn
  thread?: StringColumn
  comm?: StringColumn
  metric?: StringColumn
  plugin?: StringColumn
  syscall?: StringColumn
  path?: StringColumn
  device?: StringColumn
  frames?: FramesColumn
}

export type NumberField =
  'dur' | 'tid' | 'repeat' | 'value' | 'weight' | 'bytes' | 'read_bytes' | 'write_bytes'
export type StringField =
  | 'layer'
  | 'source'
  | 'event'
  | 'run_id'
  | 'thread'
  | 'comm'
  | 'metric'
  | 'plugin'
  | 'syscall'
  | 'path'
  | 'device'

export function stringAt(column: StringColumn | undefined, row: number): string | null {
  if (!column) return null
  const code = column.codes[row]
  return code < 0 ? null : column.dictionary[code]
}

/** A dictionary built while reading values that arrive as plain strings. */
export function createInterner(): { intern(value: string): number; dictionary: string[] } {
  const codes = new Map<string, number>()
  const dictionary: string[] = []
  return {
    dictionary,
    intern(value) {
      let code = codes.get(value)
      if (code === undefined) {
        code = dictionary.length
        dictionary.push(value)
        codes.set(value, code)
      }
      return code
    }
  }
}

/** Strings (null, undefined or anything not a string: null) as a StringColumn. */
export function stringColumn(values: ArrayLike<unknown>, length = values.length): StringColumn {
  const interner = createInterner()
  const codes = new Int32Array(length).fill(-1)
  for (let i = 0; i < Math.min(length, values.length); i++) {
    const value = values[i]
    if (typeof value === 'string') codes[i] = interner.intern(value)
  }
  return { codes, dictionary: interner.dictionary }
}

/** Frames from lists of strings, or from `;`-joined stacks, as a FramesColumn. */
export function framesColumn(
  values: ArrayLike<unknown>,
  joined: boolean,
  length = values.length
): FramesColumn {
  const interner = createInterner()
  const offsets = new Int32Array(length + 1)
  const codes: number[] = []
  for (let i = 0; i < length; i++) {
    const value = i < values.length ? values[i] : null
    const frames =
      joined && typeof value === 'string' && value !== ''
        ? value.split(';')
        : Array.isArray(value)
          ? value
          : []
    for (const frame of frames) if (typeof frame === 'string') codes.push(interner.intern(frame))
    offsets[i + 1] = codes.length
  }
  return { offsets, codes: Int32Array.from(codes), dictionary: interner.dictionary }
}

/** The given rows of a column (sorted row indices), in order. */
export function pickRows<T extends Float64Array | StringColumn | FramesColumn>(
  column: T,
  rows: Int32Array
): T {
  if (column instanceof Float64Array) return Float64Array.from(rows, (row) => column[row]) as T
  if ('offsets' in column) {
    const offsets = new Int32Array(rows.length + 1)
    rows.forEach(
      (row, k) => (offsets[k + 1] = offsets[k] + column.offsets[row + 1] - column.offsets[row])
    )
    const codes = new Int32Array(offsets[rows.length])
    rows.forEach((row, k) =>
      codes.set(column.codes.subarray(column.offsets[row], column.offsets[row + 1]), offsets[k])
    )
    return { offsets, codes, dictionary: column.dictionary } as T
  }
  return {
    codes: Int32Array.from(rows, (row) => column.codes[row]),
    dictionary: column.dictionary
  } as T
}
