// Regenerates fixtures/ (npm run fixtures). The generator is TypeScript shared with the tests;
// esbuild compiles it on the fly so no TypeScript runner is needed.
import { build } from 'esbuild'
import { mkdtemp, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

// inside the project, so the compiled file resolves packages from node_modules
const scratch = await mkdtemp(join('node_modules', '.cache-iostorm-'))
try {
  const outfile = join(scratch, 'generate.mjs')
  await build({
    entryPoints: ['scripts/fixtures/generate.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning'
  })
  const { generate } = await import(pathToFileURL(resolve(outfile)).href)
  await generate('fixtures')
} finally {
  await rm(scratch, { recursive: true, force: true })
}
