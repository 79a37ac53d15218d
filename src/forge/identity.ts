/** Who a token acts as, or who wrote a comment. */
export interface ForgeUser {
  login: string
  /** Numeric id; null where the answer carries none. */
  id: number | null
}

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
