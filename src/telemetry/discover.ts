import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

export const EVENTS_FILE_NAME = 'events.parquet'

export interface Discovery {
  files: string[]
  /** Targets that named nothing analysable, with why. */
  errors: { file: string; message: string }[]
}

async function kind(path: string): Promise<'file' | 'directory' | null> {
  try {
    const info = await stat(path)
    return info.isDirectory() ? 'directory' : 'file'
  } catch {
    return null
  }
}

async function eventsFilesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name === EVENTS_FILE_NAME)
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}

/**
 * A target is an events.parquet file, a directory searched recursively for events.parquet, or a
 * run id: a directory of that name under `runsDir`.
 */
export async function discoverTargets(
  targets: readonly string[],
  runsDir: string
): Promise<Discovery> {
  const files: string[] = []
  const errors: Discovery['errors'] = []
  for (const target of targets) {
    let found = await kind(target)
    let path = target
    if (found === null && !target.includes('/')) {
      path = join(runsDir, target)
      found = await kind(path)
    }
    if (found === 'file') {
      files.push(path)
    } else if (found === 'directory') {
      const under = await eventsFilesUnder(path)
      if (under.length === 0)
        errors.push({ file: target, message: `no ${EVENTS_FILE_NAME} under ${path}` })
      files.push(...under)
    } else {
      errors.push({
        file: target,
        message: target.includes('/')
          ? 'no such file or directory'
          : `no such file or directory, and no run "${target}" under ${runsDir}`
      })
    }
  }
  return { files: [...new Set(files)], errors }
}
