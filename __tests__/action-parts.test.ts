import * as core from '@actions/core'
import { describe, expect, it } from '@jest/globals'
import { mkdir, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { namePattern, safeFolderName } from '../src/forge/artifacts.js'
import { resolveBaseline } from '../src/forge/baseline.js'
import { readContext } from '../src/forge/context.js'
import { crc32, readZipEntry, ZipError } from '../src/forge/zip.js'
import { readInputs, type InputSource } from '../src/inputs.js'
import { UsageError } from '../src/options.js'
import { msptChart } from '../src/report/chart.js'
import { renderComment } from '../src/report/comment.js'
import { globFiles, globPattern } from '../src/telemetry/discover.js'
import { zipEntries, zipFiles } from './support/fake-forge.js'
import { withTempDir } from './support/engine.js'
import { actionManifest } from './support/action-runner.js'
import type { Report, RunReport, SpikeReport } from '../src/analysis/types.js'

/** Inputs as the runner passes them, INPUT_* variables, read through @actions/core. */
const inputs = (values: Record<string, string>): InputSource => {
  const read =
    <T>(get: (name: string) => T) =>
    (name: string): T => {
      const variable = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
      process.env[variable] = values[name] ?? ''
      try {
        return get(name)
      } finally {
        delete process.env[variable]
      }
    }
  return { getInput: read(core.getInput), getBooleanInput: read(core.getBooleanInput) }
}

describe('action.yml', () => {
  it('is valid YAML declaring every input with a description and default, and every output', async () => {
    const manifest = await actionManifest()
    expect(manifest.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    for (const [name, input] of Object.entries(manifest.inputs)) {
      expect([name, typeof input.description, typeof input.default]).toEqual([
        name,
        'string',
        'string'
      ])
    }
    // the input and output names of spec/action.md are a contract
    expect(Object.keys(manifest.inputs)).toEqual(
      expect.arrayContaining([
        'events',
        'artifacts',
        'baseline',
        'report-name',
        'upload',
        'comment',
        'comment-key',
        'fail-on-new',
        'metric',
        'threshold-ms',
        'sigma-mult',
        'tick-thread',
        'plugin-packages',
        'output-dir',
        'github-token'
      ])
    )
    expect(Object.keys(manifest.outputs).sort()).toEqual([
      'baseline-run-id',
      'comment-url',
      'new-signatures',
      'regressions',
      'report-json',
      'report-markdown',
      'resolved-signatures',
      'signatures',
      'spikes',
      'unconfirmed',
      'verdict'
    ])
    expect(manifest.inputs['github-token'].default).toBe('${{ github.token }}')
  })
})

describe('inputs', () => {
  it('applies the documented defaults and resolves paths in the workspace', () => {
    const read = readInputs(inputs({}), '/ws')
    expect(read).toMatchObject({
      events: ['**/events.parquet'],
      artifacts: [],
      baseline: { mode: 'auto' },
      reportName: 'iostorm-report',
      upload: true,
      comment: true,
      commentKey: 'iostorm',
      failOnNew: true,
      outputDir: '/ws/iostorm-report'
    })
    const custom = readInputs(
      inputs({
        events: 'a/**/events.parquet,\n!a/skip/**',
        baseline: 'base/report.json',
        'plugin-packages': 'cfg/plugins.json',
        'plugins-dir': 'server/plugins\n/srv/mods, extra\n',
        'library-plugins': 'MyFramework, Other'
      }),
      '/ws'
    )
    expect(custom.events).toEqual(['a/**/events.parquet', '!a/skip/**'])
    expect(custom.baseline).toEqual({ mode: 'path', path: '/ws/base/report.json' })
    expect(custom.analysis.pluginPackages).toBe('/ws/cfg/plugins.json')
    // folders one a line (a comma may be part of a name), resolved in the workspace
    expect(custom.analysis.pluginsDir).toEqual(['/ws/server/plugins', '/srv/mods, extra'])
    expect(custom.analysis.libraryPlugins).toEqual(['MyFramework', 'Other'])
  })

  it('reads true/false inputs as YAML 1.2 core schema booleans', () => {
    const read = readInputs(
      inputs({ upload: 'False', comment: 'TRUE', 'fail-on-new': ' false ' }),
      '/ws'
    )
    expect([read.upload, read.comment, read.failOnNew]).toEqual([false, true, false])
  })

  it.each([
    [{ upload: 'yes' }, 'input "upload" must be true or false; got "yes"'],
    [{ comment: 'tRUE' }, 'input "comment" must be true or false; got "tRUE"'],
    [{ 'fail-on-new': '1' }, 'input "fail-on-new" must be true or false; got "1"'],
    [{ 'comment-key': 'a b' }, 'input "comment-key" may hold letters, digits'],
    [{ 'report-name': 'a/b' }, 'input "report-name" is not a valid artifact name'],
    [{ 'pull-request': '12a' }, 'input "pull-request" must be a pull request number']
  ])('rejects %j', (values, message) => {
    expect(() => readInputs(inputs(values), '/ws')).toThrow(UsageError)
    expect(() => readInputs(inputs(values), '/ws')).toThrow(message)
  })
})

describe('globs', () => {
  it('matches ** across folders, * and ? within one', () => {
    expect(globPattern('**/events.parquet').test('runs/a/0/events.parquet')).toBe(true)
    expect(globPattern('**/events.parquet').test('events.parquet')).toBe(true)
    expect(globPattern('runs/*/events.parquet').test('runs/a/0/events.parquet')).toBe(false)
    expect(globPattern('./runs/?/events.parquet').test('runs/a/events.parquet')).toBe(true)
  })

  it('keeps every other character literal, and matches dot files and folders', () => {
    const odd = 'runs/[1] {a,b} (x) +@!$^|,"/events.parquet'
    expect(globPattern(odd).test(odd)).toBe(true)
    expect(globPattern('runs/[1]/events.parquet').test('runs/1/events.parquet')).toBe(false)
    expect(globPattern('runs/{a,b}/events.parquet').test('runs/a/events.parquet')).toBe(false)
    expect(globPattern('runs/!(a)/events.parquet').test('runs/b/events.parquet')).toBe(false)
    expect(globPattern('*/events.parquet').test('.iostorm-artifacts/events.parquet')).toBe(true)
    expect(globPattern('runs/**/events.parquet').test('runs/.a/.b/events.parquet')).toBe(true)
  })

  it('finds files in the workspace and inside artifact folders, with exclusions', async () => {
    await withTempDir(async (root) => {
      for (const file of [
        'runs/a/0/events.parquet',
        'runs/skip/0/events.parquet',
        'node_modules/x/events.parquet',
        '.iostorm-artifacts/plugbench-1/runs/b/0/events.parquet'
      ]) {
        await mkdir(join(root, file, '..'), { recursive: true })
        await writeFile(join(root, file), '')
      }
      expect(await globFiles(root, ['**/events.parquet', '!runs/skip/**'])).toEqual([
        '.iostorm-artifacts/plugbench-1/runs/b/0/events.parquet',
        'runs/a/0/events.parquet'
      ])
      expect(
        await globFiles(root, ['runs/*/0/events.parquet'], ['.iostorm-artifacts/plugbench-1'])
      ).toEqual([
        '.iostorm-artifacts/plugbench-1/runs/b/0/events.parquet',
        'runs/a/0/events.parquet',
        'runs/skip/0/events.parquet'
      ])
    })
  })

  it('takes only artifact names that are safe folder names', () => {
    for (const name of ['plugbench-1', 'a b', '..x', 'x..', 'ünï'])
      expect(safeFolderName(name)).toBe(true)
    for (const name of ['', '.', '..', 'a/b', 'a\\b', 'a\nb', 'nul\u0000', 'del\u007f']) {
      expect(safeFolderName(name)).toBe(false)
    }
  })

  it('matches artifact names with * and ?', () => {
    expect(namePattern('plugbench-*').test('plugbench-linux-1')).toBe(true)
    expect(namePattern('plugbench-?').test('plugbench-12')).toBe(false)
    // names are flat strings: an unsafe name must be matched to be skipped with a warning
    for (const name of ['.', '..', 'a/../..', '.x', ''])
      expect(namePattern('*').test(name)).toBe(true)
    expect(namePattern('a?b').test('a/b')).toBe(true)
    expect(namePattern('plugbench-[1]').test('plugbench-1')).toBe(false)
    expect(namePattern('plugbench-[1]').test('plugbench-[1]')).toBe(true)
  })
})

describe('context', () => {
  it('reads a pull_request event and tells the forge apart', async () => {
    await withTempDir(async (dir) => {
      const event = join(dir, 'event.json')
      await writeFile(
        event,
        JSON.stringify({ pull_request: { number: 7, base: { ref: 'main' }, head: { sha: 'abc' } } })
      )
      const env = {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_RUN_ID: '9',
        FORGEJO_ACTIONS: 'true',
        GITHUB_API_URL: 'https://code.example/api/v1/'
      }
      expect(readContext(env)).toMatchObject({
        forge: 'forgejo',
        pullNumber: 7,
        baseRef: 'main',
        headSha: 'abc',
        runId: 9,
        apiUrl: 'https://code.example/api/v1'
      })
      expect(readContext({ ...env, GITHUB_EVENT_NAME: 'push' }).pullNumber).toBeNull()
      expect(readContext({ ...env, GITHUB_EVENT_NAME: 'push' }, 12).pullNumber).toBe(12)
      expect(() => readContext({ ...env, GITHUB_REPOSITORY: '' })).toThrow(/GITHUB_REPOSITORY/)
    })
  })
})

describe('baseline from a file', () => {
  it('refuses a report file over the read limit without reading it', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'report.json')
      await writeFile(path, '')
      await truncate(path, 33 * 1024 * 1024) // sparse: no disk or memory spent
      const context = readContext({ GITHUB_REPOSITORY: 'o/r', GITHUB_WORKSPACE: dir })
      const log = { info: () => undefined, warning: () => undefined }
      const lookup = await resolveBaseline(
        { mode: 'path', path },
        null,
        context,
        { pull: 1, baseRef: 'main' },
        'iostorm-report',
        log
      )
      expect(lookup).toEqual({
        found: false,
        reason:
          'baseline report report.json: 34603008 bytes, more than the 32 MiB a stored report may have'
      })
    })
  })
})

