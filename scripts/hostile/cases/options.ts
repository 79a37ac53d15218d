/**
 * Hostile option values (plugin registries, a backtracking --tick-thread pattern) and stored
 * reports given to `iostorm diff` (wrong shapes, huge, deeply nested, not JSON, another schema
 * version, injection payloads in their text).
 */
import { mkdir, open, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import { writeJar } from '../../fixtures/jars.js'
import { beside, type Call, type CorpusContext, type HostileCase } from '../corpus.js'
import { ALL_PAYLOADS, ONE_LINE_PAYLOADS, PAYLOADS } from '../payloads.js'
import { PLAIN_TEXT, plantedRun, writeRows } from '../tables.js'

const NESTING = 100_000
const deepArray = () => '['.repeat(NESTING) + ']'.repeat(NESTING)

/** `detect <good> --plugin-packages <registry>`: only the option is hostile. */
function registryCase(name: string, contents: () => string): HostileCase {
  return {
    group: 'options',
    name,
    async build(context, dir) {
      const registry = join(dir, 'plugin-packages.json')
      await writeFile(registry, contents())
      return {
        args: ['detect', context.goodFile, '--plugin-packages', registry],
        culprit: registry,
        stage: 'option',
        goodInReport: true
      }
    }
  }
}

/** A plugin name of payloads without commas (the library-plugins option splits on them). */
const EVIL_LIBRARY = [PAYLOADS['comment-marker'], PAYLOADS.mention, PAYLOADS.html].join(' ')

/** `detect <good> --plugins-dir <dir>`: the jars are hostile; a jar that cannot be read is a note. */
function pluginsDirCase(
  name: string,
  fill: (dir: string) => Promise<void>,
  extra: string[] = []
): HostileCase {
  return {
    group: 'options',
    name,
    async build(context, dir) {
      const plugins = join(dir, 'plugins')
      await mkdir(plugins)
      await fill(plugins)
      return {
        args: ['detect', context.goodFile, '--plugins-dir', plugins, ...extra],
        culprit: plugins,
        stage: 'option',
        goodInReport: true
      }
    }
  }
}

/** About 50 MB of well-formed registry: a million plugins with a package each. */
function fiftyMegabyteRegistry(): string {
  const entries: string[] = []
  for (let i = 0; entries.length * 46 < 50 * 1024 * 1024; i++) {
    const id = String(i).padStart(8, '0')
    entries.push(`"Plugin${id}":["com.example.plugin${id}"]`)
  }
  return `{${entries.join(',\n')}}`
}

const OPTIONS: HostileCase[] = [
  registryCase('registry-invalid-json', () => '{"WorldEdit": ["com.sk89q.worldedit"],\n'),
  registryCase('registry-50mb', fiftyMegabyteRegistry),
  // written as text: JSON.stringify of an object literal would set the prototype instead
  registryCase('registry-proto-key', () => '{"__proto__": ["net.minecraft.server"]}\n'),
  registryCase('registry-deep-nesting', () => `{"Deep": ${deepArray()}}`),
  // the good file's server frames become this plugin, so the name reaches the report
  registryCase('registry-injection-name', () =>
    JSON.stringify({ [ALL_PAYLOADS]: ['net.minecraft.server'] })
  ),
  pluginsDirCase(
    'plugins-dir-injection-names',
    async (plugins) => {
      // the good file's save-all stack runs through both jars' packages (claimed through their
      // main classes, as the contract allows for server packages): the first is named as the
      // library the second ran in, so both names reach the spike table and the signature
      const yml = (name: string, main: string) => ({
        'plugin.yml': `name: ${JSON.stringify(name)}\nmain: ${main}\n`
      })
      await writeJar(join(plugins, 'Evil.jar'), {
        descriptors: yml(EVIL_LIBRARY, 'net.minecraft.server.Evil'),
        classes: ['net/minecraft/server/Evil.class']
      })
      const { backticks, pipes, bidi, crlf } = PAYLOADS
      await writeJar(join(plugins, 'Slow.jar'), {
        descriptors: yml(
          `${backticks} ${pipes} ${bidi} ${crlf}`,
          'net.minecraft.server.commands.Slow'
        ),
        classes: ['net/minecraft/server/commands/Slow.class']
      })
      // an unreadable jar whose file name carries payloads ('/' cannot be in a file name)
      const fileName = `${ONE_LINE_PAYLOADS.replace(/\//g, '∕').slice(0, 200)}.jar`
      await writeFile(join(plugins, fileName), 'not a zip')
    },
    ['--library-plugins', EVIL_LIBRARY]
  ),
  pluginsDirCase('plugins-dir-zip-bomb', async (plugins) => {
    // plugin.yml declares 64 bytes and inflates to 256 MiB of spaces
    const path = join(plugins, 'Bomb.jar')
    const small = 'name: Bomb\nmain: com.example.bomb.Main\n'.padEnd(64, ' ')
    await writeJar(path, {
      descriptors: { 'plugin.yml': small },
      classes: ['com/example/bomb/Main.class']
    })
    const jar = await readFile(path)
    const bomb = deflateRawSync(Buffer.alloc(256 * 1024 * 1024, 0x20), { level: 9 })
    const original = deflateRawSync(Buffer.from(small))
    const at = jar.indexOf(original)
    if (at < 0) throw new Error('plugin.yml data not found in the jar')
    // same declared sizes, a different compressed body: rebuild the jar around it
    const local = jar.lastIndexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]), at)
    const header = Buffer.from(jar.subarray(local, at))
    header.writeUInt32LE(bomb.length, 18)
    const rest = jar.subarray(at + original.length)
    const shift = bomb.length - original.length
    const patched = Buffer.concat([jar.subarray(0, local), header, bomb, rest])
    // central directory: the entry's compressed size, later entries' offsets, the directory offset
    const eocd = patched.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
    const directory = patched.readUInt32LE(eocd + 16) + shift
    patched.writeUInt32LE(directory, eocd + 16)
    for (let entry = directory; entry < eocd;) {
      const offset = patched.readUInt32LE(entry + 42)
      if (offset === local) patched.writeUInt32LE(bomb.length, entry + 20)
      else if (offset > local) patched.writeUInt32LE(offset + shift, entry + 42)
      entry +=
        46 +
        patched.readUInt16LE(entry + 28) +
        patched.readUInt16LE(entry + 30) +
        patched.readUInt16LE(entry + 32)
    }
    await writeFile(path, patched)
  }),
  pluginsDirCase('plugins-dir-lying-entry-count', async (plugins) => {
    const path = join(plugins, 'Liar.jar')
    await writeJar(path, {
      descriptors: { 'plugin.yml': 'name: Liar\nmain: com.example.liar.Main\n' },
      classes: ['com/example/liar/Main.class']
    })
    const jar = await readFile(path)
    const eocd = jar.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
    jar.writeUInt16LE(0xffff, eocd + 8)
    jar.writeUInt16LE(0xffff, eocd + 10)
    await writeFile(path, jar)
  }),
  {
    group: 'options',
    name: 'tick-thread-redos',
    async build(context, dir) {
      // a backtracking engine tries 2^5000 ways to split the a's before failing on the "!"
      const path = join(dir, 'events.parquet')
      const thread = 'a'.repeat(5_000) + '!'
      await writeRows(
        path,
        plantedRun(context.random('tick-thread-redos'), { ...PLAIN_TEXT, thread })
      )
      return beside(context, path, ['--tick-thread', '^(a+)+$'])
    }
  }
]

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Every value replaced by one of another type; arrays keep their (changed) items. */
function wrongTypes(value: Json): Json {
  if (Array.isArray(value)) return value.length === 0 ? {} : value.map(wrongTypes)
  if (value === null) return { null: true }
  switch (typeof value) {
    case 'string':
      return 7
    case 'number':
      return String(value)
    case 'boolean':
      return 'yes'
    default:
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, wrongTypes(item)]))
  }
}

