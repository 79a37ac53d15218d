/**
 * Files from the writers users have (arrow-rs through parquet-wasm, polars, DuckDB with its
 * other settings, Spark-style INT96): the fast reader and hyparquet's general reader agree on
 * every batch, and the report equals the one of the same rows in the fixtures' own layout.
 */
import { describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import { parquetMetadataAsync, parquetRead, asyncBufferFromFile } from 'hyparquet'
import { ATTRIBUTION_COLUMNS } from '../src/analysis/attribute.js'
import { analyseFile } from '../src/analysis/analyse-file.js'
import type { Batch, FramesColumn, StringColumn } from '../src/telemetry/batch.js'
import { decodeChunk, UnsupportedChunk, type DecodedChunk } from '../src/telemetry/chunks.js'
import { codecs } from '../src/telemetry/codecs.js'
import { openEventsFile, readBatches, type FallbackLog } from '../src/telemetry/events-file.js'
import { decompressLz4, decompressLz4Raw, Lz4Error } from '../src/telemetry/lz4.js'
import { NANOSECOND_PARSERS, metaRange } from '../src/telemetry/parquet-file.js'
import { scenarios } from '../scripts/fixtures/scenarios.js'
import {
  writeEvents,
  writeInt96Events,
  type EventRow,
  type Layout,
  type Writer
} from '../scripts/fixtures/writers.js'
import { SAMPLE_OPTIONS, withTempDir } from './support/engine.js'
import { describeWithShared, SHARED } from './support/shared.js'

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

/** Every column of every row as plain values, in file order (batch boundaries left out). */
async function rowsOf(path: string, reader: 'fast' | 'reference', fallbacks?: FallbackLog) {
  const file = await openEventsFile(path)
  try {
    const columns: Record<string, unknown[]> = {}
    for await (const batch of readBatches(
      file,
      ATTRIBUTION_COLUMNS,
      file.rowGroups,
      reader,
      fallbacks
    )) {
      for (const [key, value] of Object.entries(batch)) {
        if (key === 'rowStart' || key === 'length') continue
        const values = plain(value) as unknown[]
        ;(columns[key] ??= []).push(...values)
      }
    }
    return columns
  } finally {
    await file.close()
  }
}

/** The report without the file's path (the same rows are written to different files). */
async function report(path: string, reader: 'fast' | 'reference') {
  const { file: _file, ...rest } = await analyseFile(path, { ...SAMPLE_OPTIONS, reader })
  return rest
}

/** s1 (15k rows, every layer, nulls in most columns), with `plugin` never set: all-null pages. */
const scenario = scenarios().find((s) => s.name === 's1-save-all')
if (!scenario) throw new Error('scenario s1-save-all is missing')
const ROWS: readonly EventRow[] = scenario.repeats[0]
const FIELDS: Layout['fields'] = [
  'layer',
  'dur_ns',
  'source',
  'event',
  'tid',
  'thread',
  'comm',
  'metric',
  'value',
  'frames',
  'plugin',
  'syscall',
  'path',
  'bytes',
  'device',
  'read_bytes',
  'write_bytes'
]

/** The same rows in the layout of the fixtures (hyparquet-writer, snappy): what every file must give. */
let baseline: Promise<{ columns: Record<string, unknown[]>; report: unknown }> | undefined
function expected() {
  baseline ??= withTempDir(async (dir) => {
    const path = join(dir, 'run', '0', 'events.parquet')
    await writeEvents('hyparquet-writer', path, ROWS, { fields: FIELDS, rowGroupSize: 4096 })
    return { columns: await rowsOf(path, 'reference'), report: await report(path, 'reference') }
  })
  return baseline
}

/**
 * Writes the rows with `writer` and `layout`; both readers must give the baseline's columns and
 * report. Returns what the fast reader handed to hyparquet, and the encodings written.
 */
async function agreement(writer: Writer, layout: Layout) {
  return withTempDir(async (dir) => {
    const path = join(dir, 'run', '0', 'events.parquet')
    await writeEvents(writer, path, ROWS, { fields: FIELDS, rowGroupSize: 4096, ...layout })
    const fallbacks: FallbackLog = new Map()
    const want = await expected()
    expect(await rowsOf(path, 'fast', fallbacks)).toEqual(want.columns)
    expect(await rowsOf(path, 'reference')).toEqual(want.columns)
    expect(await report(path, 'fast')).toEqual(want.report)
    expect(await report(path, 'reference')).toEqual(want.report)
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path))
    const encodings = new Set(
      metadata.row_groups.flatMap((group) =>
        group.columns.flatMap((chunk) => chunk.meta_data?.encodings ?? [])
      )
    )
    const codecsUsed = new Set(
      metadata.row_groups.flatMap((group) => group.columns.map((chunk) => chunk.meta_data?.codec))
    )
    return { fallbacks: [...fallbacks.keys()], encodings, codecs: codecsUsed, metadata }
  })
}

