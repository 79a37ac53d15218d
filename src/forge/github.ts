import type { Log } from './client.js'
import type { RunContext } from './context.js'
import { downloadRunArtifacts, uploadReport, type ArtifactService } from './artifacts.js'
import type { DownloadedArtifacts, RunArtifacts, UploadedReport } from './forge.js'
import type { ForgeUser } from './identity.js'
import { record, RestForge, userOf } from './rest.js'

/**
 * GitHub (and GHES): per_page/page paging, a workflow's runs under
 * /actions/workflows/{id}/runs, artifact lists wrapped in `{ artifacts }`, and GraphQL's `viewer`
 * for the installation token, which `GET /user` refuses.
 */
export class GitHubForge extends RestForge {
  protected readonly pageSize = 100
  protected readonly pageSizeParameter = 'per_page'
  protected readonly commentsUnpaged = false

  /**
   * The installation token (GitHub's GITHUB_TOKEN, an App's token) may not read `GET /user`;
   * GraphQL's `viewer` answers for it (`github-actions[bot]`, the login its REST comments carry).
   */
  protected async fallbackIdentity(): Promise<ForgeUser> {
    const response = await this.client.request(`POST ${this.context.graphqlUrl}`, {
      query: 'query { viewer { login databaseId } }'
    })
    const found = record(record(record(response.data).data).viewer)
    const user = userOf({ login: found.login, id: found.databaseId })
    if (user === null) throw new Error('GraphQL viewer named no user')
    return user
  }

  protected artifactList(data: unknown): unknown {
    return record(data).artifacts
  }

  protected async successfulPushRuns(workflow: number | string, baseRef: string, limit: number) {
    const response = await this.client.request(
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      {
        ...this.repo,
        workflow_id: workflow,
        branch: baseRef,
        event: 'push',
        status: 'success',
        per_page: limit
      }
    )
    return response.data
  }

  protected runCommit(run: Record<string, unknown>): unknown {
    return run.head_sha
  }
}

/**
 * @actions/artifact is by far the largest dependency (Azure SDK, zip, protobuf): it is imported
 * only when a step uploads or downloads, so other runs do not pay for parsing it.
 */
async function artifactClient(): Promise<ArtifactService> {
  const { DefaultArtifactClient } = await import('@actions/artifact')
  return new DefaultArtifactClient()
}

/** This run's artifacts on GitHub: its artifact service, through @actions/artifact. */
export function githubRunArtifacts(context: RunContext, log: Log): RunArtifacts {
  return {
    uploadsReports: true,
    async uploadReport(name, files, directory): Promise<UploadedReport> {
      return uploadReport(await artifactClient(), context, name, files, directory)
    },
    async downloadRunArtifacts(patterns, root): Promise<DownloadedArtifacts> {
      return downloadRunArtifacts(await artifactClient(), patterns, root, log)
    }
  }
}
