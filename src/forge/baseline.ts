import { readFile } from 'node:fs/promises'
import { relative } from 'node:path'
import type { BaselineSource, ReportOptions, SignatureSummary } from '../analysis/types.js'
import { parseReport, ReportFormatError } from '../report/json.js'
import { messageOf, statusOf, type ForgeClient, type Log } from './client.js'
import type { RunContext } from './context.js'
import { readZip, ZipError } from './zip.js'

export const REPORT_FILE = 'report.json'

/** The newest qualifying run plus this many older ones are tried. */
const RUNS_TRIED = 5

export type BaselineLookup =
  | {
      found: true
      signatures: SignatureSummary[]
      source: BaselineSource
      options?: Partial<ReportOptions>
    }
  | { found: false; reason: string }

interface CandidateRun {
  id: number
  sha: string
  url: string
}

interface CandidateArtifact {
  id: number
  expired: boolean
  created: string
}

/** A forge answered "no such endpoint": an older forge, or the feature is switched off. */
class Unavailable extends Error {}

async function call<T>(request: () => Promise<T>, what: string): Promise<T> {
  try {
    return await request()
  } catch (error) {
    const status = statusOf(error)
    if (status === 404) throw new Unavailable(`${what}: not available on this server (HTTP 404)`)
    if (status === 403 || status === 401) {
      throw new Unavailable(
        `${what}: the token may not read Actions data (HTTP ${status}; grant "actions: read")`
      )
    }
    throw error
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

function artifactsOf(data: unknown): CandidateArtifact[] {
  const list = Array.isArray(data) ? data : record(data).artifacts
  return (Array.isArray(list) ? list : []).map((item) => {
    const artifact = record(item)
    return {
      id: Number(artifact.id),
      expired: artifact.expired === true,
      created: String(artifact.created_at ?? '')
    }
  })
}

/** How a forge lists the runs a baseline may come from (the artifact endpoints are common). */
interface ForgeApi {
  describe: string
  runs(): Promise<CandidateRun[]>
}

/** GitHub wraps the list in `{ artifacts }`; Forgejo answers a bare array. */
async function runArtifacts(
  client: ForgeClient,
  context: RunContext,
  run: CandidateRun,
  name: string
): Promise<CandidateArtifact[]> {
  const response = await call(
    () =>
      client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
        owner: context.owner,
        repo: context.repo,
        run_id: run.id,
        name
      }),
    'listing run artifacts'
  )
  return artifactsOf(response.data)
}

/** The artifact's zip: GitHub redirects to blob storage (followed without the token), Forgejo serves it. */
async function downloadArtifact(
  client: ForgeClient,
  context: RunContext,
  artifact: CandidateArtifact
): Promise<Uint8Array> {
  const response = await call(
    () =>
      client.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip', {
        owner: context.owner,
        repo: context.repo,
        artifact_id: artifact.id
      }),
    'downloading the report artifact'
  )
  return bytes(response.data)
}

async function bytes(data: unknown): Promise<Uint8Array> {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  throw new Error('the artifact download returned no binary data')
}

/** The workflow of the running job's run: GitHub's numeric id, Forgejo's workflow file name. */
async function thisRunsWorkflow(
  client: ForgeClient,
  context: RunContext
): Promise<number | string> {
  if (context.runId === null) throw new Unavailable('GITHUB_RUN_ID is not set')
  const run = await call(
    () =>
      client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
        owner: context.owner,
        repo: context.repo,
        run_id: context.runId as number
      }),
    'reading this workflow run'
  )
  const workflow = record(run.data).workflow_id
  if (typeof workflow !== 'number' && typeof workflow !== 'string') {
    throw new Unavailable('reading this workflow run: the answer names no workflow')
  }
  return workflow
}

/** GitHub: workflow of this run → its successful push runs on the base branch → artifacts. */
function githubApi(client: ForgeClient, context: RunContext, baseRef: string): ForgeApi {
  const repo = { owner: context.owner, repo: context.repo }
  return {
    describe: `successful push runs of this workflow on ${baseRef}`,
    async runs() {
      const workflowId = context.workflowId ?? (await thisRunsWorkflow(client, context))
      const runs = await call(
        () =>
          client.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
            ...repo,
            workflow_id: workflowId as number | string,
            branch: baseRef,
            event: 'push',
            status: 'success',
            per_page: RUNS_TRIED
          }),
        'listing workflow runs'
      )
      return runs.data.workflow_runs.map((run) => ({
        id: Number(run.id),
        sha: run.head_sha,
        url: run.html_url
      }))
    }
  }
}

/**
 * Forgejo (v16+) and Gitea: runs filtered by workflow file and ref, bare-array artifact lists,
 * and a zip served directly. Older servers answer 404, which means "no baseline here".
 */
