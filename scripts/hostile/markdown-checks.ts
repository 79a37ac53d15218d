/**
 * Checks that telemetry text cannot act in the markdown report: no hidden comment (it would fake
 * the sticky-comment marker), no mentions or issue links, no raw HTML, no table broken by a pipe,
 * no line break, no bidi or zero-width characters from the payload.
 *
 * "Live" text is what GitHub renders as markdown or HTML: everything except fenced code blocks
 * and inline code spans. Inside an HTML block (a paragraph that starts with `<details>`,
 * `<summary>` …) markdown is not parsed, so backticks there are no code span: such lines are live
 * as a whole. Adjust the rules here; each is one line of intent and a predicate.
 */

export interface MarkdownRule {
  name: string
  /** Returns what is wrong (one line per finding), nothing when the rule holds. */
  check(view: MarkdownView): string[]
}

export interface MarkdownView {
  /** The whole document, code included. */
  all: string
  /**
   * Live text with backslash escapes resolved (`\#` reads as `#`) and without the contents of
   * HTML `<code>` elements (GitHub links no mention or reference under code, pre or a): for links
   * and mentions.
   */
  rendered: string
  /** Live text with backslash-escaped characters blanked: for raw HTML, which an escape defuses. */
  tags: string
}

const ZWSP = '\u200b'
/** Bidi embeddings, overrides and isolates, and the implicit marks. */
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u
/** Invisible characters the report never has a reason to write. */
const INVISIBLE = /\ufeff|\u200c|\u200d|\u2060/u
/**
 * The report may put U+200B next to these to break a mention, an issue reference or a link
 * (`@\u200boctocat`, `#\u200b123`, `GH-\u200b123`, `https:\u200b//`, `www.\u200bevil`); a U+200B
 * anywhere else came from the telemetry.
 */
const NEUTRALISER_NEIGHBOURS = new Set(['@', '#', '-', ':', '/', '.', '<'])
/** Tags the report itself writes; any other tag in live text came from the telemetry. */
const REPORT_TAGS = new Set(['details', 'summary', 'code', 'br', 'b', 'sub', 'sup'])
/** Payload text that must not be a live link or reference (GitHub autolinks all of these). */
const LINKS = ['#123', 'GH-123', 'https://evil.example', 'www.evil.example']
/** The text after a line break inside a payload: it must not start a line of its own. */
const INJECTED_LINE = /^\s*(#+ |[-*] )?INJECTED/m

/** CommonMark HTML block type 6 start tags that the report or a payload might use. */
const HTML_BLOCK_START = /^ {0,3}<\/?(details|summary|div|p|table|pre|section|h[1-6])[\s/>]/i
/** A fence opener; a backtick fence's info string has no backtick (CommonMark 4.5), else it is code spans. */
const FENCE = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/

/** Inline code spans replaced by a space (CommonMark: a run of n backticks closes at the next run of exactly n). */
function withoutCodeSpans(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    if (text[i] === '\\' && i + 1 < text.length) {
      out += text.slice(i, i + 2)
      i += 2
      continue
    }
    if (text[i] !== '`') {
      out += text[i++]
      continue
    }
    let run = 0
    while (text[i + run] === '`') run++
    let close = -1
    for (let j = i + run; j < text.length;) {
      if (text[j] !== '`') {
        j++
        continue
      }
      let other = 0
      while (text[j + other] === '`') other++
      if (other === run) {
        close = j
        break
      }
      j += other
    }
    if (close < 0) {
      out += '`'.repeat(run) // no closing run: the backticks are literal
      i += run
    } else {
      out += ' '
      i = close + run
    }
  }
  return out
}

