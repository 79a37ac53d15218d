/**
 * The engine's defences against input that lies about itself, one unit at a time: page sizes,
 * value counts, dictionary indices, infinite metric values, floods of spikes, FIFOs, link loops,
 * output paths and thread-name patterns. The whole-process view (each hostile file beside a good
 * one, memory and time measured) is the hostile corpus: scripts/hostile and hostile.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdir, symlink, writeFile, copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { ColumnMetaData } from 'hyparquet'
import { detectSpikes, MAX_SPIKES_PER_RUN, type MetricSeries } from '../src/analysis/detect.js'
import { populationSigma } from '../src/analysis/statistics.js'
import { checkChunk, decodeChunk, type ChunkSpec } from '../src/telemetry/chunks.js'
import { codecs, PAGE_LIMIT, zstdContentBound } from '../src/telemetry/codecs.js'
import { discoverTargets } from '../src/telemetry/discover.js'
import { openEventsFile } from '../src/telemetry/events-file.js'
import { parseAnalysisOptions } from '../src/options.js'
import { concat, thrift } from './support/bytes.js'
import { iostorm } from './support/cli.js'
import { withTempDir } from './support/engine.js'

const GOOD = 'fixtures/runs/s1-save-all/0/events.parquet'

// ---------- bytes of a column chunk, written field by field ----------

const PAGE = { DATA: 0, DICTIONARY: 2 }
const ENCODING = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 }

/** An uncompressed page: its header (sizes from the body unless `claims` say otherwise) + body. */
function page(
  type: number,
  body: Uint8Array,
  header: Record<string, unknown>,
  claims: { uncompressed?: number; compressed?: number } = {}
): Uint8Array {
  return concat(
    thrift({
      field_1: type,
      field_2: claims.uncompressed ?? body.length,
      field_3: claims.compressed ?? body.length,
      ...header
    }),
    body
  )
}

/** A PLAIN BYTE_ARRAY dictionary page. */
function dictionaryPage(values: string[], claimedCount = values.length): Uint8Array {
  const body = concat(
    ...values.flatMap((value) => {
      const bytes = new TextEncoder().encode(value)
      const length = new Uint8Array(4)
      new DataView(length.buffer).setUint32(0, bytes.length, true)
      return [length, bytes]
    })
  )
  return page(PAGE.DICTIONARY, body, {
    field_7: { field_1: claimedCount, field_2: ENCODING.PLAIN }
  })
}

/** A data page of a required column: dictionary indices as one RLE run of `index`. */
function indexRunPage(count: number, index: number, claimedCount = count): Uint8Array {
  const body = new Uint8Array([8, count << 1, index]) // bit width 8, run header, value
  return page(PAGE.DATA, body, {
    field_5: {
      field_1: claimedCount,
      field_2: ENCODING.RLE_DICTIONARY,
      field_3: ENCODING.RLE,
      field_4: ENCODING.RLE
    }
  })
}

function stringChunk(bytes: Uint8Array, rows: number, numValues = rows): ChunkSpec {
  return {
    bytes,
    rows,
    meta: {
      type: 'BYTE_ARRAY',
      codec: 'UNCOMPRESSED',
      num_values: BigInt(numValues)
    } as ColumnMetaData,
    element: { name: 'thread', type: 'BYTE_ARRAY' },
    maxDefinition: 0,
    maxRepetition: 0,
    compressors: {},
    target: { kind: 'string' }
  }
}