describe('zip', () => {
  const LIMIT = 1024 * 1024

  it('reads one entry, stored or deflated, and checks its CRC', async () => {
    const zip = zipFiles({ 'dir/b.txt': 'x'.repeat(1000), 'report.json': '{"a":1}' })
    expect((await readZipEntry(zip, 'report.json', LIMIT))?.toString()).toBe('{"a":1}')
    expect((await readZipEntry(zip, 'dir/b.txt', LIMIT))?.length).toBe(1000)
    expect(await readZipEntry(zip, 'missing.json', LIMIT)).toBeNull()
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
    const stored = zipEntries([{ name: 'report.json', data: '{}', packed: Buffer.from('{}') }])
    // method 8 with raw bytes is a deflate error; the CRC check catches the rest
    await expect(readZipEntry(stored, 'report.json', LIMIT)).rejects.toThrow(ZipError)
    const badCrc = zipEntries([{ name: 'report.json', data: '{}', crc: 1 }])
    await expect(readZipEntry(badCrc, 'report.json', LIMIT)).rejects.toThrow('CRC mismatch')
  })

  it('refuses an entry that declares more than the limit, before inflating it', async () => {
    const zip = zipEntries([{ name: 'report.json', data: '{}', declaredSize: 0xf0000000 }])
    await expect(readZipEntry(zip, 'report.json', LIMIT)).rejects.toThrow(
      'report.json declares 4026531840 bytes, over the 1048576-byte limit'
    )
  })

  it('stops inflating an entry that lies about its size', async () => {
    const big = Buffer.alloc(8 * LIMIT, 0x20)
    for (const declaredSize of [1000, LIMIT - 1]) {
      const zip = zipEntries([{ name: 'report.json', data: big, declaredSize }])
      expect(zip.length).toBeLessThan(64 * 1024)
      await expect(readZipEntry(zip, 'report.json', LIMIT)).rejects.toThrow(ZipError)
    }
  })

  it('rejects what is not a zip, or a zip with bad offsets', async () => {
    await expect(
      readZipEntry(Buffer.from('<html>login</html>'), 'report.json', LIMIT)
    ).rejects.toThrow(/^not a readable zip archive/)
    const zip = zipFiles({ 'report.json': '{}' })
    const broken = Buffer.from(zip)
    broken.writeUInt32LE(0x7fffffff, broken.length - 6) // central directory offset
    await expect(readZipEntry(broken, 'report.json', LIMIT)).rejects.toThrow(ZipError)
    const badLocal = Buffer.from(zip)
    badLocal.writeUInt32LE(0x7fffff, badLocal.length - 22 - 'report.json'.length - 4) // local header offset
    await expect(readZipEntry(badLocal, 'report.json', LIMIT)).rejects.toThrow(ZipError)
  })
})

