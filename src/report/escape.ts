/**
 * Report text comes from telemetry (thread names, paths, frames, plugin names), stored reports and
 * artifacts: anything in it may look like markdown, HTML, an @mention, an issue reference, a link
 * or a hidden comment. Every such string passes through one of these (docs/hostile-input.md).
 */

export const DEFAULT_LENGTH = 80
const ZERO_WIDTH_SPACE = '\u200b'
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g
/** Characters that reorder or hide text (bidi controls, zero-width marks): shown as U+FFFD. */
const INVISIBLE = /[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g

/**
 * One line, at most `max` characters, cut with an ellipsis at its end (or at its start, to keep
 * the end of a path).
 * Invisible characters are made visible.
 */
export function oneLine(
  text: string,
  max = DEFAULT_LENGTH,
  keep: 'start' | 'end' = 'start'
): string {
  const line = text.replace(CONTROL, ' ').replace(INVISIBLE, '\ufffd')
  const chars = [...line]
  if (chars.length <= max) return line
  return keep === 'start'
    ? chars.slice(0, max - 1).join('') + '…'
    : '…' + chars.slice(chars.length - max + 1).join('')
}

/**
 * GitHub turns `@user`, `#123`, `GH-123`, bare URLs and `www.` names in text (also inside HTML
 * such as `<summary>`) into mentions and links; a zero-width space after the trigger stops it.
 */
function inert(value: string): string {
  return value
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
    .replace(/#(?=\d)/g, `#${ZERO_WIDTH_SPACE}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${ZERO_WIDTH_SPACE}`)
    .replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`)
    .replace(/\b(www)\./gi, `$1${ZERO_WIDTH_SPACE}.`)
}

/**
 * An inline code span that no content can break out of. Inside it `<` stays as it is, so `<!--`
 * is broken by a zero-width space: no text may open an HTML comment in the raw body (the sticky
 * comment's marker is one). Outside code spans `<` is escaped anyway.
 */
function codeSpan(value: string): string {
  const text = value.replace(/<!--/g, `<${ZERO_WIDTH_SPACE}!--`)
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = text.startsWith('`') || text.endsWith('`') || /^ .* $/.test(text) ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** Telemetry text as inline code, outside tables. */
export function inlineCode(
  text: string,
  max = DEFAULT_LENGTH,
  keep: 'start' | 'end' = 'start'
): string {
  return codeSpan(oneLine(text, max, keep) || ' ')
}

/** Telemetry text as inline code inside a table cell, where GFM splits on every `|`. */
export function tableCell(
  text: string,
  max = DEFAULT_LENGTH,
  keep: 'start' | 'end' = 'start'
): string {
  return inlineCode(text, max, keep).replace(/\|/g, '\\|')
}

/** Plain markdown text: no emphasis, links, HTML, headings, mentions or references survive. */
export function markdownText(value: string, max = 200): string {
  return inert(oneLine(value, max))
    .replace(/[\\`*_[\]|~<>]/g, (char) => `\\${char}`)
    .replace(/\\<!/g, '\\<\\!') // (`\<!--` is inert, but no `<!--` in the raw body at all)
    .replace(/&/g, '&amp;')
    .replace(/^(\s*)([-=+#])/, '$1\\$2')
}

/** Text inside HTML (e.g. `<summary>`), where markdown is not parsed but links still are. */
export function htmlText(value: string, max = 200): string {
  // (entities last: `&#39;` must not be taken for an issue reference)
  return inert(oneLine(value, max))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/**
 * One line for a terminal or a log: control, bidi and zero-width characters are written as
 * escapes (`\n`, `\u202e`), so a file name cannot split a line or hide what it says.
 */
export function terminalLine(value: string): string {
  return value.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g,
    (char) =>
      char === '\n'
        ? '\\n'
        : char === '\r'
          ? '\\r'
          : char === '\t'
            ? '\\t'
            : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}
