import { constants } from 'node:fs'
import { open, readdir, stat, type FileHandle } from 'node:fs/promises'
import { basename, isAbsolute, join, relative } from 'node:path'
import { Readable } from 'node:stream'
import { parse as parseToml } from 'smol-toml'
import { parse as parseYaml } from 'yaml'
import yauzl from 'yauzl'
import { errorMessage } from '../errors.js'
import { NOT_PLUGIN_PREFIXES, type JarRegistry, type RegistryEntry } from '../analysis/plugins.js'

/**
 * The plugin registry built from the server's plugin jars (docs/analysis.md, "The registry from
 * the plugin jars"): a plugin's name from its descriptor, its packages from the names of its
 * `.class` entries in the zip's central directory. No class is inflated; only the small descriptor
 * files are, and only up to DESCRIPTOR_LIMIT bytes.
 */

/** A plugins folder that cannot be listed: a configuration mistake. */
export class PluginsDirError extends Error {}

/** Descriptors are a few kilobytes; one claiming more is not read. */
export const DESCRIPTOR_LIMIT = 256 * 1024

/** Jars are read this many at a time: reading is mostly waiting for the disk. */
const PARALLEL_JARS = 8

/** Bytes read at once from a jar: the central directory of a jar of 2,000 classes in one read. */
const BLOCK = 1024 * 1024

/** Reads answered from the block synchronously in a row, at most (see BlockReader.read). */
const SYNC_READS = 32

/** Shared packages named in a note at most (the note counts the others). */
const NOTED_PACKAGES = 10

/** A plugin name as a descriptor gives it, at most this long. */
const NAME_LIMIT = 100

const DESCRIPTORS = [
  'plugin.yml',
  'paper-plugin.yml',
  'fabric.mod.json',
  'META-INF/mods.toml',
  'META-INF/neoforge.mods.toml'
] as const
type Descriptor = (typeof DESCRIPTORS)[number]

/** What one jar says about itself. */
export interface JarScan {
  file: string
  /** Name from the descriptor, else from the file name. */
  name: string
  /** The package of the descriptor's main class (plugin.yml `main`, a Fabric entrypoint). */
  mainPackage: string | null
  packages: Set<string>
}

/**
 * yauzl reads the central directory one entry header at a time; through this reader each of those
 * reads is served from one block read of the file, so a jar costs a few reads, not two per class.
 */
class BlockReader extends yauzl.RandomAccessReader {
  private block = Buffer.alloc(0)
  private blockStart = 0
  private syncReads = 0

  constructor(
    private readonly handle: FileHandle,
    private readonly size: number
  ) {
    super()
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (error: Error | null, bytesRead?: number) => void
  ): void {
    const cached = position - this.blockStart
    if (cached >= 0 && cached + length <= this.block.length) {
      copyBytes(this.block, cached, buffer, offset, length)
      // yauzl asks for the next entry from within the callback: answering synchronously each
      // time would recurse once per entry, so every SYNC_READS-th answer unwinds the stack
      if (++this.syncReads % SYNC_READS !== 0) callback(null, length)
      else queueMicrotask(() => callback(null, length))
      return
    }
    // the central directory is at the end: a read near the end takes the whole tail
    const want = Math.min(Math.max(length, BLOCK), this.size)
    const start = Math.max(0, Math.min(position, this.size - want))
    const block = Buffer.allocUnsafe(want)
    this.handle.read(block, 0, want, start).then(
      ({ bytesRead }) => {
        this.block = block.subarray(0, bytesRead)
        this.blockStart = start
        const from = position - start
        const copied = Math.max(0, Math.min(length, bytesRead - from))
        this.block.copy(buffer, offset, from, from + copied)
        callback(null, copied)
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)))
    )
  }

  /** An entry's bytes (a descriptor): from the block when there, else one read when small. */
  override _readStreamForRange(start: number, end: number): Readable {
    const cached = start - this.blockStart
    if (cached >= 0 && end - this.blockStart <= this.block.length) {
      return Readable.from([this.block.subarray(cached, end - this.blockStart)])
    }
    if (end - start > BLOCK) {
      return this.handle.createReadStream({ start, end: end - 1, autoClose: false })
    }
    const buffer = Buffer.allocUnsafe(end - start)
    return Readable.from(
      (async function* (handle: FileHandle) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, start)
        yield buffer.subarray(0, bytesRead)
      })(this.handle)
    )
  }

  override close(callback: (error: Error | null) => void): void {
    callback(null)
  }
}

