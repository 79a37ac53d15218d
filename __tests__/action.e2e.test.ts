/**
 * The built action (dist/index.js) run as a real child process against a fake GitHub / Forgejo:
 * every request goes over HTTP to 127.0.0.1, the way the runner's step would make it.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeJar } from '../scripts/fixtures/jars.js'
import { writeEvents, type EventRow } from '../scripts/fixtures/writers.js'
import { CURRENT_RUN, PR, pushPayload, runAction } from './support/action-runner.js'
import {
  forgePool,
  GC_PAUSE,
  MARKER,
  marked,
  onPr,
  SAVE_ALL,
  seedBaseline,
  seedHistory,
  TWO_REPEATS
} from './support/e2e.js'
import { faults, GITHUB_ACTIONS_BOT } from './support/fake-forge.js'
import { schemaErrors } from './support/schema.js'
import { describeWithShared } from './support/shared.js'

const pool = forgePool()
afterEach(() => pool.closeAll())
const forge = (kind: 'github' | 'forgejo' = 'github') => pool.start(kind)

/**
 * Eight repeats of a run with 60 spikes, each window full of threads, plugins, syscalls, files
 * and devices: a report far over a comment's 65,536 characters.
 */
async function crowdedRun(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'iostorm-crowded-'))
  crowded.push(root)
  const MS = 1_000_000n
  const rows: EventRow[] = []
  const start = 5_000_000_000_000n
  for (let tick = 0; tick < 1500; tick++) {
    const at = start + BigInt(tick) * 500n * MS
    const spike = tick % 25 === 7
    rows.push({
      ts_ns: at,
      layer: 'L0',
      metric: 'tick_ms',
      value: spike ? 450 + (tick % 13) : 20 + (tick % 9),
      dur_ns: null
    })
    if (!spike) continue
    for (let k = 0; k < 14; k++) {
      const thread = `Craft Scheduler Thread - ${k} (a rather long pool thread name, ${tick})`
      const path = `/srv/minecraft/servers/survival-main/plugins/SomePlugin${k}/data/storage/deeply/nested/file-${tick}-${k}.db`
      rows.push(
        {
          ts_ns: at + BigInt(k + 1) * MS,
          layer: 'L1',
          tid: 1000 + k,
          thread,
          frames: ['java.lang.Thread.run', `com.example.plugin${k}.tasks.Worker.run`]
        },
        {
          ts_ns: at + BigInt(k + 2) * MS,
          layer: 'L4',
          tid: 1000 + k,
          comm: thread.slice(0, 15),
          syscall: `syscall_${k}`,
          dur_ns: 5n * MS,
          path,
          bytes: 4096
        },
        {
          ts_ns: at + BigInt(k + 3) * MS,
          layer: 'L4',
          comm: 'kworker/u16:3',
          device: `nvme${k}n1`,
          bytes: 65536 * (k + 1),
          dur_ns: 2n * MS
        }
      )
    }
  }
  rows.sort((a, b) => (a.ts_ns < b.ts_ns ? -1 : a.ts_ns > b.ts_ns ? 1 : 0))
  for (let repeat = 0; repeat < 8; repeat++) {
    await writeEvents('hyparquet-writer', join(root, String(repeat), 'events.parquet'), rows)
  }
  return root
}
/**
 * A run of `repeats` repeats of 600 ticks, each with `spikes` fsync-bound ticks of about `ms` ms
 * (signature `-|fsync`): the base and heads of the regression classes.
 */
async function fsyncRun(repeats: number, spikes: number, ms: number): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'iostorm-fsync-'))
  crowded.push(root)
  const MS = 1_000_000n
  for (let repeat = 0; repeat < repeats; repeat++) {
    const rows: EventRow[] = []
    const start = 7_000_000_000_000n
    for (let tick = 0; tick < 600; tick++) {
      const at = start + BigInt(tick) * 50n * MS
      const slow = tick % 100 === 50 && (tick - 50) / 100 < spikes
      const value = slow ? ms + repeat * 7 + tick / 100 : 20 + (tick % 9)
      rows.push({ ts_ns: at, layer: 'L0', metric: 'tick_ms', value, dur_ns: null })
      if (slow) {
        rows.push({
          ts_ns: at + MS,
          layer: 'L4',
          tid: 42,
          thread: 'Server thread',
          syscall: 'fsync',
          dur_ns: BigInt(Math.round(value - 5)) * MS,
          path: '/srv/mc/world/region/r.0.0.mca'
        })
      }
    }
    await writeEvents('hyparquet-writer', join(root, 'run', String(repeat), 'events.parquet'), rows)
  }
  return join(root, 'run')
}

