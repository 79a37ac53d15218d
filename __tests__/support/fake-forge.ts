// A fake forge for end-to-end tests: GitHub REST or Forgejo /api/v1 (issue comments, workflow runs,
// run artifacts), the Actions artifact v4 "results" Twirp service and an Azure-like blob store.
// It listens on 127.0.0.1 and serves blobs from a second port so that, as on github.com, a download
// redirect crosses origins and a client must not carry the API token along.
import { createHash, createHmac, randomBytes } from 'node:crypto'
import http from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import zlib, { inflateRawSync } from 'node:zlib'
import { existsSync } from 'node:fs'
import { defaultSwaggerPath, loadForgejoContract, matchTemplate } from './forgejo-contract.js'
import type { ContractViolation, ForgejoContract } from './forgejo-contract.js'

export type ForgeKind = 'github' | 'forgejo' | 'gitea'

export interface ForgeUser {
  login: string
  id: number
  type?: 'User' | 'Bot'
}

export interface StoredComment {
  id: number
  pr: number
  body: string
  user: ForgeUser
  created_at: string
  updated_at: string
}

export interface CommentSeed {
  body: string
  id?: number
  created_at?: string
  updated_at?: string
  user?: ForgeUser
}

export interface ArtifactSeed {
  name: string
  files: Record<string, string | Uint8Array>
  zip?: Buffer // the archive served as it is, instead of files zipped (files is then ignored)
  id?: number
  expired?: boolean
  created_at?: string
}

// GitHub vocabulary; Forgejo's single `status` is derived from status + conclusion.
export interface RunSeed {
  id: number
  workflow?: string // workflow file name, default bench.yml (Forgejo's workflow_id)
  workflow_id?: number // GitHub's numeric workflow id, default 1001
  run_number?: number
  branch?: string
  ref?: string // Forgejo ref filter value, default refs/heads/<branch>
  event?: string
  status?: string
  conclusion?: string | null
  head_sha?: string
  created_at?: string
  artifacts?: ArtifactSeed[]
}

export interface PullSeed {
  number: number
  headSha: string
  headRef?: string // default feature
  headRepo?: string | null // owner/name; default the repository itself; null: deleted fork
  baseRef?: string // default main
  state?: 'open' | 'closed'
}

// An artifact of the current run, as the results service lists it (e.g. uploaded by an earlier job).
export interface ResultsArtifactSeed extends ArtifactSeed {
  runBackendId?: string // undefined: visible to every run
  jobBackendId?: string
}

export interface FaultResponse {
  status: number
  headers?: Record<string, string>
  body?: unknown // string: sent as text/html (like a load balancer page); else JSON
  hang?: boolean // accept the request and never answer (status is then unused)
}

export interface FaultSpec extends FaultResponse {
  path: RegExp | string // matched against the pathname (a string must be equal)
  method?: string
  times?: number // default 1
  afterHandling?: boolean // do the work, then answer with the fault (a reply lost on the way back)
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string | string[]>
  headers: Record<string, string>
  body: unknown
  bodyBytes: number
  route?: string
  status: number
  fault: boolean
}

export interface UploadedArtifact {
  id: number
  name: string
  runBackendId: string
  jobBackendId: string
  version: number
  mimeType?: string
  blobContentType?: string
  size: number
  hash?: string
  data: Buffer
  files: Record<string, Buffer> // unzipped; a non-zip upload appears as one file named after the artifact
}

export interface FakeForgeOptions {
  kind: ForgeKind
  // Forgejo < 7 / Gitea < 1.22: no artifact service (every /twirp/ path answers 404)
  noResultsService?: boolean
  owner?: string
  repo?: string
  token?: string // when set, any other token gets 401
  botUser?: ForgeUser // author of comments created through the API: the token's user
  // what GET /user answers: the token's user, or 'refuse' (GitHub's answer to an installation
  // token: 403 "Resource not accessible by integration"). Default: 'refuse' on GitHub, the bot on
  // Forgejo.
  tokenUser?: ForgeUser | 'refuse'
  forgejoIgnoresPaging?: boolean
  currentRunId?: number // what Forgejo's GET /actions/run returns
  serverUrl?: string // base of html_url links, default: the fake's own url
  swaggerPath?: string
}

export interface FakeForge {
  kind: ForgeKind
  owner: string
  repo: string
  url: string
  apiUrl: string
  blobUrl: string
  serverUrl: string
  requests: RecordedRequest[]
  contractViolations: ContractViolation[]
  comments: Map<number, StoredComment[]>
  uploadedArtifacts: UploadedArtifact[]
  commentsOn(pr: number): StoredComment[]
  seedComments(pr: number, seeds: CommentSeed[]): StoredComment[]
  seedRun(run: RunSeed): void
  seedPull(pull: PullSeed): void
  seedResultsArtifact(seed: ResultsArtifactSeed): number
  // the files of a stored artifact as the server now holds it (undefined: none or not a zip)
  artifactFiles(id: number): Record<string, Buffer> | undefined
  injectFault(fault: FaultSpec): void
  pendingFaults(): number
  hits(route: string): number
  close(): Promise<void>
}

const GH_DOCS = 'https://docs.github.com/rest'

// The authors of comments written with the automatic token
export const GITHUB_ACTIONS_BOT: ForgeUser = {
  login: 'github-actions[bot]',
  id: 41898282,
  type: 'Bot'
}
export const FORGEJO_ACTIONS_USER: ForgeUser = { login: 'forgejo-actions', id: -2, type: 'Bot' }
const SECONDARY =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'

export const faults = {
  // a stuck server or proxy: the connection is accepted, no answer ever comes
  hang: (): FaultResponse => ({ status: 0, hang: true }),
  // a proxy's login or error page served with 200, where JSON or a zip was expected
  htmlOk: (): FaultResponse => ({
    status: 200,
    body: '<!DOCTYPE html><html><head><title>Sign in</title></head><body>Sign in to continue</body></html>'
  }),
  forbidden: (): FaultResponse => ({
    status: 403,
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: GH_DOCS,
      status: '403'
    }
  }),
  serverError: (): FaultResponse => ({ status: 500, body: { message: 'Server Error' } }),
  badGateway: (): FaultResponse => ({
    status: 502,
    body: '<html><body><h1>502 Bad Gateway</h1></body></html>'
  }),
  tooManyRequests: (retryAfterSeconds = 1): FaultResponse => ({
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: { message: SECONDARY, documentation_url: GH_DOCS, status: '429' }
  }),
  secondaryRateLimit: (retryAfterSeconds = 1): FaultResponse => ({
    status: 403,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: { message: SECONDARY, documentation_url: GH_DOCS, status: '403' }
  }),
  primaryRateLimit: (resetInSeconds = 1): FaultResponse => ({
    status: 403,
    headers: {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds)
    },
    body: {
      message: 'API rate limit exceeded for installation ID 1.',
      documentation_url: GH_DOCS,
      status: '403'
    }
  })
}

// The key the fake servers sign runtime tokens with (the runner gets a token the server signed).
const JWT_SECRET = 'fake-forge-runtime-token-secret'

const jwtSignature = (signed: string): string =>
  createHmac('sha256', JWT_SECRET).update(signed).digest('base64url')