function forgejoApi(client: ForgeClient, context: RunContext, baseRef: string): ForgeApi {
  const repo = { owner: context.owner, repo: context.repo }
  return {
    describe: `successful push runs of this workflow on ${baseRef}`,
    async runs() {
      const workflow = context.workflowId ?? (await thisRunsWorkflow(client, context))
      const response = await call(
        () =>
          client.request('GET /repos/{owner}/{repo}/actions/runs', {
            ...repo,
            workflow_id: String(workflow),
            ref: `refs/heads/${baseRef}`,
            event: 'push',
            status: 'success',
            limit: RUNS_TRIED
          }),
        'listing workflow runs'
      )
      const runs = record(response.data).workflow_runs
      return (Array.isArray(runs) ? runs : []).map((item) => {
        const run = record(item)
        return {
          id: Number(run.id),
          sha: String(run.commit_sha ?? run.head_sha ?? ''),
          url: String(run.html_url ?? '')
        }
      })
    }
  }
}

/**
 * `baseline: auto`: the report artifact of the newest successful push run of the same workflow on
 * the pull request's base branch; when that artifact is missing, expired or unreadable, up to four
 * older runs are tried. Never throws for a missing baseline: it says why instead.
 */
export async function findBaseline(
  client: ForgeClient,
  context: RunContext,
  baseRef: string,
  reportName: string,
  log: Log
): Promise<BaselineLookup> {
  const api =
    context.forge === 'github'
      ? githubApi(client, context, baseRef)
      : forgejoApi(client, context, baseRef)
  try {
    const runs = (await api.runs()).slice(0, RUNS_TRIED)
    if (runs.length === 0) return { found: false, reason: `no ${api.describe} yet` }
    for (const run of runs) {
      const artifacts = (await runArtifacts(client, context, run, reportName))
        .filter((artifact) => !artifact.expired)
        .sort((a, b) => b.created.localeCompare(a.created) || b.id - a.id)
      if (artifacts.length === 0) {
        log.info(
          `baseline: run ${run.id} has no unexpired "${reportName}" artifact; trying an older run`
        )
        continue
      }
      try {
        const files = readZip(await downloadArtifact(client, context, artifacts[0]))
        const json = files.get(REPORT_FILE)
        if (!json) throw new ReportFormatError(`the artifact has no ${REPORT_FILE}`)
        const report = parseReport(json.toString('utf8'))
        return {
          found: true,
          signatures: report.signatures,
          options: report.options,
          source: {
            kind: 'artifact',
            location: `artifact "${reportName}" of run ${run.id}`,
            run_id: String(run.id),
            commit: run.sha,
            url: run.url
          }
        }
      } catch (error) {
        if (!(
          error instanceof ReportFormatError ||
          error instanceof ZipError ||
          error instanceof Unavailable
        ))
          throw error
        log.warning(
          `baseline: the "${reportName}" artifact of run ${run.id} is unusable (${error.message}); trying an older run`
        )
      }
    }
    return {
      found: false,
      reason: `none of the last ${runs.length} ${api.describe} has a usable "${reportName}" artifact (expired, or uploaded by no run)`
    }
  } catch (error) {
    if (error instanceof Unavailable) return { found: false, reason: error.message }
    return { found: false, reason: `the baseline lookup failed: ${messageOf(error)}` }
  }
}

/** The `baseline` input: `auto`, `none`, or a report JSON on disk. */
export type BaselineSetting = { mode: 'auto' } | { mode: 'none' } | { mode: 'path'; path: string }

/** The pull request a baseline is for (resolvePull's): its base branch, when already known. */
export interface BaselineFor {
  pull: number
  baseRef: string | null
}

async function baseRefOf(
  client: ForgeClient,
  context: RunContext,
  target: BaselineFor
): Promise<string | null> {
  if (target.baseRef !== null) return target.baseRef
  const response = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner: context.owner,
    repo: context.repo,
    pull_number: target.pull
  })
  return response.data.base.ref
}

/**
 * The baseline of a pull request, from a file or (auto) from the base branch's runs. A missing or
 * unreadable baseline is an answer ("not found, because…"), never an error.
 */
export async function resolveBaseline(
  setting: BaselineSetting,
  client: ForgeClient | null,
  context: RunContext,
  target: BaselineFor,
  reportName: string,
  log: Log
): Promise<BaselineLookup> {
  if (setting.mode === 'none') return { found: false, reason: 'baseline is set to none' }
  if (setting.mode === 'path') {
    const shown = relative(context.workspace, setting.path) || setting.path
    try {
      const stored = parseReport(await readFile(setting.path, 'utf8'))
      return {
        found: true,
        signatures: stored.signatures,
        options: stored.options,
        source: { kind: 'report', location: shown }
      }
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
      return {
        found: false,
        reason: `baseline report ${shown}: ${missing ? 'no such file' : messageOf(error)}`
      }
    }
  }
  if (client === null)
    return { found: false, reason: 'no github-token to look the baseline up with' }
  try {
    const baseRef = await baseRefOf(client, context, target)
    if (baseRef === null) return { found: false, reason: 'the pull request has no base branch' }
    return await findBaseline(client, context, baseRef, reportName, log)
  } catch (error) {
    return { found: false, reason: `the baseline lookup failed: ${messageOf(error)}` }
  }
}
