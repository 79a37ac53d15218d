import { afterEach, describe, expect, it } from '@jest/globals'
import { describeWithShared } from './support/shared.js'
import {
  faults,
  makeRuntimeToken,
  startFakeForge,
  unzipFiles,
  zipFiles,
  type FakeForge,
  type FakeForgeOptions
} from './support/fake-forge.js'
import { loadForgejoContract } from './support/forgejo-contract.js'

const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService'
const COMMENTS = 'repos/octo-org/bench-repo/issues/7/comments'
const RUNS = 'repos/octo-org/bench-repo/actions'

let forge: FakeForge | undefined

async function start(options: FakeForgeOptions): Promise<FakeForge> {
  forge = await startFakeForge(options)
  return forge
}

afterEach(async () => {
  await forge?.close()
  forge = undefined
})

function call(f: FakeForge, path: string, init: RequestInit = {}): Promise<Response> {
  const url = /^https?:/.test(path) ? path : `${f.apiUrl}/${path}`
  return fetch(url, {
    redirect: 'manual',
    ...init,
    headers: { authorization: 'token t0ken', 'content-type': 'application/json', ...init.headers }
  })
}

const post = (f: FakeForge, path: string, body: unknown): Promise<Response> =>
  call(f, path, { method: 'POST', body: JSON.stringify(body) })

async function twirp(f: FakeForge, method: string, body: unknown): Promise<Response> {
  return fetch(`${f.url}${TWIRP}/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${makeRuntimeToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
}

const seeds = (n: number, body = 'chatter'): { body: string }[] =>
  Array.from({ length: n }, (_, i) => ({ body: `${body} ${i}` }))

const nextLink = (res: Response): string | undefined =>
  /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1]

describe('zip helpers', () => {
  it('round-trips text and binary entries', () => {
    const binary = Uint8Array.from([0, 1, 2, 255, 254])
    const files = unzipFiles(zipFiles({ 'report.json': '{"a":"é"}', 'dir/bin.dat': binary }))
    expect(Object.keys(files)).toEqual(['report.json', 'dir/bin.dat'])
    expect(files['report.json']?.toString('utf8')).toBe('{"a":"é"}')
    expect([...(files['dir/bin.dat'] ?? [])]).toEqual([0, 1, 2, 255, 254])
  })

  it('rejects data that is not a zip', () => {
    expect(() => unzipFiles(Buffer.from('hello'))).toThrow(/not a zip/)
  })
})

describe('GitHub issue comments', () => {
  it('paginates with Link headers, capping per_page at 100', async () => {
    const f = await start({ kind: 'github' })
    f.seedComments(7, seeds(250))
    const first = await call(f, `${COMMENTS}?per_page=500`)
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(first.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/)
    expect(await first.json()).toHaveLength(100)
    expect(first.headers.get('link')).toMatch(/per_page=100&page=3>; rel="last"/)

    const pages: unknown[][] = []
    let next: string | undefined = `${f.apiUrl}/${COMMENTS}?per_page=100`
    while (next) {
      const res = await call(f, next)
      pages.push((await res.json()) as unknown[])
      next = nextLink(res)
    }
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50])
    expect(f.requests[1]?.path).toBe(`/${COMMENTS}`)
    expect(f.requests[2]?.path).toMatch(/^\/repositories\/\d+\/issues\/7\/comments$/)
    expect(f.requests.every((r) => r.headers['authorization'] === 'token t0ken')).toBe(true)
  })

  it('creates, updates and deletes comments in GitHub shape', async () => {
    const f = await start({ kind: 'github' })
    const created = await post(f, COMMENTS, { body: '<!-- io-storm-catcher:iostorm --> hi' })
    expect(created.status).toBe(201)
    const comment = (await created.json()) as Record<string, unknown>
    expect(comment).toMatchObject({
      body: '<!-- io-storm-catcher:iostorm --> hi',
      user: { login: 'github-actions[bot]', type: 'Bot' },
      html_url: expect.stringContaining('/octo-org/bench-repo/pull/7#issuecomment-')
    })
    expect(comment['id']).toBeGreaterThan(2 ** 31)
    const id = String(comment['id'])

    const patched = await call(f, `repos/octo-org/bench-repo/issues/comments/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ body: 'updated' })
    })
    expect(patched.status).toBe(200)
    expect(f.commentsOn(7).map((c) => c.body)).toEqual(['updated'])

    const deleted = await call(f, `repos/octo-org/bench-repo/issues/comments/${id}`, {
      method: 'DELETE'
    })
    expect(deleted.status).toBe(204)
    expect(f.commentsOn(7)).toEqual([])
    const gone = await call(f, `repos/octo-org/bench-repo/issues/comments/${id}`, {
      method: 'DELETE'
    })
    expect(gone.status).toBe(404)
    expect(f.hits('DELETE /repos/{owner}/{repo}/issues/comments/{id}')).toBe(2)
  })

  it('enforces authentication, the 65,536 character limit and the repository', async () => {
    const f = await start({ kind: 'github', token: 't0ken' })
    const anonymous = await fetch(`${f.apiUrl}/${COMMENTS}`)
    expect(anonymous.status).toBe(401)
    const wrong = await call(f, COMMENTS, { headers: { authorization: 'token nope' } })
    expect(wrong.status).toBe(401)
    const tooLong = await post(f, COMMENTS, { body: 'x'.repeat(65537) })
    expect(tooLong.status).toBe(422)
    expect(await tooLong.text()).toMatch(/maximum is 65536 characters/)
    expect((await post(f, COMMENTS, { body: 'x'.repeat(65536) })).status).toBe(201)
    expect((await call(f, 'repos/someone/else/issues/7/comments')).status).toBe(404)
  })
})

