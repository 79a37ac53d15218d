/**
 * The four tables of plugbench's PostgreSQL sidecar as the engine reads them (docs/postgres.md):
 * which exist, which contract columns each has and how each column's values are selected so that
 * rows arrive as the batch form wants them (numbers as float8, times as offsets from a base).
 */
import type pg from 'pg'
import type { Column } from './columns.js'
import { DatabaseError, quoteIdentifier } from './pg-connect.js'

export type TableName = 'metrics' | 'samples' | 'syscalls' | 'io_events'
export const TABLE_NAMES: readonly TableName[] = ['metrics', 'samples', 'syscalls', 'io_events']

/** The layer of every row of a table; io_events says it per row (its `layer` column). */
export const TABLE_LAYER: Record<TableName, string | null> = {
  metrics: 'L0',
  samples: 'L1',
  syscalls: 'L4',
  io_events: null
}

type Kind = 'integer' | 'number' | 'string' | 'frames'

/** Engine columns each table may have, by their names in the database (first present wins). */
const TABLE_COLUMNS: Record<TableName, [Column, Kind, readonly string[]][]> = {
  metrics: [
    ['metric', 'string', ['metric']],
    ['value', 'number', ['value']],
    ['dur', 'integer', ['dur_ns']]
  ],
  samples: [
    ['tid', 'integer', ['tid']],
    ['thread', 'string', ['thread']],
    ['comm', 'string', ['comm']],
    ['frames', 'frames', ['frames', 'stack']],
    ['plugin', 'string', ['plugin']],
    ['weight', 'number', ['weight']]
  ],
  syscalls: [
    ['dur', 'integer', ['dur_ns']],
    ['tid', 'integer', ['tid']],
    ['thread', 'string', ['thread']],
    ['comm', 'string', ['comm']],
    ['syscall', 'string', ['syscall']],
    ['path', 'string', ['path']],
    ['bytes', 'number', ['bytes']]
  ],
  io_events: [
    ['layer', 'string', ['layer']],
    ['source', 'string', ['source']],
    ['event', 'string', ['event']],
    ['dur', 'integer', ['dur_ns']],
    ['tid', 'integer', ['tid']],
    ['thread', 'string', ['thread']],
    ['comm', 'string', ['comm']],
    ['path', 'string', ['path']],
    ['bytes', 'number', ['bytes']],
    ['device', 'string', ['device']],
    ['read_bytes', 'number', ['read_bytes']],
    ['write_bytes', 'number', ['write_bytes']],
    ['frames', 'frames', ['frames']]
  ]
}

/** How a column's values arrive: `list` text[], `json` a jsonb array, `joined` a `;`-joined text. */
export type ValueShape = 'number' | 'string' | 'list' | 'json' | 'joined'

export interface TableColumn {
  column: Column
  physical: string
  shape: ValueShape
  /** The select expression giving the value in its shape. */
  expression: string
}

export interface Table {
  name: TableName
  /** schema.table, quoted, for queries. */
  qualified: string
  /** schema.table as messages show it. */
  shown: string
  columns: Map<Column, TableColumn>
}

/** The tables found, and notes for what is missing (a missing table is a note, never a failure). */
export interface Tables {
  metrics: Table
  samples?: Table
  syscalls?: Table
  io_events?: Table
  notes: string[]
}

const INTEGER_TYPES = new Set(['int2', 'int4', 'int8'])
const NUMBER_TYPES = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'])
const STRING_TYPES = new Set(['text', 'varchar', 'bpchar', 'name'])

interface Attribute {
  name: string
  type: string
  element: string | null
}

function shapeOf(kind: Kind, attribute: Attribute): ValueShape | undefined {
  switch (kind) {
    case 'integer':
      return INTEGER_TYPES.has(attribute.type) ? 'number' : undefined
    case 'number':
      return NUMBER_TYPES.has(attribute.type) ? 'number' : undefined
    case 'string':
      return STRING_TYPES.has(attribute.type) ? 'string' : undefined
    case 'frames':
      if (attribute.element !== null && STRING_TYPES.has(attribute.element)) return 'list'
      if (attribute.type === 'jsonb' || attribute.type === 'json') return 'json'
      return STRING_TYPES.has(attribute.type) ? 'joined' : undefined
  }
}

const EXPECTED: Record<Kind, string> = {
  integer: 'an integer (smallint, integer or bigint)',
  number: 'a number',
  string: 'text',
  frames: 'text[], jsonb or ";"-joined text'
}

