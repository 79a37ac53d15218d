import { join, relative } from 'node:path'
import { analyseFile, type AnalysisOptions } from './analysis/analyse-file.js'
import type { InputError, RunReport } from './analysis/types.js'
import { errorMessage } from './errors.js'
import { ARTIFACTS_DIR, artifactFolders } from './forge/artifacts.js'
import { UsageError } from './options.js'
import { discoverTargets, globFiles } from './telemetry/discover.js'
import { EventsFileError } from './telemetry/parquet-file.js'

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

/**
 * The CLI's targets analysed: events.parquet files, folders searched for them, run ids under
 * `runsDir`. A target that names nothing analysable is an error entry.
 */
export async function analyseTargets(
  targets: readonly string[],
  runsDir: string,
  options: AnalysisOptions
): Promise<Analysed> {
  const found = await discoverTargets(targets, runsDir)
  const analysed = await analyseFiles(found.files, options)
  return { runs: analysed.runs, errors: [...found.errors, ...analysed.errors] }
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
