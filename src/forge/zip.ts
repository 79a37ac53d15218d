import { inflateRawSync } from 'node:zlib'

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

/** CRC-32 as zip uses it (zlib.crc32 only exists from Node 20.15; Forgejo images may be older). */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

export class ZipError extends Error {}

/**
 * The files of a zip archive (stored or deflated entries, as artifact zips are), read through the
 * central directory so entries written with data descriptors work too.
 */
export function readZip(zip: Uint8Array): Map<string, Buffer> {
  const buffer = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength)
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0 || end + 22 > buffer.length) throw new ZipError('not a zip archive')
  const count = buffer.readUInt16LE(end + 10)
  let at = buffer.readUInt32LE(end + 16)
  const files = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) {
    if (at + 46 > buffer.length || buffer.readUInt32LE(at) !== 0x02014b50) {
      throw new ZipError('corrupt zip central directory')
    }
    const method = buffer.readUInt16LE(at + 10)
    const crc = buffer.readUInt32LE(at + 16)
    const packedSize = buffer.readUInt32LE(at + 20)
    const nameLength = buffer.readUInt16LE(at + 28)
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength)
    const local = buffer.readUInt32LE(at + 42)
    at += 46 + nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32)
    if (name.endsWith('/')) continue
    if (packedSize === 0xffffffff || local === 0xffffffff) {
      throw new ZipError(`${name}: zip64 entries are not supported`)
    }
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28)
    const packed = buffer.subarray(start, start + packedSize)
    if (method !== 0 && method !== 8)
      throw new ZipError(`${name}: unsupported compression ${method}`)
    const data = method === 8 ? inflateRawSync(packed) : Buffer.from(packed)
    if (crc32(data) !== crc) throw new ZipError(`${name}: CRC mismatch`)
    files.set(name, data)
  }
  return files
}
