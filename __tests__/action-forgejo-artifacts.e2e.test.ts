/**
 * The built action (dist/index.js) as a child process against a fake Forgejo and a fake Gitea
 * whose artifact service behaves as their sources do (support/fake-forge.ts): it uploads its
 * report and downloads `artifacts:` itself, a later pull request finds the report as its baseline,
 * a re-run replaces the report, an older runner or server gets a notice naming the step to add,
 * and a hostile or broken artifact is refused without anything written outside its folder.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import { pushPayload, runAction, type RunOptions } from './support/action-runner.js'
import { forgePool, GC_PAUSE, marked, onPr, SAVE_ALL } from './support/e2e.js'
import { zipEntries, type FakeForge } from './support/fake-forge.js'

const pool = forgePool()
afterEach(() => pool.closeAll())

const BASE_RUN = 6001
const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService/'
const MiB = 1024 * 1024

/** A push to main of run `id`, which uploads the report as that run's artifact. */
function onPush(forge: FakeForge, options: Partial<RunOptions> = {}) {
  return runAction({
    forge,
    event: 'push',
    payload: pushPayload(forge),
    runId: BASE_RUN,
    files: [GC_PAUSE],
    ...options
  })
}

function seedBaseRun(forge: FakeForge): void {
  forge.seedRun({ id: BASE_RUN, branch: 'main', event: 'push', head_sha: 'ba5eba11'.repeat(5) })
}

/** The save-all telemetry as the bench job would upload it: an artifact of the current run. */
async function seedTelemetry(forge: FakeForge, name = 'plugbench-save-all'): Promise<void> {
  const events = await readFile(join(SAVE_ALL[0], '0/events.parquet'))
  forge.seedResultsArtifact({
    name,
    files: { 'runs/save-all/0/events.parquet': events },
    runBackendId: '7001'
  })
}

const twirpCalls = (forge: FakeForge, method: string) =>
  forge.requests.filter((request) => request.path === `${TWIRP}${method}`)

