/**
 * zstd through Node's own zlib where Node has it (22.15 and later: the action's Node 24), else
 * through WebAssembly: both decoders give the same bytes on real pages, keep the guards against
 * pages that lie about their size, and the process prefers Node's own.
 */
import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import * as zlib from 'node:zlib'
import { parquetMetadata, type Compressors } from 'hyparquet'
import { compressors as portable } from 'hyparquet-compressors'
import { codecs, PageSizeError, ZSTD_DECODERS, type ZstdDecoder } from '../src/telemetry/codecs.js'
import { parquetHeader } from '../src/telemetry/hyparquet-internals.js'
import { metaRange } from '../src/telemetry/parquet-file.js'
import { readerOf } from '../src/telemetry/hybrid.js'

/** Every compressed page of a file: its bytes and the size it claims. */
async function pagesOf(path: string): Promise<{ bytes: Uint8Array; size: number }[]> {
  const file = new Uint8Array(await readFile(path))
  const metadata = parquetMetadata(file.buffer)
  const found: { bytes: Uint8Array; size: number }[] = []
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      if (!chunk.meta_data) continue
      const [start, end] = metaRange(chunk.meta_data)
      const reader = readerOf(file.subarray(start, end))
      while (reader.offset < end - start) {
        const header = parquetHeader(reader)
        const bytes = file.subarray(
          start + reader.offset,
          start + reader.offset + header.compressed_page_size
        )
        reader.offset += header.compressed_page_size
        // a v2 page's levels are not compressed: only v1 and dictionary pages here
        if (header.type !== 'DATA_PAGE_V2')
          found.push({ bytes, size: header.uncompressed_page_size })
      }
    }
  }
  return found
}

it('prefers Node’s own zstd where this Node has it', () => {
  const native = typeof (zlib as Record<string, unknown>).zstdDecompressSync === 'function'
  expect(ZSTD_DECODERS).toEqual(native ? ['node', 'wasm'] : ['wasm'])
})

describe.each(ZSTD_DECODERS)('zstd through %s', (decoder: ZstdDecoder) => {
  const zstd = async () => {
    const { ZSTD } = (await codecs(decoder)) as Required<Compressors>
    return ZSTD
  }

  it('gives the same bytes as an independent decoder on every page of a DuckDB file', async () => {
    const decode = await zstd()
    const reference = portable.ZSTD as NonNullable<Compressors['ZSTD']>
    const pages = await pagesOf('fixtures/duckdb/s1-save-all/0/events.parquet')
    expect(pages.length).toBeGreaterThan(20)
    for (const { bytes, size } of pages) {
      expect(Buffer.from(decode(bytes, size))).toEqual(Buffer.from(reference(bytes, size)))
    }
  })

  it('refuses pages that lie about their size', async () => {
    const decode = await zstd()
    const [page] = (await pagesOf('fixtures/duckdb/s1-save-all/0/events.parquet')).filter(
      ({ size }) => size > 100
    )
    // a claim beyond what the frame header records: refused before anything is allocated
    expect(() => decode(page.bytes, page.size * 1000)).toThrow(PageSizeError)
    // a claim below the real size
    expect(() => decode(page.bytes, page.size - 1)).toThrow()
    // bytes that are not zstd
    expect(() => decode(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), 10)).toThrow(/not ZSTD data/)
    // a frame cut short
    expect(() => decode(page.bytes.subarray(0, page.bytes.length - 3), page.size)).toThrow()
  })
})