describe('who the token is, and pull requests', () => {
  it('GitHub: GET /user refuses the installation token; GraphQL viewer answers', async () => {
    const f = await start({ kind: 'github' })
    const user = await call(f, 'user')
    expect(user.status).toBe(403)
    expect(await user.json()).toMatchObject({ message: 'Resource not accessible by integration' })
    const viewer = await post(f, `${f.url}/graphql`, {
      query: 'query { viewer { login databaseId } }'
    })
    expect(await viewer.json()).toEqual({
      data: { viewer: { login: 'github-actions[bot]', databaseId: 41898282 } }
    })
    const other = await post(f, `${f.url}/graphql`, { query: 'query { repository { id } }' })
    expect(await other.json()).toMatchObject({ errors: [expect.any(Object)] })
  })

  it('answers GET /user with a configured user', async () => {
    const f = await start({ kind: 'github', tokenUser: { login: 'me', id: 9 } })
    expect(await (await call(f, 'user')).json()).toMatchObject({ login: 'me', id: 9 })
  })

  it('serves seeded pull requests with their head, and lists them by head', async () => {
    const f = await start({ kind: 'github' })
    f.seedPull({ number: 3, headSha: 'aaa', headRef: 'x', headRepo: 'fork/bench-repo' })
    f.seedPull({ number: 4, headSha: 'bbb', headRef: 'x', state: 'closed' })
    f.seedPull({ number: 5, headSha: 'ccc', headRef: 'y', headRepo: null })
    expect(await (await call(f, 'repos/octo-org/bench-repo/pulls/3')).json()).toMatchObject({
      number: 3,
      base: { ref: 'main' },
      head: {
        sha: 'aaa',
        ref: 'x',
        repo: { full_name: 'fork/bench-repo', owner: { login: 'fork' } }
      }
    })
    expect(await (await call(f, 'repos/octo-org/bench-repo/pulls/5')).json()).toMatchObject({
      head: { repo: null }
    })
    expect((await call(f, 'repos/octo-org/bench-repo/pulls/6')).status).toBe(404)
    const list = async (query: string) =>
      (
        (await (await call(f, `repos/octo-org/bench-repo/pulls?${query}`)).json()) as {
          number: number
        }[]
      ).map((p) => p.number)
    expect(await list('state=open')).toEqual([5, 3])
    expect(await list('state=open&head=fork:x')).toEqual([3])
    expect(await list('state=all&head=octo-org:x')).toEqual([4])
  })
})

