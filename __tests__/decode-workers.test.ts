/**
 * Row groups decoded in worker threads give the same report as one thread, and a corrupt row
 * group is the same one-line error. Workers run the bundle (as dist/cli.js does), so the CLI is
 * bundled here with the build's settings and run as a process.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { build } from 'esbuild'
import { parquetMetadata } from 'hyparquet'
import { metaRange } from '../src/telemetry/parquet-file.js'
import { writeEvents } from '../scripts/fixtures/writers.js'
import { scenarios } from '../scripts/fixtures/scenarios.js'

let scratch: string
let cli: string

beforeAll(async () => {
  // inside the project, so the bundle's externals (none) and paths resolve as in dist/
  scratch = await mkdtemp(join('node_modules', '.cache-iostorm-workers-'))
  cli = join(scratch, 'cli.js')
  await build({
    entryPoints: ['src/iostorm.ts'],
    outfile: cli,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __iostormCreateRequire } from 'node:module'; const require = __iostormCreateRequire(import.meta.url);"
    }
  })
}, 60_000)

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

function detect(args: string[]) {
  const result = spawnSync(process.execPath, [cli, 'detect', ...args], {
    encoding: 'utf8',
    timeout: 120_000
  })
  return result
}

describe('decoding in worker threads', () => {
  it('gives the report of one thread, row group for row group', async () => {
    const scenario = scenarios().find((s) => s.name === 's1-save-all')
    if (!scenario) throw new Error('no s1')
    const file = join(scratch, 'run', '0', 'events.parquet')
    // 15k rows in 15 row groups, DuckDB's layout
    await writeEvents('duckdb', file, scenario.repeats[0], { rowGroupSize: 1000 })
    const outputs: string[] = []
    for (const threads of ['1', '3']) {
      const out = join(scratch, `report-${threads}.json`)
      const result = detect([file, '--out-json', out, '--threads', threads])
      expect(result.stderr).toBe('')
      expect(result.status).toBe(0)
      outputs.push(await readFile(out, 'utf8'))
    }
    const [one, three] = outputs.map(
      (text) => JSON.parse(text) as { runs: { spikes: unknown[] }[] }
    )
    expect(one.runs[0].spikes.length).toBeGreaterThan(0)
    expect(three).toEqual(one)
  }, 120_000)

  it('reports a corrupt row group as one line, as one thread does', async () => {
    const scenario = scenarios().find((s) => s.name === 's1-save-all')
    if (!scenario) throw new Error('no s1')
    const good = join(scratch, 'corrupt', '0', 'events.parquet')
    await writeEvents('duckdb', good, scenario.repeats[0], { rowGroupSize: 1000, codec: 'SNAPPY' })
    // garble the middle of row group 7's ts_ns chunk: the whole-file pass (the workers') fails
    const bytes = new Uint8Array(await readFile(good))
    const metadata = parquetMetadata(bytes.buffer)
    const chunk = metadata.row_groups[7].columns.find(
      (column) => column.meta_data?.path_in_schema[0] === 'ts_ns'
    )?.meta_data
    if (!chunk) throw new Error('no ts_ns chunk')
    const [start, end] = metaRange(chunk)
    bytes.fill(0xff, Math.floor((start + end) / 2), end)
    await writeFile(good, bytes)
    const lines = ['1', '3'].map((threads) => {
      const result = detect([good, '--threads', threads])
      expect(result.status).toBe(2)
      return result.stderr
    })
    expect(lines[0]).toMatch(
      /^iostorm: .*events\.parquet: corrupt data in column "ts_ns", row group 7 \([^\n]+\)\n$/
    )
    expect(lines[1]).toBe(lines[0])
  }, 120_000)

  it('refuses a thread count that is not a whole number of at least 1', () => {
    const result = detect(['fixtures/runs/l0-only', '--threads', '0'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('--threads must be a whole number of at least 1; got "0"')
  })
})