// An HS256 JWT carrying the scope @actions/artifact reads its backend ids from, signed as the
// fake Forgejo and Gitea check it (GitHub's fake does not look at the signature).
export function makeRuntimeToken(
  runBackendId = 'run-backend-1',
  jobBackendId = 'job-backend-1'
): string {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  const scp = `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}`
  const signed = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ scp, iat: 0, exp: 4102444800 })}`
  return `${signed}.${jwtSignature(signed)}`
}

// ---------- zip (stored/deflate only, enough for artifacts) ----------

const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1

export interface ZipEntrySeed {
  name: string
  data: string | Uint8Array
  // what the headers claim, to build hostile archives: the real sizes by default
  declaredSize?: number
  // the compressed bytes as stored; default: data deflated
  packed?: Uint8Array
  crc?: number
}

export function zipEntries(entries: ZipEntrySeed[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const data =
      typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : Buffer.from(entry.data)
    const packed = entry.packed ? Buffer.from(entry.packed) : zlib.deflateRawSync(data)
    const nameBuf = Buffer.from(entry.name, 'utf8')
    const crc = entry.crc ?? zlib.crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    // the fields shared by both headers sit at offset 4 (local) and 6 (central)
    for (const [buf, at] of [
      [local, 4],
      [central, 6]
    ] as const) {
      buf.writeUInt16LE(20, at)
      buf.writeUInt16LE(0x0800, at + 2) // UTF-8 names
      buf.writeUInt16LE(8, at + 4)
      buf.writeUInt16LE(0, at + 6)
      buf.writeUInt16LE(DOS_DATE, at + 8)
      buf.writeUInt32LE(crc, at + 10)
      buf.writeUInt32LE(packed.length, at + 14)
      buf.writeUInt32LE(entry.declaredSize ?? data.length, at + 18)
      buf.writeUInt16LE(nameBuf.length, at + 22)
    }
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBuf, packed)
    centrals.push(central, nameBuf)
    offset += local.length + nameBuf.length + packed.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

export function zipFiles(files: Record<string, string | Uint8Array>): Buffer {
  return zipEntries(Object.entries(files).map(([name, data]) => ({ name, data })))
}

// A whole-archive reader for what clients upload (test code: trusted input, read synchronously).
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

/**
 * The files of a zip archive (stored or deflated entries, as artifact zips are), read through the
 * central directory so entries written with data descriptors work too.
 */
function readZip(zip: Uint8Array): Map<string, Buffer> {
  const buffer = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength)
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0 || end + 22 > buffer.length) throw new Error('not a zip archive')
  const count = buffer.readUInt16LE(end + 10)
  let at = buffer.readUInt32LE(end + 16)
  const files = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) {
    if (at + 46 > buffer.length || buffer.readUInt32LE(at) !== 0x02014b50) {
      throw new Error('corrupt zip central directory')
    }
    const method = buffer.readUInt16LE(at + 10)
    const crc = buffer.readUInt32LE(at + 16)
    const packedSize = buffer.readUInt32LE(at + 20)
    const nameLength = buffer.readUInt16LE(at + 28)
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength)
    const local = buffer.readUInt32LE(at + 42)
    at += 46 + nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32)
    if (name.endsWith('/')) continue
    if (packedSize === 0xffffffff || local === 0xffffffff) {
      throw new Error(`${name}: zip64 entries are not supported`)
    }
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28)
    const packed = buffer.subarray(start, start + packedSize)
    if (method !== 0 && method !== 8) throw new Error(`${name}: unsupported compression ${method}`)
    const data = method === 8 ? inflateRawSync(packed) : Buffer.from(packed)
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`)
    files.set(name, data)
  }
  return files
}

export function unzipFiles(zip: Uint8Array): Record<string, Buffer> {
  return Object.fromEntries(readZip(zip))
}

// ---------- state ----------

interface StoredRun {
  id: number
  workflow: string
  workflow_id: number
  run_number: number
  branch: string
  ref: string
  event: string
  status: string
  conclusion: string | null
  head_sha: string
  created_at: string
  artifactIds: number[]
}

type StoredPull = Required<PullSeed>

interface StoredArtifact {
  id: number
  name: string
  blobPath: string
  size: number
  digest: string
  expired: boolean
  created_at: string
  runId?: number
  runBackendId?: string
  jobBackendId?: string
  // Forgejo/Gitea rows: upload_pending until FinalizeArtifact, need_delete after DeleteArtifact
  status?: 'pending' | 'confirmed' | 'need_delete'
}

// What Forgejo/Gitea keep of an upload in progress (chunks appended, or blocks plus a block list)
interface V4Upload {
  appended: Buffer[]
  blockList?: string
}

interface PendingUpload {
  blobPath: string
  version: number
  mimeType?: string
}

interface Blob {
  data: Buffer
  contentType: string
}

interface State {
  kind: ForgeKind
  owner: string
  repo: string
  url: string
  apiUrl: string
  blobUrl: string
  serverUrl: string
  token?: string
  bot: ForgeUser
  tokenUser: ForgeUser | 'refuse'
  ignorePaging: boolean
  currentRunId?: number
  contract?: ForgejoContract
  requests: RecordedRequest[]
  violations: ContractViolation[]
  comments: Map<number, StoredComment[]>
  pulls: Map<number, StoredPull>
  runs: Map<number, StoredRun>
  artifacts: Map<number, StoredArtifact>
  blobs: Map<string, Blob>
  blocks: Map<string, Map<string, Buffer>>
  pending: Map<string, PendingUpload>
  v4Uploads: Map<number, V4Upload>
  secret: Buffer
  noResultsService: boolean
  uploaded: UploadedArtifact[]
  faults: (FaultSpec & { left: number })[]
  ids: { comment: number; artifact: number }
  seedClock: number
  rateRemaining: number
}

interface Ctx {
  method: string
  url: URL
  q: URLSearchParams
  p: Record<string, string>
  json: unknown
  raw: Buffer
  headers: IncomingHttpHeaders
}

interface Reply {
  status: number
  headers?: Record<string, string>
  json?: unknown
  raw?: Buffer | string
}

type Handler = (s: State, c: Ctx) => Reply

interface Route {
  method: string
  template: string
  run: Handler
}

type Json = Record<string, unknown>
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const intParam = (v: string | null, fallback: number): number => {
  const n = Number.parseInt(v ?? '', 10)
  return Number.isFinite(n) && n > 0 ? n : fallback
}
const hex = (data: Buffer, algo = 'sha256'): string => createHash(algo).update(data).digest('hex')
const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  json: body,
  headers
})

function apiError(s: State, status: number, message: string): Reply {
  if (s.kind === 'github') {
    return json(status, { message, documentation_url: GH_DOCS, status: String(status) })
  }
  return json(status, { message, url: `${s.url}/api/swagger` })
}

const notFound = (s: State): Reply =>
  apiError(s, 404, s.kind === 'github' ? 'Not Found' : "The target couldn't be found.")

function pageOf<T>(items: T[], page: number, size: number): { items: T[]; last: number } {
  return {
    items: items.slice((page - 1) * size, page * size),
    last: Math.max(1, Math.ceil(items.length / size))
  }
}

function linkHeader(base: URL, sizeKey: string, size: number, page: number, last: number): string {
  const at = (n: number): string => {
    const u = new URL(base.href)
    u.searchParams.set(sizeKey, String(size))
    u.searchParams.set('page', String(n))
    return u.href
  }
  const rels: string[] = []
  if (page > 1) rels.push(`<${at(page - 1)}>; rel="prev"`)
  if (page < last) rels.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`)
  if (page > 1) rels.push(`<${at(1)}>; rel="first"`)
  return rels.join(', ')
}

// GitHub caps per_page at 100 (default 30); Forgejo caps limit at 50 (default 30).
function paging(s: State, c: Ctx): { page: number; size: number; sizeKey: string } {
  const sizeKey = s.kind === 'github' ? 'per_page' : 'limit'
  const max = s.kind === 'github' ? 100 : 50
  return {
    page: intParam(c.q.get('page'), 1),
    size: Math.min(intParam(c.q.get(sizeKey), 30), max),
    sizeKey
  }
}

function paged<T>(
  s: State,
  c: Ctx,
  items: T[],
  linkBase = c.url
): { items: T[]; headers: Record<string, string> } {
  const { page, size, sizeKey } = paging(s, c)
  const slice = pageOf(items, page, size)
  const headers: Record<string, string> = {}
  const link = linkHeader(linkBase, sizeKey, size, page, slice.last)
  if (link) headers['link'] = link
  if (s.kind !== 'github') headers['x-total-count'] = String(items.length)
  return { items: slice.items, headers }
}

// ---------- users, comments ----------

const REPO_ID = 987654321

function userJson(s: State, u: ForgeUser): Json {
  if (s.kind === 'github') {
    return {
      login: u.login,
      id: u.id,
      node_id: `MDQ6VXNlcj${u.id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
      url: `${s.apiUrl}/users/${encodeURIComponent(u.login)}`,
      html_url: `${s.serverUrl}/${u.login}`,
      type: u.type ?? 'User',
      site_admin: false
    }
  }
  return {
    id: u.id,
    login: u.login,
    login_name: '',
    full_name: '',
    email: `${u.login}@noreply.localhost`,
    avatar_url: `${s.serverUrl}/assets/img/avatar_default.png`,
    html_url: `${s.serverUrl}/${u.login}`,
    is_admin: false,
    visibility: 'public'
  }
}

function commentJson(s: State, c: StoredComment): Json {
  const repoApi = `${s.apiUrl}/repos/${s.owner}/${s.repo}`
  const repoWeb = `${s.serverUrl}/${s.owner}/${s.repo}`
  if (s.kind === 'github') {
    return {
      url: `${repoApi}/issues/comments/${c.id}`,
      html_url: `${repoWeb}/pull/${c.pr}#issuecomment-${c.id}`,
      issue_url: `${repoApi}/issues/${c.pr}`,
      id: c.id,
      node_id: `IC_kwDO${Buffer.from(String(c.id)).toString('base64url')}`,
      user: userJson(s, c.user),
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: 'NONE',
      body: c.body,
      performed_via_github_app: null
    }
  }
  return {
    id: c.id,
    html_url: `${repoWeb}/pulls/${c.pr}#issuecomment-${c.id}`,
    pull_request_url: `${repoWeb}/pulls/${c.pr}`,
    issue_url: '',
    user: userJson(s, c.user),
    original_author: '',
    original_author_id: 0,
    body: c.body,
    assets: [],
    created_at: c.created_at,
    updated_at: c.updated_at
  }
}