describe.each(['forgejo', 'gitea'] as const)('artifacts on %s', (kind) => {
  const server = kind === 'forgejo' ? 'Forgejo' : 'Gitea'

  it('a push uploads the report itself: fields 1-5, blocks and a block list, size and sha256', async () => {
    const forge = await pool.start(kind)
    seedBaseRun(forge)
    const run = await onPush(forge)
    expect(run.status).toBe(0)
    expect(run.annotations.filter((line) => /^::(notice|warning)/.test(line))).toEqual([])
    expect(run.stdout).toMatch(/uploaded artifact "iostorm-report"/)

    const [artifact] = forge.uploadedArtifacts
    expect(forge.uploadedArtifacts).toHaveLength(1)
    expect(artifact).toMatchObject({ name: 'iostorm-report', runBackendId: String(BASE_RUN) })
    expect(Object.keys(artifact.files).sort()).toEqual(['report.json', 'report.md'])
    expect(JSON.parse(artifact.files['report.json'].toString()).runs[0].run_id).toBe('s7-gc-pause')
    expect(artifact.hash).toBe(`sha256:${createHash('sha256').update(artifact.data).digest('hex')}`)

    const [create] = twirpCalls(forge, 'CreateArtifact')
    expect(Object.keys(create.body as object).sort()).toEqual([
      'name',
      'version',
      'workflow_job_run_backend_id',
      'workflow_run_backend_id'
    ])
    expect(create.headers.authorization).toMatch(/^Bearer /)
    const puts = forge.requests.filter((request) => request.method === 'PUT')
    expect(puts.map((request) => request.query.comp)).toEqual(['block', 'blocklist'])
    // the signed URL is its own credential: no token goes with it
    expect(puts.every((request) => request.headers.authorization === undefined)).toBe(true)
    expect(puts.every((request) => request.status === 201)).toBe(true)
    expect(twirpCalls(forge, 'FinalizeArtifact')[0].body).toMatchObject({
      size: String(artifact.size)
    })
    expect(forge.contractViolations).toEqual([])
  }, 30_000)

  it('a pull request downloads artifacts: and judges against the report the push uploaded', async () => {
    const forge = await pool.start(kind)
    seedBaseRun(forge)
    expect((await onPush(forge, { files: [SAVE_ALL] })).status).toBe(0)

    // a newer push on main by another workflow: not this workflow's baseline
    forge.seedRun({
      id: BASE_RUN + 1,
      workflow: 'nightly.yml',
      branch: 'main',
      event: 'push',
      artifacts: [{ name: 'iostorm-report', files: { 'report.json': '{}' } }]
    })
    await seedTelemetry(forge)
    await seedTelemetry(forge, 'unrelated-logs')
    const run = await onPr(forge, {
      files: [],
      inputs: { artifacts: 'plugbench-*', 'fail-on-new': 'false' }
    })
    expect(run.status).toBe(0)
    expect(run.report?.runs.map((r) => r.file)).toEqual([
      '.iostorm-artifacts/plugbench-save-all/runs/save-all/0/events.parquet'
    ])
    expect(run.tree).not.toContain('workspace/.iostorm-artifacts/unrelated-logs')
    expect(run.outputs).toMatchObject({ verdict: 'pass', 'baseline-run-id': String(BASE_RUN) })
    expect(run.report?.diff?.new).toEqual([])
    expect(forge.requests.some((r) => r.path.includes(`/runs/${BASE_RUN + 1}/`))).toBe(false)
    expect(marked(forge)[0].body).toContain(`artifact "iostorm-report" of run ${BASE_RUN}`)
    // the download came as the server serves it (Forgejo: octet-stream, not .zip) and was sniffed
    const download = forge.requests.find((r) => r.path === `${TWIRP}DownloadArtifact`)
    expect(download?.status).toBe(200)
    expect(forge.contractViolations).toEqual([])
  }, 60_000)

  it('tries a briefly unavailable artifact service again (503, 502) and uploads once', async () => {
    const forge = await pool.start(kind)
    seedBaseRun(forge)
    forge.injectFault({ path: `${TWIRP}CreateArtifact`, status: 503 })
    forge.injectFault({
      path: `${TWIRP}UploadArtifact`,
      status: 502,
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>'
    })
    const run = await onPush(forge)
    expect(run.status).toBe(0)
    expect(run.annotations.filter((line) => /^::(notice|warning)/.test(line))).toEqual([])
    expect(forge.pendingFaults()).toBe(0)
    expect(forge.uploadedArtifacts).toHaveLength(1)
    expect(twirpCalls(forge, 'CreateArtifact').map((r) => r.status)).toEqual([503, 200])
  }, 30_000)

  it('a re-run replaces the report of its earlier attempt (one artifact, the newest content)', async () => {
    const forge = await pool.start(kind)
    seedBaseRun(forge)
    await onPush(forge, { files: [SAVE_ALL] })
    const rerun = await onPush(forge, { files: [GC_PAUSE] })
    expect(rerun.status).toBe(0)
    const [first, second] = forge.uploadedArtifacts
    expect(second.id).toBe(first.id)
    const stored = forge.artifactFiles(second.id)
    expect(JSON.parse(stored?.['report.json'].toString() ?? '{}').runs[0].run_id).toBe(
      's7-gc-pause'
    )
    expect(twirpCalls(forge, 'ListArtifacts')).toHaveLength(0)
  }, 60_000)

  it('sees only its own run: the runtime token scopes the artifact service to it', async () => {
    const forge = await pool.start(kind)
    seedBaseRun(forge)
    await seedTelemetry(forge)
    const run = await onPush(forge, { inputs: { artifacts: 'plugbench-*' } })
    expect(run.status).toBe(0)
    expect(run.annotations.join('\n')).toMatch(/no artifact of this run matches "plugbench-\*"/)
    // Forgejo answers an empty run with 404, Gitea 1.24+ with an empty list: both are "none"
    expect(twirpCalls(forge, 'ListArtifacts')[0].status).toBe(kind === 'forgejo' ? 404 : 200)
  }, 30_000)

  it('a runner without ACTIONS_RESULTS_URL gets notices naming the steps to add, not a failure', async () => {
    const forge = await pool.start(kind)
    seedBaseRun(forge)
    const run = await onPush(forge, { noResultsUrl: true, inputs: { artifacts: 'plugbench-*' } })
    expect(run.status).toBe(0)
    const notices = run.annotations.filter((line) => line.startsWith('::notice::'))
    expect(notices).toHaveLength(2)
    expect(notices[0]).toContain(`${server} gives this job no artifact service`)
    expect(notices[0]).toContain('no ACTIONS_RESULTS_URL')
    expect(notices[0]).toContain('https://code.forgejo.org/actions/download-artifact@v3')
    expect(notices[1]).toContain('https://code.forgejo.org/actions/upload-artifact@v3')
    expect(notices[1]).toContain('name: iostorm-report and path: iostorm-report/')
    expect(forge.requests.filter((r) => r.path.startsWith('/twirp/'))).toEqual([])
    expect(run.outputs['report-json']).toMatch(/iostorm-report\/report\.json$/)
  }, 30_000)

  it('a server without the artifact service (404) gets the same notices, not a failure', async () => {
    const forge = await pool.start(kind, { noResultsService: true })
    seedBaseRun(forge)
    const run = await onPush(forge, { inputs: { artifacts: 'plugbench-*' } })
    expect(run.status).toBe(0)
    const notices = run.annotations.filter((line) => line.startsWith('::notice::'))
    expect(notices.map((line) => /HTTP 404 from its artifact service/.test(line))).toEqual([
      true,
      true
    ])
    expect(notices[0]).toContain('actions/download-artifact@v3')
    expect(notices[1]).toContain('actions/upload-artifact@v3')
    expect(forge.uploadedArtifacts).toEqual([])
  }, 30_000)

  it('a runtime token without the results scope (a server before the service) gets a notice', async () => {
    const forge = await pool.start(kind)
    seedBaseRun(forge)
    const run = await onPush(forge, { env: { ACTIONS_RUNTIME_TOKEN: 'a1b2c3d4e5f6' } })
    expect(run.status).toBe(0)
    expect(run.annotations.join('\n')).toMatch(
      /::notice::.*runtime token carries no Actions\.Results scope.*actions\/upload-artifact@v3/
    )
  }, 30_000)
})