/** Each writer's settings a user may have; the encodings each must actually produce. */
const SETTINGS: [Writer, string, Layout, string[]][] = [
  ['arrow-rs', 'default (zstd, dictionary, v1 pages)', {}, ['RLE_DICTIONARY']],
  ['arrow-rs', 'LZ4_RAW', { codec: 'LZ4_RAW' }, []],
  ['arrow-rs', 'LZ4_RAW, data page v2', { codec: 'LZ4_RAW', pageVersion: 2 }, []],
  ['arrow-rs', 'LZ4 (Hadoop framing)', { codec: 'LZ4' }, []],
  ['arrow-rs', 'snappy, data page v2', { codec: 'SNAPPY', pageVersion: 2 }, []],
  ['arrow-rs', 'gzip', { codec: 'GZIP' }, []],
  ['arrow-rs', 'brotli', { codec: 'BROTLI' }, []],
  [
    'arrow-rs',
    'uncompressed, no dictionary (PLAIN)',
    { codec: 'UNCOMPRESSED', dictionary: false },
    ['PLAIN']
  ],
  [
    'arrow-rs',
    'DELTA_BINARY_PACKED integers',
    { dictionary: false, encodings: { integer: 'DELTA_BINARY_PACKED' } },
    ['DELTA_BINARY_PACKED']
  ],
  [
    'arrow-rs',
    'BYTE_STREAM_SPLIT doubles',
    { dictionary: false, encodings: { number: 'BYTE_STREAM_SPLIT' } },
    ['BYTE_STREAM_SPLIT']
  ],
  [
    'arrow-rs',
    'DELTA_BYTE_ARRAY strings',
    { dictionary: false, encodings: { string: 'DELTA_BYTE_ARRAY' } },
    ['DELTA_BYTE_ARRAY']
  ],
  [
    'arrow-rs',
    'DELTA_LENGTH_BYTE_ARRAY strings, data page v2',
    { dictionary: false, pageVersion: 2, encodings: { string: 'DELTA_LENGTH_BYTE_ARRAY' } },
    ['DELTA_LENGTH_BYTE_ARRAY']
  ],
  [
    'arrow-rs',
    'dictionary falling back to PLAIN mid-chunk',
    { dictionaryPageBytes: 256 },
    ['RLE_DICTIONARY', 'PLAIN']
  ],
  ['arrow-rs', 'tiny pages (256 bytes)', { pageBytes: 256 }, []],
  ['arrow-rs', 'no statistics', { statistics: false }, []],
  ['arrow-rs', 'required columns where no value is null', { required: true }, []],
  ['polars', 'default (zstd)', {}, []],
  ['polars', 'lz4 (LZ4_RAW)', { codec: 'LZ4_RAW' }, []],
  ['polars', 'snappy', { codec: 'SNAPPY' }, []],
  ['duckdb', 'default (zstd)', {}, []],
  ['duckdb', 'lz4 (LZ4_RAW)', { codec: 'LZ4_RAW' }, []],
  ['duckdb', 'PARQUET_VERSION v2 (DELTA encodings, v2 pages)', { pageVersion: 2 }, []],
  ['duckdb', 'snappy, tiny row groups', { codec: 'SNAPPY', rowGroupSize: 1000 }, []]
]

