/**
 * The built action against a hostile or broken forge: forged and quoted markers, spoofed pull
 * request numbers under workflow_run, zip bombs, hanging and HTML-answering servers.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { PR, pushPayload, runAction } from './support/action-runner.js'
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createDeflateRaw } from 'node:zlib'
import {
  faults,
  FORGEJO_ACTIONS_USER,
  GITHUB_ACTIONS_BOT,
  zipEntries,
  zipFiles
} from './support/fake-forge.js'
import { forgePool, GC_PAUSE, MARKER, marked, onPr, seedBaseline, SAVE_ALL } from './support/e2e.js'
import { describeWithShared } from './support/shared.js'

const pool = forgePool()
afterEach(() => pool.closeAll())

describe('a forge that stops answering', () => {
  it('ends each request after the timeout and every forge step within the budget; outputs are written', async () => {
    const github = await pool.start()
    await seedBaseline(github, SAVE_ALL[0])
    github.injectFault({ path: /^\/repos\//, times: 1000, ...faults.hang() })
    const run = await onPr(github, {
      env: { IOSTORM_HTTP_TIMEOUT_MS: '400', IOSTORM_FORGE_BUDGET_MS: '2000' }
    })
    expect(run.durationMs).toBeLessThan(15_000)
    expect(run.status).toBe(0)
    expect(run.outputs).toMatchObject({ verdict: 'no-baseline', spikes: '1', 'comment-url': '' })
    const warnings = run.annotations.join('\n')
    expect(warnings).toMatch(/no answer within 0\.4 s \(IOSTORM_HTTP_TIMEOUT_MS\)/)
    expect(warnings).toMatch(/could not comment: /)
    expect(run.summary).toContain('no plugin · `fsync`')
    expect(marked(github)).toHaveLength(0)
  }, 30_000)

  it('skips what is left once the budget is used up', async () => {
    const github = await pool.start()
    github.injectFault({ path: /^\/repos\//, times: 1000, ...faults.hang() })
    const run = await onPr(github, {
      env: { IOSTORM_HTTP_TIMEOUT_MS: '5000', IOSTORM_FORGE_BUDGET_MS: '1500' }
    })
    expect(run.durationMs).toBeLessThan(15_000)
    expect(run.status).toBe(0)
    expect(run.annotations.join('\n')).toMatch(
      /time budget for forge requests is used up \(raise IOSTORM_FORGE_BUDGET_MS/
    )
    expect(run.outputs.verdict).toBe('no-baseline')
    expect(github.uploadedArtifacts).toHaveLength(0)
  }, 30_000)
})

const MALLORY = { login: 'mallory', id: 666, type: 'User' as const }
const FORGED = `${MARKER}\n## io-storm-catcher: MSPT spikes\n\n✅ No new spike signatures.\n<!-- io-storm-catcher-run:99999999999 -->`

describe('comments the action did not write', () => {
  it('a forged marker with a huge run stamp neither hides nor replaces our report', async () => {
    const github = await pool.start()
    const [ours, forged] = github.seedComments(PR, [
      { body: `${MARKER}\nold report`, user: GITHUB_ACTIONS_BOT },
      { body: FORGED, user: MALLORY }
    ])
    const run = await onPr(github, { files: [GC_PAUSE] })
    expect(run.status).toBe(0)
    const after = github.commentsOn(PR)
    expect(after.map((c) => c.id)).toEqual([ours.id, forged.id])
    expect(after[0].body).toContain('no plugin · `futex`')
    expect(after[1].body).toBe(FORGED)
    expect(run.outputs['comment-url']).toMatch(new RegExp(`#issuecomment-${ours.id}$`))
    expect(github.hits('DELETE /repos/{owner}/{repo}/issues/comments/{id}')).toBe(0)
    // the forged stamp is never looked up: it is not on our comment
    expect(github.requests.some((r) => r.path.endsWith('/actions/runs/99999999999'))).toBe(false)
  }, 30_000)

  it('posts its own report next to a forged one when it has none yet', async () => {
    const github = await pool.start()
    const [forged] = github.seedComments(PR, [{ body: FORGED, user: MALLORY }])
    const run = await onPr(github)
    expect(run.status).toBe(0)
    const after = github.commentsOn(PR)
    expect(after).toHaveLength(2)
    expect(after[0]).toMatchObject({ id: forged.id, body: FORGED })
    expect(after[1].user.login).toBe('github-actions[bot]')
    expect(after[1].body).toContain('no plugin · `fsync`')
  }, 30_000)

  it('leaves a human comment quoting the marker alone', async () => {
    const github = await pool.start()
    const quote = `Why does this say\n\n> ${MARKER}\n> ✅ No new spike signatures.\n\n?`
    const [human] = github.seedComments(PR, [{ body: quote, user: MALLORY }])
    const ownQuoted = github.seedComments(PR, [
      // our user, but the marker is not where the action puts it
      { body: `see above:\n${MARKER}`, user: GITHUB_ACTIONS_BOT }
    ])[0]
    const run = await onPr(github)
    expect(run.status).toBe(0)
    const after = github.commentsOn(PR)
    expect(after.map((c) => [c.id, c.body])).toEqual([
      [human.id, quote],
      [ownQuoted.id, `see above:\n${MARKER}`],
      [after[2].id, expect.stringContaining('no plugin · `fsync`')]
    ])
  }, 30_000)

  it('ignores a run stamp on its own comment that names no run of this repository', async () => {
    const github = await pool.start()
    // Gitea lets repository writers edit any comment: the stamp alone proves nothing
    const [ours] = github.seedComments(PR, [{ body: FORGED, user: GITHUB_ACTIONS_BOT }])
    const run = await onPr(github)
    expect(run.status).toBe(0)
    expect(github.commentsOn(PR)).toHaveLength(1)
    expect(github.commentsOn(PR)[0]).toMatchObject({ id: ours.id })
    expect(github.commentsOn(PR)[0].body).toContain('no plugin · `fsync`')
    expect(github.requests.some((r) => r.path.endsWith('/actions/runs/99999999999'))).toBe(true)
  }, 30_000)

  it('warns about a duplicate it may not delete, still updates, and blames no fork', async () => {
    const github = await pool.start()
    const [older, newer] = github.seedComments(PR, [
      { body: `${MARKER}\nrace A`, user: GITHUB_ACTIONS_BOT },
      { body: `${MARKER}\nrace B`, user: GITHUB_ACTIONS_BOT }
    ])
    github.injectFault({
      method: 'DELETE',
      path: /\/issues\/comments\/\d+$/,
      ...faults.forbidden()
    })
    const run = await onPr(github)
    expect(run.status).toBe(0)
    const warnings = run.annotations.join('\n')
    expect(warnings).toMatch(
      new RegExp(
        `::warning::could not delete the duplicate comment .*${older.id}.*HTTP 403|403.*delete it by hand`
      )
    )
    expect(warnings).not.toMatch(/fork/i)
    const after = github.commentsOn(PR)
    expect(after.map((c) => c.id)).toEqual([older.id, newer.id])
    expect(after[1].body).toContain('no plugin · `fsync`')
    expect(run.outputs['comment-url']).toMatch(new RegExp(`#issuecomment-${newer.id}$`))
  }, 30_000)

  it('treats an HTML page with status 200 for the comment list as an error, not as no comments', async () => {
    const github = await pool.start()
    github.injectFault({ method: 'GET', path: /\/issues\/\d+\/comments$/, ...faults.htmlOk() })
    const run = await onPr(github)
    expect(run.status).toBe(0)
    expect(run.annotations.join('\n')).toMatch(
      /::warning::could not comment: listing the comments of #42 got an unexpected answer \(HTTP 200, text\/html\)/
    )
    expect(github.hits('POST /repos/{owner}/{repo}/issues/{index}/comments')).toBe(0)
    expect(run.outputs['comment-url']).toBe('')
  }, 30_000)

  it('with a personal token, knows itself from GET /user without GraphQL', async () => {
    const perfBot = { login: 'perf-bot', id: 555, type: 'User' as const }
    const github = await pool.start('github', { botUser: perfBot, tokenUser: perfBot })
    const [ours] = github.seedComments(PR, [{ body: `${MARKER}\nold`, user: perfBot }])
    github.seedComments(PR, [{ body: `${MARKER}\nnot ours`, user: GITHUB_ACTIONS_BOT }])
    await onPr(github)
    expect(github.commentsOn(PR).map((c) => c.body.includes('no plugin · `fsync`'))).toEqual([
      true,
      false
    ])
    expect(github.commentsOn(PR)[0].id).toBe(ours.id)
    expect(github.hits('POST /graphql')).toBe(0)
  }, 30_000)

  it('without an identity, edits nothing and does not post a second marked comment', async () => {
    const github = await pool.start()
    github.injectFault({
      method: 'POST',
      path: '/graphql',
      status: 404,
      body: { message: 'Not Found' }
    })
    const [existing] = github.seedComments(PR, [
      { body: `${MARKER}\nold`, user: GITHUB_ACTIONS_BOT }
    ])
    const run = await onPr(github)
    expect(run.status).toBe(0)
    expect(run.annotations.join('\n')).toMatch(
      /::warning::could not tell which user the token is \(.*\), so no existing comment is edited or deleted/
    )
    expect(github.commentsOn(PR)).toEqual([existing])
    expect(run.outputs['comment-url']).toBe('')
  }, 30_000)
})

describeWithShared('comments the action did not write, on Forgejo', () => {
  it('knows the actions user when GET /user refuses the automatic token', async () => {
    const forgejo = await pool.start('forgejo', { tokenUser: 'refuse' })
    const [ours, forged] = forgejo.seedComments(PR, [
      { body: `${MARKER}\nold report`, user: FORGEJO_ACTIONS_USER },
      { body: FORGED, user: MALLORY }
    ])
    const run = await onPr(forgejo)
    expect(run.status).toBe(0)
    const after = forgejo.commentsOn(PR)
    expect(after.map((c) => c.id)).toEqual([ours.id, forged.id])
    expect(after[0].body).toContain('no plugin · `fsync`')
    expect(after[1].body).toBe(FORGED)
    expect(forgejo.contractViolations).toEqual([])
  }, 30_000)

  it("takes the user GET /user names, and leaves another user's marked comment alone", async () => {
    const forgejo = await pool.start('forgejo')
    const [forged] = forgejo.seedComments(PR, [{ body: FORGED, user: MALLORY }])
    const run = await onPr(forgejo)
    expect(run.status).toBe(0)
    const after = forgejo.commentsOn(PR)
    expect(after).toHaveLength(2)
    expect(after[0].body).toBe(forged.body)
    expect(after[1]).toMatchObject({ user: FORGEJO_ACTIONS_USER })
    expect(forgejo.hits('GET /user')).toBe(1)
  }, 30_000)
})

const FORK_SHA = 'c0dec0de'.repeat(5)

/** A workflow_run payload as GitHub sends it for a run of `bench` on a fork's branch. */
function workflowRun(headSha: string, headRepo: string, headBranch: string) {
  const [owner] = headRepo.split('/')
  return {
    action: 'completed',
    workflow_run: {
      id: 6999,
      workflow_id: 1001,
      event: 'pull_request',
      head_sha: headSha,
      head_branch: headBranch,
      head_repository: { full_name: headRepo, owner: { login: owner } },
      // GitHub leaves this empty for a fork's pull request
      pull_requests: []
    }
  }
}

