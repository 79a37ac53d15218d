import { errorMessage } from '../errors.js'
import { statusOf, type ForgeClient, type ForgeConnection, type Log } from './client.js'
import type { RunContext } from './context.js'
import {
  UnexpectedAnswerError,
  Unavailable,
  type BaselineRun,
  type Forge,
  type IssueComment,
  type RunArtifact
} from './forge.js'
import { BudgetExceededError, readCapped } from './http.js'
import type { ForgeUser } from './identity.js'

/** A safety net: no pull request has this many pages of comments. */
const MAX_PAGES = 500

/** Redirects followed for one download (GitHub: one, to blob storage). */
const MAX_REDIRECTS = 3

/** An object of a JSON answer, or an empty one for anything else. */
export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

/** A user object of a REST answer (`user` of a comment, or `GET /user`); null when it is none. */
export function userOf(value: unknown): ForgeUser | null {
  const user = record(value)
  const login = typeof user.login === 'string' ? user.login : ''
  const id = typeof user.id === 'number' && Number.isInteger(user.id) ? user.id : null
  return login === '' && id === null ? null : { login, id }
}

function toComment(value: unknown): IssueComment | undefined {
  const c = value as (Partial<Omit<IssueComment, 'author'>> & { user?: unknown }) | null
  if (typeof c?.id !== 'number') return undefined
  return {
    id: c.id,
    body: typeof c.body === 'string' ? c.body : '',
    created_at: typeof c.created_at === 'string' ? c.created_at : '',
    html_url: typeof c.html_url === 'string' ? c.html_url : '',
    author: userOf(c.user)
  }
}

/** `workflow_runs` of a run list answer; anything else (a proxy's HTML page) is an error. */
function runList(data: unknown): Record<string, unknown>[] {
  const runs = record(data).workflow_runs
  if (!Array.isArray(runs)) throw new Error('listing workflow runs got an unexpected answer')
  return runs.map(record)
}

/** Tells the token's answers apart: "refused" means try the next way, anything else gives up. */
const refused = (error: unknown) => [401, 403, 404].includes(statusOf(error) ?? 0)

/**
 * What GitHub's and Forgejo's REST APIs share (Forgejo's follows GitHub's paths): comments, a
 * run, a run's artifacts and their download, pull requests. A subclass says how its forge pages
 * lists, where it lists a workflow's runs, in what shape it lists artifacts, and who its token is
 * when `GET /user` will not say.
 */
export abstract class RestForge implements Forge {
  protected readonly client: ForgeClient
  protected readonly repo: { owner: string; repo: string }

  constructor(
    protected readonly connection: ForgeConnection,
    protected readonly context: RunContext,
    protected readonly log: Log
  ) {
    this.client = connection.client
    this.repo = { owner: context.owner, repo: context.repo }
  }

  /** The most items one page of a list holds. */
  protected abstract readonly pageSize: number
  /** The query parameter that asks for pageSize items a page (`page` numbers the pages). */
  protected abstract readonly pageSizeParameter: string
  /**
   * Whether the comments of a pull request are first asked for without paging parameters (the
   * forge returns them all, and says how many there are); paging follows only if it says more.
   */
  protected abstract readonly commentsUnpaged: boolean
  /** Who the token is when `GET /user` refuses it or names nobody; throws when that fails too. */
  protected abstract fallbackIdentity(): Promise<ForgeUser>
  /** The list of a run artifacts answer; anything else (a proxy's HTML page) is not a list. */
  protected abstract artifactList(data: unknown): unknown
  /** The answer listing up to `limit` successful push runs of `workflow` on `baseRef`. */
  protected abstract successfulPushRuns(
    workflow: number | string,
    baseRef: string,
    limit: number
  ): Promise<unknown>
  /** The commit a run of that list ran on. */
  protected abstract runCommit(run: Record<string, unknown>): unknown

  /** The workflow of a run as the runs list filters by it (GitHub's id, Forgejo's file name). */
  protected workflowOf(run: Record<string, unknown>): unknown {
    return run.workflow_id
  }

  /** The query parameters that ask for page `page` (the first when undefined). */
  private paging(page?: number): Record<string, number> {
    const size = { [this.pageSizeParameter]: this.pageSize }
    return page === undefined ? size : { ...size, page }
  }

  async identity(): Promise<ForgeUser | null> {
    try {
      try {
        const user = userOf((await this.client.request('GET /user')).data)
        if (user !== null) return user
      } catch (error) {
        if (!refused(error)) throw error
      }
      return await this.fallbackIdentity()
    } catch (error) {
      if (error instanceof BudgetExceededError) throw error
      this.log.warning(
        `could not tell which user the token is (${errorMessage(error)}), so no existing comment is edited or deleted; ` +
          'a token that may read GET /user (or GraphQL viewer) fixes this'
      )
      return null
    }
  }

