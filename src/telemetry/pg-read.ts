/**
 * Rows of the PostgreSQL sidecar streamed into the batch form of the engine (batch.ts): a cursor
 * reads a few thousand rows at a time, so memory holds one batch however large a table is.
 */
import type pg from 'pg'
import Cursor from 'pg-cursor'
import { createInterner, framesColumn, type Batch, type StringColumn } from './batch.js'
import type { Column } from './columns.js'
import { TABLE_LAYER, type Table, type TableColumn } from './pg-tables.js'

/** Rows fetched per cursor read: one batch. */
export const BATCH_ROWS = 8192

/** Runs a query through a cursor, yielding its rows (as arrays) a batch at a time. */
export async function* streamRows(
  client: pg.Client,
  sql: string,
  params: unknown[],
  batchRows = BATCH_ROWS
): AsyncGenerator<unknown[][]> {
  const cursor = client.query(new Cursor<unknown[]>(sql, params, { rowMode: 'array' }))
  try {
    for (;;) {
      const rows = await cursor.read(batchRows)
      if (rows.length === 0) return
      yield rows
    }
  } finally {
    await cursor.close().catch(() => undefined)
  }
}

/** A selected column of a query and the batch field it fills. */
export interface Selected {
  column: Column
  shape: TableColumn['shape'] | 'time' | 'layer'
  expression: string
}

/**
 * The select list of a table for the wanted columns: `ts` as a float8 offset from `$base` (exact
 * below 104 days), the table's layer (fixed, or its column), the other columns it has.
 */
export function selectList(table: Table, wanted: readonly Column[], baseParam: string): Selected[] {
  const selected: Selected[] = [
    { column: 'ts', shape: 'time', expression: `(ts_ns - ${baseParam}::bigint)::float8` }
  ]
  const fixed = TABLE_LAYER[table.name]
  const layer = table.columns.get('layer')
  if (fixed !== null) selected.push({ column: 'layer', shape: 'layer', expression: `'${fixed}'` })
  else if (layer) selected.push({ column: 'layer', shape: 'layer', expression: layer.expression })
  for (const column of wanted) {
    if (column === 'ts' || column === 'layer') continue
    const found = table.columns.get(column)
    if (found) selected.push({ column, shape: found.shape, expression: found.expression })
  }
  return selected
}

/** A `list` column arrives as JSON text of the array (see pg-tables.ts); the others as they are. */
function parsedFrames(value: unknown, shape: Selected['shape']): unknown {
  if (shape !== 'list' || typeof value !== 'string') return value
  try {
    return JSON.parse(value) as unknown
  } catch {
    return null
  }
}

/** Rows of a query selected with `selected`, as a Batch starting at `rowStart`. */
export function toBatch(rows: unknown[][], selected: readonly Selected[], rowStart: number): Batch {
  const length = rows.length
  const batch: Batch = { rowStart, length, ts: new Float64Array(length) }
  const target = batch as unknown as Record<string, unknown>
  selected.forEach((entry, index) => {
    switch (entry.shape) {
      case 'time':
      case 'number': {
        const values = entry.column === 'ts' ? batch.ts : new Float64Array(length)
        for (let i = 0; i < length; i++) {
          const value = rows[i][index]
          values[i] = typeof value === 'number' ? value : NaN
        }
        target[entry.column] = values
        break
      }
      case 'string':
      case 'layer': {
        const interner = createInterner()
        const codes = new Int32Array(length)
        for (let i = 0; i < length; i++) {
          const value = rows[i][index]
          codes[i] = typeof value === 'string' ? interner.intern(value) : -1
        }
        target[entry.column] = { codes, dictionary: interner.dictionary } satisfies StringColumn
        break
      }
      case 'list':
      case 'json':
      case 'joined':
        target[entry.column] = framesColumn(
          rows.map((row) => parsedFrames(row[index], entry.shape)),
          entry.shape === 'joined',
          length
        )
        break
    }
  })
  return batch
}

/** Streams a query's rows as batches, numbering rows on from `rowStart.next`. */
export async function* streamBatches(
  client: pg.Client,
  sql: string,
  params: unknown[],
  selected: readonly Selected[],
  rowStart: { next: number }
): AsyncGenerator<Batch> {
  for await (const rows of streamRows(client, sql, params)) {
    const batch = toBatch(rows, selected, rowStart.next)
    rowStart.next += rows.length
    yield batch
  }
}