describe('files of other writers', () => {
  it.each(SETTINGS)(
    '%s, %s: both readers give the rows and the report',
    async (...setting) => {
      const [writer, , layout, encodings] = setting
      const written = await agreement(writer, layout)
      expect([...written.encodings]).toEqual(expect.arrayContaining(encodings))
      // the fast reader decodes every chunk itself: nothing handed to hyparquet's row assembly
      expect(written.fallbacks).toEqual([])
      expect([...written.codecs]).toEqual([layout.codec ?? 'ZSTD'])
    },
    60_000
  )
})

describe('LZ4 blocks', () => {
  it('reads the empty block of an all-null page (a single zero token)', () => {
    expect(decompressLz4Raw(Uint8Array.of(0), 0)).toEqual(new Uint8Array(0))
    expect(decompressLz4Raw(new Uint8Array(0), 0)).toEqual(new Uint8Array(0))
    expect(decompressLz4(Uint8Array.of(0), 0)).toEqual(new Uint8Array(0))
  })

  it('reads literals, matches and overlapping matches', () => {
    // "abcd" then a match of 8 at offset 4 (overlapping), then literals "xy"
    const block = Uint8Array.of(0x44, 97, 98, 99, 100, 4, 0, 0x20, 120, 121)
    expect(new TextDecoder().decode(decompressLz4Raw(block, 14))).toBe('abcdabcdabcdxy')
    // the same block in Hadoop's framing
    const framed = Uint8Array.of(0, 0, 0, 14, 0, 0, 0, block.length, ...block)
    expect(new TextDecoder().decode(decompressLz4(framed, 14))).toBe('abcdabcdabcdxy')
    // not framed: read as a bare block
    expect(new TextDecoder().decode(decompressLz4(block, 14))).toBe('abcdabcdabcdxy')
  })

  it('rejects blocks that lie', () => {
    // a match before any output
    expect(() => decompressLz4Raw(Uint8Array.of(0x00, 1, 0), 4)).toThrow(Lz4Error)
    // literals past the block's end
    expect(() => decompressLz4Raw(Uint8Array.of(0x50, 1, 2), 5)).toThrow(Lz4Error)
    // more output than the page claims
    expect(() => decompressLz4Raw(Uint8Array.of(0x40, 1, 2, 3, 4), 3)).toThrow(Lz4Error)
    // less output than the page claims
    expect(() => decompressLz4Raw(Uint8Array.of(0x30, 1, 2, 3), 4)).toThrow(/claims 4/)
  })
})

