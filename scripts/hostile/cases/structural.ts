/**
 * Structurally sound files that lie: footers and page headers changed through the generic thrift
 * layer and written back with consistent offsets (parquet-layout.ts), so the reader trusts the
 * lie; then truncations and seeded byte flips, which need no consistency.
 *
 * Lies go into row group 0 and into columns the first pass reads (`ts_ns`, `value`, `thread_name`,
 * `tid`), so no reader can skip past them.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beside, type Call, type CorpusContext, type Group, type HostileCase } from '../corpus.js'
import { FLIPS_PER_KIND } from '../expectations.js'
import {
  chunksOf,
  codecOf,
  COLUMN,
  decompressBody,
  FILE,
  metaData,
  NUM_VALUES,
  PAGE,
  PAGE_TYPE,
  pageType,
  physicalType,
  plainPrefixLength,
  readLayout,
  replaceBody,
  ROW_GROUP,
  rowGroups,
  typedHeader,
  writeLayout,
  type ChunkLayout,
  type Page,
  type ParquetLayout
} from '../parquet-layout.js'
import type { BaseKind } from '../tables.js'
import { getI32, getI64, INT32_MAX, INT32_MIN, setI32, setI64 } from '../thrift.js'

const TWO_POW_31 = 2n ** 31n
const GIB_2 = INT32_MAX // the most an I32 page size can claim: 2 GiB less one byte

async function rewrite(
  context: CorpusContext,
  dir: string,
  kind: BaseKind,
  lie: (layout: ParquetLayout) => void
): Promise<Call> {
  const layout = readLayout(await context.base(kind))
  lie(layout)
  const path = join(dir, 'events.parquet')
  await writeFile(path, writeLayout(layout))
  return beside(context, path)
}

function rewriteCase(
  group: Group,
  name: string,
  kind: BaseKind,
  lie: (layout: ParquetLayout) => void
): HostileCase {
  return { group, name, build: (context, dir) => rewrite(context, dir, kind, lie) }
}

/** Row group 0's chunk of a column. */
function firstChunk(layout: ParquetLayout, path: string): ChunkLayout {
  return chunksOf(layout, path)[0]
}

function firstPage(chunk: ChunkLayout, type: number): Page {
  const page = chunk.pages.find((candidate) => pageType(candidate) === type)
  if (!page) throw new Error(`no page of type ${type} in the chunk`)
  return page
}

function firstDataPage(chunk: ChunkLayout): Page {
  const page = chunk.pages.find((candidate) => pageType(candidate) !== PAGE_TYPE.DICTIONARY_PAGE)
  if (!page) throw new Error('the chunk has no data page')
  return page
}

/** Row group 0 claims `rows`; the file's num_rows stays the sum of its row groups. */
function claimRows(layout: ParquetLayout, rows: (truth: bigint) => bigint, chunksToo = false) {
  const groups = rowGroups(layout.footer)
  const truth = getI64(groups[0], ROW_GROUP.numRows)
  setI64(groups[0], ROW_GROUP.numRows, rows(truth))
  if (chunksToo) {
    for (const { chunk } of layout.chunks[0]) setI64(metaData(chunk), COLUMN.numValues, rows(truth))
  }
  const total = groups.reduce((sum, group) => sum + getI64(group, ROW_GROUP.numRows), 0n)
  setI64(layout.footer, FILE.numRows, total)
}

function claimPageSize(page: Page, field: number, size: (truth: number) => number) {
  setI32(page.header, field, size(getI32(page.header, field)))
}

/** Keeps the first `keep` entries of every dictionary page of a column. */
function shrinkDictionaries(layout: ParquetLayout, path: string, keep: number) {
  for (const chunk of chunksOf(layout, path)) {
    const page = firstPage(chunk, PAGE_TYPE.DICTIONARY_PAGE)
    const codec = codecOf(chunk.chunk)
    const raw = decompressBody(page, codec)
    replaceBody(page, codec, raw.slice(0, plainPrefixLength(raw, physicalType(chunk.chunk), keep)))
    setI32(typedHeader(page), NUM_VALUES, keep)
  }
}

const CONTROL: HostileCase[] = (
  [
    ['rewrite-identity-snappy-v2', 'snappy-v2'],
    ['rewrite-identity-uncompressed-v2', 'uncompressed-v2'],
    ['rewrite-identity-zstd-v1', 'zstd-v1'],
    ['rewrite-identity-snappy-v1', 'snappy-v1']
  ] as const
).map(([name, kind]) => rewriteCase('control', name, kind, () => {}))

