/**
 * LZ4 for parquet pages (docs/input.md, codecs): LZ4_RAW is one LZ4 block; the deprecated LZ4
 * codec is either Hadoop's framing (big-endian uncompressed and compressed sizes before each
 * block, what parquet-mr writes) or, from older parquet-cpp, one bare block, told apart the way
 * Arrow does it: the Hadoop framing is tried first, and a page it does not describe exactly is
 * read as a bare block. Node's zlib has no LZ4, so the block decoder is here.
 *
 * A block ends with a sequence of literals only, which may hold no literal at all: the block of
 * an empty page (an all-null column's values) is the single token 0. Decoders that expect a match
 * offset after every token reject such valid pages. Every offset, length and copy is checked
 * against the input and the claimed output; a block that would write past the page's claimed
 * size, or ends short of it, is corrupt.
 */

export class Lz4Error extends Error {}

/**
 * Decodes one LZ4 block from `input[from, to)` into `output` at `at`; returns the new output
 * position. Throws Lz4Error on anything a valid block cannot hold.
 */
function decodeBlock(
  input: Uint8Array,
  from: number,
  to: number,
  output: Uint8Array,
  at: number,
  limit: number
): number {
  let i = from
  let o = at
  while (i < to) {
    const token = input[i++]
    let literals = token >>> 4
    if (literals === 15) {
      let byte: number
      do {
        if (i >= to) throw new Lz4Error('lz4 literal length runs past the block')
        byte = input[i++]
        literals += byte
      } while (byte === 255)
    }
    if (literals > 0) {
      if (i + literals > to) throw new Lz4Error('lz4 literals run past the block')
      if (o + literals > limit) throw new Lz4Error('lz4 block expands beyond the page size')
      output.set(input.subarray(i, i + literals), o)
      i += literals
      o += literals
    }
    // the last sequence has literals only (possibly none)
    if (i === to) return o
    if (i + 2 > to) throw new Lz4Error('lz4 match offset runs past the block')
    const offset = input[i] | (input[i + 1] << 8)
    i += 2
    if (offset === 0 || offset > o - at) {
      throw new Lz4Error(`lz4 match offset ${offset} out of range`)
    }
    let length = token & 15
    if (length === 15) {
      let byte: number
      do {
        if (i >= to) throw new Lz4Error('lz4 match length runs past the block')
        byte = input[i++]
        length += byte
      } while (byte === 255)
    }
    length += 4
    if (o + length > limit) throw new Lz4Error('lz4 block expands beyond the page size')
    const start = o - offset
    if (offset >= length) {
      output.copyWithin(o, start, start + length)
      o += length
    } else {
      // overlapping copy: the match repeats the last `offset` bytes
      for (let k = 0; k < length; k++) output[o + k] = output[start + k]
      o += length
    }
  }
  return o
}

/** LZ4_RAW: one block that expands to exactly `outputLength` bytes. */
export function decompressLz4Raw(input: Uint8Array, outputLength: number): Uint8Array {
  const output = new Uint8Array(outputLength)
  const end = decodeBlock(input, 0, input.length, output, 0, outputLength)
  if (end !== outputLength) {
    throw new Lz4Error(`lz4 block expands to ${end} bytes, the page claims ${outputLength}`)
  }
  return output
}

/**
 * The Hadoop framing, when it describes the page exactly: each frame's sizes in range, each block
 * expanding to its stated size, the frames ending at the page's end and filling the output.
 * Undefined when the page is not framed that way.
 */
function hadoopFrames(input: Uint8Array, outputLength: number): Uint8Array | undefined {
  const output = new Uint8Array(outputLength)
  let i = 0
  let o = 0
  while (i < input.length) {
    if (i + 8 > input.length) return undefined
    const expanded =
      ((input[i] << 24) | (input[i + 1] << 16) | (input[i + 2] << 8) | input[i + 3]) >>> 0
    const packed =
      ((input[i + 4] << 24) | (input[i + 5] << 16) | (input[i + 6] << 8) | input[i + 7]) >>> 0
    i += 8
    if (packed > input.length - i || expanded > outputLength - o) return undefined
    let end: number
    try {
      end = decodeBlock(input, i, i + packed, output, o, o + expanded)
    } catch (error) {
      if (error instanceof Lz4Error) return undefined
      throw error
    }
    if (end !== o + expanded) return undefined
    i += packed
    o = end
  }
  return o === outputLength ? output : undefined
}

/** The deprecated LZ4 codec: Hadoop-framed blocks, else one bare block (as Arrow reads it). */
export function decompressLz4(input: Uint8Array, outputLength: number): Uint8Array {
  return hadoopFrames(input, outputLength) ?? decompressLz4Raw(input, outputLength)
}
