/** Who the action is, which comments are its own, and what a run stamp proves. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { isOwnComment, stampOf } from '../src/forge/comments.js'
import { graphqlUrl, readContext } from '../src/forge/context.js'
import type { IssueComment } from '../src/forge/forge.js'
import { ForgeBudget } from '../src/forge/http.js'
import { sameUser } from '../src/forge/identity.js'
import { openForge } from '../src/forge/open.js'
import { startFakeForge, type FakeForge, type FakeForgeOptions } from './support/fake-forge.js'

const MARKER = '<!-- io-storm-catcher:iostorm -->'
const BOT = { login: 'github-actions[bot]', id: 41898282 }

const comment = (body: string, author: IssueComment['author']): IssueComment => ({
  id: 1,
  body,
  created_at: '',
  html_url: '',
  author
})

describe('sameUser', () => {
  it('compares ids when both sides have one, whatever the logins say', () => {
    expect(sameUser(BOT, { login: 'github-actions[bot]', id: 41898282 })).toBe(true)
    expect(sameUser(BOT, { login: 'github-actions[bot]', id: 666 })).toBe(false)
    expect(sameUser({ login: 'renamed', id: 7 }, { login: 'old-name', id: 7 })).toBe(true)
  })

  it('falls back to logins, case-insensitive, a trailing [bot] ignored on either side', () => {
    expect(sameUser({ login: 'github-actions', id: null }, BOT)).toBe(true)
    expect(
      sameUser({ login: 'GitHub-Actions[bot]', id: null }, { login: 'github-actions', id: null })
    ).toBe(true)
    expect(
      sameUser({ login: 'forgejo-actions', id: null }, { login: 'forgejo-actions', id: -2 })
    ).toBe(true)
    expect(
      sameUser({ login: 'github-actions', id: null }, { login: 'github-actions-x', id: 1 })
    ).toBe(false)
    expect(sameUser({ login: '', id: null }, { login: '', id: null })).toBe(false)
  })
})

describe('isOwnComment', () => {
  it('needs our author and the marker at the very start', () => {
    expect(isOwnComment(comment(`${MARKER}\nreport`, BOT), MARKER, BOT)).toBe(true)
    expect(
      isOwnComment(comment(`${MARKER}\nreport`, { login: 'mallory', id: 666 }), MARKER, BOT)
    ).toBe(false)
    expect(isOwnComment(comment(`> ${MARKER}`, BOT), MARKER, BOT)).toBe(false)
    expect(isOwnComment(comment(`quote:\n${MARKER}`, BOT), MARKER, BOT)).toBe(false)
    expect(isOwnComment(comment(`${MARKER}\nreport`, null), MARKER, BOT)).toBe(false)
    // another key's marker is another comment
    expect(isOwnComment(comment('<!-- io-storm-catcher:other -->', BOT), MARKER, BOT)).toBe(false)
  })
})

describe('stampOf', () => {
  it('reads the run stamp at the end only, any size, as a bigint', () => {
    expect(stampOf('report\n<!-- io-storm-catcher-run:7001 -->')).toBe(7001n)
    expect(stampOf('r\n<!-- io-storm-catcher-run:99999999999999999999999 -->')).toBe(
      99999999999999999999999n
    )
    expect(stampOf('<!-- io-storm-catcher-run:7001 -->\nreport')).toBeNull()
    expect(stampOf('report\n<!-- io-storm-catcher-run:-5 -->')).toBeNull()
    expect(stampOf('report')).toBeNull()
  })
})

describe('graphqlUrl', () => {
  it('takes GITHUB_GRAPHQL_URL, else derives it from the API URL', () => {
    expect(graphqlUrl('https://api.github.com', {})).toBe('https://api.github.com/graphql')
    expect(graphqlUrl('https://ghe.example/api/v3', {})).toBe('https://ghe.example/api/graphql')
    expect(graphqlUrl('https://x/api/v3', { GITHUB_GRAPHQL_URL: 'https://y/gql' })).toBe(
      'https://y/gql'
    )
  })
})

describe('Forge.identity', () => {
  let forge: FakeForge | undefined
  afterEach(async () => {
    await forge?.close()
    forge = undefined
  })

  async function identify(
    options: FakeForgeOptions,
    env: (started: FakeForge) => Record<string, string> = () => ({})
  ) {
    forge = await startFakeForge(options)
    const context = readContext({
      GITHUB_REPOSITORY: 'octo-org/bench-repo',
      GITHUB_API_URL: forge.apiUrl,
      ...(options.kind === 'forgejo' ? { FORGEJO_ACTIONS: 'true' } : {}),
      ...env(forge)
    })
    const warnings: string[] = []
    const log = {
      info: () => undefined,
      notice: () => undefined,
      warning: (m: string) => warnings.push(m)
    }
    const budget = new ForgeBudget(10_000)
    const opened = openForge(
      context,
      't0ken',
      log,
      { requestTimeoutMs: 5_000, budgetMs: 10_000 },
      budget
    )
    try {
      return { identity: await opened.forge?.identity(), warnings }
    } finally {
      budget.dispose()
    }
  }

  it('GitHub installation token: GET /user refuses, GraphQL viewer answers', async () => {
    const { identity } = await identify({ kind: 'github' })
    expect(identity).toEqual(BOT)
    expect(forge?.hits('GET /user')).toBe(1)
    expect(forge?.hits('POST /graphql')).toBe(1)
  })

  it('GitHub personal token: GET /user', async () => {
    const { identity } = await identify({ kind: 'github', tokenUser: { login: 'me', id: 9 } })
    expect(identity).toEqual({ login: 'me', id: 9 })
    expect(forge?.hits('POST /graphql')).toBe(0)
  })

  it('GitHub: uses GITHUB_GRAPHQL_URL', async () => {
    const { identity, warnings } = await identify({ kind: 'github' }, (started) => ({
      GITHUB_GRAPHQL_URL: `${started.url}/elsewhere/graphql`
    }))
    expect(identity).toBeNull()
    expect(forge?.requests.map((r) => r.path)).toEqual(['/user', '/elsewhere/graphql'])
    expect(warnings[0]).toMatch(
      /^could not tell which user the token is \(.+\), so no existing comment/
    )
  })

  it('Forgejo: GET /user, else the actions user', async () => {
    expect((await identify({ kind: 'forgejo' })).identity).toEqual({
      login: 'forgejo-actions',
      id: -2
    })
    await forge?.close()
    expect((await identify({ kind: 'forgejo', tokenUser: 'refuse' })).identity).toEqual({
      login: 'forgejo-actions',
      id: -2
    })
    expect(forge?.hits('POST /graphql')).toBe(0)
  })
})
