/** Shared set-up of the end-to-end suites: a fake forge with this run and a base-branch report. */
import { DEFAULT_OPTIONS } from '../../src/analysis/analyse-file.js'
import { commentMarker } from '../../src/forge/comments.js'
import { describeOptions } from '../../src/options.js'
import { analyseFiles } from '../../src/pipeline.js'
import { buildReport, reportToJson } from '../../src/report/json.js'
import { discoverTargets } from '../../src/telemetry/discover.js'
import {
  CURRENT_RUN,
  PR,
  pullRequestPayload,
  runAction,
  TOKEN,
  type RunOptions
} from './action-runner.js'
import {
  startFakeForge,
  type FakeForge,
  type FakeForgeOptions,
  type RunSeed
} from './fake-forge.js'

export const MARKER = commentMarker('iostorm')
export const SAVE_ALL: [string, string] = ['fixtures/runs/s1-save-all', 'bench-out/s1-save-all']
export const GC_PAUSE: [string, string] = ['fixtures/runs/s7-gc-pause', 'bench-out/s7-gc-pause']
export const HEAD_SHA = 'f00dfeed'.repeat(5)
export const HEAD_BRANCH = 'feature/faster-saves'

/** Starts fake forges and closes them all (call `closeAll` in afterEach). */
export function forgePool() {
  const open: FakeForge[] = []
  return {
    async start(
      kind: 'github' | 'forgejo' | 'gitea' = 'github',
      options: Partial<FakeForgeOptions> = {}
    ): Promise<FakeForge> {
      const started = await startFakeForge({
        kind,
        token: TOKEN,
        forgejoIgnoresPaging: true,
        currentRunId: CURRENT_RUN,
        ...options
      })
      open.push(started)
      started.seedRun({
        id: CURRENT_RUN,
        branch: HEAD_BRANCH,
        event: 'pull_request',
        status: 'in_progress',
        conclusion: null
      })
      started.seedPull({ number: PR, headSha: HEAD_SHA, headRef: HEAD_BRANCH })
      return started
    },
    async closeAll(): Promise<void> {
      await Promise.all(open.splice(0).map((forge) => forge.close()))
    }
  }
}

/** A report JSON as `detect` would have stored it for the base branch. */
export async function reportOf(folder: string): Promise<string> {
  const { files } = await discoverTargets([folder], '.')
  const analysed = await analyseFiles(files, DEFAULT_OPTIONS)
  return reportToJson(buildReport({ ...analysed, options: describeOptions(DEFAULT_OPTIONS) }))
}

export async function seedBaseline(
  target: FakeForge,
  folder: string,
  id = 6001,
  extra: Partial<RunSeed> = {}
): Promise<void> {
  target.seedRun({
    id,
    branch: 'main',
    event: 'push',
    head_sha: 'ba5eba11'.repeat(5),
    artifacts: [
      {
        name: 'iostorm-report',
        files: { 'report.json': await reportOf(folder), 'report.md': '# base' }
      }
    ],
    ...extra
  })
}

/**
 * Five base runs (6001 the oldest … 6005 the newest), each with a report of `folder`: a history
 * of five repeats, enough to confirm a signature new in both repeats of TWO_REPEATS (Fisher's
 * p = 1/21 < 0.05).
 */
export async function seedHistory(target: FakeForge, folder: string): Promise<void> {
  for (let id = 6001; id <= 6005; id++) {
    await seedBaseline(target, folder, id, {
      created_at: `2026-11-2${id - 6000}T10:00:00Z`
    })
  }
}

/** The save-all scenario as a head of two repeats. */
export const TWO_REPEATS: [string, string][] = [
  [SAVE_ALL[0], 'bench-out/a'],
  [SAVE_ALL[0], 'bench-out/b']
]

export const onPr = (target: FakeForge, options: Partial<RunOptions> = {}) =>
  runAction({
    forge: target,
    event: 'pull_request',
    payload: pullRequestPayload(target),
    files: [SAVE_ALL],
    ...options
  })

/** Comments on the test PR whose body starts with the marker. */
export const marked = (target: FakeForge) =>
  target.commentsOn(PR).filter((comment) => comment.body.startsWith(MARKER))
