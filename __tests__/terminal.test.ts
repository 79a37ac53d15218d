/**
 * The CLI as a person at a terminal meets it (docs/report.md, "In the terminal"): the text report
 * fitted to the width, colour only on a TTY without NO_COLOR, markdown when piped, progress,
 * argument errors with a near miss, output paths checked first, and a diff that could not read
 * one of its inputs saying so.
 */
import { describe, expect, it } from '@jest/globals'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import stringWidth from 'string-width'
import { nearMiss } from '../src/arguments.js'
import type { Report } from '../src/analysis/types.js'
import { renderText } from '../src/report/text.js'
import { shortenPath } from '../src/report/words.js'
import { iostorm } from './support/cli.js'
import { withTempDir } from './support/engine.js'
import { schemaErrors } from './support/schema.js'

const REGISTRY = ['--plugin-packages', 'fixtures/plugin-packages.json']
const SCENARIOS = ['s3-quests-coreprotect', 's1-save-all', 's7-gc-pause', 's2-player-quit'].map(
  (name) => `fixtures/runs/${name}`
)
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g
const plain = (text: string) => text.replace(ANSI, '')

describe('the text report', () => {
  it.each([60, 80, 100, 160])(
    'keeps every line within %i columns, with and without colour',
    async (columns) => {
      for (const details of [[], ['--details']]) {
        const coloured = await iostorm(
          ['detect', ...SCENARIOS, ...REGISTRY, ...details],
          {},
          { stdoutIsTTY: true, columns }
        )
        expect(coloured.status).toBe(0)
        expect(coloured.stdout).toMatch(ANSI)
        const lines = coloured.stdout.split('\n')
        const widest = Math.max(...lines.map((line) => stringWidth(line)))
        expect(widest).toBeLessThanOrEqual(columns)
        // colour changes nothing but the colour
        const uncoloured = await iostorm(
          ['detect', ...SCENARIOS, ...REGISTRY, ...details],
          { NO_COLOR: '1' },
          { stdoutIsTTY: true, columns }
        )
        expect(uncoloured.stdout).not.toMatch(ANSI)
        expect(uncoloured.stdout).toBe(plain(coloured.stdout))
      }
    }
  )

  it('leads with a sentence per kind of spike and lists the spikes worst first', async () => {
    const result = await iostorm(
      ['detect', ...SCENARIOS, ...REGISTRY],
      { NO_COLOR: '1' },
      { stdoutIsTTY: true, columns: 120 }
    )
    const lines = result.stdout.split('\n')
    expect(lines[0]).toBe('io-storm-catcher · 8 spikes in 5 of 5 runs, the worst 2.4 s')
    expect(lines[2]).toMatch(
      /^• A tick of 2\.4 s while Paper I\/O Worker #0 fsynced \/srv\/mc\/world\/region\/r\.0\.0\.mca on nvme0n1; the tick/
    )
    expect(result.stdout).toContain(
      'A tick of 380 ms during a garbage-collection pause: GC Thread#0 busy, the tick thread waiting'
    )
    const ticks = lines
      .map((line) => /^ +\d+ +([\d.]+ m?s) /.exec(line)?.[1])
      .filter((tick): tick is string => tick !== undefined)
    expect(ticks).toEqual([
      '2.4 s',
      '900 ms',
      '620 ms',
      '520 ms',
      '450 ms',
      '380 ms',
      '300 ms',
      '180 ms'
    ])
    // the statistics come after the findings
    expect(result.stdout.indexOf('Runs and thresholds')).toBeGreaterThan(
      result.stdout.indexOf('Spikes, worst first')
    )
    // no markdown in a terminal
    expect(result.stdout).not.toMatch(/\||`|<details>|\\_|\*\*/)
  })

  it('shows telemetry names as text that cannot move the cursor or colour the terminal', () => {
    const report: Report = {
      schema_version: 1,
      generator: { name: 'io-storm-catcher', version: '0' },
      options: {
        metric: null,
        threshold_ms: 50,
        sigma_mult: 3,
        tick_thread: '^Server thread$',
        plugin_registry: null,
        not_plugin: []
      },
      signatures: [],
      diff: null,
      errors: [],
      runs: [
        {
          run_id: 'evil\u001b[2J\u001b[31mred\nnext',
          repeat: 0,
          file: 'x',
          metric: 'tick_ms',
          samples: 1,
          floor_ms: 50,
          p95_ms: 1,
          sigma_ms: 1,
          sigma_mult: 3,
          threshold_ms: 50,
          start_ns: '0',
          rows: 1,
          layers: {},
          sampling_interval_ms: null,
          sampling_source: 'default',
          series: null,
          spikes: [],
          notes: ['a note with \u001b]8;;http://x\u0007a link']
        }
      ]
    }
    const text = renderText(report, { width: 80, color: false })
    expect(text).not.toContain('\u001b')
    expect(text).not.toContain('\u0007')
    expect(text).toContain('evil [2J [31mred next #0')
  })
})

describe('the format on standard output', () => {
  it('is text on a terminal and markdown when piped; --format picks either, or JSON', async () => {
    const args = ['detect', 'fixtures/runs/s7-gc-pause']
    const tty = await iostorm(args, {}, { stdoutIsTTY: true, columns: 100 })
    expect(tty.stdout.startsWith('\u001b[1mio-storm-catcher\u001b[22m · 1 spike')).toBe(true)
    const piped = await iostorm(args)
    expect(piped.stdout).toMatch(/^## io-storm-catcher: MSPT spikes\n/)
    const textPiped = await iostorm([...args, '--format', 'text'])
    expect(textPiped.stdout).toMatch(/^io-storm-catcher · 1 spike/) // piped: no colour
    const markdownTty = await iostorm([...args, '--format=markdown'], {}, { stdoutIsTTY: true })
    expect(markdownTty.stdout).toBe(piped.stdout)
    const json = await iostorm([...args, '--format', 'json'])
    expect((JSON.parse(json.stdout) as Report).runs[0].spikes[0].signature).toBe('-|futex')
    const help = await iostorm(['--help'])
    expect(help.stdout).toContain('default: text on a\n')
    expect(help.stdout).toContain('terminal, markdown when piped or redirected')
  })

  it('rejects an unknown format with a near miss', async () => {
    const result = await iostorm(['detect', 'fixtures/runs/s7-gc-pause', '--format', 'jsno'])
    expect(result).toMatchObject({
      status: 2,
      stdout: '',
      stderr: 'iostorm: --format must be text, markdown or json; got "jsno"; did you mean json?\n'
    })
  })

  it('says in one line what was written (where no report is), and prints the report too only when --format asks', async () => {
    await withTempDir(async (dir) => {
      const md = join(dir, 'r.md')
      const quiet = await iostorm(
        ['detect', 'fixtures/runs/s7-gc-pause', '--out-md', md],
        {},
        {
          stdoutIsTTY: true
        }
      )
      expect(quiet.stderr).toBe('')
      expect(quiet.stdout).toMatch(
        /^iostorm: 1 spike in 1 of 1 run, the worst 380 ms; wrote .*r\.md \(markdown, [\d.]+ KiB\)\n$/
      )
      const both = await iostorm([
        'detect',
        'fixtures/runs/s7-gc-pause',
        '--out-md',
        md,
        '--format',
        'text'
      ])
      expect(both.stdout).toMatch(/^io-storm-catcher · 1 spike/)
      expect(both.stdout).not.toContain('wrote') // the summary would mix into the report
      expect(both.stderr).toBe('') // (and standard error is no terminal here)
      const watched = await iostorm(
        ['detect', 'fixtures/runs/s7-gc-pause', '--out-json', join(dir, 'r.json')],
        {},
        { stderrIsTTY: true }
      )
      expect(watched.stdout).toMatch(/^## io-storm-catcher/)
      expect(watched.stderr).toMatch(
        /^iostorm: 1 spike .*; wrote .*r\.json \(JSON, [\d.]+ KiB\)\n$/
      )
    })
  })
})

describe('progress', () => {
  /** A clock that moves 300 ms each time it is read. */
  const ticking = () => {
    let now = 0
    return () => (now += 300)
  }

  it('shows files, rows and rows/s on a terminal once reading takes a second, then wipes itself', async () => {
    const result = await iostorm(
      ['detect', ...SCENARIOS],
      {},
      {
        stderrIsTTY: true,
        columns: 100,
        now: ticking()
      }
    )
    expect(result.status).toBe(0)
    const drawn = result.stderr.split('\r').filter((line) => line.trim() !== '')
    expect(drawn.length).toBeGreaterThan(0)
    expect(drawn[0]).toMatch(/^iostorm: reading \d+ files?, [\d,]+ rows, [\d,]+ rows\/s *$/)
    expect(drawn[drawn.length - 1]).toMatch(/reading 5 files, [\d,]+ rows/)
    expect(result.stderr.endsWith('\r')).toBe(true) // wiped: the report starts on a clean line
  })

  it('stays silent when standard error is not a terminal, or the reading is quick', async () => {
    const piped = await iostorm(['detect', ...SCENARIOS], {}, { now: ticking() })
    expect(piped.stderr).toBe('')
    const quick = await iostorm(['detect', ...SCENARIOS], {}, { stderrIsTTY: true, now: () => 5 })
    expect(quick.stderr).toBe('')
  })
})

describe('arguments', () => {
  it.each([
    [['detect', 'x', '--thresh', '60'], 'unknown option --thresh; did you mean --threshold-ms?'],
    [
      ['detect', 'x', '--treshold-ms=60'],
      'unknown option --treshold-ms; did you mean --threshold-ms?'
    ],
    [
      ['detect', 'x', '--out-jsno', 'r.json'],
      'unknown option --out-jsno; did you mean --out-json?'
    ],
    [['detect', 'x', '--details=yes'], '--details takes no value'],
    [['detect', 'x', '--out-md'], '--out-md needs a value'],
    [['detect', 'x', '--zzz'], 'unknown option --zzz'],
    [
      ['detcet', 'x'],
      'unknown command "detcet" (expected detect, diff or tail); did you mean detect?'
    ],
    [
      ['dif', 'a', 'b'],
      'unknown command "dif" (expected detect, diff or tail); did you mean diff?'
    ],
    [
      ['tial', '--all'],
      'unknown command "tial" (expected detect, diff or tail); did you mean tail?'
    ],
    [['tail', '--all', '--thresh', '60'], 'unknown option --thresh; did you mean --threshold-ms?'],
    [['tail', '--all', '--window-s'], '--window-s needs a value']
  ])('%j: one line, with a near miss when there is one', async (args, message) => {
    const result = await iostorm(args)
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n')).toHaveLength(2)
    expect(result.stderr).toMatch(new RegExp(`^iostorm( tail)?: ${escapeRegExp(message)}`))
    expect(result.stderr).not.toMatch(/'|"--|To specify a positional/)
  })

  it('suggests only what is near', () => {
    const options = ['--threshold-ms', '--tick-thread', '--out-md', '--out-json']
    expect(nearMiss('--thresh', options)).toBe('--threshold-ms')
    expect(nearMiss('--out', options)).toBeNull() // two options start so: neither is meant
    expect(nearMiss('--out-mb', options)).toBe('--out-md')
    expect(nearMiss('--banana', options)).toBeNull()
  })

  it('prints the version for --version and -V, and the help without arguments', async () => {
    expect(await iostorm(['--version'])).toEqual({ status: 0, stdout: '0.1.0\n', stderr: '' })
    expect(await iostorm(['-V'])).toEqual({ status: 0, stdout: '0.1.0\n', stderr: '' })
    const bare = await iostorm([])
    expect(bare).toMatchObject({ status: 0, stderr: '' })
    expect(bare.stdout).toContain('Usage:\n  iostorm detect <target>...')
    expect(bare.stdout).toContain('-V, --version')
  })

  it('checks the output paths before analysing anything (exit 2, nothing read)', async () => {
    await withTempDir(async (dir) => {
      const locked = join(dir, 'locked')
      await mkdir(locked)
      await chmod(locked, 0o500)
      const cases: [string[], string][] = [
        [
          ['--out-md', '/nonexistent/dir/x.md'],
          '--out-md /nonexistent/dir/x.md: no such directory /nonexistent/dir'
        ],
        [['--out-json', dir], `--out-json ${dir} is a directory`]
      ]
      if (process.getuid?.() !== 0) {
        // (root writes anywhere: the permission case can only be seen as another user)
        cases.push([
          ['--out-md', join(locked, 'x.md')],
          `--out-md ${join(locked, 'x.md')}: permission denied`
        ])
      }
      for (const [flags, message] of cases) {
        let reads = 0
        // a target that cannot be read: had the analysis started, its error would be printed too
        const result = await iostorm(
          ['detect', join(dir, 'missing-run'), ...flags],
          {},
          {
            stderrIsTTY: true,
            now: () => ++reads * 1000
          }
        )
        expect(result).toEqual({ status: 2, stdout: '', stderr: `iostorm: ${message}\n` })
        expect(reads).toBe(1) // the progress clock was read once, when made: no file was opened
      }
      await chmod(locked, 0o700)
    })
  })
})

describe('a diff that could not read one of its inputs', () => {
  it('says the comparison is incomplete and calls nothing resolved', async () => {
    await withTempDir(async (dir) => {
      const base = join(dir, 'base.json')
      expect(
        (await iostorm(['detect', 'fixtures/runs/s7-gc-pause', '--out-json', base])).status
      ).toBe(0)
      const head = join(dir, 'head')
      await mkdir(join(head, '0'), { recursive: true })
      await mkdir(join(head, '1'), { recursive: true })
      await writeFile(
        join(head, '0', 'events.parquet'),
        await readFile('fixtures/runs/s1-save-all/0/events.parquet')
      )
      await writeFile(join(head, '1', 'events.parquet'), 'not parquet')
      const json = join(dir, 'diff.json')
      const result = await iostorm(['diff', base, head, '--out-json', json, '--format', 'markdown'])
      expect(result.status).toBe(2)
      expect(result.stdout).toContain(
        '⚠️ **The comparison is incomplete**: some inputs could not be read (listed at the end), so nothing is called resolved.'
      )
      expect(result.stdout).not.toMatch(/\d+ signatures? resolved/)
      expect(result.stdout).not.toContain('✅ resolved')
      expect(result.stdout).toContain('| ❓ not seen (incomplete) | no plugin · `futex` |')
      const report = JSON.parse(await readFile(json, 'utf8')) as Report
      expect(schemaErrors(report)).toEqual([])
      expect(report.diff).toMatchObject({ incomplete: true, resolved: [] })
      expect(report.diff?.unseen?.map((s) => s.signature)).toEqual(['-|futex'])
      const text = await iostorm(['diff', base, head], { NO_COLOR: '1' }, { stdoutIsTTY: true })
      expect(text.stdout).toContain('! The comparison is incomplete:')
      expect(text.stdout).toContain('not seen (incomplete)')
    })
  })

  it('with an unreadable head, says no comparison was made', async () => {
    await withTempDir(async (dir) => {
      const base = join(dir, 'base.json')
      await iostorm(['detect', 'fixtures/runs/s7-gc-pause', '--out-json', base])
      const result = await iostorm(['diff', base, '/nonexistent.json'])
      expect(result.status).toBe(2)
      expect(result.stdout).toContain(
        '⚠️ **No comparison**: the base or the head could not be read'
      )
      expect(result.stdout).not.toMatch(/resolved|No new spike/)
      expect(result.stderr).toBe('iostorm: /nonexistent.json: no such file or directory\n')
    })
  })
})

describe('paths in a narrow column', () => {
  it('are cut in the middle, keeping the file name and its parent', () => {
    const path = '/srv/mc/world/playerdata/0f3c2a9e-8d4b-4c1f-9e2a-7b5d6c4e3f21.dat'
    expect(shortenPath('/srv/mc/world/region/r.0.0.mca', 40)).toBe('/srv/mc/world/region/r.0.0.mca')
    expect(shortenPath('/srv/mc/world/region/r.0.0.mca', 24)).toBe('/srv/…/region/r.0.0.mca')
    expect(shortenPath(path, 40)).toMatch(/^playerdata\/0f3c2a9e.*…\w+\.dat$/)
    expect([...shortenPath(path, 40)]).toHaveLength(40)
    expect(shortenPath('relative/a/b/c/file.txt', 14)).toBe('…/c/file.txt')
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
