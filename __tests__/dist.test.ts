/** The committed bundle, run as a real process the way users and CI run it. */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describeWithShared, SHARED } from './support/shared.js'

function cli(args: string[]) {
  return spawnSync(process.execPath, ['dist/cli.js', ...args], {
    encoding: 'utf8',
    timeout: 120_000
  })
}

describe('dist/cli.js', () => {
  it('runs the README example on the bundled sample', () => {
    const result = cli([
      'detect',
      'fixtures/runs/s3-quests-coreprotect',
      '--plugin-packages',
      'fixtures/plugin-packages.json'
    ])
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('| `CoreProtect` via `Quests` | `pread64` |')
  })
})

describeWithShared('dist/cli.js on malformed files', () => {
  it('survives the whole malformed-parquet corpus in one process', () => {
    const corpus = join(SHARED, 'corpus/parquet-testing/bad_data')
    const bad = existsSync(corpus) ? readdirSync(corpus).map((name) => join(corpus, name)) : []
    const result = cli(['detect', ...bad, 'fixtures/runs/l0-only'])
    expect(result.status).toBe(2)
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(bad.length)
    expect(result.stderr).not.toMatch(/^\s+at |warning/m)
    expect(result.stdout).toContain('l0-only #0')
  })
})
