// Cold start of the action bundle: how long `node dist/index.js` takes from spawn to exit for a
// push run on a tiny file with upload and comment off (so no network), comparing the committed
// split build (@actions/artifact in a lazily loaded chunk) with single-file builds.
// Usage: node bench/cold-start.mjs [runs]
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'

const runs = Number(process.argv[2] ?? 15)
const scratch = resolve(await mkdtemp(join('node_modules', '.cache-cold-start-')))
const banner = {
  js: "import { createRequire as __iostormCreateRequire } from 'node:module'; const require = __iostormCreateRequire(import.meta.url);"
}
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  banner,
  logLevel: 'error'
}

// single file, @actions/artifact inlined but only evaluated when imported
await build({
  ...common,
  entryPoints: ['src/index.ts'],
  outfile: join(scratch, 'lazy-single/index.js')
})
// single file, @actions/artifact imported eagerly (what a static import gives)
const eagerEntry = join(scratch, 'eager-entry.ts')
await writeFile(eagerEntry, `import '@actions/artifact'\nimport '${resolve('src/index.ts')}'\n`)
await build({
  ...common,
  entryPoints: [eagerEntry],
  outfile: join(scratch, 'eager-single/index.js'),
  nodePaths: [resolve('node_modules')]
})

const variants = {
  'eager import, one file (before)': join(scratch, 'eager-single/index.js'),
  'lazy import, one file': join(scratch, 'lazy-single/index.js'),
  'lazy import + split chunk (dist/, after)': resolve('dist/index.js'),
  // node bench/cold-start.mjs 15 OTHER/index.js…: another build measured beside these, e.g. an
  // older commit's dist/ (git archive COMMIT dist | tar -x -C DIR)
  ...Object.fromEntries(process.argv.slice(3).map((path) => [`other: ${path}`, resolve(path)]))
}

const workspace = join(scratch, 'workspace')
await mkdir(workspace, { recursive: true })
await cp('fixtures/runs/l0-only', join(workspace, 'runs/l0-only'), { recursive: true })
await writeFile(join(scratch, 'event.json'), '{}')
const env = {
  PATH: process.env.PATH,
  GITHUB_EVENT_NAME: 'push',
  GITHUB_EVENT_PATH: join(scratch, 'event.json'),
  GITHUB_REPOSITORY: 'o/r',
  GITHUB_WORKSPACE: workspace,
  INPUT_EVENTS: '**/events.parquet',
  INPUT_UPLOAD: 'false',
  INPUT_COMMENT: 'false',
  INPUT_BASELINE: 'none',
  'INPUT_OUTPUT-DIR': join(scratch, 'out')
}
const baseline = ['node -e ""', process.execPath, ['-e', '']]
const times = Object.fromEntries([...Object.keys(variants), baseline[0]].map((name) => [name, []]))
for (let i = 0; i < runs; i++) {
  for (const [name, file] of Object.entries(variants)) {
    const started = process.hrtime.bigint()
    const result = spawnSync(process.execPath, [file], { env, cwd: workspace, encoding: 'utf8' })
    times[name].push(Number(process.hrtime.bigint() - started) / 1e6)
    if (result.status !== 0) throw new Error(`${name} failed: ${result.stdout}${result.stderr}`)
  }
  const started = process.hrtime.bigint()
  spawnSync(baseline[1], baseline[2])
  times[baseline[0]].push(Number(process.hrtime.bigint() - started) / 1e6)
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const size = async (file) => (await stat(file)).size
console.log(`| variant | loaded at start | median of ${runs} runs |`)
console.log('|---|---:|---:|')
// a split build's start loads its entry and the chunks the entry imports statically
const loadedAtStart = async (file) => {
  const text = await readFile(file, 'utf8')
  const chunks = [...text.matchAll(/^} from "(\.\/chunks\/[^"]+)";$/gm)].map((m) => m[1])
  let total = await size(file)
  for (const chunk of new Set(chunks)) total += await size(join(dirname(file), chunk))
  return total
}
for (const [name, file] of Object.entries(variants)) {
  const loaded = await loadedAtStart(file)
  console.log(
    `| ${name} | ${(loaded / 1024 / 1024).toFixed(2)} MiB | ${median(times[name]).toFixed(0)} ms |`
  )
}
console.log(`| ${baseline[0]} (Node itself) | – | ${median(times[baseline[0]]).toFixed(0)} ms |`)
await rm(scratch, { recursive: true, force: true })
