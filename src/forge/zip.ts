import yauzl from 'yauzl'
import { errorMessage } from '../errors.js'

/** A zip archive that cannot be read, or whose entry is refused. */
export class ZipError extends Error {}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

/**
 * CRC-32 as zip uses it (yauzl does not check it; zlib.crc32 only exists from Node 20.15, and
 * Forgejo runs whatever node the job image has).
 */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

function openZip(zip: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true }, (error, file) => {
      if (error || !file)
        reject(new ZipError(`not a readable zip archive (${errorMessage(error)})`))
      else resolve(file)
    })
  })
}

function inflate(file: yauzl.ZipFile, entry: yauzl.Entry, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    file.openReadStream(entry, (error, stream) => {
      if (error || !stream) {
        reject(new ZipError(`${entry.fileName}: ${errorMessage(error)}`))
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        // yauzl stops at the declared size too; this count does not depend on the header
        if (size > limit) {
          stream.destroy(new ZipError(`${entry.fileName} inflates to more than ${limit} bytes`))
          return
        }
        chunks.push(chunk)
      })
      stream.on('error', (streamError: unknown) =>
        reject(
          streamError instanceof ZipError
            ? streamError
            : new ZipError(`${entry.fileName}: ${errorMessage(streamError)}`)
        )
      )
      stream.on('end', () => resolve(Buffer.concat(chunks)))
    })
  })
}

/**
 * The content of the entry `name` of a zip held in memory, or null when it has none. Only that
 * entry is inflated, and only when it declares at most `limit` bytes; inflating stops as soon as
 * the real output passes `limit` (a zip bomb is refused for the cost of its first bytes).
 */
export async function readZipEntry(
  zip: Buffer,
  name: string,
  limit: number
): Promise<Buffer | null> {
  const file = await openZip(zip)
  try {
    return await new Promise<Buffer | null>((resolve, reject) => {
      file.on('error', (error: unknown) =>
        reject(new ZipError(`not a readable zip archive (${errorMessage(error)})`))
      )
      file.on('end', () => resolve(null))
      file.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) {
          file.readEntry()
          return
        }
        if (entry.uncompressedSize > limit) {
          reject(
            new ZipError(
              `${name} declares ${entry.uncompressedSize} bytes, over the ${limit}-byte limit`
            )
          )
          return
        }
        inflate(file, entry, limit).then((data) => {
          if (crc32(data) !== entry.crc32) reject(new ZipError(`${name}: CRC mismatch`))
          else resolve(data)
        }, reject)
      })
      file.readEntry()
    })
  } finally {
    file.close()
  }
}