  /**
   * Paging stops at a short, empty or repeated page, or once X-Total-Count comments are in, so a
   * server that ignores the parameters cannot make it loop.
   */
  async listComments(pull: number): Promise<IssueComment[]> {
    const byId = new Map<number, IssueComment>()
    const fetchPage = async (params: Record<string, number>) => {
      const response = await this.client.request(
        'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
        { ...this.repo, issue_number: pull, ...params }
      )
      // an empty list is a real answer; anything that is not a list is not "no comments"
      if (!Array.isArray(response.data)) {
        const type = response.headers['content-type'] ?? 'no content type'
        throw new UnexpectedAnswerError(
          `listing the comments of #${pull} got an unexpected answer (HTTP ${response.status}, ${type}) instead of a JSON list; ` +
            'check GITHUB_API_URL and any proxy in between'
        )
      }
      const items = response.data.map(toComment)
      const fresh = items.filter((c): c is IssueComment => c !== undefined && !byId.has(c.id))
      for (const comment of fresh) byId.set(comment.id, comment)
      const total = Number(response.headers['x-total-count'])
      return {
        received: items.length,
        fresh: fresh.length,
        total: Number.isFinite(total) ? total : undefined
      }
    }

    if (this.commentsUnpaged) {
      const first = await fetchPage({})
      if (first.total === undefined || byId.size >= first.total) return [...byId.values()]
    }
    for (let page = 1; page <= MAX_PAGES; page++) {
      const result = await fetchPage(this.paging(page))
      if (result.fresh === 0 || result.received < this.pageSize) break
      if (result.total !== undefined && byId.size >= result.total) break
    }
    return [...byId.values()]
  }

  async createComment(pull: number, body: string): Promise<IssueComment | undefined> {
    const created = await this.client.request(
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      { ...this.repo, issue_number: pull, body, request: { retries: 0 } }
    )
    return toComment(created.data)
  }

  async updateComment(id: number, body: string): Promise<IssueComment | undefined> {
    const updated = await this.client.request(
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
      { ...this.repo, comment_id: id, body }
    )
    return toComment(updated.data)
  }

  async deleteComment(id: number): Promise<void> {
    await this.client.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      ...this.repo,
      comment_id: id
    })
  }

  async runExists(id: bigint): Promise<boolean> {
    try {
      await this.client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
        ...this.repo,
        run_id: id.toString() as unknown as number
      })
      return true
    } catch (error) {
      if (error instanceof BudgetExceededError) throw error
      return false
    }
  }

  async baselineRuns(baseRef: string, limit: number): Promise<BaselineRun[]> {
    const workflow = await this.telemetryWorkflow()
    const data = await this.call(
      () => this.successfulPushRuns(workflow, baseRef, limit),
      'listing workflow runs'
    )
    return runList(data).map((run) => ({
      id: Number(run.id),
      sha: String(this.runCommit(run) ?? ''),
      url: String(run.html_url ?? '')
    }))
  }

  async runArtifacts(runId: number, name: string): Promise<RunArtifact[]> {
    const response = await this.call(
      () =>
        this.client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
          ...this.repo,
          run_id: runId,
          name
        }),
      'listing run artifacts'
    )
    const list = this.artifactList(response.data)
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

  /**
   * GitHub answers with a redirect to blob storage, followed without the token (the signed URL is
   * the credential, and the token must not leave for another host); Forgejo serves the zip itself.
   */
  async downloadArtifact(artifact: RunArtifact, limit: number): Promise<Buffer> {
    const { owner, repo } = this.repo
    let url = `${this.context.apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/actions/artifacts/${artifact.id}/zip`
    let headers: Record<string, string> = {
      authorization: `token ${this.connection.token}`,
      accept: 'application/vnd.github+json'
    }
    for (let redirects = 0; ; redirects++) {
      const response = await this.connection.fetch(url, { headers, redirect: 'manual' })
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
      return readCapped(response, limit, this.connection.budget, 'the artifact download')
    }
  }

  async pullRequest(number: number): Promise<unknown> {
    const response = await this.client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...this.repo,
      pull_number: number
    })
    return response.data
  }

  async openPullsByHead(owner: string, branch: string): Promise<unknown> {
    const response = await this.client.request('GET /repos/{owner}/{repo}/pulls', {
      ...this.repo,
      state: 'open',
      head: `${owner}:${branch}`,
      ...this.paging()
    })
    return response.data
  }

  /** The workflow of the running job's run: GitHub's numeric id, Forgejo's workflow file name. */
  private async thisRunsWorkflow(): Promise<number | string> {
    if (this.context.runId === null) throw new Unavailable('GITHUB_RUN_ID is not set')
    const run = await this.call(
      () =>
        this.client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
          ...this.repo,
          run_id: this.context.runId as number
        }),
      'reading this workflow run'
    )
    const workflow = this.workflowOf(record(run.data))
    if (typeof workflow !== 'number' && typeof workflow !== 'string') {
      throw new Unavailable('reading this workflow run: the answer names no workflow')
    }
    return workflow
  }

  /** The workflow that made the telemetry: workflow_run's triggering one, else this run's. */
  private async telemetryWorkflow(): Promise<number | string> {
    return this.context.workflowId ?? (await this.thisRunsWorkflow())
  }

  /** An Actions request; "no such endpoint" and "may not read it" become Unavailable. */
  private async call<T>(request: () => Promise<T>, what: string): Promise<T> {
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
}