describe('fault injection', () => {
  it('fails once with 500, then serves normally and counts both hits', async () => {
    const f = await start({ kind: 'github' })
    f.injectFault({ method: 'POST', path: /\/issues\/\d+\/comments$/, ...faults.serverError() })
    const failed = await post(f, COMMENTS, { body: 'a' })
    expect(failed.status).toBe(500)
    const ok = await post(f, COMMENTS, { body: 'a' })
    expect(ok.status).toBe(201)
    expect(f.commentsOn(7)).toHaveLength(1)
    expect(f.hits('POST /repos/{owner}/{repo}/issues/{index}/comments')).toBe(2)
    expect(f.requests.map((r) => [r.status, r.fault])).toEqual([
      [500, true],
      [201, false]
    ])
    expect(f.pendingFaults()).toBe(0)
  })

  it('can hang a request, or answer 200 with an HTML page', async () => {
    const f = await start({ kind: 'github' })
    f.injectFault({ path: `/${COMMENTS}`, ...faults.hang() })
    f.injectFault({ path: `/${COMMENTS}`, ...faults.htmlOk() })
    await expect(call(f, COMMENTS, { signal: AbortSignal.timeout(300) })).rejects.toThrow(
      /aborted|timeout/i
    )
    const html = await call(f, COMMENTS)
    expect(html.status).toBe(200)
    expect(html.headers.get('content-type')).toBe('text/html')
    expect(await html.text()).toMatch(/^<!DOCTYPE html>/)
    expect(f.pendingFaults()).toBe(0)
  })

  it('serves N-shot rate-limit and forbidden answers with GitHub headers and bodies', async () => {
    const f = await start({ kind: 'github' })
    f.injectFault({ path: `/${COMMENTS}`, times: 2, ...faults.primaryRateLimit(5) })
    f.injectFault({ method: 'POST', path: `/${COMMENTS}`, ...faults.forbidden() })
    for (let i = 0; i < 2; i++) {
      const limited = await call(f, COMMENTS)
      expect(limited.status).toBe(403)
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0')
      expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000)
    }
    expect((await call(f, COMMENTS)).status).toBe(200)
    const denied = await post(f, COMMENTS, { body: 'a' })
    expect(denied.status).toBe(403)
    expect(await denied.json()).toMatchObject({ message: 'Resource not accessible by integration' })
    const gateway = faults.badGateway()
    f.injectFault({ path: /comments/, ...gateway })
    const bad = await call(f, COMMENTS)
    expect(bad.status).toBe(502)
    expect(bad.headers.get('content-type')).toBe('text/html')
  })
})

describe('GitHub runs and artifacts', () => {
  async function seeded(): Promise<FakeForge> {
    const f = await start({ kind: 'github' })
    f.seedRun({
      id: 10,
      branch: 'main',
      artifacts: [{ name: 'iostorm-report', files: { 'report.json': '{"v":10}' } }]
    })
    f.seedRun({ id: 11, branch: 'feature', event: 'pull_request' })
    f.seedRun({ id: 12, branch: 'main', conclusion: 'failure' })
    f.seedRun({
      id: 13,
      branch: 'main',
      artifacts: [{ name: 'iostorm-report', files: { 'report.json': '{}' }, expired: true }]
    })
    f.seedRun({ id: 20, workflow: 'other.yml', workflow_id: 2002 })
    return f
  }

  it('looks up a run and lists the workflow runs newest first with filters', async () => {
    const f = await seeded()
    const run = (await (await call(f, `${RUNS}/runs/11`)).json()) as Record<string, unknown>
    expect(run).toMatchObject({
      id: 11,
      workflow_id: 1001,
      head_branch: 'feature',
      event: 'pull_request'
    })
    expect(run['path']).toBe('.github/workflows/bench.yml')

    for (const wf of ['1001', 'bench.yml']) {
      const res = await call(
        f,
        `${RUNS}/workflows/${wf}/runs?branch=main&event=push&status=success&per_page=5`
      )
      const body = (await res.json()) as { total_count: number; workflow_runs: { id: number }[] }
      expect(body.total_count).toBe(2)
      expect(body.workflow_runs.map((r) => r.id)).toEqual([13, 10])
    }
    expect((await call(f, `${RUNS}/workflows/9999/runs`)).status).toBe(404)
    expect((await call(f, `${RUNS}/runs/404`)).status).toBe(404)
  })

  it('redirects a download to another origin and serves the seeded zip without a token', async () => {
    const f = await seeded()
    const list = await call(f, `${RUNS}/runs/10/artifacts?name=iostorm-report`)
    const body = (await list.json()) as {
      total_count: number
      artifacts: {
        id: number
        expired: boolean
        archive_download_url: string
        workflow_run: unknown
      }[]
    }
    expect(body.total_count).toBe(1)
    const artifact = body.artifacts[0]
    expect(artifact).toMatchObject({
      expired: false,
      workflow_run: { id: 10, head_branch: 'main' }
    })

    const redirect = await call(f, artifact?.archive_download_url ?? '')
    expect(redirect.status).toBe(302)
    const location = redirect.headers.get('location') ?? ''
    expect(location.startsWith(f.blobUrl)).toBe(true)
    expect(new URL(location).origin).not.toBe(new URL(f.url).origin)

    const leaked = await fetch(location, { headers: { authorization: 'token t0ken' } })
    expect(leaked.status).toBe(400)
    const zip = await fetch(location)
    expect(zip.status).toBe(200)
    expect(zip.headers.get('content-type')).toBe('application/zip')
    const files = unzipFiles(Buffer.from(await zip.arrayBuffer()))
    expect(files['report.json']?.toString()).toBe('{"v":10}')
  })

  it('answers 410 for an expired artifact and 404 for a run without it', async () => {
    const f = await seeded()
    const list = (await (await call(f, `${RUNS}/runs/13/artifacts`)).json()) as {
      artifacts: { id: number; expired: boolean }[]
    }
    expect(list.artifacts[0]?.expired).toBe(true)
    const expired = await call(f, `${RUNS}/artifacts/${list.artifacts[0]?.id ?? 0}/zip`)
    expect(expired.status).toBe(410)
    const none = (await (
      await call(f, `${RUNS}/runs/12/artifacts?name=iostorm-report`)
    ).json()) as {
      total_count: number
    }
    expect(none.total_count).toBe(0)
  })
})

