import { describeError, statusOf, type ForgeClient, type Log } from './client.js'
import type { RunContext } from './context.js'
import { BudgetExceededError } from './http.js'
import { sameUser, userOf, type ForgeUser } from './identity.js'

export interface IssueComment {
  id: number
  body: string
  created_at: string
  html_url: string
  /** null when the answer names no author. */
  author: ForgeUser | null
}

export interface StickyResult {
  /**
   * `kept-newer`: a later workflow run already wrote the comment, so this older one leaves it.
   * `skipped`: the token's identity is unknown and a marked comment exists, which may be ours.
   */
  action: 'created' | 'updated' | 'unchanged' | 'kept-newer' | 'skipped'
  url: string
  /** Duplicate marker comments removed (left over from concurrent runs). */
  deleted: number
}

/** The forge answered something that is not what the endpoint returns (a proxy's HTML page). */
export class UnexpectedAnswerError extends Error {}

/** A comment write was refused: the token may not comment (e.g. a pull request from a fork). */
export class CommentForbiddenError extends Error {}

export function commentMarker(key: string): string {
  return `<!-- io-storm-catcher:${key} -->`
}

/** Characters the run stamp adds to a body. */
export const STAMP_ROOM = 64
const STAMP = /\n<!-- io-storm-catcher-run:(\d{1,30}) -->$/

/** The workflow run that wrote a body, hidden at its end (null when unknown). */
export function stampOf(body: string): bigint | null {
  const found = STAMP.exec(body)
  return found ? BigInt(found[1]) : null
}

const unstamped = (body: string) => body.replace(STAMP, '')

export const COMMENT_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

const GITHUB_PAGE = 100
const FORGEJO_PAGE = 50
/** A safety net: no pull request has this many pages of comments. */
const MAX_PAGES = 500

const COMMENTS = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments'

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

/**
 * Whether the action wrote `comment` for `marker`: the token's user is its author AND the body
 * starts with the marker. A marker elsewhere (a quote) or by anyone else never counts.
 */
export function isOwnComment(comment: IssueComment, marker: string, identity: ForgeUser): boolean {
  return (
    comment.body.startsWith(marker) && comment.author !== null && sameUser(identity, comment.author)
  )
}

/**
 * Every comment of the pull request. GitHub pages with per_page/page. Forgejo v16 takes no paging
 * parameters for this list and returns everything (with X-Total-Count); versions that page get
 * page/limit only when the first answer says more exist. Paging stops at a short, empty or
 * repeated page, so a server that ignores the parameters cannot make it loop.
 */
export async function listComments(
  client: ForgeClient,
  context: RunContext,
  pull: number
): Promise<IssueComment[]> {
  const byId = new Map<number, IssueComment>()
  const base = { owner: context.owner, repo: context.repo, issue_number: pull }
  const github = context.forge === 'github'

  async function fetchPage(params: Record<string, number>) {
    const response = await client.request(COMMENTS, { ...base, ...params })
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

  if (!github) {
    const first = await fetchPage({})
    if (first.total === undefined || byId.size >= first.total) return [...byId.values()]
  }
  const size = github ? GITHUB_PAGE : FORGEJO_PAGE
  for (let page = 1; page <= MAX_PAGES; page++) {
    const result = await fetchPage(github ? { per_page: size, page } : { limit: size, page })
    if (result.fresh === 0 || result.received < size) break
    if (result.total !== undefined && byId.size >= result.total) break
  }
  return [...byId.values()]
}

/** Newest first: the latest created_at, then the highest id. */
function newestFirst(a: IssueComment, b: IssueComment): number {
  return b.created_at.localeCompare(a.created_at) || b.id - a.id
}

function forbidden(error: unknown): never {
  throw new CommentForbiddenError(
    `the token may not write comments on this pull request (HTTP ${statusOf(error)})`
  )
}

export interface StickyRequest {
  client: ForgeClient
  context: RunContext
  pull: number
  marker: string
  /** The body to post, starting with `marker`. */
  report: string
  /** The token's user (tokenIdentity); null: unknown, so no existing comment is touched. */
  identity: ForgeUser | null
}

/**
 * Whether the workflow run `id` exists in this repository. A stamp is only proof of a newer
 * report when it names a real run: others may edit our comment (Gitea lets repository writers
 * edit any comment, go-gitea/gitea#17585), so an unknown or unverifiable run is ignored.
 */
async function runExists(client: ForgeClient, context: RunContext, id: bigint): Promise<boolean> {
  try {
    await client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
      owner: context.owner,
      repo: context.repo,
      run_id: id.toString() as unknown as number
    })
    return true
  } catch (error) {
    if (error instanceof BudgetExceededError) throw error
    return false
  }
}

