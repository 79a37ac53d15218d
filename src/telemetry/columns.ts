import type { SchemaTree } from 'hyparquet'

/**
 * The columns the engine understands, by their contract name. Each is found in a file under its
 * own name or an alias (docs/input.md); `kind` says what the value must decode to.
 */
export type ColumnKind = 'time' | 'integer' | 'number' | 'string' | 'frames'

export const COLUMN_KINDS = {
  ts: 'time',
  dur: 'integer',
  layer: 'string',
  source: 'string',
  event: 'string',
  run_id: 'string',
  repeat: 'integer',
  tid: 'integer',
  thread: 'string',
  comm: 'string',
  metric: 'string',
  value: 'number',
  frames: 'frames',
  plugin: 'string',
  weight: 'number',
  syscall: 'string',
  path: 'string',
  bytes: 'number',
  device: 'string',
  read_bytes: 'number',
  write_bytes: 'number'
} as const satisfies Record<string, ColumnKind>

export type Column = keyof typeof COLUMN_KINDS

/** Physical names tried in order; the first present wins. */
const ALIASES: Record<Column, readonly string[]> = {
  ts: ['ts_ns', 'ts'],
  dur: ['dur_ns', 'duration_ns'],
  layer: ['layer'],
  source: ['source'],
  event: ['event'],
  run_id: ['run_id'],
  repeat: ['repeat'],
  tid: ['tid'],
  thread: ['thread', 'thread_name'],
  comm: ['comm'],
  metric: ['metric'],
  value: ['value'],
  frames: ['frames', 'stack'],
  plugin: ['plugin'],
  weight: ['weight'],
  syscall: ['syscall'],
  path: ['path'],
  bytes: ['bytes'],
  device: ['device'],
  read_bytes: ['read_bytes'],
  write_bytes: ['write_bytes']
}

/** Where a contract column lives in one file and how its values arrive from hyparquet. */
export interface ResolvedColumn {
  physical: string
  /** `list` for LIST<STRING> frames, `joined` for a `;`-joined stack string. */
  shape: 'scalar' | 'list' | 'joined'
}

export type ColumnMap = Partial<Record<Column, ResolvedColumn>>

export class SchemaError extends Error {}

function describeType(node: SchemaTree): string {
  const { type, converted_type: converted, logical_type: logical } = node.element
  if (!type) return converted ?? logical?.type ?? 'GROUP'
  const annotation = logical?.type ?? converted
  return annotation ? `${type} (${annotation})` : type
}

function isList(node: SchemaTree): boolean {
  const {
    converted_type: converted,
    logical_type: logical,
    repetition_type: repetition
  } = node.element
  return converted === 'LIST' || logical?.type === 'LIST' || repetition === 'REPEATED'
}

/** The leaf of a LIST (three-level, two-level or a bare repeated field). */
function listLeaf(node: SchemaTree): SchemaTree | undefined {
  if (!node.element.type && node.children.length !== 1) return undefined
  let leaf = node
  while (!leaf.element.type) {
    if (leaf.children.length !== 1) return undefined
    leaf = leaf.children[0]
  }
  return leaf
}

function isStringLeaf(node: SchemaTree): boolean {
  const { type, converted_type: converted, logical_type: logical } = node.element
  if (type !== 'BYTE_ARRAY') return false
  return !logical || logical.type === 'STRING' || logical.type === 'ENUM' || converted === 'UTF8'
}

function isInteger(node: SchemaTree): boolean {
  const { type, logical_type: logical, converted_type: converted } = node.element
  if (type !== 'INT32' && type !== 'INT64') return false
  if (logical) return logical.type === 'INTEGER'
  return converted === undefined || /^U?INT_/.test(converted)
}

function isTimestamp(node: SchemaTree): boolean {
  const { type, converted_type: converted, logical_type: logical } = node.element
  if (type === 'INT96') return !converted && !logical
  return (
    type === 'INT64' &&
    (logical?.type === 'TIMESTAMP' ||
      converted === 'TIMESTAMP_MILLIS' ||
      converted === 'TIMESTAMP_MICROS')
  )
}

/**
 * Time arrives as nanoseconds whatever its encoding: plain INT64 `ts_ns`, or a TIMESTAMP of any
 * unit (and legacy INT96) that our hyparquet parsers turn into nanosecond BigInts.
 */
function checkTime(node: SchemaTree, physical: string): void {
  if (isTimestamp(node)) return
  if (physical === 'ts_ns' && node.element.type === 'INT64' && isInteger(node)) return
  if (physical === 'ts' && node.element.type === 'INT64' && isInteger(node)) {
    throw new SchemaError(
      'column "ts" is a plain INT64 without a TIMESTAMP unit; name it "ts_ns" if it holds nanoseconds'
    )
  }
  throw new SchemaError(
    `column "${physical}" has type ${describeType(node)}; expected INT64 nanoseconds or a TIMESTAMP`
  )
}

function resolveOne(column: Column, node: SchemaTree): ResolvedColumn {
  const physical = node.element.name
  const kind: ColumnKind = COLUMN_KINDS[column]
  const mismatch = (expected: string) =>
    new SchemaError(`column "${physical}" has type ${describeType(node)}; expected ${expected}`)

  if (kind === 'frames') {
    if (isList(node)) {
      const leaf = listLeaf(node)
      if (!leaf || !isStringLeaf(leaf)) throw mismatch('LIST<STRING> or a ";"-joined STRING')
      return { physical, shape: 'list' }
    }
    if (isStringLeaf(node)) return { physical, shape: 'joined' }
    throw mismatch('LIST<STRING> or a ";"-joined STRING')
  }
  if (isList(node) || !node.element.type) throw mismatch(`a single ${kind} value per row`)
  switch (kind) {
    case 'time':
      checkTime(node, physical)
      return { physical, shape: 'scalar' }
    case 'string':
      if (!isStringLeaf(node)) throw mismatch('STRING')
      return { physical, shape: 'scalar' }
    case 'integer':
      if (!isInteger(node)) throw mismatch('an integer (INT32 or INT64)')
      return { physical, shape: 'scalar' }
    case 'number': {
      const { type } = node.element
      const numeric = type === 'FLOAT' || type === 'DOUBLE' || isInteger(node)
      if (!numeric) throw mismatch('a number (INT32, INT64, FLOAT or DOUBLE)')
      return { physical, shape: 'scalar' }
    }
  }
}

/**
 * Maps contract columns to the columns of one file. Throws SchemaError when a required column
 * (time, layer) is missing or when a present column has a type the engine cannot use.
 */
export function resolveColumns(schema: SchemaTree): ColumnMap {
  const byName = new Map(schema.children.map((child) => [child.element.name, child]))
  const map: ColumnMap = {}
  for (const column of Object.keys(COLUMN_KINDS) as Column[]) {
    const physical = ALIASES[column].find((name) => byName.has(name))
    if (physical === undefined) continue
    map[column] = resolveOne(column, byName.get(physical) as SchemaTree)
  }
  const missing = [
    map.ts ? undefined : '"ts_ns" (or "ts")',
    map.layer ? undefined : '"layer"'
  ].filter((name) => name !== undefined)
  if (missing.length > 0) {
    const found = schema.children.map((child) => child.element.name)
    const shown = found.slice(0, 8).join(', ') + (found.length > 8 ? ', …' : '')
    throw new SchemaError(
      `not a plugbench events table: missing column ${missing.join(' and ')} (columns: ${shown || 'none'})`
    )
  }
  return map
}
