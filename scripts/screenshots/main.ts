/**
 * `npm run screenshots [-- --out DIR]`: looks at what users see, the way they see it.
 *
 * - The sticky pull-request comment, rendered as GitHub renders it in its 880 px column: GFM
 *   (marked), GitHub's stylesheet, mermaid charts, and GitHub's automatic links (`@user`, `#123`,
 *   `GH-123`, URLs) so that a neutralised one shows as text — screenshotted by Debian's chromium
 *   (`apt-get install chromium`) through playwright-core: the first screen and the whole comment.
 *   Two comments: a diff of the bundled scenarios, and one whose telemetry names are injection
 *   payloads.
 * - The terminal: `iostorm` (dist/cli.js: `npm run build` first) run in a real terminal, tmux, at
 *   100 and 160 columns, captured with its colours (`tmux capture-pane -e`), kept as text and
 *   rendered to PNG (ansi-to-html, in the same Chromium).
 */
import { execFileSync } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import AnsiToHtml from 'ansi-to-html'
import { marked } from 'marked'
import { chromium } from 'playwright-core'
import { SAMPLE_OPTIONS } from '../../__tests__/support/engine.js'
import { summariseSignatures } from '../../src/analysis/signatures.js'
import { compare } from '../../src/compare.js'
import type { Report } from '../../src/analysis/types.js'
import { describeOptions } from '../../src/options.js'
import { analyseFiles } from '../../src/pipeline.js'
import { renderComment } from '../../src/report/comment.js'
import { buildReport } from '../../src/report/json.js'
import { discoverTargets } from '../../src/telemetry/discover.js'

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
const PAYLOAD =
  '<!-- io-storm-catcher:iostorm --> @octocat #123 GH-45 https://evil.example/x www.evil.example ' +
  '</details><img src=x onerror=alert(1)> `x` | \u202eevil\u2066'

async function analysed(folders: string[]) {
  const { files } = await discoverTargets(folders, '.')
  return analyseFiles(files, SAMPLE_OPTIONS)
}

/**
 * A pull request's comment: the head's spikes judged against a history of `historySize` base
 * reports of the `base` scenarios.
 */
async function diffComment(
  head: string[],
  base: string[],
  historySize: number,
  hostile = false
): Promise<string> {
  const headRuns = await analysed(head)
  const baseRuns = await analysed(base)
  if (hostile) {
    for (const run of headRuns.runs) {
      run.run_id = PAYLOAD
      for (const spike of run.spikes) {
        spike.top_thread = PAYLOAD
        spike.top_path = PAYLOAD
        spike.threads.forEach((thread) => (thread.thread = PAYLOAD))
      }
      run.notes.push(PAYLOAD)
    }
  }
  const history = Array.from({ length: historySize }, (_, index) => ({
    ...baseRuns,
    signatures: summariseSignatures(baseRuns.runs),
    source: {
      kind: 'artifact' as const,
      location: `artifact "iostorm-report" of run ${6010 - index}`,
      run_id: String(6010 - index),
      commit: 'ba5eba11'.repeat(5),
      url: `https://github.com/example/server/actions/runs/${6010 - index}`
    }
  }))
  const { diff } = compare(history, {
    runs: headRuns.runs,
    signatures: summariseSignatures(headRuns.runs)
  })
  const report: Report = buildReport({
    ...headRuns,
    options: describeOptions(SAMPLE_OPTIONS),
    diff
  })
  return renderComment(report, {
    marker: '<!-- io-storm-catcher:iostorm -->',
    fullReportHint: 'the `iostorm-report` artifact and the job summary',
    runUrl: 'https://github.com/example/server/actions/runs/7001',
    headSha: 'f00dfeed'.repeat(5)
  })
}

/** GitHub links mentions and references in text (never inside code or links); so do we here. */
const AUTOLINKS = `
for (const walker = document.createTreeWalker(document.querySelector('.markdown-body'), NodeFilter.SHOW_TEXT); walker.nextNode(); ) {
  const node = walker.currentNode
  if (node.parentElement.closest('code, pre, a')) continue
  const html = node.textContent.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c])
  const linked = html.replace(/(^|[^\\w])(@[\\w-]+(?:\\/[\\w-]+)?|#\\d+|GH-\\d+)/g, '$1<a href="#">$2</a>')
  if (linked !== html) { const span = document.createElement('span'); span.innerHTML = linked; node.replaceWith(span) }
}`

async function page(markdown: string): Promise<string> {
  const css = await readFile('node_modules/github-markdown-css/github-markdown-light.css', 'utf8')
  const body = (await marked.parse(markdown, { gfm: true })).replace(
    /<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g,
    '<pre class="mermaid">$1</pre>'
  )
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body { margin: 0; background: #fff } .markdown-body { box-sizing: border-box; width: 880px; padding: 16px 24px }
</style></head><body><article class="markdown-body">${body}</article>
<script src="${resolve('node_modules/mermaid/dist/mermaid.min.js')}"></script>
<script>${AUTOLINKS}
mermaid.initialize({ startOnLoad: false, theme: 'default' })
mermaid.run().then(() => (document.body.dataset.ready = 'yes'), () => (document.body.dataset.ready = 'yes'))
</script></body></html>`
}

async function screenshot(
  html: string,
  file: string,
  out: string,
  width = 880,
  firstScreen = true
): Promise<void> {
  const path = join(out, `${file}.html`)
  await writeFile(path, html)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run']
  })
  try {
    const tab = await browser.newPage({ viewport: { width, height: 900 } })
    await tab.goto(`file://${resolve(path)}`)
    await tab.waitForSelector('body[data-ready="yes"]', { timeout: 30_000 })
    if (firstScreen) await tab.screenshot({ path: join(out, `${file}-first-screen.png`) })
    await tab.screenshot({ path: join(out, `${file}-whole.png`), fullPage: true })
  } finally {
    await browser.close()
  }
}

