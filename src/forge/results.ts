import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { Readable, Transform } from 'node:stream'
import { errorMessage } from '../errors.js'
import { RequestTimeoutError, HTTP_TIMEOUT_ENV, type FetchLike, type ForgeBudget } from './http.js'

/**
 * A small client for the artifact service of a workflow run on Forgejo (7 and later) and Gitea
 * (1.22 and later): GitHub's Twirp `ArtifactService` (JSON bodies) under ACTIONS_RESULTS_URL,
 * authorised by the runner's ACTIONS_RUNTIME_TOKEN, with uploads to and downloads from the signed
 * URLs it hands out. It sends only what those servers understand (docs/action.md, "Artifacts on
 * Forgejo and Gitea"): no `mime_type` in CreateArtifact (refused with HTTP 500), the signed URL
 * byte for byte (a re-encoded `=` in its signature is refused with 401), blocks then a block list,
 * then FinalizeArtifact with the size and the sha256 hash.
 */

const SERVICE = 'twirp/github.actions.results.api.v1.ArtifactService'

/** Where the run's artifact service is, and who this job is to it. */
export interface ResultsService {
  /** ACTIONS_RESULTS_URL without trailing slashes (a Forgejo under a sub-path keeps it). */
  url: string
  token: string
  /** The run's and the job's ids in the service, from the token's `Actions.Results` scope. */
  runBackendId: string
  jobBackendId: string
}

/** Why a runner gives no usable artifact service: too old a runner or server. */
export class NoResultsService extends Error {}

/** The `Actions.Results:<run>:<job>` scope of the runtime token (a JWT), or null. */
export function resultsScope(token: string): { run: string; job: string } | null {
  const payload = token.split('.')[1]
  if (token.split('.').length !== 3 || !payload) return null
  let claims: unknown
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  const scopes = (claims as { scp?: unknown } | null)?.scp
  if (typeof scopes !== 'string') return null
  for (const scope of scopes.split(' ')) {
    const parts = scope.split(':')
    if (parts.length === 3 && parts[0] === 'Actions.Results' && parts[1] && parts[2]) {
      return { run: parts[1], job: parts[2] }
    }
  }
  return null
}

/**
 * The artifact service the runner gives this job; throws NoResultsService saying what is missing:
 * ACTIONS_RESULTS_URL (forgejo-runner before 3.4), or a runtime token with the results scope
 * (Forgejo before 7, Gitea before 1.22 hand out a plain token).
 */
export function resultsServiceOf(env: NodeJS.ProcessEnv): ResultsService {
  const url = env.ACTIONS_RESULTS_URL?.trim().replace(/\/+$/, '')
  if (!url) throw new NoResultsService('the runner sets no ACTIONS_RESULTS_URL')
  const token = env.ACTIONS_RUNTIME_TOKEN?.trim() ?? ''
  if (!token) throw new NoResultsService('the runner sets no ACTIONS_RUNTIME_TOKEN')
  const scope = resultsScope(token)
  if (scope === null) {
    throw new NoResultsService('the runtime token carries no Actions.Results scope')
  }
  return { url, token, runBackendId: scope.run, jobBackendId: scope.job }
}

/** The service answered a call with an HTTP error. */
export class ResultsError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The answer was a web page (a server without the service, a proxy), not the service's. */
    readonly page = false
  ) {
    super(message)
  }
}

/** An artifact of this run, as ListArtifacts names it. */
export interface ListedArtifact {
  name: string
  id: number
  /** ISO 8601 ('' when not said). */
  created: string
}

/** Bytes of one uploaded block; the report files are far smaller, telemetry is never uploaded. */
export const BLOCK_BYTES = 4 * 1024 * 1024

/** Tries of one request to the artifact service, and the answers worth another try. */
const ATTEMPTS = 3
const TRANSIENT = new Set([429, 502, 503, 504])

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04])
const EMPTY_ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06])

/** Whether `head` (the first bytes of a download) opens a zip archive. */
export function looksLikeZip(head: Buffer): boolean {
  const start = head.subarray(0, 4)
  return start.equals(ZIP_MAGIC) || start.equals(EMPTY_ZIP_MAGIC)
}

const text = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined

/** A field of a protobuf JSON answer, under its JSON (lowerCamel) or its proto name. */
function fieldOf(body: Record<string, unknown>, camel: string): unknown {
  return body[camel] ?? body[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)]
}

