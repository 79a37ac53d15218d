/** Byte builders for tests that write parquet structures field by field. */
import { ByteWriter } from 'hyparquet-writer'
import { serializeTCompactProtocol } from 'hyparquet-writer/src/thrift.js'

/** A thrift compact-protocol struct from `{ field_1: …, field_2: … }`. */
export function thrift(fields: Record<string, unknown>): Uint8Array {
  const writer = new ByteWriter()
  serializeTCompactProtocol(writer, fields)
  return new Uint8Array(writer.getBuffer())
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** An unsigned LEB128 varint. */
export function varint(value: number): Uint8Array {
  const bytes: number[] = []
  do {
    let byte = value % 128
    value = Math.floor(value / 128)
    if (value > 0) byte |= 0x80
    bytes.push(byte)
  } while (value > 0)
  return Uint8Array.from(bytes)
}

/** An RLE run of the hybrid encoding: `count` times `value`, in ceil(width / 8) bytes. */
export function rleRun(count: number, value: number, width: number): Uint8Array {
  const bytes = Array.from({ length: (width + 7) >> 3 }, (_, i) => (value >>> (8 * i)) & 0xff)
  return concat(varint(count * 2), Uint8Array.from(bytes))
}

/** A bit-packed run of the hybrid encoding (values LSB first; padded to a multiple of 8). */
export function bitPackedRun(values: number[], width: number): Uint8Array {
  const groups = Math.ceil(values.length / 8)
  const out = new Uint8Array(groups * width)
  let bit = 0
  for (let i = 0; i < groups * 8; i++, bit += width) {
    const value = values[i] ?? 0
    for (let b = 0; b < width; b++) {
      if ((value >>> b) & 1) out[(bit + b) >> 3] |= 1 << ((bit + b) & 7)
    }
  }
  return concat(varint(groups * 2 + 1), out)
}
