import type { Compressors } from 'hyparquet'
import { compressors as portable } from 'hyparquet-compressors'
import * as zlib from 'node:zlib'
import { brotliDecompressSync, unzipSync } from 'node:zlib'
import { ZSTDDecoder } from 'zstddec'
import { decompressLz4, decompressLz4Raw } from './lz4.js'

/**
 * The page decompressors, each guarded against a page that lies about its size: a page header
 * says how many bytes its data expands to, and every decompressor allocates that much before it
 * learns the truth. So a claim is checked against what the compressed bytes can possibly expand
 * to before anything is allocated (docs/hostile-input.md): memory follows the real size of the
 * input, never the size a header claims.
 */

/** No page of an events table comes near this; a claim beyond it is refused outright. */
export const PAGE_LIMIT = 256 * 1024 * 1024

export class PageSizeError extends Error {}

function refuse(codec: string, claimed: number, packed: number, most: number): never {
  throw new PageSizeError(
    `a ${codec} page claims ${claimed} bytes uncompressed from ${packed} compressed bytes ` +
      `(${codec} can expand them to ${most} at most)`
  )
}

/** An unsigned LEB128 varint at the start of `input` (snappy's length preamble). */
function leadingVarint(input: Uint8Array): number | undefined {
  let value = 0
  for (let i = 0, scale = 1; i < 5 && i < input.length; i++, scale *= 128) {
    value += (input[i] & 0x7f) * scale
    if ((input[i] & 0x80) === 0) return value
  }
  return undefined
}

const ZSTD_MAGIC = 0xfd2fb528
const ZSTD_BLOCK_MAX = 128 * 1024

/**
 * The most a zstd stream can expand to, read from its frame headers: the frame content size when
 * the writer recorded it (they usually do), else the sum over blocks (raw and RLE blocks say their
 * size, a compressed block holds at most 128 KiB). Undefined when the bytes are not zstd frames.
 */
export function zstdContentBound(input: Uint8Array): number | undefined {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength)
  let at = 0
  let total = 0
  while (at < input.length) {
    if (at + 8 > input.length) return undefined
    const magic = view.getUint32(at, true)
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      // a skippable frame: its length follows the magic number
      at += 8 + view.getUint32(at + 4, true)
      continue
    }
    if (magic !== ZSTD_MAGIC) return undefined
    const descriptor = input[at + 4]
    const sizeFlag = descriptor >> 6
    const singleSegment = (descriptor >> 5) & 1
    const dictionaryBytes = [0, 1, 2, 4][descriptor & 3]
    let header = at + 5 + (singleSegment ? 0 : 1) + dictionaryBytes
    const sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][sizeFlag]
    if (header + sizeBytes > input.length) return undefined
    if (sizeBytes > 0) {
      const size =
        sizeBytes === 1
          ? input[header]
          : sizeBytes === 2
            ? view.getUint16(header, true) + 256
            : sizeBytes === 4
              ? view.getUint32(header, true)
              : view.getUint32(header, true) + view.getUint32(header + 4, true) * 2 ** 32
      total += size
    }
    header += sizeBytes
    // walk the blocks to the end of the frame (and count them when the size was not recorded)
    let last = false
    while (!last) {
      if (header + 3 > input.length) return undefined
      const block = input[header] | (input[header + 1] << 8) | (input[header + 2] << 16)
      last = (block & 1) === 1
      const type = (block >> 1) & 3
      const size = block >>> 3
      header += 3
      if (type === 3) return undefined
      if (sizeBytes === 0) total += type === 2 ? ZSTD_BLOCK_MAX : size
      header += type === 1 ? 1 : size
    }
    const checksum = (descriptor >> 2) & 1
    at = header + (checksum ? 4 : 0)
  }
  return total
}

/** What `packed` compressed bytes of each codec can expand to at most. */
const EXPANSION: Record<string, (input: Uint8Array) => number | undefined> = {
  // a 3-byte copy tag yields at most 64 bytes
  SNAPPY: (input) => input.length * 22 + 64,
  // a match length grows by 255 per extra byte
  LZ4: (input) => input.length * 256 + 64,
  LZ4_RAW: (input) => input.length * 256 + 64,
  ZSTD: zstdContentBound
}

type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array
type ZlibSync = (
  input: Uint8Array,
  options: { maxOutputLength: number; chunkSize: number }
) => Buffer

/** Node's own zstd (zlib.zstdDecompressSync, Node 22.15 and later), where this Node has it. */
const nodeZstd = (zlib as unknown as { zstdDecompressSync?: ZlibSync }).zstdDecompressSync