function commentsOf(s: State, pr: number): StoredComment[] {
  const list = s.comments.get(pr) ?? []
  s.comments.set(pr, list)
  return list
}

function findComment(s: State, id: number): StoredComment | undefined {
  for (const list of s.comments.values()) {
    const found = list.find((c) => c.id === id)
    if (found) return found
  }
  return undefined
}

function validBody(s: State, c: Ctx): string | Reply {
  const body = isRecord(c.json) ? c.json['body'] : undefined
  if (typeof body !== 'string' || body === '') {
    return s.kind === 'github'
      ? apiError(s, 422, `Invalid request.\n\n"body" wasn't supplied.`)
      : apiError(s, 422, '[Body]: Required')
  }
  if (s.kind === 'github' && [...body].length > 65536) {
    return json(422, {
      message: 'Validation Failed',
      errors: [
        {
          resource: 'IssueComment',
          code: 'custom',
          field: 'body',
          message: 'body is too long (maximum is 65536 characters)'
        }
      ],
      documentation_url: GH_DOCS,
      status: '422'
    })
  }
  return body
}

const listComments: Handler = (s, c) => {
  const all = [...commentsOf(s, Number(c.p['index']))].sort((a, b) => a.id - b.id)
  const body = all.map((x) => commentJson(s, x))
  if (s.kind !== 'github' && s.ignorePaging) {
    return json(200, body, { 'x-total-count': String(all.length) })
  }
  // GitHub's Link header names the repository by id, not by owner/name
  const base =
    s.kind === 'github'
      ? new URL(
          `${s.apiUrl}/repositories/${REPO_ID}/issues/${c.p['index']}/comments${c.url.search}`
        )
      : c.url
  const page = paged(s, c, body, base)
  return json(200, page.items, page.headers)
}

const createComment: Handler = (s, c) => {
  const body = validBody(s, c)
  if (typeof body !== 'string') return body
  const now = iso(Date.now())
  const comment: StoredComment = {
    id: s.ids.comment++,
    pr: Number(c.p['index']),
    body,
    user: s.bot,
    created_at: now,
    updated_at: now
  }
  commentsOf(s, comment.pr).push(comment)
  const out = commentJson(s, comment)
  return json(201, out, s.kind === 'github' ? { location: String(out['url']) } : undefined)
}

const getComment: Handler = (s, c) => {
  const found = findComment(s, Number(c.p['id']))
  return found ? json(200, commentJson(s, found)) : notFound(s)
}

const updateComment: Handler = (s, c) => {
  const found = findComment(s, Number(c.p['id']))
  if (!found) return notFound(s)
  const body = validBody(s, c)
  if (typeof body !== 'string') return body
  found.body = body
  found.updated_at = iso(Date.now())
  return json(200, commentJson(s, found))
}

const deleteComment: Handler = (s, c) => {
  const found = findComment(s, Number(c.p['id']))
  if (!found) return notFound(s)
  const list = commentsOf(s, found.pr)
  list.splice(list.indexOf(found), 1)
  return { status: 204 }
}

// ---------- runs and artifacts (REST) ----------

function repoJson(s: State): Json {
  return {
    id: REPO_ID,
    name: s.repo,
    full_name: `${s.owner}/${s.repo}`,
    private: false,
    owner: userJson(s, { login: s.owner, id: 4242, type: 'User' }),
    html_url: `${s.serverUrl}/${s.owner}/${s.repo}`,
    url: `${s.apiUrl}/repos/${s.owner}/${s.repo}`
  }
}

function githubRunJson(s: State, r: StoredRun): Json {
  const api = `${s.apiUrl}/repos/${s.owner}/${s.repo}`
  return {
    id: r.id,
    name: r.workflow.replace(/\.ya?ml$/, ''),
    node_id: `WFR_${r.id}`,
    head_branch: r.branch,
    head_sha: r.head_sha,
    path: `.github/workflows/${r.workflow}`,
    display_title: `run ${r.run_number}`,
    run_number: r.run_number,
    run_attempt: 1,
    event: r.event,
    status: r.status,
    conclusion: r.conclusion,
    workflow_id: r.workflow_id,
    check_suite_id: r.id + 1,
    url: `${api}/actions/runs/${r.id}`,
    html_url: `${s.serverUrl}/${s.owner}/${s.repo}/actions/runs/${r.id}`,
    pull_requests: [],
    created_at: r.created_at,
    updated_at: r.created_at,
    run_started_at: r.created_at,
    jobs_url: `${api}/actions/runs/${r.id}/jobs`,
    logs_url: `${api}/actions/runs/${r.id}/logs`,
    artifacts_url: `${api}/actions/runs/${r.id}/artifacts`,
    workflow_url: `${api}/actions/workflows/${r.workflow_id}`,
    head_commit: { id: r.head_sha, message: 'commit', timestamp: r.created_at },
    repository: repoJson(s),
    head_repository: repoJson(s)
  }
}

const FORGEJO_STATUSES = [
  'unknown',
  'waiting',
  'running',
  'success',
  'failure',
  'cancelled',
  'skipped',
  'blocked'
]

function forgejoStatus(r: StoredRun): string {
  if (r.conclusion === 'timed_out') return 'failure'
  if (r.conclusion && FORGEJO_STATUSES.includes(r.conclusion)) return r.conclusion
  return r.status === 'in_progress' ? 'running' : r.status === 'queued' ? 'waiting' : 'unknown'
}

function forgejoRunJson(s: State, r: StoredRun): Json {
  return {
    id: r.id,
    title: `run ${r.run_number}`,
    repository: repoJson(s),
    html_url: `${s.serverUrl}/${s.owner}/${s.repo}/actions/runs/${r.run_number}`,
    index_in_repo: r.run_number,
    trigger_event: r.event,
    event: r.event,
    event_payload: '',
    prettyref: r.branch,
    is_ref_deleted: false,
    commit_sha: r.head_sha,
    is_fork_pull_request: false,
    need_approval: false,
    approved_by: 0,
    status: forgejoStatus(r),
    trigger_user: userJson(s, { login: s.owner, id: 4242 }),
    workflow_id: r.workflow,
    ScheduleID: 0,
    created: r.created_at,
    started: r.created_at,
    stopped: r.created_at,
    updated: r.created_at,
    duration: 60_000_000_000
  }
}

// Gitea (1.25): GitHub-shaped runs that name their workflow only in `path` (file@ref)
function giteaRunJson(s: State, r: StoredRun): Json {
  return {
    id: r.id,
    url: `${s.apiUrl}/repos/${s.owner}/${s.repo}/actions/runs/${r.id}`,
    html_url: `${s.serverUrl}/${s.owner}/${s.repo}/actions/runs/${r.id}`,
    display_title: `run ${r.run_number}`,
    path: `${r.workflow}@${r.ref}`,
    event: r.event,
    run_attempt: 1,
    run_number: r.run_number,
    head_sha: r.head_sha,
    head_branch: r.branch,
    status: r.status,
    conclusion: r.conclusion ?? '',
    started_at: r.created_at,
    completed_at: r.created_at,
    repository_id: REPO_ID
  }
}

function runJsonOf(s: State, r: StoredRun): Json {
  if (s.kind === 'github') return githubRunJson(s, r)
  return s.kind === 'gitea' ? giteaRunJson(s, r) : forgejoRunJson(s, r)
}

function artifactJson(s: State, a: StoredArtifact): Json {
  const api = `${s.apiUrl}/repos/${s.owner}/${s.repo}/actions/artifacts/${a.id}`
  const expires = iso(Date.parse(a.created_at) + 90 * 86_400_000)
  const base = {
    id: a.id,
    name: a.name,
    size_in_bytes: a.size,
    archive_download_url: `${api}/zip`,
    expired: a.expired,
    created_at: a.created_at,
    updated_at: a.created_at,
    expires_at: expires
  }
  if (s.kind === 'forgejo') return { ...base, run_id: a.runId ?? 0 }
  if (s.kind === 'gitea')
    return { ...base, url: api, workflow_run: { id: a.runId ?? 0, repository_id: REPO_ID } }
  const run = s.runs.get(a.runId ?? -1)
  return {
    ...base,
    node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
    url: api,
    digest: a.digest,
    workflow_run: run && {
      id: run.id,
      repository_id: REPO_ID,
      head_repository_id: REPO_ID,
      head_branch: run.branch,
      head_sha: run.head_sha
    }
  }
}

const byNewest = (a: StoredRun, b: StoredRun): number =>
  b.created_at.localeCompare(a.created_at) || b.id - a.id

const getRun: Handler = (s, c) => {
  const run = s.runs.get(Number(c.p['run_id']))
  if (!run) return notFound(s)
  return json(200, runJsonOf(s, run))
}

