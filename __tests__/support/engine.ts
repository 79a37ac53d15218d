import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_OPTIONS, type AnalysisOptions } from '../../src/analysis/analyse-file.js'
import { parseRegistry } from '../../src/analysis/plugins.js'
import {
  framesColumn,
  stringColumn,
  type Batch,
  type NumberField,
  type StringField
} from '../../src/telemetry/batch.js'
import { SAMPLE_REGISTRY } from '../../scripts/fixtures/scenarios.js'

export const SAMPLE_OPTIONS: AnalysisOptions = {
  ...DEFAULT_OPTIONS,
  registry: parseRegistry(SAMPLE_REGISTRY)
}

export function options(overrides: Partial<AnalysisOptions> = {}): AnalysisOptions {
  return { ...DEFAULT_OPTIONS, ...overrides }
}

/** A row for batch-level tests: times in ms (converted to ns offsets). */
export type TestRow = { at: number } & Partial<Record<NumberField, number>> &
  Partial<Record<StringField, string>> & { frames?: string[] }

const NUMBER_FIELDS: NumberField[] = [
  'dur',
  'tid',
  'repeat',
  'value',
  'weight',
  'bytes',
  'read_bytes',
  'write_bytes'
]
const STRING_FIELDS: StringField[] = [
  'layer',
  'source',
  'event',
  'run_id',
  'thread',
  'comm',
  'metric',
  'plugin',
  'syscall',
  'path',
  'device'
]

/** Builds the columnar batch the engine reads from a list of rows (ms → ns; dur in ms too). */
export function batchOf(rows: TestRow[]): Batch {
  const batch: Batch = {
    rowStart: 0,
    length: rows.length,
    ts: Float64Array.from(rows, (row) => row.at * 1e6)
  }
  const target = batch as unknown as Record<string, unknown>
  for (const field of NUMBER_FIELDS) {
    if (rows.some((row) => row[field] !== undefined)) {
      const scale = field === 'dur' ? 1e6 : 1
      target[field] = Float64Array.from(rows, (row) =>
        row[field] === undefined ? NaN : (row[field] as number) * scale
      )
    }
  }
  for (const field of STRING_FIELDS) {
    if (rows.some((row) => row[field] !== undefined)) {
      target[field] = stringColumn(rows.map((row) => row[field] ?? null))
    }
  }
  if (rows.some((row) => row.frames !== undefined)) {
    batch.frames = framesColumn(
      rows.map((row) => row.frames ?? null),
      false
    )
  }
  return batch
}

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'iostorm-test-'))
  try {
    return await run(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