function openZip(reader: BlockReader, size: number): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromRandomAccessReader(
      reader,
      size,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
      (error, zip) => (error || !zip ? reject(error ?? new Error('no zip')) : resolve(zip))
    )
  })
}

/** An entry's content, refused when it declares or inflates to more than `limit` bytes. */
function inflate(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  name: string,
  limit: number
): Promise<string> {
  if (entry.uncompressedSize > limit) {
    return Promise.reject(
      new Error(`${name} declares ${entry.uncompressedSize} bytes, over ${limit}`)
    )
  }
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) {
        reject(error ?? new Error(`${name}: no stream`))
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > limit) stream.destroy(new Error(`${name} inflates to over ${limit}`))
        else chunks.push(chunk)
      })
      stream.on('error', reject)
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    })
  })
}

const CLASS_SUFFIX = Buffer.from('.class')
const DESCRIPTOR_LENGTH = Math.max(...DESCRIPTORS.map((name) => name.length))

/** Copies a few bytes: for entry headers a loop is cheaper than Buffer.copy's checks. */
function copyBytes(from: Buffer, start: number, to: Buffer, offset: number, length: number): void {
  if (length > 64) {
    from.copy(to, offset, start, start + length)
    return
  }
  for (let i = 0; i < length; i++) to[offset + i] = from[start + i]
}

/** Whether `a` (whole) and the first `length` bytes of `b` are the same bytes. */
function sameBytes(a: Buffer, b: Buffer, length: number): boolean {
  if (a.length !== length) return false
  for (let i = length - 1; i >= 0; i--) if (a[i] !== b[i]) return false
  return true
}

/**
 * The length of the folder of a raw (undecoded) `.class` entry name, `com/foo` of
 * `com/foo/Bar.class`, or -1 for other entries and classes in no package. Names stay bytes until
 * their folder is new: a jar's classes come folder by folder, so most entries cost a few byte
 * comparisons.
 */
function classFolderLength(raw: Buffer): number {
  const suffix = raw.length - CLASS_SUFFIX.length
  if (suffix <= 0) return -1
  for (let i = 0; i < CLASS_SUFFIX.length; i++) {
    if (raw[suffix + i] !== CLASS_SUFFIX[i]) return -1
  }
  for (let i = suffix - 1; i > 0; i--) if (raw[i] === 0x2f) return i
  return -1
}