/** A zip whose entries are as given (names and sizes may lie). */
const evil = {
  'an entry named ../../../escaped.txt': () =>
    zipEntries([
      { name: 'runs/ok.txt', data: 'fine' },
      { name: '../../../escaped.txt', data: 'escaped' }
    ]),
  'an absolute entry /tmp/escaped.txt': () =>
    zipEntries([{ name: '/tmp/iostorm-escaped.txt', data: 'escaped' }]),
  'a bomb that declares 100 bytes and inflates to 8 MiB': () =>
    zipEntries([
      {
        name: 'runs/bomb.bin',
        data: Buffer.alloc(100),
        declaredSize: 100,
        packed: deflateRawSync(Buffer.alloc(8 * MiB))
      }
    ]),
  'an entry of 3 MiB, over a 2 MiB limit': () =>
    zipEntries([{ name: 'runs/big.bin', data: Buffer.alloc(3 * MiB, 7) }]),
  'a CRC that does not match': () =>
    zipEntries([{ name: 'runs/x.bin', data: 'payload', crc: 0x1234 }]),
  'a truncated zip': () =>
    zipEntries([{ name: 'runs/x.bin', data: randomBytes(4000) }]).subarray(0, 3000),
  'an HTML page instead of a zip': () => Buffer.from('<!DOCTYPE html><html>Sign in</html>'),
  'a download of 3 MiB, over a 2 MiB limit': () =>
    zipEntries([{ name: 'runs/noise.bin', data: randomBytes(3 * MiB), packed: undefined }])
}

