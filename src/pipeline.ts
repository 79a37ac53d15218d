import { stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { analyseFile, type AnalysisOptions } from './analysis/analyse-file.js'
import type { InputError, RunReport } from './analysis/types.js'
import { errorMessage } from './errors.js'
import { ARTIFACTS_DIR, artifactFolders } from './forge/artifacts.js'
import { UsageError } from './options.js'
import { discoverTargets, globFiles } from './telemetry/discover.js'
import { EventsFileError } from './telemetry/parquet-file.js'
import type { Database } from './telemetry/pg-connect.js'

export interface Analysed {
  runs: RunReport[]
  errors: InputError[]
}

/**
 * Analyses each file on its own, one after the other (memory holds one file's working set). A file
 * that cannot be read becomes an error entry; the others are still analysed.
 */
export async function analyseFiles(
  files: readonly string[],
  options: AnalysisOptions,
  show: (file: string) => string = (file) => file
): Promise<Analysed> {
  const runs: RunReport[] = []
  const errors: InputError[] = []
  for (const file of files) {
    try {
      runs.push(await analyseFile(file, options, show(file)))
    } catch (error) {
      const message =
        error instanceof EventsFileError ? error.problem : `internal error (${errorMessage(error)})`
      errors.push({ file: show(file), message })
    }
  }
  return { runs, errors }
}

/** A PostgreSQL sidecar to look run ids up in (docs/postgres.md). */
export interface DatabaseInput {
  /** libpq URL; undefined: the PG* variables alone. */
  dsn: string | undefined
  /** Schema of the tables; undefined: the connection's search path. */
  schema?: string
}

async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}

/**
 * Every repeat of a run in the database. An unreachable server, a failed login or a database
 * without a metrics table is a UsageError (one line, exit 2); a run that is not there or a repeat
 * that cannot be read is an error entry.
 */
async function analyseDatabaseTargets(
  database: Database,
  input: DatabaseInput,
  runIds: readonly string[],
  options: AnalysisOptions
): Promise<Analysed> {
  const { analyseDatabaseRun, RunNotFound } = await import('./analysis/analyse-database.js')
  const { DatabaseError } = await import('./telemetry/pg-connect.js')
  const runs: RunReport[] = []
  const errors: InputError[] = []
  for (const runId of runIds) {
    try {
      runs.push(...(await analyseDatabaseRun(database, input.schema, runId, options)))
    } catch (error) {
      if (error instanceof DatabaseError) throw new UsageError(error.message)
      const message =
        error instanceof RunNotFound || error instanceof EventsFileError
          ? error.message
          : database.problem(error)
      errors.push({ file: runId, message })
    }
  }
  return { runs, errors }
}

/**
 * The CLI's targets analysed: events.parquet files, folders searched for them, run ids under
 * `runsDir` — or, with a database, run ids in it (a target that is not an existing path). A
 * target that names nothing analysable is an error entry.
 */
export async function analyseTargets(
  targets: readonly string[],
  runsDir: string,
  options: AnalysisOptions,
  database?: DatabaseInput
): Promise<Analysed> {
  const inDatabase: string[] = []
  const onDisk: string[] = []
  for (const target of targets) {
    if (database && !(await pathExists(target))) inDatabase.push(target)
    else onDisk.push(target)
  }
  const found = await discoverTargets(onDisk, runsDir)
  const analysed = await analyseFiles(found.files, options)
  const result: Analysed = { runs: analysed.runs, errors: [...found.errors, ...analysed.errors] }
  if (inDatabase.length > 0 && database) {
    // the PostgreSQL driver is loaded only when a run is read from a database (start-up time)
    const { connect, DatabaseError } = await import('./telemetry/pg-connect.js')
    let connection: Database
    try {
      connection = await connect(database.dsn)
    } catch (error) {
      if (error instanceof DatabaseError) throw new UsageError(error.message)
      throw error
    }
    try {
      const fromDatabase = await analyseDatabaseTargets(connection, database, inDatabase, options)
      result.runs.push(...fromDatabase.runs)
      result.errors.push(...fromDatabase.errors)
    } finally {
      await connection.close()
    }
  }
  return result
}

/**
 * The action's telemetry: the files of the workspace that the `events` globs match, also relative
 * to each artifact folder in ARTIFACTS_DIR, analysed and named relative to the workspace. No file
 * at all is a usage error; each file that cannot be read is logged as an error.
 */
export async function analyseEvents(
  workspace: string,
  globs: readonly string[],
  options: AnalysisOptions,
  log: { info(message: string): void; error(message: string): void }
): Promise<Analysed> {
  const files = await globFiles(workspace, globs, await artifactFolders(workspace))
  if (files.length === 0) {
    throw new UsageError(
      `no file matches input "events" (${globs.join(', ')}) in ${workspace} or ${ARTIFACTS_DIR}/`
    )
  }
  log.info(`analysing ${files.length} file(s)`)
  const analysed = await analyseFiles(
    files.map((file) => join(workspace, file)),
    options,
    (file) => relative(workspace, file)
  )
  for (const error of analysed.errors) log.error(`${error.file}: ${error.message}`)
  return analysed
}