const ROW_COUNTS: HostileCase[] = [
  rewriteCase('row-counts', 'rowgroup-rows-2^31', 'snappy-v2', (layout) =>
    claimRows(layout, () => TWO_POW_31)
  ),
  rewriteCase('row-counts', 'rowgroup-rows-2^31-1', 'snappy-v2', (layout) =>
    claimRows(layout, () => TWO_POW_31 - 1n)
  ),
  rewriteCase('row-counts', 'rowgroup-rows-10x', 'snappy-v2', (layout) =>
    claimRows(layout, (truth) => truth * 10n)
  ),
  rewriteCase('row-counts', 'rowgroup-rows-0', 'snappy-v2', (layout) =>
    claimRows(layout, () => 0n)
  ),
  rewriteCase('row-counts', 'rowgroup-rows-2^31-zstd-v1', 'zstd-v1', (layout) =>
    claimRows(layout, () => TWO_POW_31)
  ),
  rewriteCase('row-counts', 'rowgroup-and-chunk-values-2^31', 'snappy-v2', (layout) =>
    claimRows(layout, () => TWO_POW_31, true)
  )
]

const PAGE_SIZES: HostileCase[] = [
  ...(
    [
      ['uncompressed-page-2GiB-snappy', 'snappy-v2'],
      ['uncompressed-page-2GiB-zstd', 'zstd-v1'],
      ['uncompressed-page-2GiB-uncompressed', 'uncompressed-v2']
    ] as const
  ).map(([name, kind]) =>
    rewriteCase('page-sizes', name, kind, (layout) =>
      claimPageSize(firstDataPage(firstChunk(layout, 'value')), PAGE.uncompressedSize, () => GIB_2)
    )
  ),
  rewriteCase('page-sizes', 'uncompressed-dictionary-page-2GiB-snappy', 'snappy-v2', (layout) =>
    claimPageSize(
      firstPage(firstChunk(layout, 'thread_name'), PAGE_TYPE.DICTIONARY_PAGE),
      PAGE.uncompressedSize,
      () => GIB_2
    )
  ),
  // the chunk's total_compressed_size stays true: only the page header claims 1 MiB more
  rewriteCase('page-sizes', 'compressed-page-past-chunk-snappy', 'snappy-v2', (layout) => {
    const { pages } = firstChunk(layout, 'value')
    claimPageSize(pages[pages.length - 1], PAGE.compressedSize, (truth) => truth + 1024 * 1024)
  }),
  rewriteCase('page-sizes', 'compressed-page-int32-max-zstd', 'zstd-v1', (layout) =>
    claimPageSize(firstDataPage(firstChunk(layout, 'value')), PAGE.compressedSize, () => INT32_MAX)
  )
]

function claimValues(page: Page, field: number, value: number) {
  setI32(typedHeader(page), field, value)
}

const VALUE_COUNTS: HostileCase[] = [
  rewriteCase('value-counts', 'data-page-v2-values-int32-max', 'snappy-v2', (layout) =>
    claimValues(firstDataPage(firstChunk(layout, 'value')), NUM_VALUES, INT32_MAX)
  ),
  rewriteCase('value-counts', 'data-page-v2-values-negative', 'snappy-v2', (layout) =>
    claimValues(firstDataPage(firstChunk(layout, 'value')), NUM_VALUES, INT32_MIN)
  ),
  // DataPageHeaderV2 field 3: num_rows
  rewriteCase('value-counts', 'data-page-v2-rows-int32-max', 'snappy-v2', (layout) =>
    claimValues(firstDataPage(firstChunk(layout, 'ts_ns')), 3, INT32_MAX)
  ),
  rewriteCase('value-counts', 'data-page-v1-values-int32-max', 'zstd-v1', (layout) =>
    claimValues(firstDataPage(firstChunk(layout, 'value')), NUM_VALUES, INT32_MAX)
  ),
  rewriteCase('value-counts', 'data-page-v1-values-negative', 'zstd-v1', (layout) =>
    claimValues(firstDataPage(firstChunk(layout, 'value')), NUM_VALUES, INT32_MIN)
  ),
  rewriteCase('value-counts', 'dictionary-page-values-int32-max-v2', 'snappy-v2', (layout) =>
    claimValues(
      firstPage(firstChunk(layout, 'thread_name'), PAGE_TYPE.DICTIONARY_PAGE),
      NUM_VALUES,
      INT32_MAX
    )
  ),
  rewriteCase('value-counts', 'dictionary-page-values-int32-max-v1', 'zstd-v1', (layout) =>
    claimValues(
      firstPage(firstChunk(layout, 'value'), PAGE_TYPE.DICTIONARY_PAGE),
      NUM_VALUES,
      INT32_MAX
    )
  )
]

