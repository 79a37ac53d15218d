import { randomUUID } from 'node:crypto'
import { lstat, mkdir, rm } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import { errorMessage } from '../errors.js'
import { folderInside, namePattern, safeFolderName, unsafeNameWarning } from './artifacts.js'
import type { Log } from './client.js'
import type { RunContext } from './context.js'
import type { RunArtifacts } from './forge.js'
import { BudgetExceededError, type FetchLike, type ForgeBudget } from './http.js'
import {
  NoResultsService,
  ResultsClient,
  ResultsError,
  resultsServiceOf,
  type ListedArtifact,
  type ResultsService
} from './results.js'
import type { ForgeUser } from './identity.js'
import { record, RestForge } from './rest.js'
import { extractZip, zipFiles } from './zip.js'

/**
 * Forgejo's and Gitea's automatic token writes as a system user with id -2 (`forgejo-actions`,
 * `gitea-actions`), which `GET /user` may not answer for.
 */
const ACTIONS_USER_ID = -2

/**
 * Forgejo (v16+ for runs and artifacts): limit/page paging, comments all at once unless the server
 * says there are more, runs filtered by workflow file and ref under /actions/runs, artifact lists
 * as a bare array (Gitea's: wrapped in `{ artifacts }`), the actions user for the automatic token,
 * and no GraphQL. Older servers answer the Actions endpoints with 404, which means "no baseline
 * here". Gitea differs in its runs (GiteaForge below).
 */
export class ForgejoForge extends RestForge {
  /** Forgejo's default (and largest) page. */
  protected readonly pageSize = 50
  protected readonly pageSizeParameter = 'limit'
  /** Forgejo v16 takes no paging parameters for a comment list and returns everything. */
  protected readonly commentsUnpaged = true

  protected async fallbackIdentity(): Promise<ForgeUser> {
    return { login: `${this.context.forge}-actions`, id: ACTIONS_USER_ID }
  }

  protected artifactList(data: unknown): unknown {
    return Array.isArray(data) ? data : record(data).artifacts
  }

  protected async successfulPushRuns(
    workflow: number | string,
    baseRef: string,
    limit: number
  ): Promise<unknown> {
    const response = await this.client.request('GET /repos/{owner}/{repo}/actions/runs', {
      ...this.repo,
      workflow_id: String(workflow),
      ref: `refs/heads/${baseRef}`,
      event: 'push',
      status: 'success',
      limit
    })
    return response.data
  }

  protected runCommit(run: Record<string, unknown>): unknown {
    return run.commit_sha ?? run.head_sha
  }
}

/**
 * Gitea (1.25 and later list runs): like Forgejo, but its runs are GitHub-shaped — they name their
 * workflow only in `path` (`bench.yml@refs/heads/main`), and the list filters by `branch`, not by
 * ref or workflow, so the workflow is matched here.
 */
export class GiteaForge extends ForgejoForge {
  protected override workflowOf(run: Record<string, unknown>): unknown {
    return run.workflow_id ?? workflowFile(run.path)
  }

  protected override async successfulPushRuns(
    workflow: number | string,
    baseRef: string,
    limit: number
  ): Promise<unknown> {
    const response = await this.client.request('GET /repos/{owner}/{repo}/actions/runs', {
      ...this.repo,
      branch: baseRef,
      event: 'push',
      status: 'success',
      // other workflows' runs are filtered out below: ask for a full page
      limit: Math.max(limit, this.pageSize)
    })
    const runs = record(response.data).workflow_runs
    if (!Array.isArray(runs)) return response.data
    return {
      workflow_runs: runs.filter(
        (run) => workflowFile(record(run).path) === workflowFile(String(workflow))
      )
    }
  }
}