export class ResultsClient {
  constructor(
    private readonly service: ResultsService,
    private readonly fetch: FetchLike,
    private readonly budget: ForgeBudget,
    private readonly blockBytes = BLOCK_BYTES
  ) {}

  private get ids() {
    return {
      workflow_run_backend_id: this.service.runBackendId,
      workflow_job_run_backend_id: this.service.jobBackendId
    }
  }

  /** One Twirp call; an HTTP error throws ResultsError with its status and the answer's text. */
  private async call(method: string, body: object): Promise<Record<string, unknown>> {
    const response = await this.send(`${this.service.url}/${SERVICE}/${method}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.service.token}`,
        'content-type': 'application/json',
        accept: 'application/json'
      },
      body: JSON.stringify(body)
    })
    const answer = await this.readText(response, `${method}`)
    if (!response.ok) {
      const said = answer.replace(/\s+/g, ' ').trim().slice(0, 200)
      const page = /html/i.test(response.headers.get('content-type') ?? '')
      throw new ResultsError(
        `${method} answered HTTP ${response.status}${said && !page ? ` (${said})` : ''}`,
        response.status,
        page
      )
    }
    try {
      const parsed: unknown = JSON.parse(answer)
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return parsed as Record<string, unknown>
      }
    } catch {
      // said below
    }
    throw new Error(`${method} answered something that is not a JSON object`)
  }

  /**
   * A request, tried again (after 1 s, then 2 s) when the server is briefly unavailable (HTTP 429,
   * 502, 503, 504) or the connection fails. Every call and block is safe to repeat: the server
   * keeps one artifact per name, and a block is stored under its id. A timeout is not retried
   * (a server that hung for the whole timeout rarely answers the next try).
   */
  private async send(url: string, init: RequestInit): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let response: Response
      try {
        response = await this.fetch(url, init)
      } catch (error) {
        const name = (error as Error | null)?.name
        if (attempt >= ATTEMPTS || name === 'AbortError' || name === 'TimeoutError') throw error
        await this.pause(attempt)
        continue
      }
      if (attempt >= ATTEMPTS || !TRANSIENT.has(response.status)) return response
      await response.body?.cancel().catch(() => undefined)
      await this.pause(attempt)
    }
  }

  private async pause(attempt: number): Promise<void> {
    this.budget.check()
    await new Promise((done) => setTimeout(done, 1000 * 2 ** (attempt - 1)))
    this.budget.check()
  }

  /** A small answer's text (a Twirp answer, an error page): at most 1 MiB is read. */
  private async readText(response: Response, what: string): Promise<string> {
    const chunks: Uint8Array[] = []
    let size = 0
    try {
      for await (const chunk of response.body ?? []) {
        size += chunk.byteLength
        if (size > 1024 * 1024) {
          await response.body?.cancel().catch(() => undefined)
          throw new Error(`${what}: the answer is over 1 MiB`)
        }
        chunks.push(chunk)
      }
    } catch (error) {
      throw this.cut(error, what)
    }
    return Buffer.concat(chunks).toString('utf8')
  }

  /** A body cut by the timeout or the budget says so. */
  private cut(error: unknown, what: string): unknown {
    if (this.budget.exceeded) return this.budget.error()
    if ((error as Error | null)?.name === 'TimeoutError') {
      return new RequestTimeoutError(
        `${what}: the answer did not arrive in time (${HTTP_TIMEOUT_ENV})`
      )
    }
    return error
  }

  /**
   * This run's artifacts, one per name (the newest). Forgejo and Gitea before 1.24 answer 404
   * (in plain text) when the run has none yet: that is an empty list. A 404 web page is a server
   * without the service, and stays an error.
   */
  async list(): Promise<ListedArtifact[]> {
    let answer: Record<string, unknown>
    try {
      answer = await this.call('ListArtifacts', this.ids)
    } catch (error) {
      if (error instanceof ResultsError && error.status === 404 && !error.page) return []
      throw error
    }
    const listed = answer.artifacts ?? []
    if (!Array.isArray(listed)) throw new Error('ListArtifacts answered no list of artifacts')
    const newest = new Map<string, ListedArtifact>()
    for (const item of listed) {
      if (typeof item !== 'object' || item === null) continue
      const record = item as Record<string, unknown>
      const name = text(record.name)
      if (name === undefined) continue
      const artifact = {
        name,
        id: Number(text(fieldOf(record, 'databaseId')) ?? 0),
        created: text(fieldOf(record, 'createdAt')) ?? ''
      }
      const known = newest.get(name)
      if (!known || (artifact.created.localeCompare(known.created) || artifact.id - known.id) > 0) {
        newest.set(name, artifact)
      }
    }
    return [...newest.values()]
  }

  /**
   * Uploads `zip` as the artifact `name` and returns its id (when the service says it). The
   * server keeps one artifact per name and run: a re-run's upload replaces the earlier one (a
   * server that refuses an existing name with 409 has it deleted first).
   */
  async upload(name: string, zip: Buffer): Promise<number | undefined> {
    let created: Record<string, unknown>
    // fields 1-5 of CreateArtifactRequest only (no mime_type): see the class comment
    const request = { ...this.ids, name, version: 4 }
    try {
      created = await this.call('CreateArtifact', request)
    } catch (error) {
      if (!(error instanceof ResultsError) || error.status !== 409) throw error
      await this.call('DeleteArtifact', { ...this.ids, name })
      created = await this.call('CreateArtifact', request)
    }
    const signed = text(fieldOf(created, 'signedUploadUrl'))
    if (!signed) throw new Error('CreateArtifact answered no upload URL')

    const blocks: string[] = []
    for (let offset = 0, index = 0; offset < zip.length || index === 0; index++) {
      const block = zip.subarray(offset, offset + this.blockBytes)
      // the same length for every id, as blob storage requires; letters and digits only
      const id = Buffer.from(`block-${String(index).padStart(6, '0')}`).toString('base64')
      await this.put(`${signed}&comp=block&blockid=${encodeURIComponent(id)}`, block, 'a block')
      blocks.push(id)
      offset += block.length
    }
    const list =
      '<?xml version="1.0" encoding="utf-8"?><BlockList>' +
      blocks.map((id) => `<Latest>${id}</Latest>`).join('') +
      '</BlockList>'
    await this.put(`${signed}&comp=blocklist`, Buffer.from(list), 'the block list')

    const finalized = await this.call('FinalizeArtifact', {
      ...this.ids,
      name,
      size: String(zip.length),
      hash: `sha256:${createHash('sha256').update(zip).digest('hex')}`
    })
    if (fieldOf(finalized, 'ok') === false) throw new Error('FinalizeArtifact answered not ok')
    const id = Number(text(fieldOf(finalized, 'artifactId')))
    return Number.isSafeInteger(id) && id > 0 ? id : undefined
  }

  /** A PUT to the signed URL: the URL is its credential, so no token goes with it. */
  private async put(url: string, body: Buffer, what: string): Promise<void> {
    const response = await this.send(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'x-ms-blob-type': 'BlockBlob' },
      body
    })
    const answer = await this.readText(response, `uploading ${what}`)
    if (!response.ok) {
      throw new ResultsError(
        `uploading ${what} answered HTTP ${response.status} (${answer.slice(0, 200).trim()})`,
        response.status
      )
    }
  }

  /**
   * Downloads the artifact `name` into the file `path`, stopping past `limit` bytes; returns
   * whether it is a zip archive. Forgejo serves it as application/octet-stream from a URL that
   * does not end in .zip, so the bytes tell, not the headers.
   */
  async download(name: string, path: string, limit: number): Promise<boolean> {
    const answer = await this.call('GetSignedArtifactURL', { ...this.ids, name })
    const url = text(fieldOf(answer, 'signedUrl'))
    if (!url) throw new Error('GetSignedArtifactURL answered no URL')
    const response = await this.send(url, { method: 'GET' })
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined)
      throw new ResultsError(`the download answered HTTP ${response.status}`, response.status)
    }
    const declared = Number(response.headers.get('content-length'))
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel().catch(() => undefined)
      throw new RangeError(`the download is ${declared} bytes, over the ${limit}-byte limit`)
    }
    let size = 0
    const head: Buffer[] = []
    const capped = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length
        if (size > limit) {
          done(new RangeError(`the download is over the ${limit}-byte limit`))
          return
        }
        if (head.length < 4) head.push(chunk.subarray(0, 4))
        done(null, chunk)
      }
    })
    if (!response.body) throw new Error('the download has no body')
    try {
      await pipeline(
        Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
        capped,
        createWriteStream(path, { flags: 'wx' })
      )
    } catch (error) {
      const cut = this.cut(error, 'the download')
      throw cut instanceof Error ? cut : new Error(errorMessage(cut))
    }
    return looksLikeZip(Buffer.concat(head))
  }
}
