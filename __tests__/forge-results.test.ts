/**
 * The artifact service client of Forgejo and Gitea (src/forge/results.ts) against the fake
 * servers' artifact service: the runtime token's scope, uploads in many blocks, listing and
 * downloading, and the servers' quirks it must respect.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { ForgeBudget } from '../src/forge/http.js'
import {
  NoResultsService,
  ResultsClient,
  resultsScope,
  resultsServiceOf
} from '../src/forge/results.js'
import { makeRuntimeToken, startFakeForge, type FakeForge } from './support/fake-forge.js'

const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService/'
const open: FakeForge[] = []
const budgets: ForgeBudget[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((forge) => forge.close()))
  for (const budget of budgets.splice(0)) budget.dispose()
})

async function clientFor(kind: 'forgejo' | 'gitea', run = '21', blockBytes?: number) {
  const forge = await startFakeForge({ kind })
  open.push(forge)
  const budget = new ForgeBudget(20_000)
  budgets.push(budget)
  const service = resultsServiceOf({
    ACTIONS_RESULTS_URL: `${forge.url}/`,
    ACTIONS_RUNTIME_TOKEN: makeRuntimeToken(run, '49')
  })
  return { forge, client: new ResultsClient(service, globalThis.fetch, budget, blockBytes) }
}

describe('the runtime token and the environment', () => {
  it('reads the run and job of the Actions.Results scope', () => {
    expect(resultsScope(makeRuntimeToken('21', '49'))).toEqual({ run: '21', job: '49' })
    expect(resultsScope('0123456789abcdef')).toBeNull()
    const noScope = `e30.${Buffer.from('{"scp":"Actions.Cache"}').toString('base64url')}.c2ln`
    expect(resultsScope(noScope)).toBeNull()
    expect(resultsScope('e30.bm90IGpzb24.c2ln')).toBeNull()
  })

  it('says what the runner does not give, and keeps a sub-path of ACTIONS_RESULTS_URL', () => {
    expect(() => resultsServiceOf({})).toThrow(
      new NoResultsService('the runner sets no ACTIONS_RESULTS_URL')
    )
    expect(() =>
      resultsServiceOf({ ACTIONS_RESULTS_URL: 'https://f.example/', ACTIONS_RUNTIME_TOKEN: 'abc' })
    ).toThrow('the runtime token carries no Actions.Results scope')
    expect(
      resultsServiceOf({
        ACTIONS_RESULTS_URL: 'https://f.example/git//',
        ACTIONS_RUNTIME_TOKEN: makeRuntimeToken('3', '4')
      })
    ).toMatchObject({ url: 'https://f.example/git', runBackendId: '3', jobBackendId: '4' })
  })
})

describe.each(['forgejo', 'gitea'] as const)('the client against %s', (kind) => {
  it('uploads in blocks of equal-length ids, merged in order, and downloads the same bytes', async () => {
    const { forge, client } = await clientFor(kind, '21', 1000)
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(10_496)])
    const id = await client.upload('telemetry', zip)
    const blocks = forge.requests.filter((r) => r.query.comp === 'block')
    expect(blocks).toHaveLength(11)
    expect(new Set(blocks.map((r) => String(r.query.blockid).length)).size).toBe(1)
    expect(forge.uploadedArtifacts[0]).toMatchObject({ id, name: 'telemetry', size: zip.length })
    expect(forge.uploadedArtifacts[0].data.equals(zip)).toBe(true)

    expect(await client.list()).toEqual([
      { name: 'telemetry', id, created: expect.any(String) as unknown as string }
    ])
    const scratch = await mkdtemp(join(tmpdir(), 'iostorm-results-'))
    try {
      const path = join(scratch, 'download.zip')
      expect(await client.download('telemetry', path, 1024 * 1024)).toBe(true)
      // served as the server serves it: Forgejo 9+ as octet-stream, from a URL without .zip
      const signed = await fetch(`${forge.url}${TWIRP}GetSignedArtifactURL`, {
        method: 'POST',
        headers: { authorization: `Bearer ${makeRuntimeToken('21', '49')}` },
        body: JSON.stringify({ workflow_run_backend_id: '21', name: 'telemetry' })
      })
      const { signedUrl } = (await signed.json()) as { signedUrl: string }
      expect(new URL(signedUrl).pathname).toBe(`${TWIRP}DownloadArtifact`)
      const served = await fetch(signedUrl)
      expect(served.headers.get('content-type')).toBe(
        kind === 'forgejo' ? 'application/octet-stream' : 'application/zip'
      )
      await served.body?.cancel()
      expect((await readFile(path)).equals(zip)).toBe(true)
      await expect(client.download('telemetry', join(scratch, 'small.zip'), 4096)).rejects.toThrow(
        'the download is 10500 bytes, over the 4096-byte limit'
      )
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
  })

  it('an empty run lists as no artifacts (Forgejo answers 404, Gitea an empty list)', async () => {
    const { forge, client } = await clientFor(kind)
    expect(await client.list()).toEqual([])
    expect(forge.requests[0].status).toBe(kind === 'forgejo' ? 404 : 200)
  })

  it('the server refuses what the client never sends: mime_type, a re-encoded signature, another run', async () => {
    const { forge } = await clientFor(kind)
    const call = (method: string, body: object, run = '21') =>
      fetch(`${forge.url}${TWIRP}${method}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${makeRuntimeToken(run, '49')}`,
          'content-type': 'application/json'
        },
        body: JSON.stringify(body)
      })
    const ids = { workflow_run_backend_id: '21', workflow_job_run_backend_id: '49' }
    // @actions/artifact >= 6.2 sends mime_type (field 6): HTTP 500 on Forgejo and Gitea < 1.26
    const withMime = await call('CreateArtifact', { ...ids, name: 'a', version: 7, mime_type: 'x' })
    expect([withMime.status, await withMime.text()]).toEqual([500, 'Error decode request body'])
    // a token of run 22 may not touch run 21, nor be rewritten to name it
    expect((await call('CreateArtifact', { ...ids, name: 'a', version: 4 }, '22')).status).toBe(400)
    const [head, , signature] = makeRuntimeToken('22', '49').split('.')
    const [, payload21] = makeRuntimeToken('21', '49').split('.')
    const forged = await fetch(`${forge.url}${TWIRP}ListArtifacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${head}.${payload21}.${signature}` },
      body: JSON.stringify(ids)
    })
    expect(forged.status).toBe(401)

    const created = (await (
      await call('CreateArtifact', { ...ids, name: 'a', version: 4 })
    ).json()) as {
      signedUploadUrl: string
    }
    expect(created.signedUploadUrl).toMatch(/sig=[\w-]+=&/)
    // a client that strips the padding of the signature (newer @azure/storage-blob) gets 401
    const stripped = created.signedUploadUrl.replace(/(sig=[\w-]+)=&/, '$1&')
    const refused = await fetch(`${stripped}&comp=block&blockid=YQ`, { method: 'PUT', body: 'x' })
    expect(refused.status).toBe(401)
    const taken = await fetch(`${created.signedUploadUrl}&comp=block&blockid=YQ`, {
      method: 'PUT',
      body: 'x'
    })
    expect(taken.status).toBe(201)
  })
})