describeWithShared('Forgejo mode', () => {
  it('pages comments by page/limit (limit capped at 50) and flags page/limit as undeclared', async () => {
    const f = await start({ kind: 'forgejo' })
    expect(f.apiUrl).toBe(`${f.url}/api/v1`)
    f.seedComments(7, seeds(120))
    const res = await call(f, `${COMMENTS}?limit=100&page=3`)
    expect(res.headers.get('content-type')).toBe('application/json;charset=utf-8')
    expect(res.headers.get('x-total-count')).toBe('120')
    const page = (await res.json()) as {
      body: string
      pull_request_url: string
      user: { login: string }
    }[]
    expect(page.map((c) => c.body)).toEqual(
      seeds(120)
        .slice(100)
        .map((s) => s.body)
    )
    expect(page[0]?.pull_request_url).toBe(`${f.url}/octo-org/bench-repo/pulls/7`)
    expect(res.headers.get('link')).toMatch(/rel="prev"/)
    expect(nextLink(res)).toBeUndefined()
    expect(f.contractViolations.map((v) => [v.kind, v.detail, v.operationId])).toEqual([
      ['undeclared-query', 'query parameter "limit"', 'issueGetComments'],
      ['undeclared-query', 'query parameter "page"', 'issueGetComments']
    ])
  })

  it('can ignore paging and return every comment on every page', async () => {
    const f = await start({ kind: 'forgejo', forgejoIgnoresPaging: true })
    f.seedComments(7, seeds(70))
    const one = await call(f, `${COMMENTS}?limit=50&page=1`)
    const two = await call(f, `${COMMENTS}?limit=50&page=2`)
    const [a, b] = [(await one.json()) as unknown[], (await two.json()) as unknown[]]
    expect(a).toHaveLength(70)
    expect(b).toEqual(a)
    expect(one.headers.get('link')).toBeNull()
  })

  it('creates comments as forgejo-actions with no length limit and without violations', async () => {
    const f = await start({ kind: 'forgejo' })
    const res = await post(f, COMMENTS, { body: 'y'.repeat(70000) })
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({
      user: { login: 'forgejo-actions', id: -2 },
      issue_url: ''
    })
    expect(f.contractViolations).toEqual([])
  })

  it('has runs and run artifacts in Forgejo v16 shapes, downloads with 200, 404 once expired', async () => {
    const f = await start({ kind: 'forgejo', currentRunId: 31 })
    f.seedRun({
      id: 30,
      artifacts: [{ name: 'iostorm-report', files: { 'report.json': '{"v":30}' } }]
    })
    f.seedRun({
      id: 31,
      branch: 'feature',
      event: 'pull_request',
      status: 'in_progress',
      conclusion: null
    })
    f.seedRun({
      id: 32,
      artifacts: [{ name: 'iostorm-report', files: { 'a.txt': 'a' }, expired: true }]
    })

    const current = (await (await call(f, 'actions/run')).json()) as Record<string, unknown>
    expect(current).toMatchObject({
      id: 31,
      status: 'running',
      workflow_id: 'bench.yml',
      prettyref: 'feature'
    })

    const runs = await call(
      f,
      `${RUNS}/runs?workflow_id=bench.yml&ref=refs/heads/main&status=success&event=push&limit=50`
    )
    const list = (await runs.json()) as {
      total_count: number
      workflow_runs: Record<string, unknown>[]
    }
    expect(list.workflow_runs.map((r) => r['id'])).toEqual([32, 30])
    expect(list.workflow_runs[0]).not.toHaveProperty('head_branch')
    expect((await call(f, `${RUNS}/runs?status=completed`)).status).toBe(400)

    const arts = await call(f, `${RUNS}/runs/30/artifacts?name=iostorm-report`)
    expect(arts.headers.get('x-total-count')).toBe('1')
    const [art] = (await arts.json()) as {
      id: number
      run_id: number
      archive_download_url: string
    }[]
    expect(art?.run_id).toBe(30)
    const zip = await call(f, art?.archive_download_url ?? '')
    expect(zip.status).toBe(200)
    expect(unzipFiles(Buffer.from(await zip.arrayBuffer()))['report.json']?.toString()).toBe(
      '{"v":30}'
    )

    const [old] = (await (await call(f, `${RUNS}/runs/32/artifacts`)).json()) as { id: number }[]
    expect((await call(f, `${RUNS}/artifacts/${old?.id ?? 0}/zip`)).status).toBe(404)
    expect(f.contractViolations).toEqual([])
  })

  it('404s what Forgejo lacks and records the contract violation', async () => {
    const f = await start({ kind: 'forgejo' })
    expect((await call(f, `${RUNS}/workflows/bench.yml/runs?branch=main`)).status).toBe(404)
    expect(
      (await call(f, 'repos/octo-org/bench-repo/issues/7/comments', { method: 'PUT' })).status
    ).toBe(404)
    expect((await fetch(`${f.url}/repos/octo-org/bench-repo/issues/7/comments`)).status).toBe(404)
    expect(f.contractViolations.map((v) => v.kind)).toEqual([
      'unknown-path',
      'unknown-method',
      'outside-base-path'
    ])
    // declared by Forgejo but not implemented here: not a silent 404
    expect((await call(f, `${RUNS}/runs/1/jobs`)).status).toBe(501)
  })
})