function spike(value: number, offset: number): SpikeReport {
  return {
    ts_ns: '0',
    start_ns: '0',
    end_ns: '1',
    offset_ms: offset,
    value_ms: value,
    top_thread: 'Server thread',
    top_plugin: null,
    entry_plugin: null,
    first_syscall: null,
    first_syscall_scope: null,
    top_path: null,
    top_device: null,
    signature: '-|-',
    threads: [],
    plugins: [],
    syscalls: [],
    paths: [],
    devices: [],
    notes: ['n'.repeat(250)]
  }
}

function runWith(spikes: SpikeReport[], index = 0): RunReport {
  return {
    run_id: `run-${index}`,
    repeat: 0,
    file: `f${index}`,
    metric: 'tick_ms',
    samples: 100,
    floor_ms: 50,
    p95_ms: 30,
    sigma_ms: 5,
    sigma_mult: 3,
    threshold_ms: 60,
    start_ns: '0',
    rows: 1,
    layers: {},
    sampling_interval_ms: 10,
    sampling_source: 'median-gap',
    series: { bucket_ms: 1000, max_ms: [20, null, 300, 25] },
    spikes,
    notes: ['note '.repeat(50)]
  }
}

const reportOf = (runs: RunReport[]): Report => ({
  schema_version: 1,
  generator: { name: 'io-storm-catcher', version: '0' },
  options: {
    metric: null,
    threshold_ms: 50,
    sigma_mult: 3,
    tick_thread: 'x',
    plugin_registry: null,
    not_plugin: []
  },
  runs,
  signatures: [],
  diff: null,
  errors: []
})

