/**
 * The RLE / bit-packed hybrid encoding of parquet (definition and repetition levels, dictionary
 * indices) decoded over raw bytes, straight into typed arrays: runs become typed-array fills,
 * bit-packed groups are unpacked a byte at a time, and the definition levels of a flat column
 * become a presence bitmap (a bit-packed run of width 1 already is one). Widths over 24 bits go to
 * hyparquet's general decoder.
 */
import { readRleBitPackedHybrid } from './hyparquet-internals.js'

/** A position in a byte buffer, as hyparquet's readers take it. */
export interface Reader {
  view: DataView
  offset: number
}

export function readerOf(bytes: Uint8Array): Reader {
  return { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 }
}

export function bytesOf(reader: Reader): Uint8Array {
  const { view } = reader
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}

/** Bits a level of at most `maxLevel` takes. */
export const widthOf = (maxLevel: number) => 32 - Math.clz32(maxLevel)

/** An unsigned LEB128 varint (a run header), as a double so no header overflows. */
function varint(bytes: Uint8Array, reader: Reader): number {
  let value = 0
  let scale = 1
  let byte: number
  do {
    byte = bytes[reader.offset++]
    value += (byte & 0x7f) * scale
    scale *= 128
  } while (byte & 0x80)
  return value
}

/**
 * The RLE / bit-packed hybrid (levels and dictionary indices) over raw bytes: a byte at a time
 * into a 32-bit buffer, runs as typed-array fills. Widths over 24 bits (dictionaries of more than
 * 16M entries) go to hyparquet's general decoder.
 */
export function decodeHybrid(
  reader: Reader,
  width: number,
  out: Int32Array | Uint8Array,
  byteLength: number
): void {
  if (width > 24) {
    readRleBitPackedHybrid(reader, width, out, byteLength)
    return
  }
  const bytes = bytesOf(reader)
  const end = Math.min(reader.offset + byteLength, bytes.length)
  const mask = (1 << width) - 1
  const byteWidth = (width + 7) >> 3
  const count = out.length
  let seen = 0
  while (seen < count && reader.offset < end) {
    const header = varint(bytes, reader)
    if (header % 2 === 1) {
      const groups = (header - 1) / 2
      let pos = reader.offset
      const stop = pos + groups * width
      const values = Math.min(groups * 8, count - seen)
      let k = 0
      if (width <= 8) {
        // eight values fill exactly `width` bytes: two 32-bit words hold them all
        for (; k + 8 <= values; k += 8, pos += width) {
          let low = 0
          let high = 0
          for (let b = 0; b < width; b++) {
            if (b < 4) low |= bytes[pos + b] << (8 * b)
            else high |= bytes[pos + b] << (8 * (b - 4))
          }
          for (let v = 0, bit = 0; v < 8; v++, bit += width) {
            out[seen++] =
              (bit + width <= 32
                ? low >>> bit
                : bit >= 32
                  ? high >>> (bit - 32)
                  : (low >>> bit) | (high << (32 - bit))) & mask
          }
        }
      }
      let buffer = 0
      let bits = 0
      for (; k < values; k++) {
        while (bits < width) {
          buffer |= bytes[pos++] << bits
          bits += 8
        }
        out[seen++] = buffer & mask
        buffer >>>= width
        bits -= width
      }
      reader.offset = stop
    } else {
      let value = 0
      for (let i = 0; i < byteWidth; i++) value |= bytes[reader.offset++] << (8 * i)
      const stop = Math.min(count, seen + header / 2)
      out.fill(value, seen, stop)
      seen = stop
    }
  }
  reader.offset = end
}

export const POPCOUNT = Uint8Array.from({ length: 256 }, (_, byte) => {
  let bits = 0
  for (let b = byte; b; b >>= 1) bits += b & 1
  return bits
})

/**
 * Definition levels of a flat optional column (bit width 1) as a bitmap of present rows: a
 * bit-packed run is copied byte for byte, a run of ones is filled. Returns the bitmap and how
 * many rows are present.
 */
export function readPresence(
  reader: Reader,
  count: number,
  byteLength: number
): { presence: Uint8Array; present: number } {
  const bytes = bytesOf(reader)
  const end = Math.min(reader.offset + byteLength, bytes.length)
  const presence = new Uint8Array((count + 7) >> 3)
  let seen = 0
  let present = 0
  while (seen < count && reader.offset < end) {
    const header = varint(bytes, reader)
    if (header % 2 === 1) {
      const groups = (header - 1) / 2
      const take = Math.min(groups, (count - seen + 7) >> 3)
      const shift = seen & 7
      let at = seen >> 3
      for (let k = 0; k < take; k++) {
        let byte = bytes[reader.offset + k]
        if ((k + 1) * 8 > count - seen) byte &= (1 << (count - seen - k * 8)) - 1
        present += POPCOUNT[byte]
        presence[at] |= (byte << shift) & 0xff
        if (shift) presence[at + 1] |= byte >> (8 - shift)
        at++
      }
      reader.offset += groups
      seen = Math.min(count, seen + groups * 8)
    } else {
      const run = Math.min(header / 2, count - seen)
      if (bytes[reader.offset++] & 1) {
        present += run
        let from = seen
        const to = seen + run
        while (from < to && from & 7) presence[from >> 3] |= 1 << (from++ & 7)
        const whole = (to - from) >> 3
        presence.fill(0xff, from >> 3, (from >> 3) + whole)
        from += whole * 8
        while (from < to) presence[from >> 3] |= 1 << (from++ & 7)
      }
      seen += run
    }
  }
  reader.offset = end
  return { presence, present }
}

/**
 * Dictionary indices at the given value positions only (sorted), without unpacking the others:
 * RLE runs give their value, bit-packed runs are read at `position × width` bits.
 */
export function decodeHybridAt(
  reader: Reader,
  width: number,
  byteLength: number,
  positions: Int32Array,
  out: Int32Array
): void {
  if (width === 0) {
    out.fill(0)
    return
  }
  if (width > 24) {
    const all = new Int32Array(positions.length ? positions[positions.length - 1] + 1 : 0)
    readRleBitPackedHybrid({ ...reader }, width, all, byteLength)
    for (let k = 0; k < positions.length; k++) out[k] = all[positions[k]]
    return
  }
  const bytes = bytesOf(reader)
  const end = Math.min(reader.offset + byteLength, bytes.length)
  const mask = (1 << width) - 1
  const byteWidth = (width + 7) >> 3
  let pos = reader.offset
  let seen = 0
  let k = 0
  const cursor = { view: reader.view, offset: pos }
  while (k < positions.length && pos < end) {
    cursor.offset = pos
    const header = varint(bytes, cursor)
    pos = cursor.offset
    if (header % 2 === 1) {
      const groups = (header - 1) / 2
      const runEnd = seen + groups * 8
      while (k < positions.length && positions[k] < runEnd) {
        const bit = (positions[k] - seen) * width
        const at = pos + (bit >> 3)
        const word =
          bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)
        out[k++] = (word >>> (bit & 7)) & mask
      }
      pos += groups * width
      seen = runEnd
    } else {
      const run = header / 2
      let value = 0
      for (let i = 0; i < byteWidth; i++) value |= bytes[pos++] << (8 * i)
      while (k < positions.length && positions[k] < seen + run) out[k++] = value
      seen += run
    }
  }
}
