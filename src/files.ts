import { constants } from 'node:fs'
import { open } from 'node:fs/promises'

/** A small input file that cannot be read: the reason in words, for a caller to name the file. */
export class SmallFileError extends Error {}

/**
 * The text of a small input file (a plugin registry, a stored report): only a regular file, and
 * only up to `limit` bytes, checked before reading so that a huge file costs nothing. Opened
 * without blocking: a FIFO would otherwise wait for a writer forever (docs/hostile-input.md).
 */
export async function readSmallFile(path: string, limit: number, what: string): Promise<string> {
  let handle
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new SmallFileError(
      code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'unknown error'})`
    )
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new SmallFileError('not a regular file')
    if (info.size > limit) {
      throw new SmallFileError(
        `${info.size} bytes, more than the ${limit / 1024 / 1024} MiB ${what} may have`
      )
    }
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
}