// GitHub: status matches either the status or the conclusion; workflow_id is the id or file name.
const listWorkflowRuns: Handler = (s, c) => {
  const wf = c.p['workflow_id'] ?? ''
  const all = [...s.runs.values()].filter((r) => String(r.workflow_id) === wf || r.workflow === wf)
  if (all.length === 0) return notFound(s)
  const q = (k: string): string | null => c.q.get(k)
  const runs = all
    .filter((r) => !q('branch') || r.branch === q('branch'))
    .filter((r) => !q('event') || r.event === q('event'))
    .filter((r) => !q('status') || r.status === q('status') || r.conclusion === q('status'))
    .filter((r) => !q('head_sha') || r.head_sha === q('head_sha'))
    .sort(byNewest)
  const page = paged(s, c, runs)
  return json(
    200,
    { total_count: runs.length, workflow_runs: page.items.map((r) => githubRunJson(s, r)) },
    page.headers
  )
}

// Forgejo: repeated event/status values, ref and workflow file name filters, id DESC, no Link.
const listForgejoRuns: Handler = (s, c) => {
  const statuses = c.q.getAll('status')
  const bad = statuses.find((x) => !FORGEJO_STATUSES.includes(x))
  if (bad) return apiError(s, 400, `unknown status: ${bad}`)
  const events = c.q.getAll('event')
  const q = (k: string): string | null => c.q.get(k)
  const runs = [...s.runs.values()]
    .filter((r) => events.length === 0 || events.includes(r.event))
    .filter((r) => statuses.length === 0 || statuses.includes(forgejoStatus(r)))
    .filter((r) => !q('run_number') || String(r.run_number) === q('run_number'))
    .filter((r) => !q('head_sha') || r.head_sha === q('head_sha'))
    .filter((r) => !q('ref') || r.ref === q('ref'))
    .filter((r) => !q('workflow_id') || r.workflow === q('workflow_id'))
    .sort((a, b) => b.id - a.id)
  const { page, size } = paging(s, c)
  const items = pageOf(runs, page, size).items.map((r) => forgejoRunJson(s, r))
  return json(200, { workflow_runs: items, total_count: runs.length })
}

// Gitea: branch (not ref), event, status (GitHub's words), id DESC; no workflow filter
const listGiteaRuns: Handler = (s, c) => {
  const q = (k: string): string | null => c.q.get(k)
  const runs = [...s.runs.values()]
    .filter((r) => !q('branch') || r.branch === q('branch'))
    .filter((r) => !q('event') || r.event === q('event'))
    .filter((r) => !q('status') || r.status === q('status') || r.conclusion === q('status'))
    .filter((r) => !q('head_sha') || r.head_sha === q('head_sha'))
    .sort((a, b) => b.id - a.id)
  const page = paged(s, c, runs)
  return json(
    200,
    { workflow_runs: page.items.map((r) => giteaRunJson(s, r)), total_count: runs.length },
    page.headers
  )
}

const getTokenRun: Handler = (s) => {
  const run = s.runs.get(s.currentRunId ?? -1)
  return run ? json(200, forgejoRunJson(s, run)) : notFound(s)
}

const listRunArtifacts: Handler = (s, c) => {
  const run = s.runs.get(Number(c.p['run_id']))
  if (!run) return notFound(s)
  const name = c.q.get('name')
  const list = run.artifactIds
    .map((id) => s.artifacts.get(id))
    .filter((a): a is StoredArtifact => a !== undefined && (!name || a.name === name))
    .sort((a, b) => b.id - a.id)
    .map((a) => artifactJson(s, a))
  const page = paged(s, c, list)
  const body =
    s.kind === 'forgejo' ? page.items : { total_count: list.length, artifacts: page.items }
  return json(200, body, page.headers)
}

function signedUrl(s: State, blobPath: string, permissions: string): string {
  const expiry = encodeURIComponent(iso(Date.now() + 10 * 60_000))
  const sig = encodeURIComponent(randomBytes(12).toString('base64'))
  return `${s.blobUrl}${blobPath}?sv=2025-01-05&se=${expiry}&sr=b&sp=${permissions}&sig=${sig}`
}