/** `com/foo` → `com.foo`; multi-release classes count in their package; other META-INF: none. */
function packageOfFolder(folder: string): string | null {
  let name = folder
  if (name.startsWith('META-INF/')) {
    const release = /^META-INF\/versions\/\d+\/(.+)$/.exec(name)
    if (!release) return null
    name = release[1]
  }
  return name.replace(/\//g, '.')
}

/** A name from a descriptor: a non-empty string (or number) without control characters. */
function cleanName(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null
  const name = String(value)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
  return name === '' || name.includes('${') ? null : name.slice(0, NAME_LIMIT)
}

/** The package of a main class name (`com.foo.Main`, `com.foo.Mod::init`). */
function packageOfClass(value: unknown): string | null {
  if (typeof value !== 'string') return null
  const className = value.split('::')[0].trim().replace(/\//g, '.')
  const dot = className.lastIndexOf('.')
  return dot > 0 ? className.slice(0, dot) : null
}

const asObject = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null

/** The first `main` (else `server`) entrypoint of a fabric.mod.json: a string or `{ value }`. */
function fabricEntrypoint(json: Record<string, unknown>): unknown {
  const entrypoints = asObject(json.entrypoints)
  for (const kind of ['main', 'server']) {
    const list = entrypoints?.[kind]
    const first: unknown = Array.isArray(list) ? list[0] : undefined
    if (typeof first === 'string') return first
    const value = asObject(first)?.value
    if (typeof value === 'string') return value
  }
  return undefined
}

type Described = { name: string | null; main: string | null }

function describe(kind: Descriptor, text: string): Described {
  if (kind === 'plugin.yml' || kind === 'paper-plugin.yml') {
    const yaml = asObject(parseYaml(text, { maxAliasCount: 50 }))
    return { name: cleanName(yaml?.name), main: packageOfClass(yaml?.main) }
  }
  if (kind === 'fabric.mod.json') {
    const json = asObject(JSON.parse(text))
    return {
      name: cleanName(json?.name) ?? cleanName(json?.id),
      main: json ? packageOfClass(fabricEntrypoint(json)) : null
    }
  }
  const mods = parseToml(text).mods
  const mod = asObject(Array.isArray(mods) ? mods[0] : undefined)
  return { name: cleanName(mod?.displayName) ?? cleanName(mod?.modId), main: null }
}

/** `ProtocolLib-5.1.0.jar` → `ProtocolLib`: the file name without `.jar` and version. */
export function nameFromFile(file: string): string {
  const base = basename(file).replace(/\.jar$/i, '')
  const name = base.replace(/[-_ +]v?\d.*$/i, '').trim()
  return (name === '' ? base : name).slice(0, NAME_LIMIT)
}

/**
 * Reads one jar: the class packages from the central directory, name and main class from the
 * first descriptor that gives them. Throws (with the reason) when the file is no readable zip.
 */
export async function scanJar(path: string): Promise<JarScan> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new Error('not a regular file')
    const reader = new BlockReader(handle, info.size)
    const zip = await openZip(reader, info.size)
    const folders = new Set<string>()
    const descriptors = new Map<Descriptor, yauzl.Entry>()
    let lastFolder: Buffer | null = null
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject)
      zip.on('end', resolve)
      zip.on('entry', (entry: yauzl.Entry) => {
        // decodeStrings: false, so the name is the raw bytes
        const raw = entry.fileName as unknown as Buffer
        const length = classFolderLength(raw)
        if (length > 0) {
          if (lastFolder === null || !sameBytes(lastFolder, raw, length)) {
            lastFolder = raw.subarray(0, length)
            folders.add(lastFolder.toString('utf8'))
          }
        } else if (raw.length <= DESCRIPTOR_LENGTH) {
          const name = raw.toString('utf8')
          if ((DESCRIPTORS as readonly string[]).includes(name)) {
            descriptors.set(name as Descriptor, entry)
          }
        }
        zip.readEntry()
      })
      zip.readEntry()
    })
    const packages = new Set<string>()
    for (const folder of folders) {
      const name = packageOfFolder(folder)
      if (name !== null) packages.add(name)
    }
    let described: Described = { name: null, main: null }
    for (const kind of DESCRIPTORS) {
      const entry = descriptors.get(kind)
      if (!entry) continue
      const text = await inflate(zip, entry, kind, DESCRIPTOR_LIMIT)
      let found: Described
      try {
        found = describe(kind, text)
      } catch (error) {
        throw new Error(`${kind}: ${errorMessage(error).split('\n')[0].slice(0, 120)}`, {
          cause: error
        })
      }
      described = { name: described.name ?? found.name, main: described.main ?? found.main }
      if (described.name !== null && described.main !== null) break
    }
    zip.close()
    return {
      file: path,
      name: described.name ?? nameFromFile(path),
      mainPackage: described.main,
      packages
    }
  } finally {
    await handle.close()
  }
}

/** A path as notes show it: relative to the working directory when inside it. */
function shown(path: string): string {
  const inside = relative(process.cwd(), path)
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path
}

async function jarsIn(dir: string): Promise<string[]> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    throw new PluginsDirError(
      `${dir}: ${error.code === 'ENOENT' ? 'no such directory' : `cannot be read (${error.code ?? 'error'})`}`
    )
  })
  if (!info.isDirectory()) throw new PluginsDirError(`${dir}: not a directory`)
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    throw new PluginsDirError(`${dir}: cannot be listed (${error.code ?? 'error'})`)
  })
  return entries
    .filter((name) => name.toLowerCase().endsWith('.jar'))
    .sort()
    .map((name) => join(dir, name))
}

/** Runs `task` over `items`, `parallel` at a time, keeping their order. */
async function mapLimited<T, R>(
  items: readonly T[],
  parallel: number,
  task: (item: T) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index])
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker))
  return results
}

const covers = (prefix: string, name: string) => name === prefix || name.startsWith(prefix + '.')

/**
 * The registry from the jars of scanned plugins: each package belongs to the one plugin that ships
 * it, except packages on the not-plugin list and packages two plugins ship (shared: a note names
 * them) — but a package at or under a plugin's own main package is that plugin's, always.
 */
