import { describe, expect, it } from '@jest/globals'
import { statSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Report } from '../src/analysis/types.js'
import { formatBytes } from '../src/report/format.js'
import { iostorm } from './support/cli.js'
import { withTempDir } from './support/engine.js'
import { schemaErrors } from './support/schema.js'

const REGISTRY = ['--plugin-packages', 'fixtures/plugin-packages.json']
const SAVE_ALL = 'fixtures/runs/s1-save-all'
const GC = 'fixtures/runs/s7-gc-pause'

describe('iostorm detect', () => {
  it('prints the markdown report and exits 0', async () => {
    const result = await iostorm(['detect', 'fixtures/runs/s2-player-quit', ...REGISTRY])
    expect(result).toMatchObject({ status: 0, stderr: '' })
    expect(result.stdout).toMatch(/^## io-storm-catcher: MSPT spikes/)
    expect(result.stdout).toContain('`OldCombatMechanics`')
  })

  it('writes --out-md and --out-json; the JSON validates against the schema', async () => {
    await withTempDir(async (dir) => {
      const md = join(dir, 'report.md')
      const json = join(dir, 'report.json')
      const result = await iostorm([
        'detect',
        SAVE_ALL,
        GC,
        ...REGISTRY,
        '--out-md',
        md,
        '--out-json',
        json
      ])
      // no report on standard output: where the files went, in one line
      expect(result).toMatchObject({ status: 0, stderr: '' })
      const size = (file: string) => formatBytes(statSync(file).size).replace('.', '\\.')
      expect(result.stdout).toMatch(
        new RegExp(
          `^iostorm: 2 spikes in 2 of 2 runs, the worst 2\\.4 s; wrote ${md} \\(markdown, ${size(md)}\\) and ${json} \\(JSON, ${size(json)}\\)\\n$`
        )
      )
      const report = JSON.parse(await readFile(json, 'utf8')) as Report
      expect(schemaErrors(report)).toEqual([])
      expect(report.runs.map((run) => run.run_id)).toEqual(['s1-save-all', 's7-gc-pause'])
      // the signature `-|fsync` is shown in words; the JSON keeps the string
      expect(await readFile(md, 'utf8')).toContain('no plugin · `fsync`')
      expect(report.signatures.map((s) => s.signature)).toContain('-|fsync')
    })
  })

  it('looks run ids up under --runs-dir, else $IOSTORM_RUNS_DIR', async () => {
    const viaOption = await iostorm(['detect', 's6-jobs-mysql', '--runs-dir', 'fixtures/runs'])
    expect(viaOption.status).toBe(0)
    expect(viaOption.stdout).toContain('s6-jobs-mysql #0')
    const viaEnv = await iostorm(['detect', 's6-jobs-mysql'], {
      IOSTORM_RUNS_DIR: 'fixtures/duckdb'
    })
    expect(viaEnv.status).toBe(0)
    const missing = await iostorm(['detect', 'no-such-run'], { IOSTORM_RUNS_DIR: 'fixtures/runs' })
    expect(missing.status).toBe(2)
    expect(missing.stderr).toBe(
      'iostorm: no-such-run: no such file or directory, and no run "no-such-run" under fixtures/runs\n'
    )
  })

  it('reports the good inputs when another cannot be read, and exits 2 with one line for it', async () => {
    await withTempDir(async (dir) => {
      const bad = join(dir, 'events.parquet')
      await writeFile(bad, 'not parquet at all')
      const result = await iostorm(['detect', bad, 'fixtures/runs/l0-only'])
      expect(result.status).toBe(2)
      expect(result.stderr).toBe(`iostorm: ${bad}: not a parquet file (no PAR1 magic bytes)\n`)
      expect(result.stdout).toContain('l0-only #0')
      expect(result.stdout).toContain('Inputs that could not be analysed')
    })
  })

  it.each([
    [
      ['detect', SAVE_ALL, '--threshold-ms', '20'],
      '--threshold-ms must be at least 50 (the 50 ms floor is never lowered); got 20'
    ],
    [['detect', SAVE_ALL, '--threshold-ms', 'lots'], '--threshold-ms must be a number; got "lots"'],
    [['detect', SAVE_ALL, '--sigma-mult=-1'], '--sigma-mult must be zero or more; got -1'],
    [
      ['detect', SAVE_ALL, '--tick-thread', '(Server'],
      '--tick-thread is not a valid regular expression'
    ],
    [
      ['detect', SAVE_ALL, '--plugin-packages', 'nope.json'],
      'plugin registry nope.json: no such file'
    ],
    [
      ['detect', SAVE_ALL, '--plugin-packages', 'tsconfig.json'],
      'plugin registry tsconfig.json: "compilerOptions": expected a non-empty list'
    ],
    [['detect'], 'detect needs at least one target'],
    [['diff', SAVE_ALL], 'diff needs a base and a head: <base>... <head>'],
    [['detect', SAVE_ALL, '--fail-on-new'], '--fail-on-new only applies to diff'],
    [['explode'], 'unknown command "explode"'],
    [['detect', SAVE_ALL, '--bogus'], 'iostorm: unknown option --bogus (see iostorm --help)\n']
  ])('rejects %j with exit 2: %s', async (args, message) => {
    const result = await iostorm(args)
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stderr).not.toMatch(/^\s+at /m)
  })

  it('fails a file clearly when --metric names a metric it does not have', async () => {
    const result = await iostorm(['detect', SAVE_ALL, '--metric', 'mspt_p99'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(
      'metric "mspt_p99" has no values in this file (MSPT metrics present: tick_ms)'
    )
  })

  it('prints help and the version', async () => {
    expect((await iostorm(['--help'])).stdout).toMatch(/^iostorm \d+\.\d+\.\d+ /)
    expect(await iostorm(['--version'])).toMatchObject({ status: 0, stdout: '0.1.0\n' })
    // no arguments: the help, and no error
    expect(await iostorm([])).toMatchObject({ status: 0, stderr: '' })
    expect((await iostorm([])).stdout).toMatch(/^iostorm \d+\.\d+\.\d+ /)
  })
})

describe('iostorm diff', () => {
  it('exits 1 with --fail-on-new when a new signature is confirmed by a history, 0 without the flag', async () => {
    await withTempDir(async (dir) => {
      const gc = join(dir, 'gc.json')
      expect(
        (await iostorm(['detect', GC, '--out-md', join(dir, 'gc.md'), '--out-json', gc])).status
      ).toBe(0)
      // five base reports of one repeat each; the head's two repeats both have the new signature
      const history = [gc, gc, gc, gc, gc]
      const head = 'fixtures/runs/s3-quests-coreprotect'
      const failing = await iostorm(['diff', ...history, head, ...REGISTRY, '--fail-on-new'])
      expect(failing.status).toBe(1)
      expect(failing.stdout).toMatch(/❌ \*\*1 new spike signature\*\*/)
      expect(failing.stdout).toContain(
        '- `CoreProtect` · `pread64` new: in 2 of 2 head repeats, never in the 5 repeats of the history (p = 0.048).'
      )
      expect(failing.stdout).toContain('🆕 new')
      expect(failing.stdout).toContain('✅ resolved')
      expect(failing.stdout).toContain('Judged against the reports of 5 base runs (5 repeats)')
      const lenient = await iostorm(['diff', ...history, head, ...REGISTRY])
      expect(lenient.status).toBe(0)
      // one base and one head repeat can only say "new but unconfirmed"
      const single = await iostorm(['diff', GC, SAVE_ALL, '--fail-on', 'new'])
      expect(single.status).toBe(0)
      expect(single.stdout).toContain(
        '❔ 1 signature new but seen too rarely to confirm: rerun to tell.'
      )
    })
  })

  it('takes the verdict options only for diff, checked like any other', async () => {
    const misplaced = await iostorm(['detect', GC, '--fail-on', 'new'])
    expect(misplaced).toMatchObject({
      status: 2,
      stderr: 'iostorm: --fail-on only applies to diff\n'
    })
    const wrong = await iostorm(['diff', GC, SAVE_ALL, '--alpha', '2'])
    expect(wrong.stderr).toBe('iostorm: --alpha must be between 0 and 1; got 2\n')
  })

  it('diffs against a stored report and finds nothing new when nothing changed', async () => {
    await withTempDir(async (dir) => {
      const base = join(dir, 'base.json')
      expect(
        (
          await iostorm([
            'detect',
            'fixtures/runs/s3-quests-coreprotect',
            ...REGISTRY,
            '--out-json',
            base
          ])
        ).status
      ).toBe(0)
      const json = join(dir, 'diff.json')
      const result = await iostorm([
        'diff',
        base,
        'fixtures/duckdb/s3-quests-coreprotect',
        ...REGISTRY,
        '--fail-on-new',
        '--out-json',
        json
      ])
      expect(result.status).toBe(0)
      expect(result.stdout).toContain('✅ No new spike signatures.')
      const report = JSON.parse(await readFile(json, 'utf8')) as Report
      expect(schemaErrors(report)).toEqual([])
      expect(report.diff).toMatchObject({
        base: { kind: 'report', location: base },
        new: [],
        resolved: [],
        persisting: [{ signature: 'CoreProtect|pread64', base_spikes: 5, head_spikes: 5 }]
      })
    })
  })

  it('warns when the baseline was analysed with other options', async () => {
    await withTempDir(async (dir) => {
      const base = join(dir, 'base.json')
      await iostorm([
        'detect',
        'fixtures/runs/s3-quests-coreprotect',
        ...REGISTRY,
        '--out-json',
        base
      ])
      const result = await iostorm(['diff', base, 'fixtures/runs/s3-quests-coreprotect'])
      expect(result.stdout).toContain(
        '⚠️ The baseline was analysed with other options (`plugin_registry`): some signatures may differ only because of that.'
      )
      expect(result.stdout).toContain('`net.coreprotect.database` · `pread64`')
    })
  })

  it('exits 2 and still reports the head when the base report is unreadable', async () => {
    await withTempDir(async (dir) => {
      const base = join(dir, 'base.json')
      await writeFile(base, '{"schema_version": 1')
      const result = await iostorm(['diff', base, GC, '--fail-on-new'])
      expect(result.status).toBe(2)
      expect(result.stderr).toMatch(new RegExp(`^iostorm: ${base}: \\(base\\) not valid JSON`))
      expect(result.stdout).toContain('s7-gc-pause #0')
    })
  })
})
