import { createHash } from 'node:crypto'
import { NOT_PLUGIN_PREFIXES } from './analysis/plugins.js'
import { analyseFile, type AnalysisOptions } from './analysis/analyse-file.js'
import type { InputError, Report, RunReport } from './analysis/types.js'
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
        error instanceof EventsFileError
          ? error.problem
          : `internal error (${error instanceof Error ? error.message : String(error)})`
      errors.push({ file: show(file), message })
    }
  }
  return { runs, errors }
}

function registryDigest(options: AnalysisOptions): string | null {
  if (options.registry.size === 0) return null
  const entries = [...options.registry].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 16)
}

export function describeOptions(options: AnalysisOptions): Report['options'] {
  return {
    metric: options.metric ?? null,
    threshold_ms: options.thresholdMs,
    sigma_mult: options.sigmaMult,
    tick_thread: options.tickThread.source,
    plugin_registry: registryDigest(options),
    not_plugin: options.notPluginPrefixes.filter((prefix) => !NOT_PLUGIN_PREFIXES.includes(prefix))
  }
}