describe('column chunks that lie about themselves', () => {
  const dictionary = dictionaryPage(['Server thread', 'Worker'])

  it('decodes an honest dictionary-encoded chunk', () => {
    const decoded = decodeChunk(stringChunk(concat(dictionary, indexRunPage(4, 1)), 4))
    expect(decoded).toEqual({
      codes: Int32Array.of(1, 1, 1, 1),
      dictionary: ['Server thread', 'Worker']
    })
  })

  it('refuses a dictionary index past the dictionary instead of inventing a value', () => {
    const spec = stringChunk(concat(dictionary, indexRunPage(4, 7)), 4)
    expect(() => decodeChunk(spec)).toThrow(
      'dictionary index 7 out of range (the dictionary holds 2 values)'
    )
    const noDictionary = stringChunk(indexRunPage(4, 0), 4)
    expect(() => decodeChunk(noDictionary)).toThrow(
      'dictionary-encoded values without a dictionary page'
    )
  })

  it('checks counts before anything is allocated by them', () => {
    const honest = concat(dictionary, indexRunPage(4, 0))
    // a row group claiming more rows than the chunk holds values
    expect(() => checkChunk(honest, { num_values: 4n, type: 'BYTE_ARRAY' }, 2 ** 31, 0)).toThrow(
      'the column chunk holds 4 values for 2147483648 rows'
    )
    // a data page claiming 2^31 values in a chunk of 4
    const lyingPage = concat(dictionary, indexRunPage(4, 0, 2 ** 31 - 1))
    expect(() => checkChunk(lyingPage, { num_values: 4n, type: 'BYTE_ARRAY' }, 4, 0)).toThrow(
      'a data page claims 2147483647 values where the column chunk has 4 left'
    )
    // pages that hold fewer values than the chunk claims
    expect(() => checkChunk(honest, { num_values: 8n, type: 'BYTE_ARRAY' }, 8, 0)).toThrow(
      "the column chunk's pages hold 4 of the 8 values it claims"
    )
    // a dictionary of 2^31 strings in a page of 25 bytes
    const lyingDictionary = concat(dictionaryPage(['a'], 2 ** 31 - 1), indexRunPage(4, 0))
    expect(() => checkChunk(lyingDictionary, { num_values: 4n, type: 'BYTE_ARRAY' }, 4, 0)).toThrow(
      /a dictionary page claims 2147483647 values in 5 bytes/
    )
  })

  it('checks page sizes against the chunk and the limit', () => {
    const body = new Uint8Array([8, 8, 0])
    const header = {
      field_5: { field_1: 4, field_2: ENCODING.RLE_DICTIONARY, field_3: 3, field_4: 3 }
    }
    const past = concat(dictionary, page(PAGE.DATA, body, header, { compressed: 1000 }))
    expect(() => checkChunk(past, { num_values: 4n, type: 'BYTE_ARRAY' }, 4, 0)).toThrow(
      /a page of 1000 bytes runs past the end of its column chunk/
    )
    const huge = concat(dictionary, page(PAGE.DATA, body, header, { uncompressed: 2 ** 31 - 1 }))
    expect(() => checkChunk(huge, { num_values: 4n, type: 'BYTE_ARRAY' }, 4, 0)).toThrow(
      'a page claims 2147483647 bytes uncompressed'
    )
  })
})

describe('page decompression claims', () => {
  /** A zstd frame of raw blocks: with the content size recorded, or without it. */
  function zstdFrame(data: Uint8Array, recordSize: boolean): Uint8Array {
    const blockHeader = (data.length << 3) | 1 // raw block, last
    const descriptor = recordSize ? 0x20 : 0x00 // single segment with a 1-byte size, or a window
    return concat(
      Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, descriptor),
      recordSize ? Uint8Array.of(data.length) : Uint8Array.of(0x50),
      Uint8Array.of(blockHeader & 0xff, (blockHeader >> 8) & 0xff, blockHeader >> 16),
      data
    )
  }

  it('reads what a zstd stream can expand to from its own headers', () => {
    const data = new TextEncoder().encode('Server thread')
    expect(zstdContentBound(zstdFrame(data, true))).toBe(13)
    expect(zstdContentBound(zstdFrame(data, false))).toBe(13)
    expect(zstdContentBound(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toBeUndefined()
  })

  it('refuses a claim the compressed bytes cannot reach, before allocating it', async () => {
    const { ZSTD, SNAPPY, GZIP } = await codecs()
    const data = new TextEncoder().encode('Server thread')
    expect(() => ZSTD?.(zstdFrame(data, true), 2 ** 31 - 1)).toThrow(
      /ZSTD page claims 2147483647 bytes .* from 22 compressed bytes/
    )
    expect(() => SNAPPY?.(Uint8Array.of(13, 48, 1, 2, 3), 2 ** 20)).toThrow(/SNAPPY/)
    expect(() => SNAPPY?.(Uint8Array.of(13, 48), PAGE_LIMIT + 1)).toThrow(/can expand them to/)
    const gzip = gzipSync(new Uint8Array(5000))
    expect(GZIP?.(gzip, 5000)).toHaveLength(5000)
    expect(() => GZIP?.(gzip, 100)).toThrow('the page expands to more than the 100 bytes it claims')
  })
})

describe('metric values that would poison the threshold', () => {
  const MS = 1e6
  const series = (values: number[]): MetricSeries => ({
    ts: values.map((_, i) => i * 50 * MS),
    value: values,
    row: values.map((_, i) => i),
    dur: values.map(() => NaN)
  })

  it('leaves infinite values out, with a note, and still finds the real spike', () => {
    const values = [...Array.from({ length: 99 }, () => 20), 400, Infinity, -Infinity]
    const detection = detectSpikes(new Map([['tick_ms', series(values)]]), {
      thresholdMs: 50,
      sigmaMult: 3
    })
    expect(detection.notes).toContain('2 infinite value(s) of tick_ms were left out of detection')
    expect(detection.samples).toBe(100)
    expect(detection.spikes.map((spike) => spike.valueMs)).toEqual([400])
  })

  it('keeps σ finite for values near the largest double', () => {
    expect(populationSigma([1e300, -1e300])).toBe(1e300)
    expect(populationSigma([1.5e308, 1.5e308])).toBe(0)
  })

  it('attributes only the worst spikes of a run that never stops lagging, and says so', () => {
    // every tick at or above 60 ms (the p95), 50 of them worse
    const values = Array.from({ length: MAX_SPIKES_PER_RUN + 500 }, (_, i) =>
      i % 50 === 0 ? 70 + (i % 3) : 60
    )
    const detection = detectSpikes(new Map([['tick_ms', series(values)]]), {
      thresholdMs: 50,
      sigmaMult: 0
    })
    expect(detection.spikes).toHaveLength(MAX_SPIKES_PER_RUN)
    expect(detection.omitted).toBe(500)
    expect(detection.notes).toContain(
      `500 more spike(s), of 60 ms or less, were not attributed: a run keeps its ${MAX_SPIKES_PER_RUN} worst spikes`
    )
    // the kept spikes are the worst ones (every one above 60 ms, then the earliest), in time order
    const kept = detection.spikes.map((spike) => spike.valueMs)
    expect(kept.filter((value) => value > 60)).toHaveLength(50)
    expect(detection.spikes.map((spike) => spike.ts)).toEqual(
      [...detection.spikes.map((spike) => spike.ts)].sort((a, b) => a - b)
    )
  })
})

describe('files that are not what their names say', () => {
  it('refuses a FIFO named events.parquet instead of waiting for a writer', async () => {
    await withTempDir(async (dir) => {
      const fifo = join(dir, 'events.parquet')
      execFileSync('mkfifo', [fifo])
      await expect(openEventsFile(fifo)).rejects.toThrow(
        'not a regular file (a FIFO, socket or device)'
      )
    })
  })

  it('follows symbolic links once each: a loop ends, a linked file is read once', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'runs/a/0'), { recursive: true })
      await copyFile(GOOD, join(dir, 'runs/a/0/events.parquet'))
      await symlink('..', join(dir, 'runs/a/0/up')) // a loop
      await symlink('a', join(dir, 'runs/latest')) // a second path to the same run
      await mkdir(join(dir, 'runs/b'))
      await symlink('../a/0/events.parquet', join(dir, 'runs/b/events.parquet'))
      await mkdir(join(dir, 'runs/c'))
      await symlink('nowhere', join(dir, 'runs/c/events.parquet'))
      const found = await discoverTargets([join(dir, 'runs')], dir)
      expect(found.files).toEqual([join(dir, 'runs/a/0/events.parquet')])
      expect(found.errors).toEqual([
        { file: join(dir, 'runs/c/events.parquet'), message: 'a symbolic link that leads nowhere' }
      ])
    })
  })
})

