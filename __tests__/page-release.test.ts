/**
 * The fast reader frees each decompressed data page as soon as its values are decoded
 * (docs/performance.md, bounded memory): the pages of a large row group must not pile up outside
 * the heap until the next garbage collection. Dictionary pages and the chunk's own bytes must be
 * left alone: values may still point into them.
 */
import { describe, expect, it } from '@jest/globals'
import { parquetMetadata, type Compressors } from 'hyparquet'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { decodeChunk } from '../src/telemetry/chunks.js'
import { codecs } from '../src/telemetry/codecs.js'
import { metaRange } from '../src/telemetry/parquet-file.js'

type Detachable = ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }

/** Wraps SNAPPY so each output's buffer records when the reader asks to free it. */
interface Made {
  buffer: ArrayBuffer
  size: number
}

function recording(base: Compressors, released: Set<ArrayBuffer>, made: Made[]) {
  const snappy = base.SNAPPY as (input: Uint8Array, length: number) => Uint8Array
  const real = (ArrayBuffer.prototype as Detachable).transfer
  const compressors: Compressors = {
    ...base,
    SNAPPY: (input: Uint8Array, length: number) => {
      const output = snappy(input, length)
      const buffer = output.buffer as Detachable
      Object.defineProperty(buffer, 'transfer', {
        value: (newLength: number) => {
          released.add(buffer)
          return real ? real.call(buffer, newLength) : buffer
        }
      })
      made.push({ buffer, size: output.byteLength })
      return output
    }
  }
  return compressors
}

function chunkOf(file: Uint8Array) {
  const metadata = parquetMetadata(file.buffer as ArrayBuffer)
  const meta = metadata.row_groups[0].columns[0].meta_data
  if (!meta) throw new Error('no column metadata')
  const [start, end] = metaRange(meta)
  return { metadata, meta, bytes: file.slice(start, end) }
}

describe('decompressed pages', () => {
  it('frees each large data page once decoded, never a dictionary page or the chunk', async () => {
    const rows = 50_000
    const values = Array.from({ length: rows }, (_, i) => ((i * 7919) % 10_007) + i / 8)
    const file = new Uint8Array(
      parquetWriteBuffer({
        columnData: [{ name: 'value', data: values, type: 'DOUBLE' }],
        rowGroupSize: rows,
        pageSize: 160_000
      })
    )
    const { metadata, meta, bytes } = chunkOf(file)
    const released = new Set<ArrayBuffer>()
    const made: Made[] = []
    const decoded = decodeChunk({
      bytes,
      rows,
      meta,
      element: metadata.schema[1],
      maxDefinition: metadata.schema[1].repetition_type === 'REQUIRED' ? 0 : 1,
      maxRepetition: 0,
      compressors: recording(await codecs(), released, made),
      target: { kind: 'number' }
    }) as Float64Array
    expect(Array.from(decoded)).toEqual(values)
    // several data pages, each decompressed into its own buffer and each freed
    const large = made.filter((page) => page.size >= 64 * 1024)
    expect(large.length).toBeGreaterThan(1)
    expect(large.filter((page) => !released.has(page.buffer))).toEqual([])
    // where the runtime can detach a buffer (Node 21 and later), its memory is gone already
    const detaches = 'transfer' in ArrayBuffer.prototype
    expect(large.filter((page) => detaches && page.buffer.byteLength > 0)).toEqual([])
    expect(released.has(bytes.buffer as ArrayBuffer)).toBe(false)
  })

  it('keeps a dictionary page, whose values the chunk still reads', async () => {
    const rows = 40_000
    const names = Array.from({ length: 3_000 }, (_, i) => `thread-${i}-${'x'.repeat(40)}`)
    const data = Array.from({ length: rows }, (_, i) => names[(i * 31) % names.length])
    const file = new Uint8Array(
      parquetWriteBuffer({
        columnData: [{ name: 'thread', data, type: 'STRING', encoding: 'RLE_DICTIONARY' }],
        rowGroupSize: rows
      })
    )
    const { metadata, meta, bytes } = chunkOf(file)
    expect(meta.encodings).toContain('RLE_DICTIONARY')
    const released = new Set<ArrayBuffer>()
    const made: Made[] = []
    const decoded = decodeChunk({
      bytes,
      rows,
      meta,
      element: metadata.schema[1],
      maxDefinition: metadata.schema[1].repetition_type === 'REQUIRED' ? 0 : 1,
      maxRepetition: 0,
      compressors: recording(await codecs(), released, made),
      target: { kind: 'string' }
    })
    if (!('codes' in decoded) || 'offsets' in decoded) throw new Error('not a string column')
    expect(Array.from(decoded.codes, (code) => decoded.dictionary[code])).toEqual(data)
    // the dictionary page (the first decompressed, over 64 KiB) stays whole
    expect(made[0].size).toBeGreaterThanOrEqual(64 * 1024)
    expect(released.has(made[0].buffer)).toBe(false)
    expect(made[0].buffer.byteLength).toBeGreaterThanOrEqual(made[0].size)
  })
})
