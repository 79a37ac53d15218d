/**
 * Connections to plugbench's PostgreSQL sidecar (docs/postgres.md): read-only sessions with a
 * statement timeout, the server named without the password in every message.
 */
import pg from 'pg'
import { errorMessage } from '../errors.js'

/** A statement that runs longer is cancelled by the server: no query may hang the tool. */
export const STATEMENT_TIMEOUT_MS = 120_000
/** Sorts of the sampling gaps (one row per L1 sample) stay in memory on the server. */
const WORK_MEM = '64MB'
/** Giving up on a server that does not answer the connection. */
export const CONNECT_TIMEOUT_MS = 10_000

/** The server could not be reached, refused the login, or is not a plugbench database. */
export class DatabaseError extends Error {}

/** Where a DSN points, as messages and reports show it: never the password. */
export interface ServerName {
  host: string
  port: number
  database: string
  user: string
}

export function describeServer(server: ServerName): string {
  return `postgresql://${encodeURIComponent(server.user)}@${server.host}:${server.port}/${encodeURIComponent(server.database)}`
}

/** The pg client configuration of a DSN (PG* variables fill in what it leaves out). */
function clientConfig(dsn: string | undefined): pg.ClientConfig {
  return {
    connectionString: dsn,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    application_name: 'iostorm',
    // every transaction of the session is read-only: the tool never writes plugbench's database
    options: '-c default_transaction_read_only=on',
    keepAlive: true
  }
}

export interface Database {
  client: pg.Client
  server: ServerName
  /** The server as messages show it (no password). */
  shown: string
  /** A driver error of this connection as one line, without the password. */
  problem(error: unknown): string
  close(): Promise<void>
}

/** A message of the driver with every copy of the password taken out. */
function withoutSecret(message: string, secret: string | undefined): string {
  let text = message.replace(/\s+/g, ' ').trim()
  if (secret) text = text.split(secret).join('***')
  return text
}

/** The server a DSN names, without connecting. Throws DatabaseError for a DSN that cannot be read. */
export function serverOf(dsn: string | undefined): { server: ServerName; password?: string } {
  let client: pg.Client
  try {
    client = new pg.Client(clientConfig(dsn))
  } catch {
    // the DSN itself is not echoed: it may hold the password
    throw new DatabaseError('the PostgreSQL DSN is not a valid connection URL')
  }
  const params = client as unknown as {
    host: string
    port: number
    database: string
    user: string
    password?: string
  }
  return {
    server: {
      host: params.host,
      port: params.port,
      database: params.database,
      user: params.user
    },
    password: typeof params.password === 'string' ? params.password : undefined
  }
}

/**
 * Connects, read-only. An unreachable server, a failed login or a missing database is a
 * DatabaseError of one line naming the server (host, port, database), never the password.
 */
export async function connect(dsn: string | undefined): Promise<Database> {
  const { server, password } = serverOf(dsn)
  const shown = describeServer(server)
  const client = new pg.Client(clientConfig(dsn))
  // errors of an idle connection (server restart) surface on the next query; never crash on them
  client.on('error', () => undefined)
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => undefined)
    throw new DatabaseError(
      `cannot connect to PostgreSQL at ${server.host}:${server.port}, database ${server.database}: ` +
        withoutSecret(errorMessage(error), password)
    )
  }
  try {
    // again in the session itself: options in the DSN would replace those of the startup packet
    await client.query(
      `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET statement_timeout = ${STATEMENT_TIMEOUT_MS}; SET work_mem = '${WORK_MEM}'`
    )
  } catch (error) {
    await client.end().catch(() => undefined)
    throw new DatabaseError(
      `PostgreSQL at ${server.host}:${server.port}, database ${server.database}: ` +
        withoutSecret(errorMessage(error), password)
    )
  }
  return {
    client,
    server,
    shown,
    problem: (error) => withoutSecret(errorMessage(error), password),
    close: () => client.end().catch(() => undefined)
  }
}

/** A quoted SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