describe('the command line against hostile paths and options', () => {
  it('checks output paths before reading any input', async () => {
    await withTempDir(async (dir) => {
      const result = await iostorm(['detect', GOOD, '--out-json', dir])
      expect(result).toMatchObject({ status: 2, stdout: '' })
      expect(result.stderr).toBe(`iostorm: --out-json ${dir} is a directory\n`)
      const missing = await iostorm(['detect', GOOD, '--out-md', join(dir, 'no/such/x.md')])
      expect(missing.stderr).toMatch(/^iostorm: --out-md .*: no such directory .*no\/such\n$/)
    })
  })

  it('keeps an error about a path with a line break on one line', async () => {
    await withTempDir(async (dir) => {
      const bad = join(dir, 'a\nb', 'events.parquet')
      await mkdir(join(dir, 'a\nb'))
      await writeFile(bad, 'not parquet at all')
      const result = await iostorm(['detect', bad, '--out-md', join(dir, 'r.md')])
      expect(result.status).toBe(2)
      expect(result.stderr.split('\n')).toHaveLength(2) // one line and its newline
      expect(result.stderr).toContain('a\\nb/events.parquet: not a parquet file')
    })
  })

  it('runs any thread-name pattern in linear time and refuses what RE2 cannot run', async () => {
    const options = await parseAnalysisOptions({ tickThread: '^(a+)+$' })
    // JavaScript's backtracking RegExp takes 2^40 steps on this name; RE2 takes 41
    expect(options.tickThread.test('a'.repeat(40) + '!')).toBe(false)
    expect(options.tickThread.test('aaa')).toBe(true)
    await withTempDir(async (dir) => {
      const out = ['--out-md', join(dir, 'r.md')]
      const lookahead = await iostorm(['detect', GOOD, '--tick-thread', '(?=Server)', ...out])
      expect(lookahead.status).toBe(2)
      expect(lookahead.stderr).toMatch(/--tick-thread is not a valid regular expression \(RE2/)
    })
  })

  it('refuses a stored report that is too large without reading it', async () => {
    await withTempDir(async (dir) => {
      const big = join(dir, 'base.json')
      await writeFile(big, '')
      execFileSync('truncate', ['-s', String(40 * 1024 * 1024), big])
      const result = await iostorm(['diff', big, GOOD, '--out-md', join(dir, 'r.md')])
      expect(result.status).toBe(2)
      expect(result.stderr).toMatch(/base\.json: \(base\) 41943040 bytes, more than the 32 MiB/)
    })
  })
})
