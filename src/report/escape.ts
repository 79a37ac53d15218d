/**
 * Report text comes from telemetry (thread names, paths, frames, plugin names): anything in it
 * may look like markdown, HTML or an @mention. Every such string passes through one of these.
 */

export const DEFAULT_CAP = 80
const ZERO_WIDTH_SPACE = '\u200b'
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g

/** One line, at most `max` characters; cut in the middle (or at the start) with an ellipsis. */
export function cap(text: string, max = DEFAULT_CAP, keep: 'start' | 'end' = 'start'): string {
  const line = text.replace(CONTROL, ' ')
  const chars = [...line]
  if (chars.length <= max) return line
  return keep === 'start'
    ? chars.slice(0, max - 1).join('') + '…'
    : '…' + chars.slice(chars.length - max + 1).join('')
}

/** An inline code span that no content can break out of. */
function codeSpan(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = text.startsWith('`') || text.endsWith('`') || /^ .* $/.test(text) ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** Telemetry text as inline code, outside tables. */
export function code(text: string, max = DEFAULT_CAP, keep: 'start' | 'end' = 'start'): string {
  return codeSpan(cap(text, max, keep) || ' ')
}

/** Telemetry text as inline code inside a table cell, where GFM splits on every `|`. */
export function cell(text: string, max = DEFAULT_CAP, keep: 'start' | 'end' = 'start'): string {
  return code(text, max, keep).replace(/\|/g, '\\|')
}

/** Plain markdown text: no emphasis, links, HTML, headings or mentions survive. */
export function text(value: string, max = 200): string {
  return cap(value, max)
    .replace(/[\\`*_[\]|~<>]/g, (char) => `\\${char}`)
    .replace(/&/g, '&amp;')
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
    .replace(/^(\s*)([-=+#])/, '$1\\$2')
}

/** Text inside HTML (e.g. `<summary>`), where markdown is not parsed. */
export function html(value: string, max = 200): string {
  return cap(value, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
}
