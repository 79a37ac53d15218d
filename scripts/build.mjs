// Bundles the CLI (and, later, the action) into self-contained ESM files under dist/.
import { build } from 'esbuild'

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

await build({ ...shared, entryPoints: ['src/iostorm.ts'], outfile: 'dist/cli.js' })
