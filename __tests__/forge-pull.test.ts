/** Which pull request a run may comment on: the event's own, or one verified against the head. */
import { describe, expect, it } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readContext } from '../src/forge/context.js'
import { headMismatch } from '../src/forge/pull.js'
import { withTempDir } from './support/engine.js'

async function contextOf(event: string, payload: unknown, pullInput?: number) {
  return withTempDir(async (dir) => {
    const path = join(dir, 'event.json')
    await writeFile(path, JSON.stringify(payload))
    return readContext(
      {
        GITHUB_EVENT_NAME: event,
        GITHUB_EVENT_PATH: path,
        GITHUB_REPOSITORY: 'octo-org/bench-repo',
        GITHUB_SHA: 'merge'
      },
      pullInput
    )
  })
}

const RUN = {
  workflow_run: {
    head_sha: 'abc',
    head_branch: 'faster',
    head_repository: { full_name: 'fork/bench-repo', owner: { login: 'fork' } },
    pull_requests: [{ number: 5, base: { ref: 'main' }, head: { sha: 'other' } }]
  }
}

describe('readContext', () => {
  it('trusts only a pull_request event its own number and base', async () => {
    const event = await contextOf('pull_request', {
      pull_request: { number: 3, base: { ref: 'main' }, head: { sha: 'h', ref: 'b' } }
    })
    expect(event).toMatchObject({
      pullNumber: 3,
      pullFromEvent: true,
      baseRef: 'main',
      headSha: 'h'
    })
    const input = await contextOf('pull_request', { pull_request: { number: 3 } }, 9)
    expect(input).toMatchObject({ pullNumber: 9, pullFromEvent: false, baseRef: null })
  })

  it('under workflow_run, takes the triggering run head and trusts nothing', async () => {
    const context = await contextOf('workflow_run', RUN)
    expect(context).toMatchObject({
      pullNumber: 5,
      pullFromEvent: false,
      baseRef: null,
      headSha: 'abc',
      head: { repository: 'fork/bench-repo', owner: 'fork', branch: 'faster' }
    })
    expect((await contextOf('workflow_run', RUN, 8)).pullNumber).toBe(8)
  })

  it('on push, the head is this repository at GITHUB_SHA', async () => {
    expect(await contextOf('push', {})).toMatchObject({
      pullNumber: null,
      headSha: 'merge',
      head: { repository: 'octo-org/bench-repo', owner: 'octo-org' }
    })
  })
})

describe('headMismatch', () => {
  it('needs the same head commit and the same head repository', async () => {
    const context = await contextOf('workflow_run', RUN)
    const pull = (sha: string, repo: string | null) => ({
      head: { sha, repo: repo === null ? null : { full_name: repo } }
    })
    expect(headMismatch(pull('abc', 'Fork/Bench-Repo'), context)).toBeNull()
    expect(headMismatch(pull('abd', 'fork/bench-repo'), context)).toMatch(/head commit abd/)
    expect(headMismatch(pull('abc', 'mallory/bench-repo'), context)).toMatch(
      /head repository mallory\/bench-repo is not the triggering run's fork\/bench-repo/
    )
    expect(headMismatch(pull('abc', null), context)).toMatch(/\(deleted\)/)
    expect(headMismatch('<html>', context)).toMatch(/head commit \(none\)/)
    const noRepo = await contextOf('workflow_run', { workflow_run: { head_sha: 'abc' } })
    expect(headMismatch(pull('abc', 'fork/bench-repo'), noRepo)).toMatch(/names no head repository/)
  })
})