/** What the warning says for each. */
const reasons: Record<keyof typeof evil, RegExp> = {
  'an entry named ../../../escaped.txt':
    /\(damaged zip \(invalid relative path: \.\.\/\.\.\/\.\.\/escaped\.txt\)\)/,
  'an absolute entry /tmp/escaped.txt':
    /\(damaged zip \(absolute path: \/tmp\/iostorm-escaped\.txt\)\)/,
  'a bomb that declares 100 bytes and inflates to 8 MiB':
    /\(runs\/bomb\.bin: too many bytes in the stream\. expected 100\./,
  'an entry of 3 MiB, over a 2 MiB limit':
    /\(runs\/big\.bin declares 3145728 bytes, over the 2097152-byte limit of the artifact\)/,
  'a CRC that does not match': /\(runs\/x\.bin: CRC mismatch\)/,
  'a truncated zip':
    /\(not a readable zip archive \(End of central directory record signature not found/,
  'an HTML page instead of a zip': /\(the download is not a zip archive\)/,
  'a download of 3 MiB, over a 2 MiB limit':
    /\(the download is \d+ bytes, over the 2097152-byte limit\)/
}

describe.each(['forgejo', 'gitea'] as const)('a corrupt or oversized artifact on %s', (kind) => {
  it.each(Object.keys(evil) as (keyof typeof evil)[])(
    '%s: a clear error, nothing written outside its folder, the good artifact still used',
    async (which) => {
      const forge = await pool.start(kind)
      await seedTelemetry(forge)
      forge.seedResultsArtifact({
        name: 'plugbench-evil',
        files: {},
        zip: evil[which](),
        runBackendId: '7001'
      })
      const run = await onPr(forge, {
        files: [],
        inputs: { artifacts: 'plugbench-*', 'fail-on-new': 'false' },
        env: { IOSTORM_ARTIFACT_MAX_BYTES: String(2 * MiB) }
      })
      // published first (comment, report), then failed for the artifact that could not be used
      expect(marked(forge)).toHaveLength(1)
      expect(run.report?.runs.map((r) => r.file)).toEqual([
        '.iostorm-artifacts/plugbench-save-all/runs/save-all/0/events.parquet'
      ])
      const warnings = run.annotations.filter((line) => line.startsWith('::warning::artifact'))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(
        /^::warning::artifact "plugbench-evil" is unusable \(.+\); nothing of it was kept$/
      )
      expect(warnings[0]).toMatch(reasons[which])
      expect(run.status).toBe(1)
      expect(run.stdout).toMatch(
        /::error::.*1 artifact\(s\) named by "artifacts" could not be used/
      )
      expect(run.tree.filter((path) => /escaped|plugbench-evil|\.download-/.test(path))).toEqual([])
      expect(existsSync('/tmp/iostorm-escaped.txt')).toBe(false)
      expect(
        run.tree.every(
          (path) => path.startsWith('workspace') || /^(event|output|summary)/.test(path)
        )
      ).toBe(true)
    },
    30_000
  )

  it('writes nothing through a link the checkout put in place of .iostorm-artifacts', async () => {
    const forge = await pool.start(kind)
    await seedTelemetry(forge)
    const run = await onPr(forge, {
      inputs: { artifacts: 'plugbench-*', 'fail-on-new': 'false' },
      setup: async (workspace) => {
        await mkdir(join(workspace, '..', 'elsewhere'))
        await symlink(join(workspace, '..', 'elsewhere'), join(workspace, '.iostorm-artifacts'))
      }
    })
    expect(run.tree.filter((path) => path.startsWith('elsewhere/'))).toEqual([])
    expect(run.annotations).toContain(
      '::warning::no artifact downloaded: .iostorm-artifacts is not a plain folder (a link?): refusing to write into it'
    )
    // the rest is analysed and published, then the step fails for the artifact it could not use
    expect(marked(forge)).toHaveLength(1)
    expect(run.status).toBe(1)
  }, 30_000)

  it('writes nothing through a link the checkout put where an artifact folder goes', async () => {
    const forge = await pool.start(kind)
    await seedTelemetry(forge)
    const run = await onPr(forge, {
      files: [],
      inputs: { artifacts: 'plugbench-*', 'fail-on-new': 'false' },
      setup: async (workspace) => {
        await mkdir(join(workspace, '..', 'elsewhere'))
        await mkdir(join(workspace, '.iostorm-artifacts'))
        await symlink(
          join(workspace, '..', 'elsewhere'),
          join(workspace, '.iostorm-artifacts', 'plugbench-save-all')
        )
      }
    })
    expect(run.status).toBe(0)
    expect(run.tree.filter((path) => path.startsWith('elsewhere/'))).toEqual([])
    expect(run.report?.runs).toHaveLength(1)
  }, 30_000)
})
