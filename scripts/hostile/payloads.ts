/**
 * Text that would act if the report passed it on: a fake sticky-comment marker, mentions, issue
 * references and links GitHub renders live, HTML that closes the report's own `<details>`,
 * code-span and table breakers, line breaks, and characters that reorder or hide text.
 * markdown-checks.ts knows the tell-tale parts (`#123`, `evil.example`, `INJECTED`).
 */
export const PAYLOADS = {
  'comment-marker': '<!-- io-storm-catcher:iostorm -->',
  mention: '@octocat',
  'team-mention': '@org/team',
  'issue-ref': '#123',
  'gh-ref': 'GH-123',
  url: 'https://evil.example/x',
  www: 'www.evil.example',
  html: '</details><img src=x onerror=alert(1)>',
  // a code span of the report must not end early: everything after would be live
  backticks: '`` ` ``</details><img src=x onerror=alert(1)>`',
  pipes: 'a|b||c\\|d',
  crlf: 'first\r\n## INJECTED heading\r\n- INJECTED item',
  // U+202E RIGHT-TO-LEFT OVERRIDE shows "txt.png" as "txt.gnp"; U+2066 LEFT-TO-RIGHT ISOLATE
  bidi: 'txt.\u202egnp\u202c and \u2066isolated\u2069',
  'zero-width': 'zero\u200bwidth\ufeffname'
} as const

export type PayloadName = keyof typeof PAYLOADS

export const ALL_PAYLOADS = Object.values(PAYLOADS).join(' ')

/** Every payload but the line breaks: for fields whose schema pattern is one line (signatures). */
export const ONE_LINE_PAYLOADS = Object.entries(PAYLOADS)
  .filter(([name]) => name !== 'crlf')
  .map(([, payload]) => payload)
  .join(' ')