export function markdownView(markdown: string): MarkdownView {
  const lines = markdown.split('\n')
  const live: { text: string; html: boolean }[] = []
  let fence: string | undefined
  let htmlBlock = false
  let paragraph: string[] = []
  const flush = () => {
    if (paragraph.length > 0)
      live.push({ text: withoutCodeSpans(paragraph.join('\n')), html: false })
    paragraph = []
  }
  for (const line of lines) {
    const opener = FENCE.exec(line)?.[1]
    if (fence !== undefined) {
      if (opener !== undefined && opener[0] === fence[0] && opener.length >= fence.length) {
        fence = undefined
      }
      continue
    }
    if (line.trim() === '') {
      flush()
      htmlBlock = false
      continue
    }
    if (opener !== undefined && !htmlBlock) {
      flush()
      fence = opener
      continue
    }
    if (!htmlBlock && paragraph.length === 0 && HTML_BLOCK_START.test(line)) htmlBlock = true
    if (htmlBlock) live.push({ text: line, html: true })
    else paragraph.push(line)
  }
  flush()
  const resolve = ({ text, html }: { text: string; html: boolean }) =>
    (html ? text : text.replace(/\\([!-/:-@[-`{-~])/g, '$1')).replace(
      /<code>[\s\S]*?<\/code>/gi,
      ' '
    )
  const blank = ({ text, html }: { text: string; html: boolean }) =>
    html ? text : text.replace(/\\[!-/:-@[-`{-~]/g, '  ')
  return {
    all: markdown,
    rendered: live.map(resolve).join('\n'),
    tags: live.map(blank).join('\n')
  }
}

function excerpt(text: string, at: number): string {
  return JSON.stringify(text.slice(Math.max(0, at - 20), at + 30))
}

function findAll(text: string, pattern: RegExp): RegExpExecArray[] {
  return [...text.matchAll(new RegExp(pattern.source, pattern.flags.replace('g', '') + 'g'))]
}

export const MARKDOWN_RULES: readonly MarkdownRule[] = [
  {
    name: 'no HTML comment opener anywhere (it could fake the sticky-comment marker)',
    check: ({ all }) => findAll(all, /<!--/).map((m) => `"<!--" at ${excerpt(all, m.index)}`)
  },
  {
    name: 'no carriage return, and no line started by text that followed a line break in telemetry',
    check: ({ all }) => [
      ...(all.includes('\r') ? ['carriage return in the markdown'] : []),
      ...findAll(all, INJECTED_LINE).map((m) => `injected line ${excerpt(all, m.index)}`)
    ]
  },
  {
    name: 'no bidi controls or invisible characters anywhere',
    check: ({ all }) =>
      [...all.matchAll(new RegExp(`${BIDI.source}|${INVISIBLE.source}`, 'gu'))].map(
        (m) => `U+${m[0].codePointAt(0)?.toString(16).toUpperCase()} at ${excerpt(all, m.index)}`
      )
  },
  {
    name: 'U+200B only next to a character it neutralises (@ # - : / . <)',
    check: ({ all }) =>
      findAll(all, new RegExp(ZWSP))
        .filter(
          (m) =>
            !NEUTRALISER_NEIGHBOURS.has(all[m.index - 1]) &&
            !NEUTRALISER_NEIGHBOURS.has(all[m.index + 1])
        )
        .map((m) => `stray U+200B at ${excerpt(all, m.index)}`)
  },
  {
    name: 'every @ in live text is followed by U+200B (no mention)',
    check: ({ rendered }) =>
      findAll(rendered, /@(?!\u200b)/).map((m) => `live @ at ${excerpt(rendered, m.index)}`)
  },
  {
    name: 'no issue reference or URL from telemetry is live',
    check: ({ rendered }) =>
      LINKS.flatMap((link) =>
        findAll(rendered, new RegExp(link.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).map(
          (m) => `live ${link} at ${excerpt(rendered, m.index)}`
        )
      )
  },
  {
    name: 'no raw HTML tag in live text but the report’s own',
    check: ({ tags }) =>
      findAll(tags, /<\/?([a-z][a-z0-9-]*)/i)
        .filter((m) => !REPORT_TAGS.has(m[1].toLowerCase()))
        .map((m) => `raw <${m[1]}> at ${excerpt(tags, m.index)}`)
  },
  {
    name: '<details> blocks stay balanced (no </details> from telemetry)',
    check: ({ tags }) => {
      let open = 0
      for (const m of findAll(tags, /<(\/?)details\b/i)) {
        open += m[1] ? -1 : 1
        if (open < 0) return [`</details> closes nothing at ${excerpt(tags, m.index)}`]
      }
      return open === 0 ? [] : [`${open} <details> left open`]
    }
  },
  {
    name: 'every table row has as many cells as its header (no pipe from telemetry)',
    check: ({ all }) => {
      const problems: string[] = []
      const lines = all.split('\n')
      const cells = (line: string) =>
        line
          .trim()
          .replace(/^\|/, '')
          .replace(/(?<!\\)\|$/, '')
          .split(/(?<!\\)\|/).length
      for (let i = 1; i < lines.length; i++) {
        if (!/^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(lines[i])) continue
        if (!lines[i].includes('|') && !lines[i - 1].includes('|')) continue
        const width = cells(lines[i - 1])
        for (let j = i + 1; j < lines.length && lines[j].includes('|'); j++) {
          if (cells(lines[j]) !== width) {
            problems.push(`table row ${j + 1} has ${cells(lines[j])} cells, header ${width}`)
          }
        }
      }
      return problems
    }
  }
]

/** All findings of all rules, each prefixed by its rule. */
export function markdownProblems(markdown: string): string[] {
  const view = markdownView(markdown)
  return MARKDOWN_RULES.flatMap((rule) =>
    rule.check(view).map((problem) => `${rule.name}: ${problem}`)
  )
}
