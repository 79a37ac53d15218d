/**
 * The reader on files from two writers: every time encoding, exact nanoseconds beyond 2^53,
 * column aliases, missing columns, wrong types and broken files.
 */
import { describe, expect, it } from '@jest/globals'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parquetWriteFile } from 'hyparquet-writer'
import { analyseFile } from '../src/analysis/analyse-file.js'
import { openEventsFile, readBatches } from '../src/telemetry/events-file.js'
import { EventsFileError } from '../src/telemetry/parquet-file.js'
import {
  writeEvents,
  WRITERS,
  type EventRow,
  type Layout,
  type TimeEncoding
} from '../scripts/fixtures/writers.js'
import { options, withTempDir } from './support/engine.js'

const MS = 1_000_000n

/** 40 quiet ticks and one 400 ms spike at tick 30, a sample inside it and one just after it. */
function smallRun(base: bigint): EventRow[] {
  const rows: EventRow[] = []
  for (let i = 0; i < 40; i++) {
    const at = base + BigInt(i) * 500n * MS
    rows.push({
      ts_ns: at,
      layer: 'L0',
      metric: 'tick_ms',
      value: i === 30 ? 400 : 20 + (i % 5),
      dur_ns: i === 30 ? 400n * MS : null
    })
  }
  const spike = base + 30n * 500n * MS
  rows.push(
    {
      ts_ns: spike + 399n * MS,
      layer: 'L1',
      tid: 1,
      thread: 'Server thread',
      frames: ['java.lang.Thread.run', 'com.example.plugin.Hook.run']
    },
    {
      ts_ns: spike + 400n * MS,
      layer: 'L1',
      tid: 1,
      thread: 'Server thread',
      frames: ['java.lang.Thread.run', 'org.other.plugin.Late.run']
    },
    {
      ts_ns: spike + 10n * MS,
      layer: 'L4',
      tid: 1,
      comm: 'Server thread',
      syscall: 'fsync',
      dur_ns: 100n * MS,
      path: '/srv/a'
    }
  )
  return rows.sort((a, b) => (a.ts_ns < b.ts_ns ? -1 : a.ts_ns > b.ts_ns ? 1 : 0))
}

async function analyseRows(
  writer: (typeof WRITERS)[number],
  rows: EventRow[],
  layout: Layout = {}
) {
  return withTempDir(async (dir) => {
    const path = join(dir, 'run-1', '0', 'events.parquet')
    await writeEvents(writer, path, rows, layout)
    return analyseFile(path, options())
  })
}

const TIME_ENCODINGS: TimeEncoding[] = [
  'ts_ns',
  'timestamp_nanos',
  'timestamp_micros',
  'timestamp_micros_utc',
  'timestamp_millis'
]

describe.each(WRITERS)('files written by %s', (writer) => {
  it.each(TIME_ENCODINGS)('reads time encoded as %s to the nanosecond', async (time) => {
    const base = 1_700_000_000_000n * MS // an epoch-based clock: 2023-11-14
    const run = await analyseRows(writer, smallRun(base), { time })
    expect(run.start_ns).toBe(base.toString())
    expect(run.spikes).toHaveLength(1)
    const [spike] = run.spikes
    expect(spike.start_ns).toBe((base + 15_000n * MS).toString())
    expect(spike.end_ns).toBe((base + 15_400n * MS).toString())
    expect(spike.top_plugin).toBe('com.example.plugin')
  })

  it('keeps nanoseconds exact above 2^53 (a sample 1 ns inside the window counts, at its end does not)', async () => {
    const base = 2n ** 60n + 123_456_789n
    const rows = smallRun(base)
    const spikeStart = base + 15_000n * MS
    rows.push(
      {
        ts_ns: spikeStart + 400n * MS - 1n,
        layer: 'L1',
        tid: 2,
        thread: 'edge',
        frames: ['x.inside.Edge.run']
      },
      {
        ts_ns: spikeStart + 400n * MS,
        layer: 'L1',
        tid: 3,
        thread: 'edge',
        frames: ['x.outside.Edge.run']
      }
    )
    rows.sort((a, b) => (a.ts_ns < b.ts_ns ? -1 : a.ts_ns > b.ts_ns ? 1 : 0))
    const run = await analyseRows(writer, rows)
    expect(run.start_ns).toBe(base.toString())
    expect(run.spikes[0].start_ns).toBe(spikeStart.toString())
    expect(run.spikes[0].end_ns).toBe((spikeStart + 400n * MS).toString())
    expect(run.spikes[0].plugins.map((p) => p.plugin).sort()).toEqual([
      'com.example.plugin',
      'x.inside'
    ])
  })

  it('accepts the aliases thread_name, stack and duration_ns', async () => {
    const run = await analyseRows(writer, smallRun(10_000_000_000n), {
      threadColumn: 'thread_name',
      frames: 'stack',
      durationColumn: 'duration_ns'
    })
    const [spike] = run.spikes
    expect(spike.top_plugin).toBe('com.example.plugin')
    expect(spike.syscalls[0]).toMatchObject({ syscall: 'fsync', total_ms: 100 })
    expect(spike.top_thread).toBe('Server thread')
  })

  it('turns missing columns into notes, not errors', async () => {
    const rows = smallRun(10_000_000_000n).map(({ frames: _frames, path: _path, ...rest }) => rest)
    const run = await analyseRows(writer, rows)
    expect(run.spikes[0].notes).toEqual(
      expect.arrayContaining([
        'no frames, stack or plugin column: plugin attribution unavailable',
        'no path column: file attribution unavailable'
      ])
    )
    expect(run.spikes[0].first_syscall).toBe('fsync')
  })

  it('reads several row groups and only the ones a window needs give rows to it', async () => {
    const rows = smallRun(10_000_000_000n)
    const run = await analyseRows(writer, rows, { rowGroupSize: writer === 'duckdb' ? 2048 : 4 })
    expect(run.spikes[0].top_plugin).toBe('com.example.plugin')
    expect(run.rows).toBe(rows.length)
  })

  it('gives each spike its own dur_ns when the file is not in time order', async () => {
    const base = 10_000_000_000n
    // durations differ from the tick values, so a window built without its dur_ns would show
    const rows = smallRun(base).filter((row) => row.layer === 'L0')
    rows[10] = { ...rows[10], value: 300, dur_ns: 350n * MS }
    rows[30] = { ...rows[30], dur_ns: 450n * MS }
    rows.reverse()
    const run = await analyseRows(writer, rows, { rowGroupSize: writer === 'duckdb' ? 2048 : 4 })
    expect(run.spikes.map((spike) => [spike.start_ns, spike.end_ns])).toEqual([
      [(base + 5_000n * MS).toString(), (base + 5_350n * MS).toString()],
      [(base + 15_000n * MS).toString(), (base + 15_450n * MS).toString()]
    ])
  })
})

