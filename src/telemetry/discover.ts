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

/** Directories never searched by globs: version control and dependency trees. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules'])

/** A glob as a regular expression over `/`-separated relative paths: `**`, `*`, `?`. */
export function globPattern(glob: string): RegExp {
  let source = ''
  const pattern = glob.replace(/^\.\//, '')
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]
    if (char === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/'
      source += slash ? '(?:.*/)?' : '.*'
      i += slash ? 2 : 1
    } else if (char === '*') {
      source += '[^/]*'
    } else if (char === '?') {
      source += '[^/]'
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
    }
  }
  return new RegExp(`^${source}$`)
}

async function walk(directory: string, prefix: string, found: string[]): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name))
        await walk(join(directory, entry.name), relative, found)
    } else if (entry.isFile()) {
      found.push(relative)
    }
  }
}

/**
 * Files under `root` matching any of the globs (relative to root; `!glob` excludes). A glob also
 * matches relative to each directory of `alsoUnder`, e.g. the per-artifact download folders, so
 * `runs/*\/events.parquet` finds `.iostorm-artifacts/plugbench-1/runs/a/events.parquet`.
 */
export async function globFiles(
  root: string,
  globs: readonly string[],
  alsoUnder: readonly string[] = []
): Promise<string[]> {
  const include = globs.filter((glob) => !glob.startsWith('!')).map(globPattern)
  const exclude = globs
    .filter((glob) => glob.startsWith('!'))
    .map((glob) => globPattern(glob.slice(1)))
  const files: string[] = []
  await walk(root, '', files)
  const views = (file: string) => [
    file,
    ...alsoUnder
      .filter((dir) => file.startsWith(`${dir}/`))
      .map((dir) => file.slice(dir.length + 1))
  ]
  return files
    .filter((file) => {
      const names = views(file)
      return (
        names.some((name) => include.some((pattern) => pattern.test(name))) &&
        !names.some((name) => exclude.some((pattern) => pattern.test(name)))
      )
    })
    .sort()
}