describe('workflow_run (the fork recipe)', () => {
  it('finds the fork pull request by its head, verifies it, and comments there', async () => {
    const github = await pool.start()
    await seedBaseline(github, SAVE_ALL[0])
    github.seedPull({
      number: 43,
      headSha: FORK_SHA,
      headRef: 'faster-saves',
      headRepo: 'contributor/bench-repo',
      baseRef: 'main'
    })
    const run = await runAction({
      forge: github,
      event: 'workflow_run',
      payload: workflowRun(FORK_SHA, 'contributor/bench-repo', 'faster-saves'),
      files: [SAVE_ALL],
      inputs: { upload: 'false' }
    })
    expect(run.status).toBe(0)
    expect(run.outputs).toMatchObject({ verdict: 'pass', 'baseline-run-id': '6001' })
    expect(github.commentsOn(43)).toHaveLength(1)
    expect(github.commentsOn(43)[0].body.startsWith(MARKER)).toBe(true)
    expect(run.outputs['comment-url']).toMatch(/\/pull\/43#issuecomment-/)
    expect(github.commentsOn(PR)).toHaveLength(0)
    const lookup = github.requests.find((r) => r.path.endsWith('/pulls'))
    expect(lookup?.query).toMatchObject({ state: 'open', head: 'contributor:faster-saves' })
  }, 30_000)

  it.each([
    [
      'another pull request',
      String(PR),
      /pull request #42: its head commit f00dfeedf00d is not the triggering run's c0dec0dec0de/
    ],
    ['an issue', '7', /pull request #7 does not exist in octo-org\/bench-repo/]
  ])(
    'refuses a spoofed pull-request number (%s): no comment anywhere, a warning says why',
    async (_what, number, why) => {
      const github = await pool.start()
      await seedBaseline(github, SAVE_ALL[0])
      github.seedComments(7, [{ body: 'an issue, not a pull request' }])
      const run = await runAction({
        forge: github,
        event: 'workflow_run',
        payload: workflowRun(FORK_SHA, 'mallory/bench-repo', 'evil'),
        files: [SAVE_ALL],
        inputs: { 'pull-request': number, upload: 'false' }
      })
      expect(run.status).toBe(0)
      const warning = run.annotations.find((line) => line.includes('not commenting'))
      expect(warning).toMatch(/^::warning::not commenting and no baseline: /)
      expect(warning).toMatch(why)
      expect(github.requests.filter((r) => r.method !== 'GET')).toEqual([])
      expect(github.commentsOn(PR)).toHaveLength(0)
      expect(run.outputs).toMatchObject({ verdict: 'no-baseline', 'comment-url': '', spikes: '1' })
      expect(run.summary).toContain('no plugin · `fsync`')
      // no baseline lookup for a pull request that is not verified
      expect(github.requests.some((r) => r.path.includes('/actions/workflows/'))).toBe(false)
    },
    30_000
  )

  it('refuses a pull request whose head commit matches but lives in another repository', async () => {
    const github = await pool.start()
    // a fork can push the very commit another pull request has at its head
    github.seedPull({
      number: 44,
      headSha: FORK_SHA,
      headRef: 'x',
      headRepo: 'contributor/bench-repo'
    })
    const run = await runAction({
      forge: github,
      event: 'workflow_run',
      payload: workflowRun(FORK_SHA, 'mallory/bench-repo', 'x'),
      files: [SAVE_ALL],
      inputs: { 'pull-request': '44', upload: 'false' }
    })
    expect(run.annotations.join('\n')).toMatch(
      /pull request #44: its head repository contributor\/bench-repo is not the triggering run's mallory\/bench-repo/
    )
    expect(github.commentsOn(44)).toHaveLength(0)
  }, 30_000)

  it('finds no pull request for a spoofed head, and says so', async () => {
    const github = await pool.start()
    const run = await runAction({
      forge: github,
      event: 'workflow_run',
      // the honest PR 42's branch, but not its commit
      payload: workflowRun(FORK_SHA, 'octo-org/bench-repo', 'feature/faster-saves'),
      files: [SAVE_ALL],
      inputs: { upload: 'false' }
    })
    expect(run.status).toBe(0)
    expect(run.annotations.join('\n')).toMatch(
      /not commenting and no baseline: no open pull request has head octo-org:feature\/faster-saves at c0dec0dec0de/
    )
    expect(github.commentsOn(PR)).toHaveLength(0)
  }, 30_000)
})

const MiB = 1024 * 1024
/** A run's resident memory stays far below what inflating a bomb whole would take. */
const MAX_RSS = 300 * MiB
/**
 * A zip whose report.json inflates to `bytes` spaces but declares `declaredSize`: about 4.5 MiB
 * of deflate per GiB, made in a stream so the test never holds the inflated bytes.
 */
async function bomb(bytes: number, declaredSize: number): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 1 })
  const packed: Buffer[] = []
  deflate.on('data', (chunk: Buffer) => packed.push(chunk))
  const done = new Promise((resolve) => deflate.on('end', resolve))
  const chunk = Buffer.alloc(4 * MiB, 0x20)
  for (let written = 0; written < bytes; written += chunk.length) {
    if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once('drain', resolve))
  }
  deflate.end()
  await done
  const data = Buffer.concat(packed)
  return zipEntries([{ name: 'report.json', data: '', packed: data, declaredSize, crc: 0 }])
}