describeWithShared('Forgejo contract', () => {
  it('matches templates and checks query parameters and body fields', () => {
    const contract = loadForgejoContract()
    expect(contract.find('GET', '/repos/o/r/actions/runs/5/artifacts')?.operationId).toBe(
      'ListActionRunArtifacts'
    )
    expect(contract.find('PATCH', '/repos/o/r/issues/comments/5')?.operationId).toBe(
      'issueEditComment'
    )
    const q = new URLSearchParams('name=x&per_page=100')
    expect(
      contract.check('GET', '/api/v1/repos/o/r/actions/runs/5/artifacts', q, undefined)
    ).toEqual([
      expect.objectContaining({ kind: 'undeclared-query', detail: 'query parameter "per_page"' })
    ])
    const body = { body: 'x', title: 'no' }
    expect(
      contract.check('PATCH', '/api/v1/repos/o/r/issues/comments/5', new URLSearchParams(), body)
    ).toEqual([
      expect.objectContaining({ kind: 'undeclared-body-field', detail: 'body field "title"' })
    ])
    expect(
      contract.check('GET', '/api/v1/repos/o/r/pulls/3.diff', new URLSearchParams(), undefined)
    ).toEqual([])
  })
})

describe('artifact results service', () => {
  const ids = {
    workflow_run_backend_id: 'run-backend-1',
    workflow_job_run_backend_id: 'job-backend-1'
  }

  async function create(f: FakeForge, name: string): Promise<string> {
    const res = await twirp(f, 'CreateArtifact', { ...ids, name, version: 4 })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { ok: boolean; signedUploadUrl: string }
    expect(body.ok).toBe(true)
    return body.signedUploadUrl
  }

  const blockUrl = (url: string, id: string): string =>
    `${url}&comp=block&blockid=${encodeURIComponent(Buffer.from(id).toString('base64'))}`

  it('uploads in blocks, finalizes, lists and downloads through a signed URL', async () => {
    const f = await start({ kind: 'github' })
    const zip = zipFiles({ 'report.json': '{"spikes":3}', 'report.md': '# report' })
    const upload = await create(f, 'iostorm-report')
    expect(upload.startsWith(f.blobUrl)).toBe(true)
    const halves = [zip.subarray(0, 40), zip.subarray(40)]
    for (const [i, part] of halves.entries()) {
      const put = await fetch(blockUrl(upload, `block-${i}`), { method: 'PUT', body: part })
      expect(put.status).toBe(201)
      expect(put.headers.get('x-ms-request-id')).toBeTruthy()
    }
    const list = ['block-0', 'block-1'].map(
      (id) => `<Latest>${Buffer.from(id).toString('base64')}</Latest>`
    )
    const commit = await fetch(`${upload}&comp=blocklist`, {
      method: 'PUT',
      headers: { 'x-ms-blob-content-type': 'zip', 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="utf-8"?><BlockList>${list.join('')}</BlockList>`
    })
    expect(commit.status).toBe(201)
    expect(commit.headers.get('etag')).toBeTruthy()

    const fin = await twirp(f, 'FinalizeArtifact', {
      ...ids,
      name: 'iostorm-report',
      size: String(zip.length)
    })
    const { artifactId } = (await fin.json()) as { artifactId: string }
    expect(f.uploadedArtifacts).toHaveLength(1)
    const uploaded = f.uploadedArtifacts[0]
    expect(uploaded?.id).toBe(Number(artifactId))
    expect(uploaded?.files['report.json']?.toString()).toBe('{"spikes":3}')
    expect(uploaded?.blobContentType).toBe('zip')

    const listed = await twirp(f, 'ListArtifacts', { ...ids, name_filter: 'iostorm-report' })
    const { artifacts } = (await listed.json()) as {
      artifacts: { databaseId: string; size: string }[]
    }
    expect(artifacts).toEqual([
      expect.objectContaining({ databaseId: artifactId, size: String(zip.length) })
    ])

    const signed = await twirp(f, 'GetSignedArtifactURL', { ...ids, name: 'iostorm-report' })
    const { signedUrl } = (await signed.json()) as { signedUrl: string }
    const download = await fetch(signedUrl)
    expect(Buffer.from(await download.arrayBuffer()).equals(zip)).toBe(true)

    const again = await twirp(f, 'CreateArtifact', { ...ids, name: 'iostorm-report', version: 4 })
    expect(again.status).toBe(409)
  })

  it('accepts a single Put Blob, requires x-ms-blob-type and a bearer token', async () => {
    const f = await start({ kind: 'github' })
    const upload = await create(f, 'raw')
    const missing = await fetch(upload, { method: 'PUT', body: 'x' })
    expect(missing.status).toBe(400)
    expect(missing.headers.get('x-ms-error-code')).toBe('MissingRequiredHeader')
    const put = await fetch(upload, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: '{"a":1}'
    })
    expect(put.status).toBe(201)
    const fin = await twirp(f, 'FinalizeArtifact', { ...ids, name: 'raw', size: '7' })
    expect(fin.status).toBe(200)
    expect(f.uploadedArtifacts[0]?.files['raw']?.toString()).toBe('{"a":1}')

    const anonymous = await fetch(`${f.url}${TWIRP}/ListArtifacts`, { method: 'POST', body: '{}' })
    expect(anonymous.status).toBe(401)
  })

  it('lists seeded artifacts of the current run and mimics Forgejo quirks', async () => {
    const gh = await start({ kind: 'github' })
    gh.seedResultsArtifact({ name: 'plugbench-a', files: { 'events.parquet': 'PAR1' } })
    gh.seedResultsArtifact({ name: 'plugbench-b', files: { x: 'y' }, runBackendId: 'another-run' })
    const listed = await twirp(gh, 'ListArtifacts', ids)
    const body = (await listed.json()) as { artifacts: { name: string }[] }
    expect(body.artifacts.map((a) => a.name)).toEqual(['plugbench-a'])
    await gh.close()

    // Forgejo's token scope names the run by its numeric id, and only that run is answered
    const fj = await start({ kind: 'forgejo' })
    const fjCall = (body: unknown, run = '21') =>
      fetch(`${fj.url}${TWIRP}/ListArtifacts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${makeRuntimeToken(run, '49')}` },
        body: JSON.stringify(body)
      })
    const fjIds = { workflow_run_backend_id: '21', workflow_job_run_backend_id: '49' }
    expect((await fjCall(fjIds)).status).toBe(404)
    expect((await fjCall(fjIds, '22')).status).toBe(400)
    expect((await twirp(fj, 'ListArtifacts', ids)).status).toBe(401)
    const withMime = await fetch(`${fj.url}${TWIRP}/CreateArtifact`, {
      method: 'POST',
      headers: { authorization: `Bearer ${makeRuntimeToken('21', '49')}` },
      body: JSON.stringify({ ...fjIds, name: 'r', version: 7, mime_type: 'application/json' })
    })
    expect(withMime.status).toBe(500)
  })
})
