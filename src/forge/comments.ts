import { describeError, statusOf, type Log } from './client.js'
import type { Forge, IssueComment } from './forge.js'
import { BudgetExceededError } from './http.js'
import { sameUser, type ForgeUser } from './identity.js'

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

/**
 * Whether the action wrote `comment` for `marker`: the token's user is its author AND the body
 * starts with the marker. A marker elsewhere (a quote) or by anyone else never counts.
 */
export function isOwnComment(comment: IssueComment, marker: string, identity: ForgeUser): boolean {
  return (
    comment.body.startsWith(marker) && comment.author !== null && sameUser(identity, comment.author)
  )
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
  forge: Forge
  /** This workflow run, stamped into the body; null when unknown. */
  runId: number | null
  pull: number
  marker: string
  /** The body to post, starting with `marker`. */
  report: string
  /** The token's user (Forge.identity); null: unknown, so no existing comment is touched. */
  identity: ForgeUser | null
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
  const { forge, runId, pull, marker, identity } = request
  // the run id lets an older run that finishes late leave a newer run's comment alone
  const body =
    runId === null ? request.report : `${request.report}\n<!-- io-storm-catcher-run:${runId} -->`
  const own = async () =>
    (await forge.listComments(pull))
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
        const comment = await forge.createComment(pull, body)
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
        await forge.deleteComment(duplicate.id)
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
      runId !== null &&
      writtenBy > BigInt(runId) &&
      // others may edit our comment (Gitea lets repository writers edit any comment,
      // go-gitea/gitea#17585): a stamp only proves a newer report when it names a real run
      (await forge.runExists(writtenBy))
    ) {
      return { action: 'kept-newer', url: keep.html_url, deleted }
    }
    if (unstamped(keep.body) === unstamped(body)) {
      return { action: 'unchanged', url: keep.html_url, deleted }
    }
    const updated = await forge.updateComment(keep.id, body)
    return { action: 'updated', url: updated?.html_url || keep.html_url, deleted }
  } catch (error) {
    if (statusOf(error) === 403) forbidden(error)
    throw error
  }
}