describe('a hostile or broken baseline artifact', () => {
  it.each([
    [
      'declares 3.75 GiB',
      () => zipEntries([{ name: 'report.json', data: '{}', declaredSize: 0xf0000000 }]),
      /report\.json declares 4026531840 bytes, over the 33554432-byte limit/
    ],
    [
      'inflates to 1 GiB while declaring 1 KiB',
      () => bomb(1024 * MiB, 1024),
      /report\.json: too many bytes in the stream/
    ],
    [
      'inflates to 1 GiB while declaring 31 MiB',
      () => bomb(1024 * MiB, 31 * MiB),
      /report\.json: too many bytes in the stream/
    ],
    [
      'has bad offsets',
      () => {
        const zip = zipFiles({ 'report.json': '{}' })
        zip.writeUInt32LE(0x7fffffff, zip.length - 6)
        return zip
      },
      /not a readable zip archive/
    ],
    [
      'is not deflate data',
      () =>
        zipEntries([{ name: 'report.json', data: '{}', packed: Buffer.from('\xff\xff\xff\xff') }]),
      /report\.json: /
    ],
    [
      'has no report.json',
      () => zipFiles({ 'report.md': '#' }),
      /the artifact has no report\.json/
    ],
    ['holds no report', () => zipFiles({ 'report.json': '{"schema_version":1}' }), /report/]
  ])(
    'a newest artifact that %s is refused cheaply and an older run is used',
    async (_what, zip, why) => {
      const github = await pool.start()
      await seedBaseline(github, SAVE_ALL[0], 6001, { created_at: '2026-11-20T10:00:00Z' })
      github.seedRun({
        id: 6002,
        branch: 'main',
        event: 'push',
        created_at: '2026-11-21T10:00:00Z',
        artifacts: [{ name: 'iostorm-report', files: {}, zip: await zip() }]
      })
      const run = await onPr(github)
      expect(run.status).toBe(0)
      expect(run.outputs).toMatchObject({ verdict: 'pass', 'baseline-run-id': '6001' })
      const warning = run.annotations.find((line) => line.includes('run 6002'))
      expect(warning).toMatch(
        /^::warning::baseline: the "iostorm-report" artifact of run 6002 is unusable \(/
      )
      expect(warning).toMatch(why)
      expect(run.peakRssBytes ?? 0).toBeLessThan(MAX_RSS)
    },
    30_000
  )

  it.each([
    ['an HTML page with status 200', faults.htmlOk()],
    ['a 500', faults.serverError()],
    ['no answer', faults.hang()]
  ])(
    'a download answered with %s is skipped for an older run',
    async (_what, fault) => {
      const github = await pool.start()
      await seedBaseline(github, SAVE_ALL[0], 6001, { created_at: '2026-11-20T10:00:00Z' })
      await seedBaseline(github, SAVE_ALL[0], 6002, { created_at: '2026-11-21T10:00:00Z' })
      github.injectFault({ method: 'GET', path: /^\/blob\//, ...fault })
      const run = await onPr(github, { env: { IOSTORM_HTTP_TIMEOUT_MS: '1000' } })
      expect(run.outputs).toMatchObject({ verdict: 'pass', 'baseline-run-id': '6001' })
      expect(run.annotations.join('\n')).toMatch(/artifact of run 6002 is unusable/)
    },
    30_000
  )

  it('cuts off a download larger than 64 MiB', async () => {
    const github = await pool.start()
    await seedBaseline(github, SAVE_ALL[0], 6001, { created_at: '2026-11-20T10:00:00Z' })
    github.seedRun({
      id: 6002,
      branch: 'main',
      event: 'push',
      created_at: '2026-11-21T10:00:00Z',
      // random bytes do not compress: the zip is as large as its content
      artifacts: [{ name: 'iostorm-report', files: { 'noise.bin': randomBytes(65 * MiB) } }]
    })
    const run = await onPr(github)
    expect(run.outputs['baseline-run-id']).toBe('6001')
    expect(run.annotations.join('\n')).toMatch(
      /run 6002 is unusable \(the artifact download is \d+ bytes, over the 67108864-byte limit\)/
    )
  }, 30_000)
})

describe('artifacts of this run', () => {
  it('skips an artifact whose name is not a safe folder name', async () => {
    const github = await pool.start()
    const events = await readFile('fixtures/runs/s2-player-quit/0/events.parquet')
    github.seedResultsArtifact({
      name: 'plugbench-quit',
      files: { 'runs/quit/0/events.parquet': events }
    })
    for (const name of ['..', '.', 'a/../..', 'tab\there']) {
      github.seedResultsArtifact({ name, files: { 'runs/evil/0/events.parquet': events } })
    }
    const run = await runAction({
      forge: github,
      event: 'push',
      payload: pushPayload(github),
      inputs: { artifacts: '*', events: 'runs/*/0/events.parquet' }
    })
    expect(run.status).toBe(0)
    expect(run.report?.runs.map((r) => r.file)).toEqual([
      '.iostorm-artifacts/plugbench-quit/runs/quit/0/events.parquet'
    ])
    const skipped = run.annotations.filter((line) => line.includes('not a safe folder name'))
    expect(skipped).toHaveLength(4)
    expect(skipped[0]).toMatch(/^::warning::skipped artifact /)
  }, 30_000)
})

describeWithShared('a hostile baseline artifact, on Forgejo', () => {
  it('refuses a zip bomb served directly by Forgejo and uses an older run', async () => {
    const forgejo = await pool.start('forgejo')
    await seedBaseline(forgejo, SAVE_ALL[0], 6001)
    forgejo.seedRun({
      id: 6002,
      branch: 'main',
      event: 'push',
      artifacts: [{ name: 'iostorm-report', files: {}, zip: await bomb(1024 * MiB, 1024) }]
    })
    const run = await onPr(forgejo)
    expect(run.outputs).toMatchObject({ verdict: 'pass', 'baseline-run-id': '6001' })
    expect(run.annotations.join('\n')).toMatch(
      /artifact of run 6002 is unusable \(report\.json: too many bytes in the stream/
    )
    expect(run.peakRssBytes ?? 0).toBeLessThan(MAX_RSS)
    expect(forgejo.contractViolations).toEqual([])
  }, 30_000)
})
