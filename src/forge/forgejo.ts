import { relative } from 'node:path'
import type { Log } from './client.js'
import type { RunContext } from './context.js'
import type { RunArtifacts } from './forge.js'
import type { ForgeUser } from './identity.js'
import { record, RestForge } from './rest.js'

/**
 * Forgejo's and Gitea's automatic token writes as a system user with id -2 (`forgejo-actions`,
 * `gitea-actions`), which `GET /user` may not answer for.
 */
const ACTIONS_USER_ID = -2

/**
 * Forgejo (v16+ for runs and artifacts) and Gitea: limit/page paging, comments all at once unless
 * the server says there are more, runs filtered by workflow file and ref under /actions/runs,
 * artifact lists as a bare array (Gitea: wrapped in `{ artifacts }`), the actions user for the
 * automatic token, and no GraphQL. Older servers answer the Actions endpoints with 404, which
 * means "no baseline here".
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

  protected async successfulPushRuns(workflow: number | string, baseRef: string, limit: number) {
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
 * This run's artifacts on Forgejo and Gitea, which give actions no artifact service that
 * @actions/artifact accepts (it refuses any host but github.com and GHE.com): the report stays in
 * its folder and the telemetry must be downloaded by an earlier step; a notice and a warning say
 * which step to add. Forgejo 7 and later serve GitHub's Twirp artifact protocol
 * (ACTIONS_RESULTS_URL): an ArtifactService for it (artifacts.ts) is what these two need.
 */
export function forgejoRunArtifacts(
  context: RunContext,
  log: Log & { notice(message: string): void }
): RunArtifacts {
  return {
    uploadsReports: false,
    async uploadReport(name, _files, directory) {
      const folder = `${relative(context.workspace, directory) || '.'}/`
      log.notice(
        `${context.forge === 'forgejo' ? 'Forgejo' : 'Gitea'} does not let actions upload artifacts ` +
          `through @actions/artifact: the report is in ${folder}. To keep it (and to serve as a ` +
          `baseline), add a step "uses: https://code.forgejo.org/forgejo/upload-artifact@v4" with ` +
          `name: ${name} and path: ${folder}`
      )
      return null
    },
    async downloadRunArtifacts() {
      log.warning(
        'input "artifacts" needs the GitHub artifact service, which Forgejo and Gitea do not offer to ' +
          'actions: download them with a forgejo/download-artifact step before this one instead.'
      )
      return null
    }
  }
}
