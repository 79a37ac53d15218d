import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
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
  return crc32Update(0, data)
}

/** CRC-32 of what `crc` was computed over followed by `data` (crc32Update(0, d) = crc32(d)). */
export function crc32Update(crc: number, data: Uint8Array): number {
  let c = (crc ^ 0xffffffff) >>> 0
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
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

/** A file to put in a zip: where it is on disk, and its name inside the archive. */
export interface ZipInput {
  path: string
  name: string
}

/**
 * A zip archive (deflated entries) of `files`, in memory: for the report's few small files. yazl
 * is loaded only when a step uploads, so other runs do not pay for parsing it.
 */
export async function zipFiles(files: ZipInput[]): Promise<Buffer> {
  const { default: yazl } = await import('yazl')
  const zip = new yazl.ZipFile()
  for (const file of files) zip.addFile(file.path, file.name)
  const chunks: Buffer[] = []
  const done = new Promise<Buffer>((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk))
    zip.outputStream.on('error', reject)
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)))
  })
  zip.end()
  return done
}

/** What an extracted archive may hold at most. */
export interface ExtractLimits {
  /** Bytes of all entries together, as really inflated (not as their headers claim). */
  bytes: number
  entries: number
}

function openZipFile(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, validateEntrySizes: true }, (error, file) => {
      if (error || !file)
        reject(new ZipError(`not a readable zip archive (${errorMessage(error)})`))
      else resolve(file)
    })
  })
}

/** `folder/name` when it is strictly inside `folder`, else null. */
function entryPath(folder: string, name: string): string | null {
  const path = resolve(folder, name)
  const inside = relative(folder, path)
  return inside !== '' && !inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside)
    ? path
    : null
}

/**
 * Extracts the zip file `zipPath` into `folder`, which must be new and empty: every entry is
 * written strictly inside it (yauzl refuses absolute names and `..`; the resolved path is checked
 * again), files are created exclusively (never through an existing file or link), only plain
 * files and folders are made (a link entry becomes a file holding its target), and extraction
 * stops with a ZipError past `limits` counted on the real inflated bytes, at the first CRC error,
 * or at any damage. Returns the number of files written.
 */
export async function extractZip(
  zipPath: string,
  folder: string,
  limits: ExtractLimits
): Promise<number> {
  const root = resolve(folder)
  const file = await openZipFile(zipPath)
  let written = 0
  let files = 0
  let entries = 0
  try {
    await new Promise<void>((done, fail) => {
      const failWith = (error: unknown) =>
        fail(error instanceof ZipError ? error : new ZipError(errorMessage(error)))
      file.on('error', (error: unknown) =>
        failWith(new ZipError(`damaged zip (${errorMessage(error)})`))
      )
      file.on('end', () => done())
      file.on('entry', (entry: yauzl.Entry) => {
        if (++entries > limits.entries) {
          failWith(new ZipError(`more than ${limits.entries} entries`))
          return
        }
        const path = entryPath(root, entry.fileName)
        if (path === null) {
          failWith(new ZipError(`${entry.fileName}: outside its folder`))
          return
        }
        if (entry.fileName.endsWith('/')) {
          mkdir(path, { recursive: true }).then(() => file.readEntry(), failWith)
          return
        }
        if (written + entry.uncompressedSize > limits.bytes) {
          failWith(
            new ZipError(
              `${entry.fileName} declares ${entry.uncompressedSize} bytes, over the ${limits.bytes}-byte limit of the artifact`
            )
          )
          return
        }
        writeEntry(file, entry, path, limits.bytes - written).then((size) => {
          written += size
          files++
          file.readEntry()
        }, failWith)
      })
      file.readEntry()
    })
  } finally {
    file.close()
  }
  return files
}

/** Inflates one entry to `path`, stopping past `room` bytes or at a CRC mismatch. */
async function writeEntry(
  file: yauzl.ZipFile,
  entry: yauzl.Entry,
  path: string,
  room: number
): Promise<number> {
  await mkdir(dirname(path), { recursive: true })
  const stream = await new Promise<NodeJS.ReadableStream>((done, fail) =>
    file.openReadStream(entry, (error, opened) =>
      error || !opened
        ? fail(new ZipError(`${entry.fileName}: ${errorMessage(error)}`))
        : done(opened)
    )
  )
  let size = 0
  let crc = 0
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      size += chunk.length
      // yauzl stops at the declared size too; this count does not depend on the header
      if (size > room) {
        next(new ZipError(`${entry.fileName} inflates past the artifact's byte limit`))
        return
      }
      crc = crc32Update(crc, chunk)
      next(null, chunk)
    },
    flush(next) {
      next(crc === entry.crc32 ? null : new ZipError(`${entry.fileName}: CRC mismatch`))
    }
  })
  try {
    await pipeline(stream, counted, createWriteStream(path, { flags: 'wx' }))
  } catch (error) {
    throw error instanceof ZipError
      ? error
      : new ZipError(`${entry.fileName}: ${errorMessage(error)}`)
  }
  return size
}