/**
 * The CLI in a real terminal (tmux) of `columns` columns, standard output a TTY as a user has it:
 * what the pane shows, with its colour codes. The pane is tall enough to hold the whole output.
 */
function terminal(command: string, columns: number): string {
  const session = `iostorm-look-${process.pid}-${columns}`
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', String(columns), '-y', '400'], {
    env: { ...process.env, TERM: 'xterm-256color' }
  })
  try {
    const done = `${session}-done`
    execFileSync('tmux', [
      'send-keys',
      '-t',
      session,
      `clear; unset NO_COLOR; ${command}; tmux wait-for -S ${done}`,
      'Enter'
    ])
    execFileSync('timeout', ['60', 'tmux', 'wait-for', done])
    const pane = execFileSync('tmux', ['capture-pane', '-e', '-p', '-t', session, '-S', '-'], {
      encoding: 'utf8'
    })
    // the pane's trailing empty rows, and a shell prompt drawn after the output, are left out
    const lines = pane.replace(/\s+$/, '').split('\n')
    if (/[$#] ?$/.test(lines[lines.length - 1] ?? '')) lines.pop()
    return lines.join('\n') + '\n'
  } finally {
    execFileSync('tmux', ['kill-session', '-t', session])
  }
}

/** A captured terminal as a page: GitHub's dark terminal colours, one monospace cell a column. */
function terminalPage(ansi: string, columns: number): { html: string; width: number } {
  const convert = new AnsiToHtml({
    escapeXML: true,
    fg: '#e6edf3',
    bg: '#0d1117',
    colors: { 1: '#ff7b72', 2: '#3fb950', 3: '#d29922', 6: '#39c5cf' }
  })
  const cell = 8.4 // px: DejaVu Sans Mono at 14 px
  const width = Math.ceil(columns * cell + 32)
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; background: #0d1117 }
pre { margin: 0; padding: 16px; color: #e6edf3; font: 14px/1.35 'DejaVu Sans Mono', monospace; white-space: pre }
</style></head><body data-ready="yes"><pre>${convert.toHtml(ansi)}</pre></body></html>`
  return { html, width }
}

export async function main(args: string[]): Promise<number> {
  const at = args.indexOf('--out')
  const out = at >= 0 ? args[at + 1] : 'screenshots'
  await mkdir(out, { recursive: true })
  const comments: [string, string][] = [
    [
      'comment-diff',
      await diffComment(
        ['fixtures/runs/s3-quests-coreprotect', 'fixtures/runs/s7-gc-pause'],
        ['fixtures/runs/s7-gc-pause', 'fixtures/runs/s1-save-all'],
        10
      )
    ],
    [
      'comment-hostile',
      await diffComment(['fixtures/runs/s3-quests-coreprotect'], ['fixtures/runs/l0-only'], 1, true)
    ]
  ]
  for (const [name, markdown] of comments) {
    await writeFile(join(out, `${name}.md`), markdown)
    await screenshot(await page(markdown), name, out)
    process.stdout.write(`${out}/${name}-first-screen.png, ${out}/${name}-whole.png\n`)
  }
  const cli = 'node dist/cli.js'
  const registry = '--plugin-packages fixtures/plugin-packages.json'
  const runs = ['s3-quests-coreprotect', 's1-save-all', 's7-gc-pause', 's2-player-quit']
  const scenarios = runs.map((run) => `fixtures/runs/${run}`).join(' ')
  const looks: [string, string[], number][] = [
    ['terminal-detect-100', [`detect ${scenarios} ${registry}`], 100],
    ['terminal-detect-160', [`detect ${scenarios} ${registry}`], 160],
    ['terminal-details-100', [`detect fixtures/runs/s1-save-all ${registry} --details`], 100],
    [
      'terminal-diff-incomplete-100',
      [
        `diff /nonexistent/base.json fixtures/runs/s7-gc-pause fixtures/runs/s1-save-all ${registry}`,
        '--thresh 60',
        'detct x',
        '-V'
      ],
      100
    ]
  ]
  for (const [name, commands, columns] of looks) {
    // each command shown as typed (`iostorm …`), then what it printed
    const script = commands
      .map((args) => `printf '%s\\n' '$ iostorm ${args}'; ${cli} ${args}`)
      .join('; echo; ')
    const ansi = terminal(script, columns)
    await writeFile(join(out, `${name}.ansi`), ansi)
    // eslint-disable-next-line no-control-regex
    await writeFile(join(out, `${name}.txt`), ansi.replace(/\u001b\[[0-9;]*m/g, ''))
    const { html, width } = terminalPage(ansi, columns)
    await screenshot(html, name, out, width, false)
    process.stdout.write(`${out}/${name}-whole.png, ${out}/${name}.txt\n`)
  }
  return 0
}