/**
 * Creates or updates the action's one comment for `marker` on the pull request. Only the
 * action's own comments are edited or deleted (author = the token's user, body starting with the
 * marker); others' comments, marked or quoting the marker, are never touched. Duplicates from
 * concurrent runs are deleted, the newest kept (a failed delete is a warning); an identical body
 * is not rewritten. Creating is never retried blindly: after a failed POST the comments are listed
 * again, so a request that did land is not posted twice.
 */
export async function upsertStickyComment(request: StickyRequest, log: Log): Promise<StickyResult> {
  const { client, context, pull, marker, identity } = request
  const base = { owner: context.owner, repo: context.repo }
  // the run id lets an older run that finishes late leave a newer run's comment alone
  const body =
    context.runId === null
      ? request.report
      : `${request.report}\n<!-- io-storm-catcher-run:${context.runId} -->`
  const own = async () =>
    (await listComments(client, context, pull))
      .filter((c) =>
        identity === null ? c.body.startsWith(marker) : isOwnComment(c, marker, identity)
      )
      .sort(newestFirst)

  try {
    let existing = await own()
    if (identity === null && existing.length > 0) {
      // one of them may be ours, but which cannot be told: posting again would duplicate it
      return { action: 'skipped', url: '', deleted: 0 }
    }
    for (let attempt = 1; existing.length === 0; attempt++) {
      try {
        const created = await client.request(
          'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
          {
            ...base,
            issue_number: pull,
            body,
            request: { retries: 0 }
          }
        )
        const comment = toComment(created.data)
        return { action: 'created', url: comment?.html_url ?? '', deleted: 0 }
      } catch (error) {
        const status = statusOf(error)
        if (status === 403) forbidden(error)
        if (error instanceof BudgetExceededError) throw error
        if (attempt >= 3 || (status !== undefined && status < 500)) throw error
        log.warning(
          `creating the comment failed (${describeError(error)}); checking before retrying`
        )
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt))
        existing = await own()
        if (identity === null && existing.length > 0) {
          return { action: 'skipped', url: '', deleted: 0 }
        }
      }
    }

    const [keep, ...duplicates] = existing
    let deleted = 0
    for (const duplicate of duplicates) {
      try {
        await client.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', {
          ...base,
          comment_id: duplicate.id
        })
        deleted++
      } catch (error) {
        if (error instanceof BudgetExceededError) throw error
        if (statusOf(error) === 404) continue
        log.warning(
          `could not delete the duplicate comment ${duplicate.html_url || duplicate.id} (${describeError(error)}); delete it by hand`
        )
      }
    }
    const writtenBy = stampOf(keep.body)
    if (
      writtenBy !== null &&
      context.runId !== null &&
      writtenBy > BigInt(context.runId) &&
      (await runExists(client, context, writtenBy))
    ) {
      return { action: 'kept-newer', url: keep.html_url, deleted }
    }
    if (unstamped(keep.body) === unstamped(body)) {
      return { action: 'unchanged', url: keep.html_url, deleted }
    }
    const updated = await client.request(
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
      {
        ...base,
        comment_id: keep.id,
        body
      }
    )
    return {
      action: 'updated',
      url: toComment(updated.data)?.html_url || keep.html_url,
      deleted
    }
  } catch (error) {
    if (statusOf(error) === 403) forbidden(error)
    throw error
  }
}