export function deriveRegistry(
  scans: readonly JarScan[],
  notPlugin: readonly string[] = NOT_PLUGIN_PREFIXES
): Pick<JarRegistry, 'registry' | 'shared' | 'notes'> {
  const notes: string[] = []
  const plugins = new Map<string, { name: string; files: string[]; mains: Set<string> }>()
  const shippers = new Map<string, Set<string>>()
  for (const scan of scans) {
    const key = scan.name.toLowerCase()
    let plugin = plugins.get(key)
    if (!plugin) plugins.set(key, (plugin = { name: scan.name, files: [], mains: new Set() }))
    plugin.files.push(basename(scan.file))
    if (scan.mainPackage !== null) plugin.mains.add(scan.mainPackage)
    // the main class's package is the plugin's even when its classes live in subpackages only
    // (not a one-segment package like `me`: it would claim every plugin's frames under it)
    const own = scan.mainPackage?.includes('.') ? [scan.mainPackage] : []
    for (const name of new Set([...scan.packages, ...own])) {
      let set = shippers.get(name)
      if (!set) shippers.set(name, (set = new Set()))
      set.add(key)
    }
  }
  for (const plugin of plugins.values()) {
    if (plugin.files.length > 1) {
      notes.push(
        `plugin jars ${plugin.files.join(', ')} all name the plugin ${plugin.name}: their packages are merged`
      )
    }
  }
  const excluded = notPlugin.map((prefix) => prefix.replace(/\.+$/, ''))
  const packages = new Map<string, string[]>()
  const shared: string[] = []
  const sharedBy = new Map<string, string[]>()
  for (const [name, keys] of [...shippers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // the plugins whose own main package holds this package: the deepest main package wins
    let deepest = -1
    let claimers: string[] = []
    for (const key of keys) {
      for (const main of (plugins.get(key) as { mains: Set<string> }).mains) {
        if (!covers(main, name)) continue
        if (main.length > deepest) [deepest, claimers] = [main.length, [key]]
        else if (main.length === deepest && !claimers.includes(key)) claimers.push(key)
      }
    }
    let owner: string | undefined
    if (claimers.length === 1) owner = claimers[0]
    else if (claimers.length === 0 && excluded.some((prefix) => covers(prefix, name))) continue
    else if (claimers.length === 0 && keys.size === 1) owner = [...keys][0]
    if (owner === undefined) {
      shared.push(name)
      sharedBy.set(
        name,
        [...(claimers.length > 1 ? claimers : keys)].map((key) => plugins.get(key)?.name ?? key)
      )
      continue
    }
    let list = packages.get(owner)
    if (!list) packages.set(owner, (list = []))
    list.push(name)
  }
  if (shared.length > 0) {
    const listed = shared
      .slice(0, NOTED_PACKAGES)
      .map((name) => `${name} (${(sharedBy.get(name) ?? []).join(', ')})`)
    notes.push(
      `${shared.length} package(s) are in more than one plugin jar and name no plugin ` +
        `(treated as library code): ${listed.join('; ')}${shared.length > NOTED_PACKAGES ? '; …' : ''}`
    )
  }
  const registry = new Map<string, RegistryEntry>()
  for (const [key, plugin] of plugins) {
    const list = packages.get(key)
    if (list && list.length > 0) registry.set(plugin.name, { packages: list })
    else
      notes.push(`plugin jar(s) ${plugin.files.join(', ')} (${plugin.name}): no package of its own`)
  }
  return { registry, shared, notes }
}

/**
 * The registry from every `*.jar` in the folders: a folder that cannot be listed is a
 * PluginsDirError; a jar that cannot be read is a note.
 */
export async function readPluginJars(
  dirs: readonly string[],
  notPlugin: readonly string[] = NOT_PLUGIN_PREFIXES
): Promise<JarRegistry> {
  const notes: string[] = []
  const files: string[] = []
  for (const dir of dirs) {
    const found = await jarsIn(dir)
    if (found.length === 0) notes.push(`plugins-dir ${shown(dir)}: no *.jar file`)
    files.push(...found)
  }
  const scans = await mapLimited(files, PARALLEL_JARS, async (file) => {
    try {
      return await scanJar(file)
    } catch (error) {
      const reason = errorMessage(error).split('\n')[0].slice(0, 160)
      notes.push(`plugin jar ${shown(file)} could not be read (${reason}): not in the registry`)
      return null
    }
  })
  const read = scans.filter((scan): scan is JarScan => scan !== null)
  const derived = deriveRegistry(read, notPlugin)
  return {
    ...derived,
    jars: read.map((scan) => basename(scan.file)).sort(),
    notes: [...notes.sort(), ...derived.notes]
  }
}
