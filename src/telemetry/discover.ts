import { readdir, stat } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import { join } from 'node:path'
import picomatch from 'picomatch'

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

/** A file or directory, whatever path led to it. */
const identity = (info: Stats) => `${info.dev}:${info.ino}`

interface Walked {
  /** Every file found (relative to the root, `/`-separated), in name order. */
  files: string[]
  /** Symbolic links that lead nowhere, relative to the root. */
  broken: string[]
}

/**
 * Every file under `root`, following symbolic links to files and to directories. Each directory
 * and each file is visited once however many paths lead to it, so a link loop ends and a file
 * linked from two places is analysed once. Anything that is not a directory counts as a file
 * here (FIFOs included): opening it says whether it can be read.
 */
async function walkFiles(root: string, skipped: ReadonlySet<string> = new Set()): Promise<Walked> {
  const seen = new Set<string>()
  const walked: Walked = { files: [], broken: [] }
  async function walk(directory: string, prefix: string, info: Stats): Promise<void> {
    if (seen.has(identity(info))) return
    seen.add(identity(info))
    const entries = await readdir(directory, { withFileTypes: true }).catch(() => [])
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      const path = join(directory, entry.name)
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name
      const target = entry.isSymbolicLink() ? await stat(path).catch(() => null) : undefined
      if (target === null) {
        walked.broken.push(relative)
      } else if (target ? target.isDirectory() : entry.isDirectory()) {
        if (!skipped.has(entry.name)) await walk(path, relative, target ?? (await stat(path)))
      } else {
        const file = target ?? (await stat(path).catch(() => null))
        if (file === null || seen.has(identity(file))) continue
        seen.add(identity(file))
        walked.files.push(relative)
      }
    }
  }
  const info = await stat(root).catch(() => null)
  if (info?.isDirectory()) await walk(root, '', info)
  return walked
}

const isEventsFile = (relative: string) =>
  relative === EVENTS_FILE_NAME || relative.endsWith(`/${EVENTS_FILE_NAME}`)

async function eventsFilesUnder(
  directory: string
): Promise<{ files: string[]; errors: Discovery['errors'] }> {
  const { files, broken } = await walkFiles(directory)
  return {
    files: files
      .filter(isEventsFile)
      .map((file) => join(directory, file))
      .sort(),
    errors: broken.filter(isEventsFile).map((file) => ({
      file: join(directory, file),
      message: 'a symbolic link that leads nowhere'
    }))
  }
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
      errors.push(...under.errors)
      if (under.files.length === 0 && under.errors.length === 0)
        errors.push({ file: target, message: `no ${EVENTS_FILE_NAME} under ${path}` })
      files.push(...under.files)
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

/**
 * picomatch syntax that the globs here do not have (docs/action.md, "Globs": `**`, `*` and `?`
 * only, `!` only as the leading exclude mark that globFiles strips): brackets, braces, extglobs,
 * parentheses, quotes and negation. Escaped, these characters match themselves, as they always
 * did.
 */
const NOT_WILDCARDS = /[()[\]{}!+@|$^,"]/g

/** `pattern` with only `**`, `*` and `?` as wildcards, for picomatch. */
export function wildcardsOnly(pattern: string): string {
  return pattern.replace(NOT_WILDCARDS, '\\$&')
}

/**
 * A glob as a regular expression over `/`-separated relative paths: `**` (whole folders), `*`
 * and `?` (within one), a leading `./` ignored. Dot files and folders match like any other
 * (`**\/events.parquet` finds `.iostorm-artifacts/…/events.parquet`).
 */
export function globPattern(glob: string): RegExp {
  return picomatch.makeRe(wildcardsOnly(glob), { dot: true })
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
  const { files } = await walkFiles(root, SKIPPED_DIRECTORIES)
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
