import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'
import schema from '../../schema/report.schema.json' with { type: 'json' }
import { summariseSignatures } from '../analysis/signatures.js'
import type { DiffReport, InputError, Report, RunReport } from '../analysis/types.js'
import { readSmallFile, SmallFileError } from '../files.js'
import { VERSION } from '../version.js'
import { errorMessage } from '../errors.js'

export interface ReportInput {
  runs: RunReport[]
  errors: InputError[]
  options: Report['options']
  diff?: DiffReport | null
  /** Notes about the whole report (what reading the plugin jars found). */
  notes?: string[]
}

/**
 * Spikes of a report that keep their thread, plugin, syscall, path and device lists: the worst
 * ones. The others keep their attribution (top_*, signature) and a note, so that a report of many
 * runs of many spikes stays small enough to be read back as a baseline (REPORT_READ_LIMIT).
 */
export const DETAILED_SPIKES = 1000

function trimDetail(runs: readonly RunReport[]): void {
  const spikes = runs.flatMap((run) => run.spikes)
  if (spikes.length <= DETAILED_SPIKES) return
  const worstFirst = [...spikes].sort((a, b) => b.value_ms - a.value_ms)
  for (const spike of worstFirst.slice(DETAILED_SPIKES)) {
    if (spike.threads.length + spike.plugins.length + spike.syscalls.length === 0) continue
    spike.threads = []
    spike.plugins = []
    spike.syscalls = []
    spike.paths = []
    spike.devices = []
    spike.notes = [
      `thread, plugin, syscall, path and device lists left out: a report keeps them for its ${DETAILED_SPIKES} worst spikes`
    ]
  }
}

export function buildReport({
  runs,
  errors,
  options,
  diff = null,
  notes = []
}: ReportInput): Report {
  trimDetail(runs)
  return {
    schema_version: 1,
    generator: { name: 'io-storm-catcher', version: VERSION },
    options,
    runs,
    signatures: summariseSignatures(runs),
    diff,
    errors,
    notes
  }
}

export function reportToJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n'
}

export class ReportFormatError extends Error {}

/**
 * Stored reports (baselines, `diff` inputs) larger than this are refused before they are read:
 * parsing JSON takes several times its size in memory. Reports this tool writes stay far below.
 */
export const REPORT_READ_LIMIT = 32 * 1024 * 1024

let validator: Promise<ValidateFunction> | undefined

/**
 * The report schema, compiled on first use: most runs never read a stored report, so the
 * validator (ajv) is loaded only then and does not slow down the action's start.
 */
async function validateAgainstSchema(value: unknown): Promise<readonly ErrorObject[]> {
  validator ??= import('ajv/dist/2020.js').then((ajv) => {
    // (a CommonJS module: bundled, its class is the default export; under Node, a named one too)
    const Ajv2020 = ajv.Ajv2020 ?? (ajv as unknown as { default: typeof ajv.Ajv2020 }).default
    return new Ajv2020({ allErrors: false, strict: false }).compile(schema)
  })
  const validate = await validator
  return validate(value) ? [] : (validate.errors ?? [])
}

/** The first schema violation in words: where, and what was expected. */
function describeViolation(error: ErrorObject | undefined): string {
  if (!error) return 'it does not match the report schema'
  const where = error.instancePath === '' ? 'the report' : `"${error.instancePath.slice(0, 80)}"`
  return `${where} ${error.message ?? 'does not match the report schema'}`
}

export type StoredReport = Pick<Report, 'schema_version' | 'signatures' | 'runs'> & {
  options?: Partial<Report['options']>
}

/**
 * A stored report (a baseline, a `diff` input): untrusted, so the whole of it is checked against
 * schema/report.schema.json before any of it is used. Reports from newer minor versions pass as
 * long as schema_version is 1, since the schema lets objects carry more fields.
 */
export async function parseReport(json: string): Promise<StoredReport> {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch (error) {
    throw new ReportFormatError(`not valid JSON (${errorMessage(error).slice(0, 120)})`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ReportFormatError('not an io-storm-catcher report (not an object)')
  }
  const version = (parsed as { schema_version?: unknown }).schema_version
  if (version !== 1) {
    throw new ReportFormatError(
      `unsupported report schema_version ${JSON.stringify(version)?.slice(0, 40)} (expected 1)`
    )
  }
  const violations = await validateAgainstSchema(parsed)
  if (violations.length > 0) {
    throw new ReportFormatError(`not a valid report: ${describeViolation(violations[0])}`)
  }
  const report = parsed as Report
  return {
    schema_version: 1,
    signatures: report.signatures,
    runs: report.runs,
    options: report.options
  }
}

/**
 * Reads and validates a stored report file: only regular files, at most REPORT_READ_LIMIT bytes
 * (checked before reading, so a huge file costs nothing). Throws ReportFormatError in words.
 */
export async function readReportFile(path: string): Promise<StoredReport> {
  let text
  try {
    text = await readSmallFile(path, REPORT_READ_LIMIT, 'a stored report')
  } catch (error) {
    if (error instanceof SmallFileError) throw new ReportFormatError(error.message)
    throw error
  }
  return parseReport(text)
}