describeWithShared('LZ4 and INT96 files of the parquet-testing corpus', () => {
  const data = `${SHARED}/corpus/parquet-testing/data`
  const read = async (name: string) => {
    const rows: unknown[][] = []
    await parquetRead({
      file: await asyncBufferFromFile(join(data, name)),
      compressors: await codecs(),
      parsers: NANOSECOND_PARSERS,
      onComplete: (all) => rows.push(...(all as unknown[][]))
    })
    return rows
  }

  it('tells Hadoop-framed LZ4, bare LZ4 and LZ4_RAW apart', async () => {
    const small = [
      [1593604800n, 'abc', 42],
      [1593604800n, 'def', 7.7],
      [1593604801n, 'abc', 42.125],
      [1593604801n, 'def', 7.7]
    ]
    expect(await read('hadoop_lz4_compressed.parquet')).toEqual(small)
    expect(await read('non_hadoop_lz4_compressed.parquet')).toEqual(small)
    expect(await read('lz4_raw_compressed.parquet')).toEqual(small)
    for (const name of [
      'hadoop_lz4_compressed_larger.parquet',
      'lz4_raw_compressed_larger.parquet'
    ]) {
      const rows = await read(name)
      expect(rows).toHaveLength(10000)
      expect(rows[0]).toEqual(['c7ce6bef-d5b0-4863-b199-8ea8c7fb117b'])
      expect(rows[9999]).toEqual(['85440778-460a-41ac-aa2e-ac3ee41696bf'])
    }
  })

  it("decodes Spark's INT96 column to the nanosecond in the fast decoder", async () => {
    const path = join(data, 'int96_from_spark.parquet')
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path))
    const [chunk] = metadata.row_groups[0].columns
    const meta = chunk.meta_data
    if (!meta) throw new Error('no column metadata')
    const file = await asyncBufferFromFile(path)
    const [start, end] = metaRange(meta)
    const expectedNs = (await read('int96_from_spark.parquet')).map(([value]) => value)
    const baseNs = 1_704_070_800_000_000_000n
    const decoded = decodeChunk({
      bytes: new Uint8Array(await file.slice(start, end)),
      rows: Number(metadata.row_groups[0].num_rows),
      meta,
      element: metadata.schema[1],
      maxDefinition: 1,
      maxRepetition: 0,
      compressors: await codecs(),
      target: { kind: 'time', baseNs, scale: 1 }
    }) as Float64Array
    expect(expectedNs.some((value) => value === null)).toBe(true)
    // the file also holds years 9999 and before 1677, beyond what 64-bit nanoseconds (and any
    // reader's nanosecond time) hold: only the times a telemetry file can have are compared
    const inRange = (value: unknown) =>
      typeof value === 'bigint' && value > -(2n ** 63n) && value < 2n ** 63n
    expect(expectedNs.filter(inRange)).toHaveLength(3)
    // exact within 2^53 ns (104 days) of the base, to the double's precision beyond
    const errors = expectedNs.map((value, row) =>
      value === null
        ? Number.isNaN(decoded[row])
          ? 'null'
          : 'a value where null is'
        : inRange(value)
          ? Math.abs(decoded[row] - Number((value as bigint) - baseNs)) <= 8
          : 'out of range'
    )
    expect(errors).toEqual([true, true, 'out of range', true, 'null', 'out of range'])
    expect(decoded[0]).toBe(Number(1_704_141_296_123_456_000n - baseNs))
    expect(decoded[1]).toBe(0)
  })
})

describe('INT96 time (Spark-style pyarrow)', () => {
  it.each([
    ['dictionary-encoded', true],
    ['PLAIN', false]
  ])(
    '%s: the same report, to the nanosecond, as INT64 ts_ns',
    async (_name, dictionary) => {
      // an epoch clock: the 1772446443220331520 (2026-03-02)
      const shift = 1_772_446_443_220_331_520n - ROWS[0].ts_ns
      const rows = ROWS.map((row) => ({ ...row, ts_ns: row.ts_ns + shift }))
      await withTempDir(async (dir) => {
        const int96 = join(dir, 'int96', 'run', '0', 'events.parquet')
        const int64 = join(dir, 'int64', 'run', '0', 'events.parquet')
        await writeInt96Events(int96, rows, { dictionary, rowGroupSize: 4096 })
        await writeEvents('hyparquet-writer', int64, rows, { rowGroupSize: 4096 })
        const metadata = await parquetMetadataAsync(await asyncBufferFromFile(int96))
        expect(metadata.schema[1]).toMatchObject({ name: 'ts', type: 'INT96' })
        const want = await report(int64, 'reference')
        expect(want.start_ns).toBe('1772446443220331520')
        expect(want.spikes.length).toBeGreaterThan(0)
        expect(want.sampling_interval_ms).toBeGreaterThan(0)
        const fallbacks: FallbackLog = new Map()
        expect(await rowsOf(int96, 'fast', fallbacks)).toEqual(await rowsOf(int64, 'reference'))
        expect([...fallbacks.keys()]).toEqual([])
        expect(await report(int96, 'fast')).toEqual(want)
        expect(await report(int96, 'reference')).toEqual(want)
      })
    },
    60_000
  )
})