async function writeRaw(
  path: string,
  columnData: { name: string; data: unknown[]; type?: string }[]
) {
  parquetWriteFile({
    filename: path,
    columnData: columnData as Parameters<typeof parquetWriteFile>[0]['columnData']
  })
}

describe('bad input', () => {
  it('names a missing required column', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'events.parquet')
      await writeRaw(path, [{ name: 'layer', data: ['L0'], type: 'STRING' }])
      await expect(openEventsFile(path)).rejects.toThrow(
        `${path}: not a plugbench events table: missing column "ts_ns" (or "ts") (columns: layer)`
      )
    })
  })

  it('names a column of the wrong type and what was expected', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'events.parquet')
      await writeRaw(path, [
        { name: 'ts_ns', data: [1n], type: 'INT64' },
        { name: 'layer', data: ['L1'], type: 'STRING' },
        { name: 'tid', data: ['4101'], type: 'STRING' }
      ])
      await expect(openEventsFile(path)).rejects.toThrow(
        'column "tid" has type BYTE_ARRAY (UTF8); expected an integer (INT32 or INT64)'
      )
      const plainTs = join(dir, 'plain-ts.parquet')
      await writeRaw(plainTs, [
        { name: 'ts', data: [1n], type: 'INT64' },
        { name: 'layer', data: ['L1'], type: 'STRING' }
      ])
      await expect(openEventsFile(plainTs)).rejects.toThrow(
        /"ts" is a plain INT64 without a TIMESTAMP unit/
      )
    })
  })

  it('rejects non-parquet, truncated and missing files with one line naming the file', async () => {
    await withTempDir(async (dir) => {
      const text = join(dir, 'notes.parquet')
      await writeFile(text, 'tick_ms,412\n'.repeat(10))
      await expect(openEventsFile(text)).rejects.toThrow(
        `${text}: not a parquet file (no PAR1 magic bytes)`
      )
      const source = await readFile('fixtures/runs/s2-player-quit/0/events.parquet')
      const truncated = join(dir, 'truncated.parquet')
      await writeFile(truncated, source.subarray(0, source.length - 300))
      await expect(openEventsFile(truncated)).rejects.toThrow(
        `${truncated}: truncated parquet file (starts with PAR1 but has no footer)`
      )
      await expect(openEventsFile(join(dir, 'absent.parquet'))).rejects.toThrow(
        'absent.parquet: no such file'
      )
    })
  })

  it('reports corrupt column data as one line with the column and row group', async () => {
    await withTempDir(async (dir) => {
      const source = Buffer.from(await readFile('fixtures/duckdb/s2-player-quit/0/events.parquet'))
      // overwrite the start of the first compressed page (its zstd frame header), keep the footer:
      // every zstd decoder refuses it. (0xff over a page's stored, uncompressed zstd block is
      // different: no decoder can tell, parquet pages carry no checksum here, docs/hostile-input.md)
      const frame = source.indexOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 4)
      expect(frame).toBeGreaterThan(4)
      source.fill(0xff, frame, frame + 64)
      const path = join(dir, 'corrupt.parquet')
      await writeFile(path, source)
      const error = await analyseFile(path, options()).then(
        () => undefined,
        (caught: unknown) => caught
      )
      expect(error).toBeInstanceOf(EventsFileError)
      expect((error as Error).message).toMatch(
        new RegExp(`^${path}: corrupt data in column "\\w+", row group \\d+ \\(.+\\)$`)
      )
      expect((error as Error).message).not.toMatch(/\n/)
    })
  })

  it('reads only the columns a pass asks for', async () => {
    const file = await openEventsFile('fixtures/runs/s1-save-all/0/events.parquet')
    try {
      const batch = (await readBatches(file, ['layer']).next()).value
      expect(batch && Object.keys(batch).sort()).toEqual(['layer', 'length', 'rowStart', 'ts'])
    } finally {
      await file.close()
    }
  })
})
