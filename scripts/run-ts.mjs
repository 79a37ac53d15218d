// Runs a TypeScript script of the repository: esbuild compiles it (no TypeScript runner needed)
// and its exported `main(args)` is called; its return value is the exit status.
// Usage: node scripts/run-ts.mjs scripts/hostile/main.ts [args…]
import { build } from 'esbuild'
import { mkdtemp, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const [entry, ...args] = process.argv.slice(2)
// inside the project, so the compiled file resolves packages from node_modules
const scratch = await mkdtemp(join('node_modules', '.cache-iostorm-'))
let status
try {
  const outfile = join(scratch, 'script.mjs')
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning'
  })
  const { main } = await import(pathToFileURL(resolve(outfile)).href)
  status = await main(args)
} finally {
  await rm(scratch, { recursive: true, force: true })
}
process.exitCode = status ?? 0