const DICTIONARY: HostileCase[] = [
  rewriteCase('dictionary', 'dictionary-one-entry-thread', 'snappy-v2', (layout) =>
    shrinkDictionaries(layout, 'thread_name', 1)
  ),
  rewriteCase('dictionary', 'dictionary-no-entries-thread', 'snappy-v2', (layout) =>
    shrinkDictionaries(layout, 'thread_name', 0)
  ),
  rewriteCase('dictionary', 'dictionary-one-entry-tid', 'snappy-v2', (layout) =>
    shrinkDictionaries(layout, 'tid', 1)
  ),
  rewriteCase('dictionary', 'dictionary-one-entry-value-v1', 'snappy-v1', (layout) =>
    shrinkDictionaries(layout, 'value', 1)
  )
]

/** Where the footer is in a file: [start, end) of the thrift bytes. */
function footerRange(bytes: Uint8Array): [number, number] {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true)
  return [bytes.length - 8 - length, bytes.length - 8]
}

function cutCase(name: string, cutAt: (bytes: Uint8Array, layout: ParquetLayout) => number) {
  return {
    group: 'truncation',
    name,
    async build(context: CorpusContext, dir: string): Promise<Call> {
      const bytes = await context.base('snappy-v2')
      const path = join(dir, 'events.parquet')
      await writeFile(path, bytes.subarray(0, cutAt(bytes, readLayout(bytes))))
      return beside(context, path)
    }
  } satisfies HostileCase
}

const TRUNCATION: HostileCase[] = [
  cutCase('cut-inside-footer', (bytes) => {
    const [start, end] = footerRange(bytes)
    return Math.floor((start + end) / 2)
  }),
  cutCase('cut-inside-data-page', (_bytes, layout) => {
    const page = firstDataPage(firstChunk(layout, 'value'))
    return page.offset + Math.floor(page.body.length / 2)
  }),
  cutCase('cut-before-footer-length', (bytes) => bytes.length - 8),
  cutCase('cut-before-last-magic', (bytes) => bytes.length - 4),
  cutCase('cut-after-first-magic', () => 4)
]

/**
 * One seeded byte XORed with a non-zero value: inside a page (header or body), or inside the
 * footer's thrift bytes. The magic bytes and the footer length are never touched.
 */
function flipCase(name: string, kind: BaseKind, where: 'data' | 'footer'): HostileCase {
  return {
    group: 'byte-flips',
    name,
    async build(context, dir) {
      const random = context.random(name)
      const bytes = (await context.base(kind)).slice()
      let at: number
      if (where === 'footer') {
        const [start, end] = footerRange(bytes)
        at = start + Math.floor(random() * (end - start))
      } else {
        // every byte of every page (header and body) is equally likely
        const layout = readLayout(bytes)
        const spans = layout.chunks
          .flat()
          .flatMap(({ pages }) => pages)
          .map((page) => [page.offset, page.offset + page.headerLength + page.body.length])
        const total = spans.reduce((sum, [start, end]) => sum + end - start, 0)
        let pick = Math.floor(random() * total)
        at = spans[0][0]
        for (const [start, end] of spans) {
          if (pick < end - start) {
            at = start + pick
            break
          }
          pick -= end - start
        }
      }
      bytes[at] ^= 1 + Math.floor(random() * 255)
      const path = join(dir, 'events.parquet')
      await writeFile(path, bytes)
      return beside(context, path)
    }
  }
}

const FLIPS: HostileCase[] = (
  [
    ['flip-data-snappy', 'snappy-v2', 'data'],
    ['flip-data-zstd', 'zstd-v1', 'data'],
    ['flip-footer-snappy', 'snappy-v2', 'footer'],
    ['flip-footer-zstd', 'zstd-v1', 'footer']
  ] as const
).flatMap(([prefix, kind, where]) =>
  Array.from({ length: FLIPS_PER_KIND }, (_, i) =>
    flipCase(`${prefix}-${String(i).padStart(2, '0')}`, kind, where)
  )
)

export const STRUCTURAL_CASES: HostileCase[] = [
  ...CONTROL,
  ...ROW_COUNTS,
  ...PAGE_SIZES,
  ...VALUE_COUNTS,
  ...DICTIONARY,
  ...TRUNCATION,
  ...FLIPS
]
