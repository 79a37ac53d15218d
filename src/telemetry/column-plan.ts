/**
 * How each wanted contract column of one events file is decoded: where its chunk is in every row
 * group, its schema levels, and what its values become (nanosecond offsets, numbers, dictionary
 * codes, frames).
 */
import type { SchemaElement } from 'hyparquet'
import { parquetSchema } from 'hyparquet'
import type { ChunkTarget } from './pages.js'
import { COLUMN_KINDS, type Column } from './columns.js'
import type { EventsFile } from './events-file.js'
import { getMaxDefinitionLevel, getMaxRepetitionLevel, getTreePath } from './hyparquet-internals.js'
import { columnIndex, metaRange } from './parquet-file.js'

const NUMERIC_KINDS = new Set(['time', 'integer', 'number'])

export interface ColumnPlan {
  column: Column
  physical: string
  chunk: number
  target: ChunkTarget
  maxDefinition: number
  maxRepetition: number
  element: SchemaElement
}

/** How each wanted column of this file is decoded; columns the file lacks are left out. */
export function planColumns(file: EventsFile, wanted: readonly Column[]): ColumnPlan[] {
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

export function chunkRange(
  file: EventsFile,
  group: number,
  plan: ColumnPlan
): [number, number] | undefined {
  const meta = file.metadata.row_groups[group].columns[plan.chunk]?.meta_data
  return meta ? metaRange(meta) : undefined
}