/** Fields whose text a report shows; signatures must keep the schema's one-line `a|b` form. */
const TEXT_FIELDS = new Set([
  'run_id',
  'metric',
  'top_thread',
  'top_plugin',
  'entry_plugin',
  'via_plugin',
  'first_syscall',
  'top_path',
  'top_device',
  'thread',
  'plugin',
  'syscall',
  'path',
  'device',
  'tick_thread'
])

function injectedText(value: Json, key = ''): Json {
  // (text fields only where they are text: `tick_thread` is a pattern in options, a flag per thread)
  if (key === 'signature') return `${ONE_LINE_PAYLOADS}|${ONE_LINE_PAYLOADS}`
  if (key === 'notes') return [ALL_PAYLOADS]
  if (TEXT_FIELDS.has(key) && typeof value === 'string') return ALL_PAYLOADS
  if (Array.isArray(value)) return value.map((item) => injectedText(item))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, injectedText(item, name)])
    )
  }
  return value
}

type Side = 'base' | 'head'

/** `diff <hostile> <good report>` (base) or `diff <good report> <hostile>` (head). */
function diffCall(context: CorpusContext, hostile: string, side: Side): Call {
  return {
    args:
      side === 'base'
        ? ['diff', hostile, context.goodReport]
        : ['diff', context.goodReport, hostile],
    culprit: hostile,
    stage: 'input',
    // the good report's runs are shown only when it is the head
    goodInReport: side === 'base'
  }
}