const crowded: string[] = []
afterAll(async () => {
  await Promise.all(crowded.map((dir) => rm(dir, { recursive: true, force: true })))
})

describe('pull request on GitHub', () => {
  it('without a baseline: says so, publishes everything, does not fail', async () => {
    const github = await forge()
    const run = await onPr(github)
    expect(run.status).toBe(0)
    expect(run.outputs).toMatchObject({
      spikes: '1',
      signatures: '1',
      'new-signatures': '0',
      'resolved-signatures': '0',
      verdict: 'no-baseline',
      'baseline-run-id': ''
    })
    const [comment] = marked(github)
    expect(run.outputs['comment-url']).toMatch(
      new RegExp(`/pull/${PR}#issuecomment-${comment.id}$`)
    )
    expect(comment.body.startsWith(`${MARKER}\n## io-storm-catcher`)).toBe(true)
    expect(comment.body).toContain(
      '**No baseline to compare with** (no successful push runs of this workflow on main yet)'
    )
    expect(comment.body).toMatch(/```mermaid\n%%\{init: .*\}%%\nxychart-beta\n/)
    expect(run.summary).toContain('`Paper I/O Worker #0`')
    expect(run.report && schemaErrors(run.report)).toEqual([])
    const [artifact] = github.uploadedArtifacts
    expect(artifact.name).toBe('iostorm-report')
    expect(Object.keys(artifact.files).sort()).toEqual(['report.json', 'report.md'])
    expect(JSON.parse(artifact.files['report.json'].toString()).signatures[0].signature).toBe(
      '-|fsync'
    )
  }, 30_000)

  it('with a history: diffs, comments before failing on the confirmed new signature', async () => {
    const github = await forge()
    await seedHistory(github, GC_PAUSE[0])
    // the newest base run's report expired: skipped, the five older ones are the history
    github.seedRun({
      id: 6006,
      branch: 'main',
      event: 'push',
      created_at: '2026-11-28T10:00:00Z',
      artifacts: [{ name: 'iostorm-report', files: { 'report.json': '{}' }, expired: true }]
    })
    const run = await onPr(github, { files: TWO_REPEATS })
    expect(run.status).toBe(1)
    expect(run.outputs).toMatchObject({
      verdict: 'fail',
      'new-signatures': '1',
      'resolved-signatures': '1',
      regressions: '0',
      unconfirmed: '0',
      'baseline-run-id': '6005'
    })
    expect(run.stdout).toContain(
      '::error::spike signatures fail under fail-on: new — -|fsync is new: in 2 of 2 head repeats, never in the 5 repeats of the history (p = 0.048)'
    )
    const [comment] = marked(github)
    expect(comment.body).toContain('❌ **1 new spike signature** compared with the baseline.')
    expect(comment.body).toContain(
      '- no plugin · `fsync` new: in 2 of 2 head repeats, never in the 5 repeats of the history (p = 0.048).'
    )
    expect(comment.body).toContain('| 🆕 new | no plugin · `fsync` | none of 5 | 2 in 2 of 2 |')
    expect(comment.body).toContain('| ✅ resolved | no plugin · `futex` | 1 | 0 |')
    expect(comment.body).toContain(
      'Judged against the reports of 5 base runs (5 repeats); the newest: [artifact "iostorm-report" of run 6005]('
    )
    expect(run.report?.diff?.base).toMatchObject({
      kind: 'artifact',
      run_id: '6005',
      commit: 'ba5eba11'.repeat(5)
    })
    expect(run.report?.diff?.history?.sources.map((source) => source.run_id)).toEqual([
      '6005',
      '6004',
      '6003',
      '6002',
      '6001'
    ])
    expect(github.uploadedArtifacts).toHaveLength(1)
    // publishing came before failing: the comment and the artifact exist although the step failed
    const order = github.requests.map((request) => `${request.method} ${request.path}`)
    expect(order.findIndex((r) => r.startsWith('POST') && r.includes('/comments'))).toBeGreaterThan(
      0
    )
  }, 30_000)

  it('calls a new signature seen in one repeat unconfirmed, and passes', async () => {
    const github = await forge()
    await seedBaseline(github, GC_PAUSE[0])
    const run = await onPr(github)
    expect(run.status).toBe(0)
    expect(run.outputs).toMatchObject({ verdict: 'pass', 'new-signatures': '0', unconfirmed: '1' })
    expect(marked(github)[0].body).toContain(
      '❔ 1 signature new but seen too rarely to confirm: rerun to tell.'
    )
  }, 30_000)

  it('with fail-on-new false: reports the new signature and passes', async () => {
    const github = await forge()
    await seedHistory(github, GC_PAUSE[0])
    const run = await onPr(github, { files: TWO_REPEATS, inputs: { 'fail-on-new': 'false' } })
    expect(run.status).toBe(0)
    expect(run.outputs.verdict).toBe('fail')
  }, 30_000)

  it('with fail-on regression: fails on a known signature more frequent, or worse, than its history', async () => {
    const github = await forge()
    // ten base runs of two repeats: one fsync spike of about 300 ms per repeat
    const base = await fsyncRun(2, 1, 300)
    for (let id = 6001; id <= 6010; id++) {
      await seedBaseline(github, base, id, { created_at: `2026-11-${id - 5990}T10:00:00Z` })
    }
    const oftener = await fsyncRun(2, 6, 300)
    const frequent = await onPr(github, {
      files: [[oftener, 'bench-out']],
      inputs: { 'fail-on': 'regression' }
    })
    expect(frequent.status).toBe(1)
    expect(frequent.outputs).toMatchObject({ verdict: 'fail', regressions: '1' })
    expect(frequent.report?.diff?.more_frequent?.[0]).toMatchObject({
      signature: '-|fsync',
      judgement: { class: 'more-frequent', head: { rate: 6 }, base: { rate: 1 } }
    })
    expect(marked(github)[0].body).toMatch(
      /- no plugin · `fsync` more frequent: 6 spikes per repeat against 1 in the history \(6×, p = 0\.00\d\)\./
    )
    expect(marked(github)[0].body).toContain(
      '| 📈 more frequent | no plugin · `fsync` | 20 in 20 of 20 | 12 in 2 of 2 |'
    )

    const longer = await fsyncRun(3, 1, 1500)
    const worse = await onPr(github, {
      files: [[longer, 'bench-out']],
      inputs: { 'fail-on': 'regression' }
    })
    expect(worse.status).toBe(1)
    expect(worse.report?.diff?.worse?.[0].judgement).toMatchObject({ class: 'worse' })
    expect(marked(github)[0].body).toContain('| 🐢 worse | no plugin · `fsync` |')

    // the same head under the default fail-on: new reports the regression without failing
    const reported = await onPr(github, { files: [[longer, 'bench-out']] })
    expect(reported.status).toBe(0)
    expect(reported.outputs).toMatchObject({ verdict: 'pass', regressions: '1' })
    expect(marked(github)[0].body).toContain('⚠️ **1 known signature** more frequent or worse')
  }, 60_000)

  it('passes quietly when nothing changed, and skips rewriting an identical comment', async () => {
    const github = await forge()
    await seedBaseline(github, SAVE_ALL[0])
    const first = await onPr(github)
    expect(first.status).toBe(0)
    expect(first.outputs).toMatchObject({ verdict: 'pass', 'new-signatures': '0' })
    expect(marked(github)[0].body).toContain('✅ No new spike signatures.')
    const second = await onPr(github)
    expect(second.status).toBe(0)
    expect(github.hits('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}')).toBe(0)
    expect(marked(github)).toHaveLength(1)
  }, 30_000)

  it('creates the comment once, then updates it in place', async () => {
    const github = await forge()
    await onPr(github, { files: [GC_PAUSE] })
    const created = marked(github)
    expect(created).toHaveLength(1)
    await onPr(github)
    const updated = marked(github)
    expect(updated).toHaveLength(1)
    expect(updated[0].id).toBe(created[0].id)
    expect(updated[0].body).toContain('no plugin · `fsync`')
    expect(updated[0].body).not.toContain('no plugin · `futex`')
  }, 30_000)

  it('leaves a comment written by a newer workflow run alone (an older run finishing late)', async () => {
    const github = await forge()
    github.seedRun({ id: CURRENT_RUN + 5, branch: 'feature/faster-saves', event: 'pull_request' })
    const newer = github.seedComments(PR, [
      {
        body: `${MARKER}\nreport of a later push\n<!-- io-storm-catcher-run:${CURRENT_RUN + 5} -->`,
        user: GITHUB_ACTIONS_BOT
      }
    ])[0]
    const run = await onPr(github)
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('comment kept-newer')
    expect(github.commentsOn(PR).map((comment) => comment.body)).toEqual([newer.body])
  }, 30_000)

  it('finds its comment behind 130 unrelated ones and touches none of them', async () => {
    const github = await forge()
    const unrelated = github.seedComments(
      PR,
      Array.from({ length: 130 }, (_, i) => ({
        body: `review comment ${i} mentioning io-storm-catcher`
      }))
    )
    const marker = github.seedComments(PR, [
      { body: `${MARKER}\nold report`, user: GITHUB_ACTIONS_BOT }
    ])[0]
    const run = await onPr(github)
    expect(run.status).toBe(0)
    const after = github.commentsOn(PR)
    expect(after).toHaveLength(131)
    expect(after.find((comment) => comment.id === marker.id)?.body).toContain('no plugin · `fsync`')
    for (const comment of unrelated) {
      expect(after.find((c) => c.id === comment.id)?.body).toBe(comment.body)
    }
    const listed = github.requests.filter(
      (r) => r.method === 'GET' && r.path.endsWith(`/issues/${PR}/comments`)
    )
    expect(listed.map((r) => r.query.page)).toEqual(['1', '2'])
  }, 30_000)

  it('keeps the newest of duplicate marker comments and deletes the others', async () => {
    const github = await forge()
    const [older, newer] = github.seedComments(PR, [
      { body: `${MARKER}\nrace A`, created_at: '2026-11-01T10:00:00Z', user: GITHUB_ACTIONS_BOT },
      { body: `${MARKER}\nrace B`, created_at: '2026-11-01T10:00:05Z', user: GITHUB_ACTIONS_BOT },
      { body: 'a human comment', created_at: '2026-11-01T10:00:09Z' }
    ])
    await onPr(github)
    const after = github.commentsOn(PR)
    expect(after.map((comment) => comment.id)).toEqual([newer.id, after[1].id])
    expect(after.some((comment) => comment.id === older.id)).toBe(false)
    expect(after[0].body).toContain('no plugin · `fsync`')
    expect(after[1].body).toBe('a human comment')
  }, 30_000)

  it('turns a 403 on the comment into a warning that explains the workflow_run pattern', async () => {
    const github = await forge()
    github.injectFault({ method: 'POST', path: /\/issues\/\d+\/comments$/, ...faults.forbidden() })
    const run = await onPr(github)
    expect(run.status).toBe(0)
    expect(run.annotations.join('\n')).toMatch(
      /::warning::could not comment: .*HTTP 403.*workflow_run/
    )
    expect(run.outputs).toMatchObject({ verdict: 'no-baseline', 'comment-url': '' })
    expect(run.summary).toContain('no plugin · `fsync`')
    expect(github.uploadedArtifacts).toHaveLength(1)
  }, 30_000)

  it('retries a 500 and still posts exactly one comment', async () => {
    const github = await forge()
    github.injectFault({
      method: 'POST',
      path: /\/issues\/\d+\/comments$/,
      ...faults.serverError()
    })
    github.injectFault({
      method: 'GET',
      path: /\/actions\/workflows\/.*\/runs$/,
      ...faults.badGateway()
    })
    const run = await onPr(github)
    expect(run.status).toBe(0)
    expect(marked(github)).toHaveLength(1)
    expect(github.pendingFaults()).toBe(0)
  }, 30_000)

  it('waits out rate limits (retry-after, x-ratelimit-reset) and still comments once', async () => {
    const github = await forge()
    github.injectFault({
      method: 'GET',
      path: /\/issues\/\d+\/comments$/,
      ...faults.secondaryRateLimit(1)
    })
    github.injectFault({
      method: 'POST',
      path: /\/issues\/\d+\/comments$/,
      ...faults.tooManyRequests(1)
    })
    const run = await onPr(github)
    expect(run.status).toBe(0)
    expect(run.annotations.join('\n')).toMatch(/::warning::secondary rate limit on GET/)
    expect(marked(github)).toHaveLength(1)
    expect(github.pendingFaults()).toBe(0)
  }, 30_000)

  it('does not post twice when the answer to a created comment is lost (502 after the write)', async () => {
    const github = await forge()
    github.injectFault({
      method: 'POST',
      path: /\/issues\/\d+\/comments$/,
      afterHandling: true,
      ...faults.badGateway()
    })
    const run = await onPr(github)
    expect(run.status).toBe(0)
    expect(marked(github)).toHaveLength(1)
    expect(github.hits('POST /repos/{owner}/{repo}/issues/{index}/comments')).toBe(1)
  }, 30_000)

  it('replaces its own artifact when a job is re-run in the same workflow run', async () => {
    const github = await forge()
    const first = await onPr(github, { runBackendId: 'run-backend-rerun' })
    const second = await onPr(github, { runBackendId: 'run-backend-rerun' })
    expect([first.status, second.status]).toEqual([0, 0])
    expect(github.uploadedArtifacts.map((artifact) => artifact.name)).toEqual([
      'iostorm-report',
      'iostorm-report'
    ])
  }, 30_000)

  it('falls back to an older base run when the newest report artifact expired', async () => {
    const github = await forge()
    await seedBaseline(github, SAVE_ALL[0], 5001, { created_at: '2026-11-20T10:00:00Z' })
    github.seedRun({
      id: 5002,
      branch: 'main',
      event: 'push',
      created_at: '2026-11-21T10:00:00Z',
      artifacts: [{ name: 'iostorm-report', files: { 'report.json': '{}' }, expired: true }]
    })
    const run = await onPr(github)
    expect(run.outputs).toMatchObject({ verdict: 'pass', 'baseline-run-id': '5001' })
  }, 30_000)

  it('fits the comment in 65,536 characters and says where the full report is', async () => {
    const github = await forge()
    const run = await onPr(github, { files: [[await crowdedRun(), 'bench/crowded']] })
    expect(run.status).toBe(0)
    expect(Number(run.outputs.spikes)).toBeGreaterThan(100)
    const [comment] = marked(github)
    expect(comment.body.length).toBeLessThanOrEqual(65_536)
    expect(comment.body.length).toBeGreaterThan(20_000)
    expect(comment.body).toMatch(
      /the full report is in the `iostorm-report` artifact and the job summary of \[this run\]\(https:\/\/github\.com\/octo-org\/bench-repo\/actions\/runs\/7001\)/
    )
    // the job summary has room for far more
    expect(run.summary.length).toBeGreaterThan(65_536)
    expect((comment.body.match(/<details>/g) ?? []).length).toBeLessThan(
      (run.summary.match(/<details>/g) ?? []).length
    )
  }, 60_000)

  it('rejects a configuration error before publishing anything', async () => {
    const github = await forge()
    const run = await onPr(github, { inputs: { 'threshold-ms': '20' } })
    expect(run.status).toBe(1)
    expect(run.stdout).toContain(
      '::error::input "threshold-ms" must be at least 50 (the 50 ms floor is never lowered); got 20'
    )
    expect(github.commentsOn(PR)).toHaveLength(0)
    expect(github.uploadedArtifacts).toHaveLength(0)
  }, 30_000)

  it('reports unreadable inputs, publishes the rest, then fails', async () => {
    const github = await forge()
    const run = await onPr(github, {
      files: [SAVE_ALL, ['package.json', 'bench-out/broken/0/events.parquet']]
    })
    expect(run.status).toBe(1)
    expect(run.stdout).toContain(
      '::error::bench-out/broken/0/events.parquet: not a parquet file (no PAR1 magic bytes)'
    )
    expect(marked(github)[0].body).toContain('Inputs that could not be analysed')
    expect(run.outputs.spikes).toBe('1')
  }, 30_000)
})

describe('push on GitHub', () => {
  it('analyses and uploads the baseline report; no comment, no diff', async () => {
    const github = await forge()
    const run = await runAction({
      forge: github,
      event: 'push',
      payload: pushPayload(github),
      files: [SAVE_ALL]
    })
    expect(run.status).toBe(0)
    expect(run.outputs).toMatchObject({ verdict: 'pass', 'comment-url': '', 'baseline-run-id': '' })
    expect(github.requests.some((request) => request.path.includes('/comments'))).toBe(false)
    expect(github.uploadedArtifacts.map((artifact) => artifact.name)).toEqual(['iostorm-report'])
    expect(run.report?.diff).toBeNull()
  }, 30_000)

  it('downloads the telemetry artifacts of the current run by name pattern', async () => {
    const github = await forge()
    const events = await readFile('fixtures/runs/s2-player-quit/0/events.parquet')
    github.seedResultsArtifact({
      name: 'plugbench-quit',
      files: { 'runs/quit/0/events.parquet': events }
    })
    github.seedResultsArtifact({ name: 'unrelated-logs', files: { 'log.txt': 'x' } })
    const run = await runAction({
      forge: github,
      event: 'push',
      payload: pushPayload(github),
      inputs: { artifacts: 'plugbench-*', events: 'runs/*/0/events.parquet' }
    })
    expect(run.status).toBe(0)
    expect(run.report?.runs.map((r) => [r.run_id, r.file])).toEqual([
      ['quit', '.iostorm-artifacts/plugbench-quit/runs/quit/0/events.parquet']
    ])
  }, 30_000)

  it('names plugins from plugin jars downloaded as an artifact', async () => {
    const github = await forge()
    const jars = await mkdtemp(join(tmpdir(), 'iostorm-jars-'))
    try {
      const yml = (name: string, main: string) => ({
        'plugin.yml': `name: ${name}\nmain: ${main}\n`
      })
      await writeJar(join(jars, 'Quests.jar'), {
        descriptors: yml('Quests', 'com.leonardobishop.quests.bukkit.BukkitQuestsPlugin'),
        classes: ['com/leonardobishop/quests/bukkit/hook/CoreProtectHook.class']
      })
      await writeJar(join(jars, 'CoreProtect-22.2.jar'), {
        descriptors: yml('CoreProtect', 'net.coreprotect.CoreProtect'),
        classes: ['net/coreprotect/CoreProtect.class', 'net/coreprotect/api/BlockAPI.class']
      })
      github.seedResultsArtifact({
        name: 'plugbench-s3',
        files: {
          'runs/s3/0/events.parquet': await readFile(
            'fixtures/runs/s3-quests-coreprotect/0/events.parquet'
          )
        }
      })
      github.seedResultsArtifact({
        name: 'plugbench-plugins',
        files: {
          'Quests.jar': await readFile(join(jars, 'Quests.jar')),
          'CoreProtect-22.2.jar': await readFile(join(jars, 'CoreProtect-22.2.jar'))
        }
      })
    } finally {
      await rm(jars, { recursive: true, force: true })
    }
    const run = await runAction({
      forge: github,
      event: 'push',
      payload: pushPayload(github),
      inputs: {
        artifacts: 'plugbench-*',
        events: 'runs/*/0/events.parquet',
        'plugins-dir': '.iostorm-artifacts/plugbench-plugins'
      }
    })
    expect(run.status).toBe(0)
    const spikes = run.report?.runs.flatMap((r) => r.spikes) ?? []
    expect(spikes.length).toBeGreaterThan(0)
    for (const spike of spikes) {
      expect([spike.top_plugin, spike.entry_plugin, spike.via_plugin]).toEqual([
        'CoreProtect',
        'Quests',
        null
      ])
    }
    expect(run.report?.options.plugin_jars).toEqual(['CoreProtect-22.2.jar', 'Quests.jar'])
  }, 30_000)
})

describeWithShared('Forgejo', () => {
  it('comments through /api/v1, finds the baseline with Forgejo endpoints, uploads the report itself', async () => {
    const forgejo = await forge('forgejo')
    await seedBaseline(forgejo, GC_PAUSE[0])
    forgejo.seedComments(
      PR,
      Array.from({ length: 60 }, (_, i) => ({ body: `comment ${i}` }))
    )
    const run = await onPr(forgejo, { inputs: { 'fail-on-new': 'false' } })
    expect(run.status).toBe(0)
    expect(run.outputs).toMatchObject({
      verdict: 'pass',
      unconfirmed: '1',
      'baseline-run-id': '6001'
    })
    expect(marked(forgejo)).toHaveLength(1)
    expect(run.annotations.filter((line) => line.startsWith('::notice::'))).toEqual([])
    expect(forgejo.uploadedArtifacts.map((artifact) => Object.keys(artifact.files).sort())).toEqual(
      [['report.json', 'report.md']]
    )
    // REST under /api/v1 (checked against the swagger), the artifact service under /twirp/
    const outside = forgejo.requests.filter((request) => !request.path.startsWith('/api/v1/'))
    expect(outside.length).toBeGreaterThan(0)
    expect(outside.every((request) => request.path.startsWith('/twirp/'))).toBe(true)
    expect(forgejo.contractViolations).toEqual([])
  }, 30_000)

  it('treats a server without the run API (404) as no baseline, not an error', async () => {
    const forgejo = await forge('forgejo')
    forgejo.injectFault({
      method: 'GET',
      path: /\/actions\/runs\/\d+$/,
      status: 404,
      body: { message: 'Not Found' }
    })
    const run = await onPr(forgejo)
    expect(run.status).toBe(0)
    expect(run.outputs.verdict).toBe('no-baseline')
    expect(marked(forgejo)[0].body).toContain('not available on this server (HTTP 404)')
    expect(forgejo.contractViolations).toEqual([])
  }, 30_000)

  it('updates its comment in place on the second run', async () => {
    const forgejo = await forge('forgejo')
    await onPr(forgejo, { files: [GC_PAUSE] })
    await onPr(forgejo)
    expect(marked(forgejo)).toHaveLength(1)
    expect(marked(forgejo)[0].body).toContain('no plugin · `fsync`')
    expect(forgejo.contractViolations).toEqual([])
  }, 30_000)
})

describe('workflow_run (fork-safe second workflow)', () => {
  it('comments on the pull request named by the pull-request input, using its base branch', async () => {
    const github = await forge()
    await seedBaseline(github, SAVE_ALL[0])
    const payload = {
      workflow_run: {
        id: 6999,
        workflow_id: 1001,
        head_sha: 'f00dfeed'.repeat(5),
        head_branch: 'feature/faster-saves',
        head_repository: {
          full_name: `${github.owner}/${github.repo}`,
          owner: { login: github.owner }
        },
        pull_requests: []
      }
    }
    const run = await runAction({
      forge: github,
      event: 'workflow_run',
      payload,
      files: [SAVE_ALL],
      inputs: { 'pull-request': String(PR), upload: 'false' }
    })
    expect(run.status).toBe(0)
    expect(run.outputs).toMatchObject({ verdict: 'pass', 'baseline-run-id': '6001' })
    expect(marked(github)).toHaveLength(1)
  }, 30_000)
})