describeWithShared('the fast decoder on the corpus files of each encoding', () => {
  const data = `${SHARED}/corpus/parquet-testing/data`
  const FILES = [
    'delta_binary_packed.parquet',
    'delta_encoding_required_column.parquet',
    'delta_encoding_optional_column.parquet',
    'delta_byte_array.parquet',
    'delta_length_byte_array.parquet',
    'byte_stream_split.zstd.parquet',
    'byte_stream_split_extended.gzip.parquet',
    'datapage_v2.snappy.parquet',
    'alltypes_tiny_pages_plain.parquet',
    'int32_with_null_pages.parquet',
    'rle-dict-snappy-checksum.parquet'
  ]

  /** What the fast decoder gives for a column: its values, or why it handed the chunk over. */
  async function fastColumn(
    file: Awaited<ReturnType<typeof asyncBufferFromFile>>,
    metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>,
    element: (typeof metadata.schema)[number],
    string: boolean
  ): Promise<unknown[] | string> {
    const got: unknown[] = []
    for (const group of metadata.row_groups) {
      const meta = group.columns.find(
        (c) => c.meta_data?.path_in_schema[0] === element.name
      )?.meta_data
      if (!meta) continue
      const [start, end] = metaRange(meta)
      let chunk: DecodedChunk
      try {
        chunk = decodeChunk({
          bytes: new Uint8Array(await file.slice(start, end)),
          rows: Number(group.num_rows),
          meta,
          element,
          maxDefinition: element.repetition_type === 'REQUIRED' ? 0 : 1,
          maxRepetition: 0,
          compressors: await codecs(),
          target: { kind: string ? 'string' : 'number' }
        })
      } catch (error) {
        if (error instanceof UnsupportedChunk) return error.message
        throw error
      }
      got.push(...(plain(chunk as Batch[keyof Batch]) as unknown[]))
    }
    return got
  }

  it.each(FILES)('%s: every flat number and string column as hyparquet reads it', async (name) => {
    const file = await asyncBufferFromFile(join(data, name))
    const metadata = await parquetMetadataAsync(file)
    const outcomes: Record<string, string> = {}
    for (const [index, element] of metadata.schema.entries()) {
      const { type } = element
      if (index === 0 || !type || element.repetition_type === 'REPEATED') continue
      const string = type === 'BYTE_ARRAY'
      if (!string && !['INT32', 'INT64', 'FLOAT', 'DOUBLE'].includes(type)) continue
      const annotation = element.logical_type?.type ?? element.converted_type
      if (annotation && !(string && (annotation === 'STRING' || annotation === 'UTF8'))) continue
      const topLevel = metadata.row_groups[0]?.columns.some(
        (c) =>
          c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === element.name
      )
      if (!topLevel) continue
      const expected: unknown[] = []
      await parquetRead({
        file,
        metadata,
        compressors: await codecs(),
        columns: [element.name],
        onChunk: (chunk) => expected.push(...Array.from(chunk.columnData as ArrayLike<unknown>))
      })
      const want = expected.map((value) =>
        value === null || value === undefined
          ? null
          : typeof value === 'bigint'
            ? Number(value)
            : value instanceof Uint8Array
              ? new TextDecoder().decode(value)
              : value
      )
      const got = await fastColumn(file, metadata, element, string)
      // integers beyond 2^53 go to hyparquet's exact reader, and nothing else does
      outcomes[element.name] =
        typeof got === 'string'
          ? got
          : JSON.stringify(got) === JSON.stringify(want)
            ? 'same'
            : 'differs'
    }
    const values = Object.values(outcomes)
    expect(values.length).toBeGreaterThan(0)
    expect(values.filter((outcome) => outcome !== 'deltas beyond 2^53')).toEqual(
      values.filter((outcome) => outcome !== 'deltas beyond 2^53').map(() => 'same')
    )
    expect(values).toContain('same')
  })
})
