import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { summariseSignatures } from '../src/analysis/signatures.js'
import { compare } from '../src/compare.js'
import type { Report, RunReport } from '../src/analysis/types.js'
import { describeOptions } from '../src/options.js'
import { analyseFiles } from '../src/pipeline.js'
import {
  htmlText,
  inlineCode,
  markdownText,
  oneLine,
  tableCell,
  terminalLine
} from '../src/report/escape.js'
import { buildReport, parseReport, reportToJson } from '../src/report/json.js'
import { renderMarkdown } from '../src/report/markdown.js'
import { isGcPause } from '../src/report/words.js'
import { discoverTargets } from '../src/telemetry/discover.js'
import { VERSION } from '../src/version.js'
import { SAMPLE_OPTIONS } from './support/engine.js'
import { run, spike } from './support/reports.js'
import { schemaErrors } from './support/schema.js'

const reportOf = (runs: RunReport[]): Report =>
  buildReport({ runs, errors: [], options: describeOptions(SAMPLE_OPTIONS) })

describe('signatures and diff', () => {
  it('pools spikes by signature with the number of files and the worst value', () => {
    const runs = [
      run('a', [
        spike({ value_ms: 100 }),
        spike({ value_ms: 300 }),
        spike({ signature: 'X|-', top_plugin: 'X', first_syscall: null })
      ]),
      run('b', [spike({ value_ms: 200 })])
    ]
    expect(summariseSignatures(runs)).toEqual([
      {
        signature: '-|fsync',
        top_plugin: null,
        first_syscall: 'fsync',
        spikes: 3,
        repeats: 2,
        worst_ms: 300
      },
      {
        signature: 'X|-',
        top_plugin: 'X',
        first_syscall: null,
        spikes: 1,
        repeats: 1,
        worst_ms: 100
      }
    ])
  })
})

describe('report JSON', () => {
  it('carries the package version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    expect(VERSION).toBe(pkg.version)
    expect(reportOf([]).generator).toEqual({ name: 'io-storm-catcher', version: pkg.version })
  })

  it('validates every fixture report, with and without a diff, against the schema', async () => {
    for (const folder of ['fixtures/runs', 'fixtures/duckdb']) {
      const { files } = await discoverTargets([folder], '.')
      const analysed = await analyseFiles(files, SAMPLE_OPTIONS)
      expect(analysed.errors).toEqual([])
      const report = buildReport({ ...analysed, options: describeOptions(SAMPLE_OPTIONS) })
      expect(report.runs.length).toBe(10)
      expect(schemaErrors(JSON.parse(reportToJson(report)))).toEqual([])
      // every class of the verdict, against a history of the first runs and of none
      const base = report.runs.slice(0, 4)
      const { diff } = compare(
        [
          {
            runs: base,
            signatures: summariseSignatures(base),
            source: { kind: 'events', location: folder }
          },
          { runs: [], signatures: [], source: { kind: 'report', location: 'empty.json' } }
        ],
        { runs: report.runs, signatures: report.signatures }
      )
      expect(diff?.persisting.length).toBeGreaterThan(0)
      expect((diff?.new_unconfirmed?.length ?? 0) + diff!.new.length).toBeGreaterThan(0)
      const withDiff = { ...report, diff }
      expect(schemaErrors(JSON.parse(reportToJson(withDiff)))).toEqual([])
    }
  })

  it('has a schema that rejects malformed reports', () => {
    const valid = JSON.parse(reportToJson(reportOf([run('a', [spike()])]))) as Record<
      string,
      unknown
    >
    expect(schemaErrors(valid)).toEqual([])
    const noSignature = structuredClone(valid) as { runs: { spikes: Record<string, unknown>[] }[] }
    delete noSignature.runs[0].spikes[0].signature
    expect(schemaErrors(noSignature).join()).toMatch(/signature/)
    expect(schemaErrors({ ...valid, schema_version: 2 }).length).toBeGreaterThan(0)
    const numericTime = structuredClone(valid) as { runs: { spikes: Record<string, unknown>[] }[] }
    numericTime.runs[0].spikes[0].start_ns = 1000
    expect(schemaErrors(numericTime).length).toBeGreaterThan(0)
  })

  it('reads back what it wrote and rejects what it cannot diff against', async () => {
    const report = reportOf([run('a', [spike()])])
    expect((await parseReport(reportToJson(report))).signatures).toEqual(report.signatures)
    await expect(parseReport('{')).rejects.toThrow(/not valid JSON/)
    await expect(parseReport('{"schema_version": 2, "signatures": []}')).rejects.toThrow(
      /schema_version 2/
    )
    await expect(parseReport('{"schema_version": 1}')).rejects.toThrow(
      /not a valid report: .*required/
    )
    const emptyRun = { ...JSON.parse(reportToJson(report)), runs: [{}] }
    await expect(parseReport(JSON.stringify(emptyRun))).rejects.toThrow(
      /"\/runs\/0" must have required/
    )
  })
})

