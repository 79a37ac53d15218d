import { analyseFile, type AnalysisOptions } from './analysis/run.js'
import type { InputError, Report, RunReport } from './analysis/types.js'
import { EventsFileError } from './telemetry/events-file.js'

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
  options: AnalysisOptions
): Promise<Analysed> {
  const runs: RunReport[] = []
  const errors: InputError[] = []
  for (const file of files) {
    try {
      runs.push(await analyseFile(file, options))
    } catch (error) {
      const message =
        error instanceof EventsFileError
          ? error.problem
          : `internal error (${error instanceof Error ? error.message : String(error)})`
      errors.push({ file, message })
    }
  }
  return { runs, errors }
}

export function describeOptions(options: AnalysisOptions): Report['options'] {
  return {
    metric: options.metric ?? null,
    threshold_ms: options.thresholdMs,
    sigma_mult: options.sigmaMult,
    tick_thread: options.tickThread.source
  }
}