/** `bench.yml` of `bench.yml@refs/heads/main` or `.gitea/workflows/bench.yml`. */
function workflowFile(path: unknown): string | undefined {
  if (typeof path !== 'string' || path === '') return undefined
  return path.replace(/@.*$/, '').replace(/^.*\//, '')
}

/**
 * The steps that do the artifact service's work where the action cannot: the v3 actions, whose
 * older protocol (ACTIONS_RUNTIME_URL) servers and runners without the service still serve.
 */
const UPLOAD_STEP = 'https://code.forgejo.org/actions/upload-artifact@v3'
const DOWNLOAD_STEP = 'https://code.forgejo.org/actions/download-artifact@v3'

/** What a server or runner without the artifact service lacks, for the notices. */
const NEEDS = 'Forgejo 7 or Gitea 1.22 with forgejo-runner 3.4 or a recent act_runner'

/** What the action downloads of one artifact of this run at most (zip, and unzipped). */
export interface ArtifactTransfer {
  fetch: FetchLike
  budget: ForgeBudget
  /** Bytes of one artifact's download, and of its files once unzipped. */
  limit: number
}

/** Files one downloaded artifact may hold at most. */
const MAX_ARTIFACT_ENTRIES = 10_000

/**
 * This run's artifacts on Forgejo (7 and later) and Gitea (1.22 and later), through the run's
 * artifact service (results.ts). A runner or server without it gets a notice naming the step to
 * add instead, never a failure: the report stays in its folder, and the telemetry must be
 * downloaded by an earlier step.
 */
export function forgejoRunArtifacts(
  context: RunContext,
  log: Log & { notice(message: string): void },
  env: NodeJS.ProcessEnv,
  transfer: ArtifactTransfer
): RunArtifacts {
  const server = context.forge === 'forgejo' ? 'Forgejo' : 'Gitea'
  let service: ResultsService | null = null
  let missing = ''
  try {
    service = resultsServiceOf(env)
  } catch (error) {
    if (!(error instanceof NoResultsService)) throw error
    missing = error.message
  }
  const client = service && new ResultsClient(service, transfer.fetch, transfer.budget)
  const withoutService = (why: string, step: string) =>
    `${server} gives this job no artifact service (${why}; it needs ${NEEDS}): ${step}`

  return {
    uploadsReports: client !== null,
    async uploadReport(name, files, directory) {
      const folder = `${relative(context.workspace, directory) || '.'}/`
      const addStep = `to keep the report (and to serve as a baseline), add a step "uses: ${UPLOAD_STEP}" with name: ${name} and path: ${folder}`
      if (client === null) {
        log.notice(withoutService(missing, addStep))
        return null
      }
      try {
        const zip = await zipFiles(files.map((path) => ({ path, name: relative(directory, path) })))
        const id = await client.upload(name, zip)
        return { id, url: undefined }
      } catch (error) {
        if (error instanceof ResultsError && error.status === 404) {
          log.notice(withoutService('HTTP 404 from its artifact service', addStep))
        } else {
          log.warning(
            `report artifact "${name}" not uploaded: ${errorMessage(error)}; it is in ${folder}`
          )
        }
        return null
      }
    },
    async downloadRunArtifacts(patterns, root) {
      const addStep = `download the artifacts with a step "uses: ${DOWNLOAD_STEP}" before this one`
      if (client === null) {
        log.notice(withoutService(missing, addStep))
        return null
      }
      const matchers = patterns.map(namePattern)
      let listed: ListedArtifact[]
      try {
        listed = await client.list()
      } catch (error) {
        if (error instanceof BudgetExceededError) throw error
        if (error instanceof ResultsError && error.status === 404) {
          log.notice(withoutService('HTTP 404 from its artifact service', addStep))
          return null
        }
        log.warning(`could not list this run's artifacts: ${errorMessage(error)}`)
        return {
          names: [],
          unusable: [`listing this run's artifacts failed (${errorMessage(error)})`]
        }
      }
      const wanted = listed
        .filter((artifact) => matchers.some((matcher) => matcher.test(artifact.name)))
        .sort((a, b) => a.name.localeCompare(b.name))
      const result = { names: [] as string[], unusable: [] as string[] }
      if (wanted.length === 0) return result
      try {
        await prepareRoot(root)
      } catch (error) {
        const line = `no artifact downloaded: ${errorMessage(error)}`
        log.warning(line)
        return { names: [], unusable: wanted.map(() => line) }
      }
      for (const artifact of wanted) {
        const folder = safeFolderName(artifact.name) ? folderInside(root, artifact.name) : null
        if (folder === null) {
          log.warning(unsafeNameWarning(artifact.name))
          continue
        }
        try {
          await downloadInto(client, artifact.name, folder, root, transfer.limit)
          result.names.push(artifact.name)
        } catch (error) {
          if (error instanceof BudgetExceededError) throw error
          await rm(folder, { recursive: true, force: true })
          const line = `artifact ${JSON.stringify(artifact.name)} is unusable (${errorMessage(error)}); nothing of it was kept`
          log.warning(line)
          result.unusable.push(line)
        }
      }
      return result
    }
  }
}

/** `.iostorm-artifacts` as a real folder of the workspace, never a link to elsewhere. */
async function prepareRoot(root: string): Promise<void> {
  const found = await lstat(root).catch(() => null)
  if (found !== null && (found.isSymbolicLink() || !found.isDirectory())) {
    throw new Error(`${basename(root)} is not a plain folder (a link?): refusing to write into it`)
  }
  await mkdir(root, { recursive: true })
}

/**
 * Downloads one artifact to a scratch file beside the folders, then unzips it into a fresh
 * `folder` (anything there before is removed first, so no file or link of the checkout can
 * redirect a write).
 */
async function downloadInto(
  client: ResultsClient,
  name: string,
  folder: string,
  root: string,
  limit: number
): Promise<void> {
  const scratch = join(root, `.download-${randomUUID()}.zip`)
  try {
    const isZip = await client.download(name, scratch, limit)
    if (!isZip) throw new Error('the download is not a zip archive')
    await rm(folder, { recursive: true, force: true })
    await mkdir(folder)
    await extractZip(scratch, folder, { bytes: limit, entries: MAX_ARTIFACT_ENTRIES })
  } finally {
    await rm(scratch, { force: true })
  }
}