function reportCase(
  name: string,
  side: Side,
  contents: (good: { [key: string]: Json }) => string
): HostileCase {
  return {
    group: 'stored-reports',
    name,
    async build(context, dir) {
      const path = join(dir, 'report.json')
      await writeFile(path, contents((await context.goodReportJson()) as { [key: string]: Json }))
      return diffCall(context, path, side)
    }
  }
}

const json = (value: Json) => JSON.stringify(value, null, 2) + '\n'
const EMPTY_RUN = '{"schema_version":1,"signatures":[],"runs":[{}]}\n'
const wrongTyped = (good: { [key: string]: Json }) =>
  json({ ...(wrongTypes(good) as object), schema_version: 1, signatures: good.signatures })

const REPORTS: HostileCase[] = [
  reportCase('report-empty-run-as-base', 'base', () => EMPTY_RUN),
  reportCase('report-empty-run-as-head', 'head', () => EMPTY_RUN),
  // schema_version and signatures stay right, so only a full validation notices the rest
  reportCase('report-wrong-types-as-base', 'base', wrongTyped),
  reportCase('report-wrong-types-as-head', 'head', wrongTyped),
  {
    group: 'stored-reports',
    name: 'report-100mb',
    async build(context, dir) {
      // the good report's runs repeated to 100 MB, written piece by piece
      const path = join(dir, 'report.json')
      const good = await context.goodReportJson()
      const { runs, ...rest } = good as { runs: Json[] }
      const run = JSON.stringify(runs[0])
      const file = await open(path, 'w')
      try {
        await file.write(JSON.stringify(rest).replace(/\}$/, ',"runs":['))
        for (let written = 0, i = 0; written < 100 * 1024 * 1024; written += run.length + 1, i++) {
          await file.write(i === 0 ? run : `,${run}`)
        }
        await file.write(']}\n')
      } finally {
        await file.close()
      }
      return diffCall(context, path, 'base')
    }
  },
  reportCase(
    'report-deep-nesting',
    'base',
    () => `{"schema_version":1,"signatures":[],"runs":${deepArray()}}`
  ),
  reportCase('report-not-json', 'base', () => 'this is not JSON: {"schema_version": 1,\n'),
  reportCase('report-schema-version-2', 'base', (good) => json({ ...good, schema_version: 2 })),
  reportCase('report-injection-as-head', 'head', (good) => json(injectedText(good))),
  reportCase('report-injection-as-base', 'base', (good) => json(injectedText(good)))
]

export const OPTION_CASES: HostileCase[] = [...OPTIONS, ...REPORTS]
