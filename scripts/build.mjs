// Bundles the CLI and the action into ESM files under dist/ (committed; CI checks they are fresh).
import { build } from 'esbuild'
import { rm } from 'node:fs/promises'

const shared = {
  bundle: true,
  platform: 'node',
  // the lowest Node that may run it: Forgejo runs whatever node the job image has
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  sourcemap: false,
  minify: false,
  logLevel: 'warning',
  // CJS dependencies inside an ESM bundle call require(); give them a real one
  banner: {
    js: "import { createRequire as __iostormCreateRequire } from 'node:module'; const require = __iostormCreateRequire(import.meta.url);"
  }
}

await rm('dist', { recursive: true, force: true })
// The CLI: one self-contained file.
await build({ ...shared, entryPoints: ['src/iostorm.ts'], outfile: 'dist/cli.js' })
// The action: @actions/artifact (the Azure SDK, most of the code) goes to a chunk that is only
// loaded when the step uploads or downloads artifacts, so other runs start faster.
await build({
  ...shared,
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]'
})