// GitHub answers 302 to blob storage (410 once expired); Forgejo serves the zip itself (404 once
// expired: "artifact not confirmed").
const downloadArtifact: Handler = (s, c) => {
  const a = s.artifacts.get(Number(c.p['artifact_id']))
  if (!a || a.runId === undefined) return notFound(s)
  if (s.kind !== 'forgejo') {
    if (a.expired) return apiError(s, 410, 'Artifact has expired')
    return { status: 302, headers: { location: signedUrl(s, a.blobPath, 'r') } }
  }
  const blob = s.blobs.get(a.blobPath)
  if (a.expired || !blob) return notFound(s)
  return {
    status: 200,
    raw: blob.data,
    headers: {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="${a.name}.zip"`
    }
  }
}

// ---------- results service (Twirp JSON) ----------

const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService/'
const TWIRP_STATUS: Record<string, number> = {
  invalid_argument: 400,
  unauthenticated: 401,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  internal: 500
}

const twirpError = (code: string, msg: string): Reply =>
  json(TWIRP_STATUS[code] ?? 500, { code, msg })

// protobuf JSON: proto field names or lowerCamel names; wrappers may be bare or { value }.
function field(body: unknown, snake: string): string | undefined {
  if (!isRecord(body)) return undefined
  const camel = snake.replace(/_(\w)/g, (_m, ch: string) => ch.toUpperCase())
  const v = body[snake] ?? body[camel]
  const inner = isRecord(v) ? v['value'] : v
  return typeof inner === 'string' || typeof inner === 'number' ? String(inner) : undefined
}

const uploadKey = (run: string, job: string, name: string): string => `${run}\n${job}\n${name}`
const sameRun = (a: StoredArtifact, run: string): boolean =>
  a.runBackendId === undefined || a.runBackendId === run

function resultsArtifacts(s: State, run: string): StoredArtifact[] {
  return [...s.artifacts.values()].filter((a) => a.runId === undefined && sameRun(a, run))
}

function createArtifact(s: State, c: Ctx): Reply {
  const run = field(c.json, 'workflow_run_backend_id') ?? ''
  const job = field(c.json, 'workflow_job_run_backend_id') ?? ''
  const name = field(c.json, 'name') ?? ''
  const mimeType = field(c.json, 'mime_type')
  // Forgejo's CreateArtifactRequest has fields 1-5 only and rejects unknown ones
  if (s.kind === 'forgejo' && mimeType !== undefined) {
    return {
      status: 500,
      raw: 'Error decode request body',
      headers: { 'content-type': 'text/plain' }
    }
  }
  if (!run || !job || !name)
    return twirpError('invalid_argument', 'backend ids and name are required')
  if (resultsArtifacts(s, run).some((a) => a.name === name)) {
    return twirpError(
      'already_exists',
      `an artifact with this name already exists on the workflow run: ${name}`
    )
  }
  const blobPath = `/blob/results/${encodeURIComponent(run)}/${encodeURIComponent(job)}/${encodeURIComponent(name)}.zip`
  const version = Number(field(c.json, 'version') ?? 0)
  s.pending.set(uploadKey(run, job, name), { blobPath, version, mimeType })
  return json(200, { ok: true, signedUploadUrl: signedUrl(s, blobPath, 'cw') })
}

function finalizeArtifact(s: State, c: Ctx): Reply {
  const run = field(c.json, 'workflow_run_backend_id') ?? ''
  const job = field(c.json, 'workflow_job_run_backend_id') ?? ''
  const name = field(c.json, 'name') ?? ''
  const pending = s.pending.get(uploadKey(run, job, name))
  if (!pending) return twirpError('not_found', `no artifact ${name} is being uploaded`)
  const blob = s.blobs.get(pending.blobPath)
  if (!blob) return twirpError('not_found', `nothing was uploaded for ${name}`)
  const size = Number(field(c.json, 'size') ?? -1)
  if (size !== blob.data.length) {
    return twirpError('invalid_argument', `size ${size} != uploaded ${blob.data.length}`)
  }
  s.pending.delete(uploadKey(run, job, name))
  const id = s.ids.artifact++
  const hash = field(c.json, 'hash')
  s.artifacts.set(id, {
    id,
    name,
    blobPath: pending.blobPath,
    size,
    digest: hash ?? `sha256:${hex(blob.data)}`,
    expired: false,
    created_at: iso(Date.now()),
    runBackendId: run,
    jobBackendId: job
  })
  const isZip = blob.data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
  s.uploaded.push({
    id,
    name,
    runBackendId: run,
    jobBackendId: job,
    version: pending.version,
    mimeType: pending.mimeType,
    blobContentType: blob.contentType,
    size,
    hash,
    data: blob.data,
    files: isZip ? unzipFiles(blob.data) : { [name]: blob.data }
  })
  return json(200, { ok: true, artifactId: String(id) })
}

function listResultsArtifacts(s: State, c: Ctx): Reply {
  const run = field(c.json, 'workflow_run_backend_id') ?? ''
  const name = field(c.json, 'name_filter')
  const id = field(c.json, 'id_filter')
  const list = resultsArtifacts(s, run)
    .filter((a) => name === undefined || a.name === name)
    .filter((a) => id === undefined || String(a.id) === id)
  // Forgejo answers 404 rather than an empty list
  if (s.kind === 'forgejo' && list.length === 0) return twirpError('not_found', 'no artifacts')
  const artifacts = list.map((a) => ({
    workflowRunBackendId: a.runBackendId ?? run,
    workflowJobRunBackendId: a.jobBackendId ?? 'job-backend-0',
    databaseId: String(a.id),
    name: a.name,
    size: String(a.size),
    createdAt: a.created_at,
    digest: a.digest
  }))
  return json(200, { artifacts })
}

function signedArtifactUrl(s: State, c: Ctx): Reply {
  const run = field(c.json, 'workflow_run_backend_id') ?? ''
  const name = field(c.json, 'name')
  const a = resultsArtifacts(s, run).find((x) => x.name === name)
  if (!a) return twirpError('not_found', `artifact ${name ?? ''} not found`)
  return json(200, { signedUrl: signedUrl(s, a.blobPath, 'r') })
}

// What upload-artifact's `overwrite` (and a re-run job) does before uploading a name again.
function deleteResultsArtifact(s: State, c: Ctx): Reply {
  const run = field(c.json, 'workflow_run_backend_id') ?? ''
  const name = field(c.json, 'name')
  const found = resultsArtifacts(s, run).find((a) => a.name === name)
  if (!found) return twirpError('not_found', `artifact ${name ?? ''} not found`)
  s.artifacts.delete(found.id)
  return json(200, { ok: true, artifact_id: String(found.id) })
}

const TWIRP_METHODS: Record<string, Handler> = {
  CreateArtifact: createArtifact,
  FinalizeArtifact: finalizeArtifact,
  ListArtifacts: listResultsArtifacts,
  GetSignedArtifactURL: signedArtifactUrl,
  DeleteArtifact: deleteResultsArtifact
}

function twirp(s: State, c: Ctx, method: string): Reply {
  if (s.kind !== 'github') return forgejoTwirp(s, c, method)
  if (!/^Bearer \S+$/.test(c.headers.authorization ?? '')) {
    return twirpError('unauthenticated', 'missing bearer token')
  }
  const handler = TWIRP_METHODS[method]
  if (c.method !== 'POST' || !handler)
    return twirpError('bad_route', `no handler for ${c.url.pathname}`)
  return handler(s, c)
}

// ---------- Forgejo's and Gitea's artifact service (routers/api/actions/artifactsv4.go) ----------
//
// As their sources do: requests are protojson-decoded with unknown fields refused (HTTP 500
// "Error decode request body": CreateArtifactRequest has fields 1-5 only, so @actions/artifact
// >= 6.2's mime_type fails); the runtime JWT's Actions.Results:<run>:<job> scope must name the
// run of the body (400 otherwise); CreateArtifact reuses the row of an existing name (never 409);
// uploads and downloads go to HMAC-signed URLs on the server itself, whose `sig` is standard
// base64url with its `=` padding and is compared byte for byte (401 otherwise); chunks are
// appended, or stored per block id and merged in the order of a block list; FinalizeArtifact
// checks a `sha256:` hash when one is given; ListArtifacts answers 404 on Forgejo when the run has
// no artifacts (Gitea >= 1.24: an empty list); the download is application/octet-stream with
// nosniff on Forgejo >= 9, application/zip on Gitea (io.Copy sniffing).

const V4_FIELDS: Record<string, string[]> = {
  CreateArtifact: [
    'workflow_run_backend_id',
    'workflow_job_run_backend_id',
    'name',
    'expires_at',
    'version'
  ],
  FinalizeArtifact: [
    'workflow_run_backend_id',
    'workflow_job_run_backend_id',
    'name',
    'size',
    'hash'
  ],
  ListArtifacts: [
    'workflow_run_backend_id',
    'workflow_job_run_backend_id',
    'name_filter',
    'id_filter'
  ],
  GetSignedArtifactURL: ['workflow_run_backend_id', 'workflow_job_run_backend_id', 'name'],
  DeleteArtifact: ['workflow_run_backend_id', 'workflow_job_run_backend_id', 'name']
}

const camelOf = (snake: string): string =>
  snake.replace(/_(\w)/g, (_m, ch: string) => ch.toUpperCase())

const plain = (status: number, text: string): Reply => ({
  status,
  raw: text,
  headers: { 'content-type': 'text/plain; charset=utf-8' }
})

// The scope of the runtime token, as ParseAuthorizationToken reads it: only from a token the
// server signed, so a job cannot name another run.
function tokenScope(header: string | undefined): { run: string; job: string } | undefined {
  const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1]
  const [head, payload, signature] = token?.split('.') ?? []
  if (!head || !payload || signature !== jwtSignature(`${head}.${payload}`)) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    const scp = isRecord(claims) ? claims['scp'] : undefined
    const m =
      typeof scp === 'string' ? /(?:^| )Actions\.Results:(\d+):(\d+)(?: |$)/.exec(scp) : null
    return m ? { run: m[1] ?? '', job: m[2] ?? '' } : undefined
  } catch {
    return undefined
  }
}

// Go's url.QueryEscape: everything but letters, digits and -_.~ escaped, space as +
const goQueryEscape = (text: string): string =>
  encodeURIComponent(text)
    .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')

function v4Signature(
  s: State,
  endp: string,
  expires: string,
  name: string,
  task: string,
  id: string
): string {
  // HMAC-SHA256 with the server's secret, as buildSignature
  return createHmac('sha256', s.secret)
    .update(endp)
    .update(expires)
    .update(name)
    .update(task)
    .update(id)
    .digest('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_') // base64.URLEncoding: the url alphabet, padding kept
}

function v4Url(s: State, endp: string, name: string, task: string, id: number): string {
  const expires = `${new Date(Date.now() + 3_600_000).toISOString().replace('T', ' ').replace('Z', '')}000000 +0000 UTC`
  const sig = v4Signature(s, endp, expires, name, task, String(id))
  return `${s.url}${TWIRP}${endp}?sig=${sig}&expires=${goQueryEscape(expires)}&artifactName=${goQueryEscape(name)}&taskID=${task}&artifactID=${id}`
}

// verifySignature: the sig as sent must be the one the server made (Go's decoder wants the padding)
function v4Verify(s: State, c: Ctx, endp: string): { name: string; id: number } | Reply {
  const q = c.q
  const expected = v4Signature(
    s,
    endp,
    q.get('expires') ?? '',
    q.get('artifactName') ?? '',
    q.get('taskID') ?? '',
    q.get('artifactID') ?? ''
  )
  if ((q.get('sig') ?? '') !== expected) return plain(401, 'Error unauthorized')
  return { name: q.get('artifactName') ?? '', id: Number(q.get('artifactID')) }
}

function v4Rows(s: State, run: string): StoredArtifact[] {
  return [...s.artifacts.values()].filter(
    (a) => String(a.runId ?? '') === run || a.runBackendId === run
  )
}

function v4Row(s: State, run: string, name: string): StoredArtifact | undefined {
  return v4Rows(s, run).find((a) => a.name === name)
}

function forgejoTwirp(s: State, c: Ctx, method: string): Reply {
  // an older server has no such route: its web router answers with its 404 page
  if (s.noResultsService) {
    return {
      status: 404,
      raw: '<!DOCTYPE html><html><head><title>Page Not Found - Forgejo</title></head><body>Not found.</body></html>',
      headers: { 'content-type': 'text/html; charset=utf-8' }
    }
  }
  if (method === 'UploadArtifact' && c.method === 'PUT') return v4Upload(s, c)
  if (method === 'DownloadArtifact' && c.method === 'GET') return v4Download(s, c)
  const fields = V4_FIELDS[method]
  if (c.method !== 'POST' || !fields) return notFound(s)
  const scope = tokenScope(c.headers.authorization)
  if (!scope) return plain(401, 'Bad authorization token')
  // protojson.Unmarshal with default options: an unknown field is an error
  const allowed = new Set([...fields, ...fields.map(camelOf)])
  let body: unknown
  try {
    body = JSON.parse(c.raw.toString('utf8'))
  } catch {
    return plain(500, 'Error decode request body')
  }
  if (!isRecord(body) || Object.keys(body).some((key) => !allowed.has(key))) {
    return plain(500, 'Error decode request body')
  }
  const run = field(body, 'workflow_run_backend_id') ?? ''
  if (run !== scope.run) return plain(400, 'run-id does not match')
  const name = field(body, 'name') ?? ''
  switch (method) {
    case 'CreateArtifact':
      return v4Create(s, run, scope.job, name)
    case 'FinalizeArtifact':
      return v4Finalize(s, run, name, field(body, 'hash'), Number(field(body, 'version') ?? 4))
    case 'ListArtifacts':
      return v4List(s, run, scope.job, field(body, 'name_filter'), field(body, 'id_filter'))
    case 'GetSignedArtifactURL': {
      const row = v4Row(s, run, name)
      if (!row) return plain(404, 'Error artifact not found')
      return json(200, { signedUrl: v4Url(s, 'DownloadArtifact', name, scope.job, row.id) })
    }
    default: {
      const row = v4Row(s, run, name)
      if (!row) return plain(404, 'Error artifact not found')
      row.status = 'need_delete'
      return json(200, { ok: true, artifactId: String(row.id) })
    }
  }
}

function v4Create(s: State, run: string, job: string, name: string): Reply {
  // actions.CreateArtifact: create, or get the row of this run and name and reuse it
  let row = v4Row(s, run, name)
  if (!row) {
    const id = s.ids.artifact++
    row = {
      id,
      name,
      blobPath: `/blob/v4/${run}/${id}.zip`,
      size: 0,
      digest: '',
      expired: false,
      created_at: iso(Date.now()),
      runId: Number(run),
      runBackendId: run,
      jobBackendId: job
    }
    s.artifacts.set(id, row)
    s.runs.get(Number(run))?.artifactIds.push(id)
  }
  row.size = 0
  row.status = 'pending'
  s.v4Uploads.set(row.id, { appended: [] })
  return json(200, { ok: true, signedUploadUrl: v4Url(s, 'UploadArtifact', name, job, row.id) })
}

function v4Upload(s: State, c: Ctx): Reply {
  const signed = v4Verify(s, c, 'UploadArtifact')
  if ('status' in signed) return signed
  const row = s.artifacts.get(signed.id)
  const upload = s.v4Uploads.get(signed.id)
  if (!row || !upload) return plain(404, 'Error artifact not found')
  const comp = c.q.get('comp')
  if (comp === 'block' || comp === 'appendBlock') {
    const blockId = c.q.get('blockid')
    if (!blockId) {
      upload.appended.push(c.raw)
    } else {
      const key = `v4:${row.runId ?? ''}`
      const staged = s.blocks.get(key) ?? new Map<string, Buffer>()
      staged.set(blockId, c.raw)
      s.blocks.set(key, staged)
    }
    return json(201, 'appended')
  }
  if (comp === 'blocklist') {
    upload.blockList = c.raw.toString('utf8')
    return json(201, 'created')
  }
  return { status: 200 }
}

function v4Finalize(
  s: State,
  run: string,
  name: string,
  hash: string | undefined,
  version: number
): Reply {
  const row = v4Row(s, run, name)
  const upload = row && s.v4Uploads.get(row.id)
  if (!row || !upload) return plain(404, 'Error artifact not found')
  let data: Buffer
  if (upload.blockList !== undefined) {
    const staged = s.blocks.get(`v4:${run}`) ?? new Map<string, Buffer>()
    const parts = blockIds(upload.blockList).map((id) => staged.get(id))
    if (parts.length === 0 || parts.some((p) => p === undefined))
      return plain(500, 'Error merge chunks')
    data = Buffer.concat(parts.filter((p): p is Buffer => p !== undefined))
  } else {
    if (upload.appended.length === 0) return plain(500, 'Error merge chunks')
    data = Buffer.concat(upload.appended)
  }
  if (hash?.startsWith('sha256:') && !hash.endsWith(hex(data)))
    return plain(500, 'Error merge chunks')
  s.v4Uploads.delete(row.id)
  s.blobs.set(row.blobPath, { data, contentType: 'application/zip' })
  row.size = data.length
  row.digest = `sha256:${hex(data)}`
  row.status = 'confirmed'
  row.created_at = iso(Date.now())
  const isZip = data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
  s.uploaded.push({
    id: row.id,
    name,
    runBackendId: run,
    jobBackendId: row.jobBackendId ?? '',
    version,
    size: data.length,
    hash,
    data,
    files: isZip ? unzipOrWhole(data, name) : { [name]: data }
  })
  return json(200, { ok: true, artifactId: String(row.id) })
}

// what the server stores is bytes: a client's broken zip is the client's to explain
function unzipOrWhole(data: Buffer, name: string): Record<string, Buffer> {
  try {
    return unzipFiles(data)
  } catch {
    return { [name]: data }
  }
}

function v4List(s: State, run: string, job: string, name?: string, id?: string): Reply {
  const rows = v4Rows(s, run)
  if (rows.length === 0) {
    return s.kind === 'forgejo' ? plain(404, 'Not Found') : json(200, { artifacts: [] })
  }
  // a second row of a name hides the name, as the source's table does
  const table = new Map<string, StoredArtifact | null>()
  for (const row of rows) {
    const filtered =
      (id !== undefined && String(row.id) !== id) || (name !== undefined && row.name !== name)
    table.set(row.name, table.has(row.name) || filtered ? null : row)
  }
  const artifacts = [...table.values()]
    .filter((row): row is StoredArtifact => row !== null)
    .map((row) => ({
      name: row.name,
      createdAt: row.created_at,
      databaseId: String(row.id),
      workflowRunBackendId: run,
      workflowJobRunBackendId: job,
      ...(row.size > 0 ? { size: String(row.size) } : {})
    }))
  return json(200, { artifacts })
}

function v4Download(s: State, c: Ctx): Reply {
  const signed = v4Verify(s, c, 'DownloadArtifact')
  if ('status' in signed) return signed
  const row = s.artifacts.get(signed.id)
  const found = row && s.blobs.get(row.blobPath)
  if (!row || !found || row.name !== signed.name) return plain(404, 'Error artifact not found')
  return {
    status: 200,
    raw: found.data,
    headers:
      s.kind === 'forgejo'
        ? {
            'content-type': 'application/octet-stream',
            'x-content-type-options': 'nosniff',
            'content-disposition': `attachment; filename="${signed.name}"`
          }
        : { 'content-type': 'application/zip' }
  }
}

// ---------- blob store (the parts of Azure Put Block / Put Block List / Put Blob / Get Blob used) ----------

function azureError(status: number, code: string, message: string): Reply {
  const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`
  return {
    status,
    raw: xml,
    headers: { 'content-type': 'application/xml', 'x-ms-error-code': code }
  }
}

function blobWritten(data: Buffer): Reply {
  return {
    status: 201,
    headers: {
      etag: `"0x${hex(data, 'md5').slice(0, 16).toUpperCase()}"`,
      'last-modified': new Date().toUTCString(),
      'content-md5': createHash('md5').update(data).digest('base64'),
      'x-ms-request-server-encrypted': 'true'
    }
  }
}

function blockIds(xml: string): string[] {
  return [...xml.matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map((m) => m[2] ?? '')
}

function blob(s: State, c: Ctx): Reply {
  const path = c.url.pathname
  // Azure rejects an API token that a client forwarded along with the SAS signature
  if (c.headers.authorization) {
    return azureError(
      400,
      'InvalidAuthenticationInfo',
      'Authentication information is not given in the correct format.'
    )
  }
  if (!c.q.get('sig')) return azureError(403, 'AuthenticationFailed', 'Signature is missing.')
  if (c.method === 'GET') {
    const found = s.blobs.get(path)
    if (!found) return azureError(404, 'BlobNotFound', 'The specified blob does not exist.')
    return {
      status: 200,
      raw: found.data,
      headers: { 'content-type': found.contentType, 'x-ms-blob-type': 'BlockBlob', etag: '"0x1"' }
    }
  }
  if (c.method !== 'PUT') return azureError(405, 'UnsupportedHttpVerb', c.method)
  const comp = c.q.get('comp')
  const contentType = String(
    c.headers['x-ms-blob-content-type'] ?? c.headers['content-type'] ?? 'application/octet-stream'
  )
  if (comp === 'block') {
    const id = c.q.get('blockid')
    if (!id) return azureError(400, 'MissingRequiredQueryParameter', 'blockid')
    const staged = s.blocks.get(path) ?? new Map<string, Buffer>()
    staged.set(id, c.raw)
    s.blocks.set(path, staged)
    return blobWritten(c.raw)
  }
  if (comp === 'blocklist') {
    const staged = s.blocks.get(path) ?? new Map<string, Buffer>()
    const parts = blockIds(c.raw.toString('utf8')).map((id) => staged.get(id))
    if (parts.some((p) => p === undefined))
      return azureError(400, 'InvalidBlockList', 'unknown block id')
    const data = Buffer.concat(parts.filter((p): p is Buffer => p !== undefined))
    s.blocks.delete(path)
    s.blobs.set(path, { data, contentType })
    return blobWritten(data)
  }
  if (c.headers['x-ms-blob-type'] !== 'BlockBlob') {
    return azureError(400, 'MissingRequiredHeader', 'x-ms-blob-type')
  }
  s.blobs.set(path, { data: c.raw, contentType })
  return blobWritten(c.raw)
}

function pullJson(s: State, p: StoredPull): Json {
  const [headOwner = '', headName = ''] = p.headRepo?.split('/') ?? []
  return {
    id: 90_000 + p.number,
    number: p.number,
    state: p.state,
    html_url: `${s.serverUrl}/${s.owner}/${s.repo}/pull/${p.number}`,
    base: { ref: p.baseRef, sha: 'ba5eba11'.repeat(5), label: p.baseRef, repo: repoJson(s) },
    head: {
      ref: p.headRef,
      sha: p.headSha,
      label: `${headOwner}:${p.headRef}`,
      // null once the fork is deleted, as on GitHub
      repo:
        p.headRepo === null
          ? null
          : {
              ...repoJson(s),
              id: REPO_ID + 1,
              name: headName,
              full_name: p.headRepo,
              owner: userJson(s, { login: headOwner, id: 5151, type: 'User' })
            }
    }
  }
}

const getPull: Handler = (s, c) => {
  const found = s.pulls.get(Number(c.p['index']))
  return found ? json(200, pullJson(s, found)) : notFound(s)
}

// state (default open) and GitHub's head=<owner>:<branch> filter
const listPulls: Handler = (s, c) => {
  const state = c.q.get('state') ?? 'open'
  const head = c.q.get('head')
  const pulls = [...s.pulls.values()]
    .filter((p) => state === 'all' || p.state === state)
    .filter((p) => !head || `${p.headRepo?.split('/')[0] ?? ''}:${p.headRef}` === head)
    .sort((a, b) => b.number - a.number)
  const page = paged(s, c, pulls)
  return json(
    200,
    page.items.map((p) => pullJson(s, p)),
    page.headers
  )
}

// ---------- the token's user ----------

const getTokenUser: Handler = (s) => {
  if (s.tokenUser !== 'refuse') return json(200, userJson(s, s.tokenUser))
  return s.kind === 'github'
    ? json(403, {
        message: 'Resource not accessible by integration',
        documentation_url: `${GH_DOCS}/users/users#get-the-authenticated-user`,
        status: '403'
      })
    : apiError(s, 401, 'token is required')
}

// GitHub GraphQL, the one query the action makes: who the token is.
const graphql: Handler = (s, c) => {
  const query = isRecord(c.json) ? c.json['query'] : undefined
  if (typeof query !== 'string' || !/\bviewer\b/.test(query)) {
    return json(200, { errors: [{ message: 'fake forge: only viewer is implemented' }] })
  }
  return json(200, { data: { viewer: { login: s.bot.login, databaseId: s.bot.id } } })
}

// ---------- routing ----------

const commentRoutes: Route[] = [
  { method: 'GET', template: '/repos/{owner}/{repo}/issues/{index}/comments', run: listComments },
  { method: 'POST', template: '/repos/{owner}/{repo}/issues/{index}/comments', run: createComment },
  { method: 'GET', template: '/repos/{owner}/{repo}/issues/comments/{id}', run: getComment },
  { method: 'PATCH', template: '/repos/{owner}/{repo}/issues/comments/{id}', run: updateComment },
  { method: 'DELETE', template: '/repos/{owner}/{repo}/issues/comments/{id}', run: deleteComment },
  { method: 'GET', template: '/repos/{owner}/{repo}/actions/runs/{run_id}', run: getRun },
  { method: 'GET', template: '/repos/{owner}/{repo}/pulls/{index}', run: getPull },
  { method: 'GET', template: '/repos/{owner}/{repo}/pulls', run: listPulls },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts',
    run: listRunArtifacts
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip',
    run: downloadArtifact
  }
]

const ROUTES: Record<ForgeKind, Route[]> = {
  github: [
    ...commentRoutes,
    { method: 'GET', template: '/user', run: getTokenUser },
    { method: 'POST', template: '/graphql', run: graphql },
    {
      method: 'GET',
      template: '/repositories/{repo_id}/issues/{index}/comments',
      run: listComments
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      run: listWorkflowRuns
    }
  ],
  forgejo: [
    ...commentRoutes,
    { method: 'GET', template: '/user', run: getTokenUser },
    { method: 'GET', template: '/repos/{owner}/{repo}/actions/runs', run: listForgejoRuns },
    { method: 'GET', template: '/actions/run', run: getTokenRun }
  ],
  gitea: [
    ...commentRoutes,
    { method: 'GET', template: '/user', run: getTokenUser },
    { method: 'GET', template: '/repos/{owner}/{repo}/actions/runs', run: listGiteaRuns }
  ]
}

interface Target {
  route?: string
  run: () => Reply
}

function authProblem(s: State, c: Ctx): Reply | undefined {
  const m = /^(token|bearer) (\S+)$/i.exec(c.headers.authorization ?? '')
  if (!m) return apiError(s, 401, s.kind === 'github' ? 'Requires authentication' : 'Unauthorized')
  if (s.token !== undefined && m[2] !== s.token) return apiError(s, 401, 'Bad credentials')
  return undefined
}

const NUMERIC = ['index', 'id', 'run_id', 'artifact_id', 'repo_id']
const same = (a: string | undefined, b: string): boolean =>
  a === undefined || a.toLowerCase() === b.toLowerCase()

function isOurRepo(s: State, p: Record<string, string>): boolean {
  return same(p['owner'], s.owner) && same(p['repo'], s.repo) && same(p['repo_id'], String(REPO_ID))
}

function resolveApi(s: State, c: Ctx): Target {
  let path = c.url.pathname
  if (s.contract) {
    const found = s.contract.check(c.method, path, c.q, c.json)
    s.violations.push(...found)
    if (found.some((v) => v.kind !== 'undeclared-query' && v.kind !== 'undeclared-body-field')) {
      return { run: () => notFound(s) }
    }
  }
  // Forgejo's and Gitea's API lives under /api/v1
  if (s.kind !== 'github') {
    if (!path.startsWith('/api/v1/')) return { run: () => notFound(s) }
    path = path.slice('/api/v1'.length)
  }
  for (const r of ROUTES[s.kind]) {
    const params = r.method === c.method ? matchTemplate(r.template, path) : undefined
    if (!params) continue
    c.p = params
    const route = `${r.method} ${r.template}`
    const missing =
      !isOurRepo(s, params) || NUMERIC.some((k) => k in params && !/^\d+$/.test(params[k] ?? ''))
    return { route, run: () => authProblem(s, c) ?? (missing ? notFound(s) : r.run(s, c)) }
  }
  // Forgejo declares it (the contract check passed) but this fake does not implement it
  if (s.kind !== 'github') return { run: () => apiError(s, 501, 'fake forge: not implemented') }
  return { run: () => notFound(s) }
}

function resolve(s: State, c: Ctx): Target {
  const path = c.url.pathname
  if (path.startsWith(TWIRP)) {
    const method = path.slice(TWIRP.length)
    return { route: `POST ${TWIRP}${method}`, run: () => twirp(s, c, method) }
  }
  if (path.startsWith('/blob/')) return { route: `${c.method} /blob`, run: () => blob(s, c) }
  return resolveApi(s, c)
}

function takeFault(
  s: State,
  method: string,
  path: string
): (Reply & { afterHandling?: boolean; hang?: boolean }) | undefined {
  const i = s.faults.findIndex(
    (f) =>
      (!f.method || f.method.toUpperCase() === method) &&
      (typeof f.path === 'string' ? f.path === path : f.path.test(path))
  )
  const f = s.faults[i]
  if (!f) return undefined
  if (--f.left <= 0) s.faults.splice(i, 1)
  const reply: Reply =
    typeof f.body === 'string'
      ? { status: f.status, headers: { 'content-type': 'text/html', ...f.headers }, raw: f.body }
      : {
          status: f.status,
          headers: f.headers,
          json: f.body ?? { message: `injected ${f.status}` }
        }
  return { ...reply, afterHandling: f.afterHandling, hang: f.hang }
}

function baseHeaders(s: State, path: string): Record<string, string> {
  if (path.startsWith('/blob/')) {
    return { 'x-ms-request-id': randomBytes(8).toString('hex'), 'x-ms-version': '2025-01-05' }
  }
  if (s.kind !== 'github' || path.startsWith(TWIRP)) return {}
  s.rateRemaining = Math.max(0, s.rateRemaining - 1)
  return {
    'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(s.rateRemaining),
    'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
    'x-ratelimit-used': String(5000 - s.rateRemaining),
    'x-ratelimit-resource': 'core'
  }
}

function send(s: State, res: ServerResponse, path: string, reply: Reply): void {
  const headers: Record<string, string> = { ...baseHeaders(s, path) }
  let body: Buffer = Buffer.alloc(0)
  if (reply.json !== undefined) {
    headers['content-type'] =
      s.kind === 'github' ? 'application/json; charset=utf-8' : 'application/json;charset=utf-8'
    body = Buffer.from(JSON.stringify(reply.json))
  } else if (reply.raw !== undefined) {
    body = typeof reply.raw === 'string' ? Buffer.from(reply.raw) : reply.raw
  }
  Object.assign(headers, reply.headers, { 'content-length': String(body.length) })
  res.writeHead(reply.status, headers)
  res.end(body)
}

const RECORDED_HEADERS = [
  'authorization',
  'accept',
  'user-agent',
  'content-type',
  'x-github-api-version',
  'x-ms-blob-type',
  'x-ms-blob-content-type'
]

function recordOf(
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  raw: Buffer
): RecordedRequest {
  const query: Record<string, string | string[]> = {}
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key)
    query[key] = all.length === 1 ? (all[0] ?? '') : all
  }
  const picked: Record<string, string> = {}
  for (const h of RECORDED_HEADERS) {
    const v = headers[h]
    if (v !== undefined) picked[h] = Array.isArray(v) ? v.join(', ') : v
  }
  let body: unknown
  try {
    body =
      /json/.test(headers['content-type'] ?? '') && raw.length > 0
        ? JSON.parse(raw.toString('utf8'))
        : undefined
  } catch {
    body = raw.toString('utf8')
  }
  return {
    method,
    path: url.pathname,
    query,
    headers: picked,
    body,
    bodyBytes: raw.length,
    status: 0,
    fault: false
  }
}

