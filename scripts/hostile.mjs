// npm run hostile: compiles the TypeScript harness (scripts/hostile/) with esbuild, as
// make-fixtures.mjs does for the fixture generator, and runs it. It does not build dist/.
import { build } from 'esbuild'
import { mkdtemp, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

// inside the project, so the compiled file resolves packages from node_modules
const scratch = await mkdtemp(join('node_modules', '.cache-iostorm-hostile-'))
let status
try {
  const outfile = join(scratch, 'hostile.mjs')
  await build({
    entryPoints: ['scripts/hostile/main.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning'
  })
  const { main } = await import(pathToFileURL(resolve(outfile)).href)
  status = await main(process.argv.slice(2))
} finally {
  await rm(scratch, { recursive: true, force: true })
}
process.exitCode = status
