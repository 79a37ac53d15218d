/**
 * The fast page decoder and hyparquet's general reader must give the same batches and the same
 * report for every fixture of both writers: speed never changes an answer.
 */
import { describe, expect, it } from '@jest/globals'
import { ATTRIBUTION_COLUMNS } from '../src/analysis/attribute.js'
import { analyseFile } from '../src/analysis/analyse-file.js'
import type { Batch, FramesColumn, StringColumn } from '../src/telemetry/batch.js'
import { discoverTargets } from '../src/telemetry/discover.js'
import { openEventsFile, readBatches, type FallbackLog } from '../src/telemetry/events-file.js'
import { SAMPLE_OPTIONS } from './support/engine.js'

const fixtures = async () =>
  (await discoverTargets(['fixtures/runs', 'fixtures/duckdb'], '.')).files

/** A column as plain values: strings per row (dictionaries may be ordered differently). */
function plain(value: Batch[keyof Batch]): unknown {
  if (value instanceof Float64Array) return Array.from(value, (v) => (Number.isNaN(v) ? null : v))
  if (value && typeof value === 'object' && 'offsets' in value) {
    const frames = value as FramesColumn
    return Array.from({ length: frames.offsets.length - 1 }, (_, row) =>
      Array.from(
        frames.codes.subarray(frames.offsets[row], frames.offsets[row + 1]),
        (code) => frames.dictionary[code]
      )
    )
  }
  if (value && typeof value === 'object' && 'codes' in value) {
    const strings = value as StringColumn
    return Array.from(strings.codes, (code) => (code < 0 ? null : strings.dictionary[code]))
  }
  return value
}

async function batches(path: string, reader: 'fast' | 'reference', fallbacks?: FallbackLog) {
  const file = await openEventsFile(path)
  try {
    const all: Record<string, unknown>[] = []
    for await (const batch of readBatches(
      file,
      ATTRIBUTION_COLUMNS,
      file.rowGroups,
      reader,
      fallbacks
    )) {
      all.push(Object.fromEntries(Object.entries(batch).map(([key, value]) => [key, plain(value)])))
    }
    return all
  } finally {
    await file.close()
  }
}

describe('fast and reference readers', () => {
  it('decode every column of every row group to the same values', async () => {
    const files = await fixtures()
    expect(files.length).toBe(20)
    for (const path of files) {
      const fallbacks: FallbackLog = new Map()
      expect({ path, batches: await batches(path, 'fast', fallbacks) }).toEqual({
        path,
        batches: await batches(path, 'reference')
      })
      // DuckDB's encodings (PLAIN, PLAIN_DICTIONARY, v1 pages) are all decoded by the fast path
      const expected = path.startsWith('fixtures/duckdb/') ? [] : [...fallbacks]
      expect({ path, fallbacks: [...fallbacks] }).toEqual({ path, fallbacks: expected })
    }
  }, 120_000)

  it('give identical reports on every fixture', async () => {
    for (const file of await fixtures()) {
      const fast = await analyseFile(file, { ...SAMPLE_OPTIONS, reader: 'fast' })
      const reference = await analyseFile(file, { ...SAMPLE_OPTIONS, reader: 'reference' })
      expect({ file, report: fast }).toEqual({ file, report: reference })
    }
  }, 60_000)
})