async function handle(s: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(Buffer.from(chunk as Uint8Array))
  const raw = Buffer.concat(chunks)
  const method = (req.method ?? 'GET').toUpperCase()
  const url = new URL(req.url ?? '/', s.url)
  const rec = recordOf(method, url, req.headers, raw)
  s.requests.push(rec)
  const c: Ctx = {
    method,
    url,
    q: url.searchParams,
    p: {},
    json: rec.body,
    raw,
    headers: req.headers
  }
  const target = resolve(s, c)
  rec.route = target.route
  const fault = takeFault(s, method, url.pathname)
  rec.fault = fault !== undefined
  // the socket stays open until the client gives up or the fake closes
  if (fault?.hang) return
  let reply: Reply
  try {
    if (fault?.afterHandling) target.run()
    reply = fault ?? target.run()
  } catch (e) {
    reply = json(500, {
      message: `fake forge crashed: ${e instanceof Error ? e.message : String(e)}`
    })
  }
  rec.status = reply.status
  send(s, res, url.pathname, reply)
}

// ---------- lifecycle and seeding ----------

async function listen(server: Server): Promise<string> {
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => ok())
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function shut(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((ok) => server.close(() => ok()))
}

function addArtifact(s: State, seed: ArtifactSeed, extra: Partial<StoredArtifact>): number {
  const id = seed.id ?? s.ids.artifact++
  const data = seed.zip ?? zipFiles(seed.files)
  const blobPath = `/blob/artifacts/${id}.zip`
  s.blobs.set(blobPath, { data, contentType: 'application/zip' })
  s.artifacts.set(id, {
    id,
    name: seed.name,
    blobPath,
    size: data.length,
    digest: `sha256:${hex(data)}`,
    expired: seed.expired ?? false,
    created_at: seed.created_at ?? nextSeedTime(s),
    ...extra
  })
  return id
}

