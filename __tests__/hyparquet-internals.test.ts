/**
 * The fast reader builds on internals of hyparquet that are not part of its documented API
 * (src/telemetry/hyparquet-internals.ts is their one importer). hyparquet is pinned to an exact
 * version; these tests call each internal on known bytes, so an upgrade that changes what they
 * take or give fails here, by name, before any report is wrong.
 */
import { describe, expect, it } from '@jest/globals'
import { parquetMetadata, parquetSchema } from 'hyparquet'
import { readFileSync } from 'node:fs'
import {
  decompressPage,
  getMaxDefinitionLevel,
  getMaxRepetitionLevel,
  getTreePath,
  parquetHeader,
  readPlain,
  readRleBitPackedHybrid
} from '../src/telemetry/hyparquet-internals.js'
import { readerOf } from '../src/telemetry/hybrid.js'
import { concat, rleRun, thrift } from './support/bytes.js'

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
}

describe('hyparquet internals the fast reader uses', () => {
  it('come from an exactly pinned hyparquet', () => {
    const range = packageJson.dependencies?.hyparquet ?? packageJson.devDependencies?.hyparquet
    expect(range).toMatch(/^\d+\.\d+\.\d+$/)
    const installed = JSON.parse(readFileSync('node_modules/hyparquet/package.json', 'utf8'))
    expect(installed.version).toBe(range)
  })

  it('parquetHeader: a page header with names for its enums and its reader advanced', () => {
    const bytes = concat(
      thrift({
        field_1: 0,
        field_2: 100,
        field_3: 60,
        field_5: { field_1: 25, field_2: 8, field_3: 3, field_4: 3 }
      }),
      Uint8Array.of(0xee)
    )
    const reader = readerOf(bytes)
    expect(parquetHeader(reader)).toMatchObject({
      type: 'DATA_PAGE',
      uncompressed_page_size: 100,
      compressed_page_size: 60,
      data_page_header: {
        num_values: 25,
        encoding: 'RLE_DICTIONARY',
        definition_level_encoding: 'RLE'
      }
    })
    expect(bytes[reader.offset]).toBe(0xee)
    const v2 = parquetHeader(
      readerOf(
        thrift({
          field_1: 3,
          field_2: 10,
          field_3: 10,
          field_8: { field_1: 4, field_2: 1, field_3: 4, field_4: 0, field_5: 2, field_6: 0 }
        })
      )
    )
    expect(v2).toMatchObject({
      type: 'DATA_PAGE_V2',
      data_page_header_v2: {
        num_values: 4,
        num_nulls: 1,
        encoding: 'PLAIN',
        definition_levels_byte_length: 2,
        repetition_levels_byte_length: 0,
        is_compressed: true
      }
    })
    const dictionary = parquetHeader(
      readerOf(thrift({ field_1: 2, field_2: 8, field_3: 8, field_7: { field_1: 2, field_2: 0 } }))
    )
    expect(dictionary).toMatchObject({
      type: 'DICTIONARY_PAGE',
      dictionary_page_header: { num_values: 2, encoding: 'PLAIN' }
    })
  })

  it('decompressPage: uncompressed pages as they are, others through the given decompressor', () => {
    const page = Uint8Array.of(1, 2, 3)
    expect(decompressPage(page, 3, 'UNCOMPRESSED', {})).toBe(page)
    const doubled = decompressPage(page, 6, 'GZIP', {
      GZIP: (input: Uint8Array) => concat(input, input)
    })
    expect([...doubled]).toEqual([1, 2, 3, 1, 2, 3])
    expect(() => decompressPage(page, 4, 'UNCOMPRESSED', {})).toThrow(/does not match header/)
  })

  it('readRleBitPackedHybrid: (reader, width, output, byte length) filling the output', () => {
    const bytes = concat(rleRun(3, 5, 3), Uint8Array.of(0x03, 0x88, 0xc6, 0xfa))
    const out = new Int32Array(11)
    readRleBitPackedHybrid(readerOf(bytes), 3, out, bytes.length)
    expect([...out]).toEqual([5, 5, 5, 0, 1, 2, 3, 4, 5, 6, 7])
  })

  it('readPlain: typed arrays for numbers, byte arrays for strings, the reader advanced', () => {
    const view = new DataView(new ArrayBuffer(8 * 2 + 4 + 5))
    view.setBigInt64(0, -5n, true)
    view.setBigInt64(8, 2n ** 62n, true)
    view.setUint32(16, 5, true)
    new Uint8Array(view.buffer).set(new TextEncoder().encode('fsync'), 20)
    const reader = readerOf(new Uint8Array(view.buffer))
    const int64 = readPlain(reader, 'INT64', 2, undefined)
    expect(int64).toBeInstanceOf(BigInt64Array)
    expect([...(int64 as BigInt64Array)]).toEqual([-5n, 2n ** 62n])
    expect(reader.offset).toBe(16)
    const strings = readPlain(reader, 'BYTE_ARRAY', 1, undefined) as Uint8Array[]
    expect(new TextDecoder().decode(strings[0])).toBe('fsync')
    const doubles = readPlain(
      readerOf(new Uint8Array(new Float64Array([1.5]).buffer)),
      'DOUBLE',
      1,
      undefined
    )
    expect(doubles).toBeInstanceOf(Float64Array)
  })

  it('getTreePath and the level functions: a flat optional column and a list of strings', () => {
    const buffer = readFileSync('fixtures/runs/s1-save-all/0/events.parquet')
    const metadata = parquetMetadata(
      buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength)
    )
    const schema = parquetSchema(metadata)
    const chunk = (name: string) =>
      metadata.row_groups[0].columns.find((c) => c.meta_data?.path_in_schema[0] === name)?.meta_data
        ?.path_in_schema as string[]
    const thread = getTreePath(schema, chunk('thread'))
    expect(thread[thread.length - 1].element.name).toBe('thread')
    expect([getMaxDefinitionLevel(thread), getMaxRepetitionLevel(thread)]).toEqual([1, 0])
    const frames = getTreePath(schema, chunk('frames'))
    expect(getMaxRepetitionLevel(frames)).toBe(1)
    expect(getMaxDefinitionLevel(frames)).toBeGreaterThanOrEqual(2)
  })
})
