/**
 * The reports of every bundled scenario, kept in fixtures/golden/: a refactoring must leave them
 * byte for byte as they are, and a change that means to alter them shows, in the diff of the
 * golden files, exactly what a user will see differently. `UPDATE_GOLDEN=1 npm test --
 * golden` rewrites them.
 */
import { describe, expect, it } from '@jest/globals'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { iostorm } from './support/cli.js'
import { withTempDir } from './support/engine.js'

const GOLDEN = 'fixtures/golden'
const UPDATE = process.env.UPDATE_GOLDEN === '1'

async function scenarios(): Promise<string[]> {
  const runs = await readdir('fixtures/runs', { withFileTypes: true })
  return runs
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
}

describe('golden reports', () => {
  it.each(['runs', 'duckdb'])('fixtures/%s: markdown and JSON unchanged', async (writer) => {
    for (const scenario of await scenarios()) {
      await withTempDir(async (dir) => {
        const md = join(dir, 'report.md')
        const json = join(dir, 'report.json')
        const result = await iostorm([
          'detect',
          `fixtures/${writer}/${scenario}`,
          '--plugin-packages',
          'fixtures/plugin-packages.json',
          '--out-md',
          md,
          '--out-json',
          json
        ])
        expect(result.status).toBe(0)
        for (const [produced, extension] of [
          [md, 'md'],
          [json, 'json']
        ]) {
          const golden = join(GOLDEN, `${writer}-${scenario}.${extension}`)
          const content = await readFile(produced, 'utf8')
          if (UPDATE) await writeFile(golden, content)
          expect(content).toBe(await readFile(golden, 'utf8'))
        }
      })
    }
  })
})
