import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'

const schema = JSON.parse(readFileSync('schema/report.schema.json', 'utf8')) as object
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema)

/** The schema's complaints about a report, one line each (empty when valid). */
export function schemaErrors(report: unknown): string[] {
  return validate(report)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}
