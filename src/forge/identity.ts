import { statusOf, type ForgeClient, type Log } from './client.js'
import { errorMessage } from '../errors.js'
import type { RunContext } from './context.js'
import { BudgetExceededError } from './http.js'

/** Who a token acts as, or who wrote a comment. */
export interface ForgeUser {
  login: string
  /** Numeric id; null where the answer carries none. */
  id: number | null
}

/**
 * Forgejo's and Gitea's automatic token writes as a system user with id -2 (`forgejo-actions`,
 * `gitea-actions`), which `GET /user` may not answer for.
 */
const ACTIONS_USER_ID = -2

/** A trailing `[bot]` (GitHub Apps' users) is ignored, so `my-app` and `my-app[bot]` are one. */
const normalLogin = (login: string) => login.toLowerCase().replace(/\[bot\]$/, '')

/**
 * Whether `author` is `identity`: by numeric id when both have one, else by login
 * (case-insensitive, a trailing `[bot]` ignored).
 */
export function sameUser(identity: ForgeUser, author: ForgeUser): boolean {
  if (identity.id !== null && author.id !== null) return identity.id === author.id
  const login = normalLogin(identity.login)
  return login !== '' && login === normalLogin(author.login)
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

/** A user object of a REST answer (`user` of a comment, or `GET /user`); null when it is none. */
export function userOf(value: unknown): ForgeUser | null {
  const user = record(value)
  const login = typeof user.login === 'string' ? user.login : ''
  const id = typeof user.id === 'number' && Number.isInteger(user.id) ? user.id : null
  return login === '' && id === null ? null : { login, id }
}

/** Tells the token's answers apart: "refused" means try the next way, anything else gives up. */
const refused = (error: unknown) => [401, 403, 404].includes(statusOf(error) ?? 0)

async function restUser(client: ForgeClient): Promise<ForgeUser | null> {
  return userOf((await client.request('GET /user')).data)
}

/**
 * The installation token (GitHub's GITHUB_TOKEN, an App's token) may not read `GET /user`;
 * GraphQL's `viewer` answers for it (`github-actions[bot]`, the login its REST comments carry).
 */
async function viewer(client: ForgeClient, url: string): Promise<ForgeUser | null> {
  const response = await client.request(`POST ${url}`, {
    query: 'query { viewer { login databaseId } }'
  })
  const found = record(record(record(response.data).data).viewer)
  return userOf({ login: found.login, id: found.databaseId })
}

/**
 * The identity of the token, as comments show their author: GitHub `GET /user`, else GraphQL
 * `viewer`; Forgejo/Gitea `GET /user`, else their actions user. Null (with a warning) when it
 * cannot be found: then no existing comment may be edited or deleted.
 */
export async function tokenIdentity(
  client: ForgeClient,
  context: RunContext,
  log: Log
): Promise<ForgeUser | null> {
  try {
    try {
      const user = await restUser(client)
      if (user !== null) return user
    } catch (error) {
      if (!refused(error)) throw error
    }
    if (context.forge !== 'github') {
      return { login: `${context.forge}-actions`, id: ACTIONS_USER_ID }
    }
    const user = await viewer(client, context.graphqlUrl)
    if (user !== null) return user
    throw new Error('GraphQL viewer named no user')
  } catch (error) {
    if (error instanceof BudgetExceededError) throw error
    log.warning(
      `could not tell which user the token is (${errorMessage(error)}), so no existing comment is edited or deleted; ` +
        'a token that may read GET /user (or GraphQL viewer) fixes this'
    )
    return null
  }
}