// Seeded things are in the past, one minute apart, so anything created through the API is newer.
function nextSeedTime(s: State): string {
  s.seedClock += 60_000
  return iso(s.seedClock)
}

function seedRun(s: State, seed: RunSeed): void {
  const branch = seed.branch ?? 'main'
  const run: StoredRun = {
    id: seed.id,
    workflow: seed.workflow ?? 'bench.yml',
    workflow_id: seed.workflow_id ?? 1001,
    run_number: seed.run_number ?? seed.id,
    branch,
    ref: seed.ref ?? `refs/heads/${branch}`,
    event: seed.event ?? 'push',
    status: seed.status ?? 'completed',
    conclusion: seed.conclusion === undefined ? 'success' : seed.conclusion,
    head_sha: seed.head_sha ?? createHash('sha1').update(String(seed.id)).digest('hex'),
    created_at: seed.created_at ?? nextSeedTime(s),
    artifactIds: []
  }
  s.runs.set(run.id, run)
  for (const a of seed.artifacts ?? []) {
    run.artifactIds.push(
      addArtifact(s, a, { runId: run.id, created_at: a.created_at ?? run.created_at })
    )
  }
}

function seedComments(s: State, pr: number, seeds: CommentSeed[]): StoredComment[] {
  const list = commentsOf(s, pr)
  const added = seeds.map((seed) => {
    const created = seed.created_at ?? nextSeedTime(s)
    return {
      id: seed.id ?? s.ids.comment++,
      pr,
      body: seed.body,
      user: seed.user ?? { login: 'reviewer', id: 101, type: 'User' as const },
      created_at: created,
      updated_at: seed.updated_at ?? created
    }
  })
  list.push(...added)
  return added
}

