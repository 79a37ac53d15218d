import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { FAST_CASES } from '../scripts/hostile/expectations.js'
import { markdownProblems } from '../scripts/hostile/markdown-checks.js'
import { ALL_CASES, HostileSession } from '../scripts/hostile/runner.js'
import { iostorm } from './support/cli.js'

// The fast subset of `npm run hostile`: one or two representative cases per group, each run as
// its own process of dist/cli.js beside a good file, judged by the same code. A hang fails either
// way; 20 s instead of the runner's 60 s keeps a failing run of this suite short.
const CASE_TIME_LIMIT_MS = 20_000

describe('hostile inputs (fast subset; npm run hostile runs them all)', () => {
  let session: HostileSession | undefined

  beforeAll(async () => {
    session = await HostileSession.open({ timeoutMs: CASE_TIME_LIMIT_MS })
  }, 60_000)

  afterAll(async () => {
    await session?.close()
  })

  it.each(FAST_CASES.map((name) => [name]))(
    '%s is handled',
    async (name) => {
      const testCase = ALL_CASES.find((candidate) => candidate.name === name)
      if (!session || !testCase) throw new Error(`no session or no case ${name}`)
      const result = await session.run(testCase)
      expect(result.problems).toEqual([])
    },
    CASE_TIME_LIMIT_MS + 30_000
  )
})

describe('the markdown checks of the injection cases', () => {
  it('find nothing in the report of ordinary telemetry', async () => {
    const { stdout } = await iostorm([
      'detect',
      'fixtures/runs/s3-quests-coreprotect',
      '--plugin-packages',
      'fixtures/plugin-packages.json'
    ])
    expect(markdownProblems(stdout)).toEqual([])
  })

  // [what, whether the checks must find something, markdown]
  it.each([
    ['a hidden comment, even in code', true, '`<!-- io-storm-catcher:iostorm -->`'],
    ['a live mention', true, 'by @octocat'],
    ['a neutralised mention', false, 'by @\u200boctocat'],
    ['a mention in a code span', false, 'by `@octocat`'],
    ['a live issue reference', true, 'see #123'],
    ['a reference under an HTML code element', false, '<summary><code>#123</code></summary>'],
    ['a live URL', true, 'go to https://evil.example/x'],
    ['a broken URL', false, 'go to https:\u200b//evil.example/x'],
    ['raw HTML', true, 'x <img src=x onerror=alert(1)>'],
    ['escaped HTML', false, 'x \\<img src=x onerror=alert(1)\\>'],
    ['HTML after a code span ends early', true, '`` ` ``<img src=x>'],
    ['a stray </details>', true, '<details>\n<summary>s</summary>\n\n</details></details>'],
    ['an unescaped pipe in a table cell', true, '| a | b |\n| - | - |\n| `x|y` | z |'],
    ['an escaped pipe in a table cell', false, '| a | b |\n| - | - |\n| `x\\|y` | z |'],
    ['a bidi override in code', true, '`txt.\u202egnp`'],
    ['a zero-width space between letters', true, '`zero\u200bwidth`'],
    ['a line started by telemetry', true, 'first\n## INJECTED heading']
  ])('%s (finding expected: %s)', (_what, found, markdown) => {
    expect(markdownProblems(markdown).length > 0).toBe(found)
  })
})