describe('comment body', () => {
  it('starts with the marker and keeps everything when it fits', () => {
    const body = renderComment(reportOf([runWith([spike(300, 2000)])]), {
      marker: '<!-- m -->',
      fullReportHint: 'the artifact',
      headSha: 'abcdef0123456789'
    })
    expect(body.startsWith('<!-- m -->\n## io-storm-catcher')).toBe(true)
    expect(body).toContain('Analysed `abcdef012345`')
    expect(body).not.toContain('left out')
  })

  it('drops detail until it fits and says where the rest is', () => {
    const runs = Array.from({ length: 60 }, (_, i) =>
      runWith(
        Array.from({ length: 20 }, (_, j) => spike(100 + j, j * 1000)),
        i
      )
    )
    const body = renderComment(reportOf(runs), {
      marker: '<!-- m -->',
      fullReportHint: 'the artifact',
      runUrl: 'https://x/runs/1',
      limit: 20_000
    })
    expect(body.length).toBeLessThanOrEqual(20_000)
    expect(body).toContain(
      'Detail was left out to fit a comment: the full report is in the artifact of [this run](https://x/runs/1).'
    )
    const tiny = renderComment(reportOf(runs), {
      marker: '<!-- m -->',
      fullReportHint: 'the artifact',
      limit: 1_000
    })
    expect(tiny.length).toBeLessThanOrEqual(1_000)
    expect(tiny.startsWith('<!-- m -->')).toBe(true)
    expect(tiny).toContain('the artifact has everything')
  })
})

describe('chart', () => {
  it('draws the bucket maxima, the threshold and the spikes', () => {
    const chart = msptChart(runWith([spike(300, 2100)])) as string
    expect(chart).toContain('xychart-beta')
    expect(chart).toContain('bar [0, 0, 300, 0]')
    expect(chart).toContain('line [20, 20, 300, 25]')
    expect(chart).toContain('line [60, 60, 60, 60]')
    expect(msptChart({ ...runWith([]), series: null })).toBeNull()
  })
})