/**
 * Which zstd decoder pages go through: Node's own where it has one (the action runs on Node 24),
 * else zstd's decoder compiled to WebAssembly.
 */
export type ZstdDecoder = 'node' | 'wasm'
export const ZSTD_DECODERS: readonly ZstdDecoder[] = nodeZstd ? ['node', 'wasm'] : ['wasm']

const ready = new Map<ZstdDecoder, Promise<Compressors>>()

/**
 * Node's zlib stops at maxOutputLength: memory grows with the real output only. The output is
 * taken as it is (a view, not a copy).
 */
function zlibDecoder(decode: ZlibSync): Decompress {
  return (input: Uint8Array, outputLength: number): Uint8Array => {
    let output: Buffer
    try {
      // one output chunk: no chunks gathered and concatenated (half the memory). One byte more
      // than the claim, because zlib allocates a fresh chunk whenever the current one ends up
      // exactly full: a chunk of exactly the page size cost a second, unused page-sized buffer
      // per page (8 MB for DuckDB's 1M-row chunks, docs/performance.md)
      output = decode(input, {
        maxOutputLength: Math.max(1, outputLength),
        chunkSize: Math.max(64, outputLength + 1)
      })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        throw new PageSizeError(`the page expands to more than the ${outputLength} bytes it claims`)
      }
      throw new Error(`the compressed page is corrupt (${(error as Error).message})`, {
        cause: error
      })
    }
    return new Uint8Array(output.buffer, output.byteOffset, output.byteLength)
  }
}

/** A decoder's output must be exactly the size the page header claims. */
function exactly(codec: string, decompress: Decompress): Decompress {
  return (input, outputLength) => {
    const output = decompress(input, outputLength)
    if (output.length !== outputLength) {
      throw new Error(
        `${codec.toLowerCase()}: ${output.length} bytes decompressed, ${outputLength} expected`
      )
    }
    return output
  }
}

function guarded(
  codec: string,
  decompress: (input: Uint8Array, outputLength: number) => Uint8Array
): (input: Uint8Array, outputLength: number) => Uint8Array {
  const bound = EXPANSION[codec]
  return (input, outputLength) => {
    if (outputLength > PAGE_LIMIT) refuse(codec, outputLength, input.length, PAGE_LIMIT)
    if (bound) {
      const most = bound(input)
      if (most === undefined) throw new Error(`the page is not ${codec} data`)
      if (outputLength > most) refuse(codec, outputLength, input.length, most)
    }
    if (codec === 'SNAPPY') {
      const preamble = leadingVarint(input)
      if (preamble !== outputLength) {
        throw new PageSizeError(
          `a SNAPPY page claims ${outputLength} bytes uncompressed but its data says ${preamble ?? 'nothing'}`
        )
      }
    }
    return decompress(input, outputLength)
  }
}

/**
 * The page decompressors. hyparquet-compressors' ZSTD is pure JavaScript: decompressing took a
 * third of an analysis. Node's own zstd is used where Node has it (22.15 and later); elsewhere
 * zstddec, zstd's own decoder compiled to WebAssembly, about ten times faster than the JavaScript
 * one, which needs an asynchronous start, done once per process. GZIP and BROTLI go through
 * Node's own zlib; LZ4 (which Node lacks) through lz4.ts, which reads the empty blocks of
 * all-null pages; SNAPPY (which Node lacks too) through hyparquet-compressors' WebAssembly one.
 * `zstd` picks the zstd decoder (tests compare both).
 */
export function codecs(zstd: ZstdDecoder = ZSTD_DECODERS[0]): Promise<Compressors> {
  let made = ready.get(zstd)
  if (!made) {
    made = zstdDecoder(zstd).then((decodeZstd) => ({
      SNAPPY: guarded('SNAPPY', portable.SNAPPY as Decompress),
      LZ4: guarded('LZ4', decompressLz4),
      LZ4_RAW: guarded('LZ4_RAW', decompressLz4Raw),
      GZIP: guarded('GZIP', exactly('GZIP', zlibDecoder(unzipSync))),
      BROTLI: guarded('BROTLI', exactly('BROTLI', zlibDecoder(brotliDecompressSync))),
      ZSTD: guarded('ZSTD', exactly('ZSTD', decodeZstd))
    }))
    ready.set(zstd, made)
  }
  return made
}

async function zstdDecoder(kind: ZstdDecoder): Promise<Decompress> {
  if (kind === 'node') {
    if (!nodeZstd) throw new Error(`Node ${process.version} has no zstd`)
    return zlibDecoder(nodeZstd)
  }
  const wasm = new ZSTDDecoder()
  await wasm.init()
  return (input, outputLength) => wasm.decode(input, outputLength)
}
