import { summariseSignatures } from '../analysis/signatures.js'
import type {
  DiffReport,
  InputError,
  Report,
  RunReport,
  SignatureSummary
} from '../analysis/types.js'
import { VERSION } from '../version.js'

export interface ReportInput {
  runs: RunReport[]
  errors: InputError[]
  options: Report['options']
  diff?: DiffReport | null
}

export function buildReport({ runs, errors, options, diff = null }: ReportInput): Report {
  return {
    schema_version: 1,
    generator: { name: 'io-storm-catcher', version: VERSION },
    options,
    runs,
    signatures: summariseSignatures(runs),
    diff,
    errors
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isSignature(value: unknown): value is SignatureSummary {
  return (
    isRecord(value) &&
    typeof value.signature === 'string' &&
    typeof value.spikes === 'number' &&
    typeof value.repeats === 'number' &&
    typeof value.worst_ms === 'number'
  )
}

/**
 * Reads the parts of a stored report that a diff needs. Reports from newer minor versions are
 * accepted as long as schema_version is 1 and the signatures are well formed.
 */
export function parseReport(json: string): Pick<
  Report,
  'schema_version' | 'signatures' | 'runs'
> & {
  options?: Partial<Report['options']>
} {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch (error) {
    throw new ReportFormatError(
      `not valid JSON (${error instanceof Error ? error.message : String(error)})`
    )
  }
  if (!isRecord(parsed))
    throw new ReportFormatError('not an io-storm-catcher report (not an object)')
  if (parsed.schema_version !== 1) {
    throw new ReportFormatError(
      `unsupported report schema_version ${JSON.stringify(parsed.schema_version)} (expected 1)`
    )
  }
  if (!Array.isArray(parsed.signatures) || !parsed.signatures.every(isSignature)) {
    throw new ReportFormatError('report has no valid "signatures" list')
  }
  const runs = Array.isArray(parsed.runs) ? (parsed.runs as RunReport[]) : []
  const options = isRecord(parsed.options)
    ? (parsed.options as Partial<Report['options']>)
    : undefined
  return { schema_version: 1, signatures: parsed.signatures, runs, options }
}