function expressionOf(physical: string, shape: ValueShape): string {
  const quoted = quoteIdentifier(physical)
  switch (shape) {
    case 'number':
      return `${quoted}::float8`
    case 'string':
      return `${quoted}::text`
    case 'list':
      // as JSON text: JSON.parse is native, the driver's array parser is not
      return `array_to_json(${quoted}::text[])::text`
    case 'json':
      return `${quoted}::jsonb`
    case 'joined':
      return `${quoted}::text`
  }
}

async function findTable(
  client: pg.Client,
  name: TableName,
  schema: string | undefined
): Promise<{ oid: number; shown: string; qualified: string } | undefined> {
  const reference =
    schema === undefined
      ? quoteIdentifier(name)
      : `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`
  const { rows } = await client.query<{ oid: number; schema: string }>(
    `SELECT c.oid::int AS oid, n.nspname AS schema
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1)`,
    [reference]
  )
  const found = rows[0]
  if (!found) return undefined
  return {
    oid: found.oid,
    shown: `${found.schema}.${name}`,
    qualified: `${quoteIdentifier(found.schema)}.${quoteIdentifier(name)}`
  }
}

async function attributesOf(client: pg.Client, oid: number): Promise<Map<string, Attribute>> {
  const { rows } = await client.query<Attribute>(
    `SELECT a.attname AS name, t.typname AS type, e.typname AS element
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped`,
    [oid]
  )
  return new Map(rows.map((row) => [row.name, row]))
}

/** The columns every table must have, with the types the queries can use. */
const KEY_COLUMNS: [string, Set<string>, string][] = [
  ['run_id', STRING_TYPES, 'text'],
  ['repeat', INTEGER_TYPES, 'an integer'],
  ['ts_ns', new Set(['int8', 'int4']), 'bigint']
]

/**
 * Finds the four tables (in `schema`, else on the connection's search path) and their contract
 * columns. No `metrics` table, or a table without run_id, repeat and ts_ns, is a DatabaseError;
 * a missing other table is a note; a column of a type the engine cannot use is a DatabaseError
 * naming it.
 */
export async function findTables(
  client: pg.Client,
  schema: string | undefined,
  where: string
): Promise<Tables> {
  const notes: string[] = []
  const found: Partial<Record<TableName, Table>> = {}
  for (const name of TABLE_NAMES) {
    const table = await findTable(client, name, schema)
    if (!table) {
      if (name === 'metrics') {
        throw new DatabaseError(
          `${where} has no metrics table${schema === undefined ? ' on the search path' : ` in schema ${schema}`} ` +
            '(a wrong database or schema? --pg-schema names another)'
        )
      }
      notes.push(`no ${name} table in the database: ${LAYER_OF_TABLE[name]} unavailable`)
      continue
    }
    const attributes = await attributesOf(client, table.oid)
    for (const [key, types, expected] of KEY_COLUMNS) {
      const attribute = attributes.get(key)
      if (!attribute || !types.has(attribute.type)) {
        throw new DatabaseError(
          `table ${table.shown} ${attribute ? `has column ${key} of type ${attribute.type}` : `has no column ${key}`}; expected ${expected}`
        )
      }
    }
    const columns = new Map<Column, TableColumn>()
    for (const [column, kind, names] of TABLE_COLUMNS[name]) {
      const physical = names.find((candidate) => attributes.has(candidate))
      if (physical === undefined) continue
      const attribute = attributes.get(physical) as Attribute
      const shape = shapeOf(kind, attribute)
      if (shape === undefined) {
        throw new DatabaseError(
          `column ${table.shown}.${physical} has type ${attribute.type}; expected ${EXPECTED[kind]}`
        )
      }
      columns.set(column, { column, physical, shape, expression: expressionOf(physical, shape) })
    }
    if (name === 'io_events' && !columns.has('layer')) {
      notes.push(`table ${table.shown} has no layer column: its rows have no layer and are ignored`)
    }
    found[name] = { name, qualified: table.qualified, shown: table.shown, columns }
  }
  return { ...(found as { metrics: Table }), ...found, notes }
}

const LAYER_OF_TABLE: Record<TableName, string> = {
  metrics: 'L0 spark metrics',
  samples: 'L1 async-profiler stacks',
  syscalls: 'L4 bpftrace syscalls',
  io_events: 'L2 JFR events, L3 /proc io deltas and L4 block I/O'
}

/** The contract columns the tables have between them (what a parquet file's columns would be). */
export function availableColumns(tables: Tables): Set<Column> {
  const columns = new Set<Column>(['ts', 'layer', 'run_id', 'repeat'])
  for (const name of TABLE_NAMES) {
    for (const column of tables[name]?.columns.keys() ?? []) columns.add(column)
  }
  return columns
}