/** Markdown with every inline code span removed (a span closes at the next run of equal length). */
function stripCodeSpans(markdown: string): string {
  let out = ''
  let i = 0
  while (i < markdown.length) {
    const open = /^`+/.exec(markdown.slice(i))
    if (!open) {
      out += markdown[i++]
      continue
    }
    const fence = open[0]
    const close = new RegExp(`(?<!\`)${fence}(?!\`)`).exec(markdown.slice(i + fence.length))
    if (!close) {
      out += fence
      i += fence.length
      continue
    }
    i += fence.length + close.index + fence.length
  }
  return out
}

describe('escaping telemetry text', () => {
  const hostile = 'evil|name <script>alert(1)</script> @octocat `x` **bold** [link](http://x)\nnext'

  it('keeps table cells intact and code spans closed', () => {
    const value = tableCell(hostile)
    expect(value).not.toMatch(/\n/)
    expect(value.split(/(?<!\\)\|/)).toHaveLength(1)
    expect(value.startsWith('``') && value.endsWith('``')).toBe(true)
    expect(inlineCode('a`b')).toBe('``a`b``')
    expect(inlineCode('`edge`')).toBe('`` `edge` ``')
  })

  it('neutralises markdown, HTML and mentions in plain text and HTML', () => {
    expect(markdownText(hostile)).not.toMatch(/<script>|\*\*bold|\[link\]\(|@octocat/)
    expect(markdownText(hostile)).toContain('@\u200boctocat')
    expect(htmlText(hostile)).toContain('&lt;script&gt;')
    expect(htmlText(hostile)).not.toMatch(/<|@octocat/)
  })

  it('breaks references, links, hidden comments and invisible characters', () => {
    const payload = 'see #123, GH-45, https://evil.example/x and www.evil.example'
    for (const escaped of [markdownText(payload), htmlText(payload)]) {
      expect(escaped).not.toMatch(/#\d|GH-\d|https:\/\/|www\./)
      expect(escaped.replace(/\u200b/g, '')).toBe(payload.replace(/\//g, '/'))
    }
    expect(htmlText("it's #1")).toBe('it&#39;s #\u200b1')
    const marker = '<!-- io-storm-catcher:linux -->'
    for (const escaped of [
      inlineCode(marker),
      tableCell(marker),
      markdownText(marker),
      htmlText(marker)
    ]) {
      expect(escaped).not.toContain('<!--')
    }
    const bidi = 'thread\u202eevil\u2066x\u200by\ufeff'
    expect(oneLine(bidi)).toBe('thread\ufffdevil\ufffdx\ufffdy\ufffd')
    expect(terminalLine('runs/a\nb/\u202eevents.parquet')).toBe('runs/a\\nb/\\u202eevents.parquet')
  })

  it('caps long values, keeping the end of paths', () => {
    const path = '/srv/mc/' + 'very-long-directory/'.repeat(20) + 'r.0.0.mca'
    expect([...oneLine(path, 48, 'end')]).toHaveLength(48)
    expect(oneLine(path, 48, 'end')).toMatch(/^….*r\.0\.0\.mca$/)
    expect(oneLine('short', 48)).toBe('short')
  })

  it('renders a report whose telemetry is hostile without breaking out', () => {
    const report = reportOf([
      run('a', [
        spike({
          top_thread: hostile,
          top_plugin: '@org/team',
          signature: '@org/team|fsync',
          threads: [
            {
              thread: hostile,
              tid: 1,
              tick_thread: true,
              samples: 1,
              cpu_ms: 1,
              syscall_ms: 0,
              wait_ms: 0,
              io_bytes: 0
            }
          ],
          notes: ['thread @octocat did <b>this</b>']
        })
      ])
    ])
    const markdown = renderMarkdown(report)
    const spikeRow = markdown.split('\n').find((line) => line.startsWith('| 1 |')) as string
    expect(spikeRow.split(/(?<!\\)\|/)).toHaveLength(8) // 7 cells (one run: no run column)
    const outsideCode = stripCodeSpans(markdown)
    expect(outsideCode).not.toMatch(/<script>|<b>|@octocat|@org/)
    expect(markdown).toContain('<summary>')
  })
})

describe('markdown report', () => {
  it('leads with the summary and lists the worst spikes first when there are too many', () => {
    const spikes = Array.from({ length: 40 }, (_, i) =>
      spike({ value_ms: 100 + i, offset_ms: i * 1000 })
    )
    const markdown = renderMarkdown(reportOf([run('a', spikes)]), {
      maxSpikeRows: 5,
      maxDetails: 2
    })
    expect(markdown).toContain('\n\n**40 spikes** in 1 of 1 run; the worst **139 ms**, +39.0 s')
    expect(markdown).toContain('Showing the 5 worst of 40 spikes; all are in the JSON report.')
    expect(markdown.match(/<details>/g)).toHaveLength(2)
    // worst first: rank 1 is the 139 ms spike, and the table stops at rank 5 (135 ms)
    expect(markdown).toContain('| 1 | **139\u00a0ms** |') // (a no-break space keeps the unit on the line)
    expect(markdown).toContain('| 5 | **135\u00a0ms** |')
    expect(markdown).not.toContain('| 6 |')
    // the report's own words make no issue reference either (GitHub would link `#1`)
    expect(stripCodeSpans(markdown)).not.toMatch(/#\d/)
    expect(markdown).toContain('<summary>Spike 1 · 139 ms ·')
  })

  it('says when nothing was found and lists inputs that could not be read', () => {
    const report = buildReport({
      runs: [run('a', [])],
      errors: [{ file: 'bad.parquet', message: 'not a parquet file (no PAR1 magic bytes)' }],
      options: describeOptions(SAMPLE_OPTIONS)
    })
    const markdown = renderMarkdown(report)
    expect(markdown).toContain('No MSPT spikes in 1 run.')
    expect(markdown).toContain(
      '- `bad.parquet`: not a parquet file \\(no PAR1 magic bytes\\)'.replace(
        /\\\(|\\\)/g,
        (m) => m[1]
      )
    )
  })
})

describe('GC pauses in words', () => {
  const tickWaiting = {
    thread: 'Server thread',
    tid: 1,
    tick_thread: true,
    samples: 10,
    cpu_ms: 0,
    syscall_ms: 0,
    wait_ms: 90,
    io_bytes: 0
  }
  const netty = { ...tickWaiting, thread: 'Netty Epoll Server IO #1', tick_thread: false }

  it('names a spike a GC pause when JFR garbage collections cover half of it or more', () => {
    const covered = spike({
      value_ms: 300,
      top_thread: 'Netty Epoll Server IO #1',
      gc_pause_ms: 150
    })
    expect(isGcPause({ ...covered, threads: [tickWaiting, { ...netty, cpu_ms: 40 }] })).toBe(true)
    expect(isGcPause({ ...covered, gc_pause_ms: 149 })).toBe(false)
    expect(isGcPause({ ...covered, gc_pause_ms: null })).toBe(false)
  })

  it('without JFR events, only when GC threads did most and the tick thread waited', () => {
    const gcThread = { ...netty, thread: 'GC Thread#0', cpu_ms: 200 }
    const gc = spike({ top_thread: 'GC Thread#0', threads: [gcThread, tickWaiting, netty] })
    expect(isGcPause(gc)).toBe(true)
    const tickBusy = { ...tickWaiting, syscall_ms: 30 }
    expect(isGcPause({ ...gc, threads: [gcThread, tickBusy, netty] })).toBe(false)
  })

  it('reads the JFR pause of the GC fixture', () => {
    const report = JSON.parse(
      readFileSync('fixtures/golden/runs-s7-gc-pause.json', 'utf8')
    ) as Report
    const [gcSpike] = report.runs[0].spikes
    expect(gcSpike.gc_pause_ms).toBe(378)
    expect(isGcPause(gcSpike)).toBe(true)
  })
})