export async function startFakeForge(options: FakeForgeOptions): Promise<FakeForge> {
  const ready: { state?: State } = {}
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (!ready.state) throw new Error('fake forge not ready')
    handle(ready.state, req, res).catch((e: unknown) => {
      res.destroy(e instanceof Error ? e : new Error(String(e)))
    })
  }
  const api = http.createServer(onRequest)
  const blobs = http.createServer(onRequest)
  const url = await listen(api)
  const blobUrl = await listen(blobs)
  const github = options.kind === 'github'
  const bot: ForgeUser = options.botUser ?? (github ? GITHUB_ACTIONS_BOT : FORGEJO_ACTIONS_USER)
  const s: State = {
    kind: options.kind,
    owner: options.owner ?? 'octo-org',
    repo: options.repo ?? 'bench-repo',
    url,
    apiUrl: github ? url : `${url}/api/v1`,
    blobUrl,
    serverUrl: options.serverUrl ?? url,
    token: options.token,
    bot,
    tokenUser: options.tokenUser ?? (github ? 'refuse' : bot),
    ignorePaging: options.forgejoIgnoresPaging ?? false,
    currentRunId: options.currentRunId,
    // without ../shared (a fork's CI) Forgejo mode still works, unchecked; the suites that assert
    // on contract violations are skipped there (support/shared.ts)
    contract:
      options.kind !== 'forgejo' || !existsSync(options.swaggerPath ?? defaultSwaggerPath())
        ? undefined
        : loadForgejoContract(options.swaggerPath),
    requests: [],
    violations: [],
    comments: new Map(),
    pulls: new Map(),
    runs: new Map(),
    artifacts: new Map(),
    blobs: new Map(),
    blocks: new Map(),
    pending: new Map(),
    v4Uploads: new Map(),
    secret: randomBytes(32),
    noResultsService: options.noResultsService ?? false,
    uploaded: [],
    faults: [],
    // GitHub ids no longer fit in 32 bits
    ids: github
      ? { comment: 3_100_000_001, artifact: 5_000_000_001 }
      : { comment: 1001, artifact: 201 },
    seedClock: Date.now() - 30 * 86_400_000,
    rateRemaining: 5000
  }
  ready.state = s
  return {
    kind: s.kind,
    owner: s.owner,
    repo: s.repo,
    url: s.url,
    apiUrl: s.apiUrl,
    blobUrl: s.blobUrl,
    serverUrl: s.serverUrl,
    requests: s.requests,
    contractViolations: s.violations,
    comments: s.comments,
    uploadedArtifacts: s.uploaded,
    commentsOn: (pr) => [...(s.comments.get(pr) ?? [])],
    seedComments: (pr, seeds) => seedComments(s, pr, seeds),
    seedRun: (run) => seedRun(s, run),
    seedPull: (pull) =>
      s.pulls.set(pull.number, {
        headRef: 'feature',
        headRepo: `${s.owner}/${s.repo}`,
        baseRef: 'main',
        state: 'open',
        ...pull
      }),
    seedResultsArtifact: (seed) =>
      addArtifact(s, seed, { runBackendId: seed.runBackendId, jobBackendId: seed.jobBackendId }),
    artifactFiles: (id) => {
      const a = s.artifacts.get(id)
      const stored = a && s.blobs.get(a.blobPath)
      try {
        return stored && unzipFiles(stored.data)
      } catch {
        return undefined
      }
    },
    injectFault: (f) => s.faults.push({ ...f, left: f.times ?? 1 }),
    pendingFaults: () => s.faults.length,
    hits: (route) => s.requests.filter((r) => r.route === route).length,
    close: async () => {
      await Promise.all([shut(api), shut(blobs)])
    }
  }
}
