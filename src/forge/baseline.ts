import { relative } from 'node:path'
import type { BaselineSource, ReportOptions, SignatureSummary } from '../analysis/types.js'
import { loadReport } from '../compare.js'
import { parseReport, REPORT_READ_LIMIT } from '../report/json.js'
import {
  describeError,
  statusOf,
  type ForgeClient,
  type ForgeConnection,
  type Log
} from './client.js'
import { errorMessage } from '../errors.js'
import type { RunContext } from './context.js'
import { BudgetExceededError, readCapped } from './http.js'
import { readZipEntry } from './zip.js'

export const REPORT_FILE = 'report.json'

/** The newest qualifying run plus this many older ones are tried. */
const RUNS_TRIED = 5

/**
 * A report artifact's zip is a few hundred KiB; a download is cut off past this many bytes so
 * that a hostile or broken artifact cannot fill the runner's memory.
 */
export const ARTIFACT_DOWNLOAD_LIMIT = 64 * 1024 * 1024

/** Redirects followed for one download (GitHub: one, to blob storage). */
const MAX_REDIRECTS = 3

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
  if (!Array.isArray(list)) throw new Error('the artifact list is not a JSON list')
  return list.map((item) => {
    const artifact = record(item)
    return {
      id: Number(artifact.id),
      expired: artifact.expired === true,
      created: String(artifact.created_at ?? '')
    }
  })
}

/** `workflow_runs` of a run list answer; anything else (a proxy's HTML page) is an error. */
function runList(data: unknown): unknown[] {
  const runs = record(data).workflow_runs
  if (!Array.isArray(runs)) throw new Error('listing workflow runs got an unexpected answer')
  return runs
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

/**
 * The artifact's zip, at most ARTIFACT_DOWNLOAD_LIMIT bytes. GitHub answers with a redirect to
 * blob storage, followed without the token (the signed URL is the credential, and the token must
 * not leave for another host); Forgejo serves the zip itself.
 */
async function downloadArtifact(
  forge: ForgeConnection,
  context: RunContext,
  artifact: CandidateArtifact
): Promise<Buffer> {
  let url = `${context.apiUrl}/repos/${encodeURIComponent(context.owner)}/${encodeURIComponent(context.repo)}/actions/artifacts/${artifact.id}/zip`
  let headers: Record<string, string> = {
    authorization: `token ${forge.token}`,
    accept: 'application/vnd.github+json'
  }
  for (let redirects = 0; ; redirects++) {
    const response = await forge.fetch(url, { headers, redirect: 'manual' })
    const location = response.headers.get('location')
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel().catch(() => undefined)
      if (redirects >= MAX_REDIRECTS) throw new Error('the download redirects too often')
      url = new URL(location, url).href
      headers = {}
      continue
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined)
      throw new Error(
        response.status === 410
          ? 'the artifact has expired (HTTP 410)'
          : `the download answered HTTP ${response.status}`
      )
    }
    return readCapped(response, ARTIFACT_DOWNLOAD_LIMIT, forge.budget, 'the artifact download')
  }
}

/** report.json of an artifact zip, validated; throws saying why it is unusable. */
async function reportOfZip(zip: Buffer) {
  const json = await readZipEntry(zip, REPORT_FILE, REPORT_READ_LIMIT)
  if (json === null) throw new Error(`the artifact has no ${REPORT_FILE}`)
  return parseReport(json.toString('utf8'))
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
      return runList(runs.data).map((item) => {
        const run = record(item)
        return {
          id: Number(run.id),
          sha: String(run.head_sha ?? ''),
          url: String(run.html_url ?? '')
        }
      })
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
      return runList(response.data).map((item) => {
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
  forge: ForgeConnection,
  context: RunContext,
  baseRef: string,
  reportName: string,
  log: Log
): Promise<BaselineLookup> {
  const { client } = forge
  const api =
    context.forge === 'github'
      ? githubApi(client, context, baseRef)
      : forgejoApi(client, context, baseRef)
  try {
    const runs = (await api.runs()).slice(0, RUNS_TRIED)
    if (runs.length === 0) return { found: false, reason: `no ${api.describe} yet` }
    for (const run of runs) {
      // whatever goes wrong with one run's artifact, an older run may still have a good one
      try {
        const artifacts = (await runArtifacts(client, context, run, reportName))
          .filter((artifact) => !artifact.expired)
          .sort((a, b) => b.created.localeCompare(a.created) || b.id - a.id)
        if (artifacts.length === 0) {
          log.info(
            `baseline: run ${run.id} has no unexpired "${reportName}" artifact; trying an older run`
          )
          continue
        }
        const report = await reportOfZip(await downloadArtifact(forge, context, artifacts[0]))
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
        if (error instanceof BudgetExceededError) throw error
        log.warning(
          `baseline: the "${reportName}" artifact of run ${run.id} is unusable (${describeError(error)}); trying an older run`
        )
      }
    }
    return {
      found: false,
      reason: `none of the last ${runs.length} ${api.describe} has a usable "${reportName}" artifact (expired, or uploaded by no run)`
    }
  } catch (error) {
    if (error instanceof Unavailable) return { found: false, reason: error.message }
    return { found: false, reason: `the baseline lookup failed: ${errorMessage(error)}` }
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
  forge: ForgeConnection | null,
  context: RunContext,
  target: BaselineFor,
  reportName: string,
  log: Log
): Promise<BaselineLookup> {
  if (setting.mode === 'none') return { found: false, reason: 'baseline is set to none' }
  if (setting.mode === 'path') {
    const shown = relative(context.workspace, setting.path) || setting.path
    const stored = await loadReport(setting.path, shown)
    return stored.signatures === null
      ? { found: false, reason: `baseline report ${shown}: ${stored.errors[0]?.message}` }
      : {
          found: true,
          signatures: stored.signatures,
          options: stored.options,
          source: stored.source
        }
  }
  if (forge === null)
    return { found: false, reason: 'no github-token to look the baseline up with' }
  try {
    const baseRef = await baseRefOf(forge.client, context, target)
    if (baseRef === null) return { found: false, reason: 'the pull request has no base branch' }
    return await findBaseline(forge, context, baseRef, reportName, log)
  } catch (error) {
    return { found: false, reason: `the baseline lookup failed: ${errorMessage(error)}` }
  }
}
