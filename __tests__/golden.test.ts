/**
 * The reports of every bundled scenario, kept in fixtures/golden/: a refactoring must leave them
 * byte for byte as they are, and a change that means to alter them shows, in the diff of the
 * golden files, exactly what a user will see differently. `UPDATE_GOLDEN=1 npm test --
 * golden` rewrites them. Besides the markdown and JSON: the terminal's text report of each
 * scenario (100 columns, no colour), and the first lines of the pull-request comment of each
 * scenario judged against a history (comment-leads.md), which a reviewer reads as they are.
 */
import { describe, expect, it } from '@jest/globals'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Report } from '../src/analysis/types.js'
import { renderComment } from '../src/report/comment.js'
import { iostorm } from './support/cli.js'
import { withTempDir } from './support/engine.js'

const GOLDEN = 'fixtures/golden'
const UPDATE = process.env.UPDATE_GOLDEN === '1'

async function scenarios(): Promise<string[]> {
  const runs = await readdir('fixtures/runs', { withFileTypes: true })
  return runs
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
}

describe('golden reports', () => {
  it.each(['runs', 'duckdb'])('fixtures/%s: markdown and JSON unchanged', async (writer) => {
    for (const scenario of await scenarios()) {
      await withTempDir(async (dir) => {
        const md = join(dir, 'report.md')
        const json = join(dir, 'report.json')
        const result = await iostorm([
          'detect',
          `fixtures/${writer}/${scenario}`,
          '--plugin-packages',
          'fixtures/plugin-packages.json',
          '--out-md',
          md,
          '--out-json',
          json
        ])
        expect(result.status).toBe(0)
        for (const [produced, extension] of [
          [md, 'md'],
          [json, 'json']
        ]) {
          const golden = join(GOLDEN, `${writer}-${scenario}.${extension}`)
          const content = await readFile(produced, 'utf8')
          if (UPDATE) await writeFile(golden, content)
          expect(content).toBe(await readFile(golden, 'utf8'))
        }
      })
    }
  })

  it('fixtures/runs: the text report of each scenario at 100 columns, without colour', async () => {
    for (const scenario of await scenarios()) {
      const result = await iostorm(
        ['detect', `fixtures/runs/${scenario}`, ...REGISTRY, '--details'],
        { NO_COLOR: '1' },
        { stdoutIsTTY: true, columns: 100 }
      )
      expect(result.status).toBe(0)
      const golden = join(GOLDEN, `runs-${scenario}.txt`)
      if (UPDATE) await writeFile(golden, result.stdout)
      expect(result.stdout).toBe(await readFile(golden, 'utf8'))
    }
  })

  it("the comment's first lines for each scenario, judged against a history", async () => {
    const parts: string[] = [
      '# The first lines of the pull-request comment, per bundled scenario',
      '',
      'Each scenario is the head, judged against a history of five base reports of `l0-only` (whose',
      'spikes have no attribution at all); the comment is cut before its spike table.'
    ]
    await withTempDir(async (dir) => {
      const base = join(dir, 'base.json')
      const made = await iostorm([
        'detect',
        'fixtures/runs/l0-only',
        ...REGISTRY,
        '--out-json',
        base
      ])
      expect(made.status).toBe(0)
      for (const scenario of await scenarios()) {
        const json = join(dir, `${scenario}.json`)
        const result = await iostorm([
          'diff',
          base,
          base,
          base,
          base,
          base,
          `fixtures/runs/${scenario}`,
          ...REGISTRY,
          '--out-json',
          json
        ])
        expect(result.status).toBe(0)
        const report = JSON.parse(await readFile(json, 'utf8')) as Report
        const comment = renderComment(report, {
          marker: '<!-- io-storm-catcher -->',
          fullReportHint: 'the `iostorm-report` artifact'
        })
        const lead = comment.slice(0, comment.indexOf('\n### '))
        parts.push('', `## ${scenario}`, '', '```markdown', lead.trimEnd(), '```')
      }
    })
    const content = parts.join('\n') + '\n'
    const golden = join(GOLDEN, 'comment-leads.md')
    if (UPDATE) await writeFile(golden, content)
    expect(content).toBe(await readFile(golden, 'utf8'))
  })
})

const REGISTRY = ['--plugin-packages', 'fixtures/plugin-packages.json']
