import { statusOf, type ForgeClient, type Log } from './client.js'
import type { RunContext } from './context.js'

export interface IssueComment {
  id: number
  body: string
  created_at: string
  html_url: string
}

export interface StickyResult {
  /** `kept-newer`: a later workflow run already wrote the comment, so this older one leaves it. */
  action: 'created' | 'updated' | 'unchanged' | 'kept-newer'
  url: string
  /** Duplicate marker comments removed (left over from concurrent runs). */
  deleted: number
}

/** A comment write was refused: the token may not comment (e.g. a pull request from a fork). */
export class CommentForbiddenError extends Error {}

export function commentMarker(key: string): string {
  return `<!-- io-storm-catcher:${key} -->`
}

/** Characters the run stamp adds to a body. */
export const STAMP_ROOM = 64
const STAMP = /\n<!-- io-storm-catcher-run:(\d+) -->$/

/** The workflow run that wrote a body, hidden at its end (null when unknown). */
function stampOf(body: string): number | null {
  const found = STAMP.exec(body)
  return found ? Number(found[1]) : null
}

const unstamped = (body: string) => body.replace(STAMP, '')

export const COMMENT_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

const GITHUB_PAGE = 100
const FORGEJO_PAGE = 50
/** A safety net: no pull request has this many pages of comments. */
const MAX_PAGES = 500

const COMMENTS = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments'

function toComment(value: unknown): IssueComment | undefined {
  const c = value as Partial<IssueComment> | null
  if (typeof c?.id !== 'number') return undefined
  return {
    id: c.id,
    body: typeof c.body === 'string' ? c.body : '',
    created_at: typeof c.created_at === 'string' ? c.created_at : '',
    html_url: typeof c.html_url === 'string' ? c.html_url : ''
  }
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
    const items = (Array.isArray(response.data) ? response.data : []).map(toComment)
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

/**
 * Creates or updates the one comment carrying `marker` on the pull request. Comments without the
 * marker are never touched; duplicates from concurrent runs are deleted, the newest kept; an
 * identical body is not rewritten. Creating is never retried blindly: after a failed POST the
 * comments are listed again, so a request that did land is not posted twice.
 */
export async function upsertStickyComment(
  client: ForgeClient,
  context: RunContext,
  pull: number,
  marker: string,
  report: string,
  log: Log
): Promise<StickyResult> {
  const base = { owner: context.owner, repo: context.repo }
  // the run id lets an older run that finishes late leave a newer run's comment alone
  const body =
    context.runId === null ? report : `${report}\n<!-- io-storm-catcher-run:${context.runId} -->`
  const marked = async () =>
    (await listComments(client, context, pull))
      .filter((c) => c.body.includes(marker))
      .sort(newestFirst)

  try {
    let existing = await marked()
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
        if (attempt >= 3 || (status !== undefined && status < 500)) throw error
        log.warning(
          `creating the comment failed (${status ?? 'network error'}); checking before retrying`
        )
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt))
        existing = await marked()
      }
    }

    const [keep, ...duplicates] = existing
    for (const duplicate of duplicates) {
      try {
        await client.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', {
          ...base,
          comment_id: duplicate.id
        })
      } catch (error) {
        if (statusOf(error) !== 404) throw error
      }
    }
    const writtenBy = stampOf(keep.body)
    if (writtenBy !== null && context.runId !== null && writtenBy > context.runId) {
      return { action: 'kept-newer', url: keep.html_url, deleted: duplicates.length }
    }
    if (unstamped(keep.body) === unstamped(body)) {
      return { action: 'unchanged', url: keep.html_url, deleted: duplicates.length }
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
      deleted: duplicates.length
    }
  } catch (error) {
    if (statusOf(error) === 403) forbidden(error)
    throw error
  }
}
