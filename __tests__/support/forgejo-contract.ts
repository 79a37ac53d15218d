// Checks requests against Forgejo's own API description (Swagger 2.0, basePath /api/v1), so the
// fake forge can flag calls that a real Forgejo v16 would not understand.
import { readFileSync } from 'node:fs'
import path from 'node:path'

export type ViolationKind =
  | 'outside-base-path'
  | 'unknown-path'
  | 'unknown-method'
  | 'undeclared-query'
  | 'undeclared-body-field'

export interface ContractViolation {
  kind: ViolationKind
  method: string
  path: string
  detail: string
  operationId?: string
}

export interface ContractOperation {
  method: string
  template: string
  operationId: string
  queryParams: ReadonlySet<string>
  // undefined when the operation takes no JSON object body we can check
  bodyFields?: ReadonlySet<string>
}

export interface ForgejoContract {
  basePath: string
  // pathname relative to basePath, e.g. /repos/o/r/issues/1/comments
  find(method: string, pathname: string): ContractOperation | undefined
  // pathname as received (with basePath)
  check(
    method: string,
    pathname: string,
    query: URLSearchParams,
    body: unknown
  ): ContractViolation[]
}

type Json = Record<string, unknown>

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string => (typeof v === 'string' ? v : '')

// CI checks out shared/ beside the repository; tests run from the repository root
export const defaultSwaggerPath = (): string =>
  path.resolve(process.cwd(), '../shared/contracts/forgejo-v16-swagger.json')

// Templates such as /repos/{owner}/{repo}/pulls/{index}.{diffType} have params inside a segment,
// so compile to a regex instead of comparing segments.
export function compileTemplate(template: string): RegExp {
  const parts = template.split(/(\{[^}]+\})/)
  const source = parts
    .map((part) =>
      /^\{[^}]+\}$/.test(part) ? '([^/]+?)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    )
    .join('')
  return new RegExp(`^${source}$`)
}

export function matchTemplate(
  template: string,
  pathname: string
): Record<string, string> | undefined {
  const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '')
  const m = compileTemplate(template).exec(pathname)
  if (!m) return undefined
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]))
}

// Prefer the template with fewer params (literal beats {param}), then the longer literal text.
const specificity = (t: string): number =>
  -1000 * (t.match(/\{/g)?.length ?? 0) + t.replace(/\{[^}]+\}/g, '').length

function bodyFieldsOf(param: Json, definitions: Json): Set<string> | undefined {
  const schema = param['schema']
  if (!isRecord(schema)) return undefined
  const ref = str(schema['$ref']).replace('#/definitions/', '')
  const def = definitions[ref]
  if (!isRecord(def) || !isRecord(def['properties'])) return undefined
  return new Set(Object.keys(def['properties']))
}

function parseOperations(swagger: Json): ContractOperation[] {
  const paths = isRecord(swagger['paths']) ? swagger['paths'] : {}
  const definitions = isRecord(swagger['definitions']) ? swagger['definitions'] : {}
  const ops: ContractOperation[] = []
  for (const [template, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue
    for (const [method, op] of Object.entries(item)) {
      if (!isRecord(op) || method === 'parameters') continue
      const params = Array.isArray(op['parameters']) ? op['parameters'].filter(isRecord) : []
      const bodyParam = params.find((p) => p['in'] === 'body')
      ops.push({
        method: method.toUpperCase(),
        template,
        operationId: str(op['operationId']),
        queryParams: new Set(params.filter((p) => p['in'] === 'query').map((p) => str(p['name']))),
        bodyFields: bodyParam ? bodyFieldsOf(bodyParam, definitions) : undefined
      })
    }
  }
  return ops
}

// Query parameters every operation accepts through securityDefinitions (e.g. sudo).
function securityQueryParams(swagger: Json): string[] {
  const defs = isRecord(swagger['securityDefinitions']) ? swagger['securityDefinitions'] : {}
  return Object.values(defs)
    .filter(isRecord)
    .filter((d) => d['in'] === 'query')
    .map((d) => str(d['name']))
}

const cache = new Map<string, ForgejoContract>()

export function loadForgejoContract(file: string = defaultSwaggerPath()): ForgejoContract {
  const cached = cache.get(file)
  if (cached) return cached
  const swagger: unknown = JSON.parse(readFileSync(file, 'utf8'))
  if (!isRecord(swagger)) throw new Error(`${file}: not a swagger document`)
  const contract = makeContract(swagger)
  cache.set(file, contract)
  return contract
}

export function makeContract(swagger: Json): ForgejoContract {
  const basePath = str(swagger['basePath']) || '/api/v1'
  const operations = parseOperations(swagger)
  const globalQuery = new Set(securityQueryParams(swagger))
  const compiled = [...new Set(operations.map((o) => o.template))]
    .sort((a, b) => specificity(b) - specificity(a))
    .map((template) => ({ template, re: compileTemplate(template) }))

  const templateOf = (pathname: string): string | undefined =>
    compiled.find((c) => c.re.test(pathname))?.template

  const find = (method: string, pathname: string): ContractOperation | undefined => {
    const template = templateOf(pathname)
    return operations.find((o) => o.template === template && o.method === method.toUpperCase())
  }

  const check = (
    method: string,
    pathname: string,
    query: URLSearchParams,
    body: unknown
  ): ContractViolation[] => {
    const v = (kind: ViolationKind, detail: string, operationId?: string): ContractViolation => ({
      kind,
      method,
      path: pathname,
      detail,
      operationId
    })
    if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) {
      return [v('outside-base-path', `not under ${basePath}`)]
    }
    const rel = pathname.slice(basePath.length) || '/'
    const template = templateOf(rel)
    if (!template) return [v('unknown-path', `no path template matches ${rel}`)]
    const op = find(method, rel)
    if (!op) return [v('unknown-method', `${method} is not declared for ${template}`)]
    const out: ContractViolation[] = []
    for (const name of new Set(query.keys())) {
      if (!op.queryParams.has(name) && !globalQuery.has(name)) {
        out.push(v('undeclared-query', `query parameter "${name}"`, op.operationId))
      }
    }
    if (op.bodyFields && isRecord(body)) {
      for (const key of Object.keys(body)) {
        if (!op.bodyFields.has(key)) {
          out.push(v('undeclared-body-field', `body field "${key}"`, op.operationId))
        }
      }
    }
    return out
  }

  return { basePath, find, check }
}
