/**
 * What the CLI must do with each hostile case: THE table to adjust when the contract changes.
 *
 * The general rules (one process per case, no hang, peak RSS, one stderr line in words for an
 * unreadable input, the good file's spikes kept) are in verdict.ts and apply to every case; this
 * table adds what differs per case:
 *   status    the exit statuses that are right (two only where the contract leaves the choice);
 *   note      a loose pattern one note of the hostile run (run or spike notes) must match: the
 *             report has to say that values were excluded or detail was capped. ADJUST THESE
 *             PATTERNS to the wording the CLI settles on;
 *   runs      how many runs the report must hold (good file + what the hostile target adds);
 *   spikes    how many spikes the hostile run(s) must report (a planted spike must survive);
 *   markdown  run the injection checks (markdown-checks.ts) on the markdown report;
 *   fast      part of the fast subset (`--fast`, and __tests__/hostile.test.ts).
 */

export type ExitStatus = 0 | 1 | 2

export interface Expectation {
  status: readonly ExitStatus[]
  note?: RegExp
  runs?: number
  spikes?: number
  markdown?: boolean
  fast?: boolean
}

const READ = { status: [0] } as const satisfies Expectation
const UNREADABLE = { status: [2] } as const satisfies Expectation
/** The file may still decode (a flipped value, an unused field): either answer is right. */
const EITHER = { status: [0, 2] } as const satisfies Expectation
const INJECTION = { status: [0], markdown: true } as const satisfies Expectation

function numbered(prefix: string, count: number, expectation: Expectation) {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `${prefix}-${String(i).padStart(2, '0')}`,
      expectation
    ])
  )
}

export const FLIPS_PER_KIND = 10

export const EXPECTATIONS: Record<string, Expectation> = {
  // control: the rewriter's output without any lie must read like the original
  'rewrite-identity-snappy-v2': { ...READ, fast: true },
  'rewrite-identity-uncompressed-v2': READ,
  'rewrite-identity-zstd-v1': READ,
  'rewrite-identity-snappy-v1': READ,

  // row-counts: a row group's num_rows lies, column chunks' num_values tell the truth (or lie too)
  'rowgroup-rows-2^31': { ...UNREADABLE, fast: true },
  'rowgroup-rows-2^31-1': UNREADABLE,
  'rowgroup-rows-10x': UNREADABLE,
  'rowgroup-rows-0': UNREADABLE,
  'rowgroup-rows-2^31-zstd-v1': UNREADABLE,
  'rowgroup-and-chunk-values-2^31': UNREADABLE,

  // page-sizes
  'uncompressed-page-2GiB-snappy': { ...UNREADABLE, fast: true },
  'uncompressed-page-2GiB-zstd': UNREADABLE,
  'uncompressed-page-2GiB-uncompressed': UNREADABLE,
  'uncompressed-dictionary-page-2GiB-snappy': UNREADABLE,
  // the lying page is its chunk's last: a reader that bounds a page by its chunk decodes the
  // right values, so reading and refusing are both fine (not a hang, a crash or 2 GiB read)
  'compressed-page-past-chunk-snappy': EITHER,
  'compressed-page-int32-max-zstd': EITHER,

  // value-counts (num_values is an I32: 2^31 cannot be written, so INT32_MAX and the wrapped -2^31)
  'data-page-v2-values-int32-max': UNREADABLE,
  'data-page-v2-values-negative': UNREADABLE,
  // a reader need not use a v2 page's num_rows at all
  'data-page-v2-rows-int32-max': EITHER,
  'data-page-v1-values-int32-max': UNREADABLE,
  'data-page-v1-values-negative': UNREADABLE,
  'dictionary-page-values-int32-max-v2': UNREADABLE,
  'dictionary-page-values-int32-max-v1': UNREADABLE,

  // dictionary: indices point past a shortened dictionary
  'dictionary-one-entry-thread': { ...UNREADABLE, fast: true },
  'dictionary-no-entries-thread': UNREADABLE,
  'dictionary-one-entry-tid': UNREADABLE,
  'dictionary-one-entry-value-v1': UNREADABLE,

  // truncation
  'cut-inside-footer': { ...UNREADABLE, fast: true },
  'cut-inside-data-page': UNREADABLE,
  'cut-before-footer-length': UNREADABLE,
  'cut-before-last-magic': UNREADABLE,
  'cut-after-first-magic': UNREADABLE,

  // byte-flips: one seeded random byte changed each
  ...numbered('flip-data-snappy', FLIPS_PER_KIND, EITHER),
  ...numbered('flip-data-zstd', FLIPS_PER_KIND, EITHER),
  ...numbered('flip-footer-snappy', FLIPS_PER_KIND, EITHER),
  ...numbered('flip-footer-zstd', FLIPS_PER_KIND, EITHER),
  'flip-data-snappy-00': { ...EITHER, fast: true },
  'flip-footer-snappy-00': { ...EITHER, fast: true },

  // semantic: valid parquet, odd content
  // three ticks of the planted run are non-finite; its 500 ms spike must still be found
  'values-nan': { ...READ, note: /non-finite|NaN|not a number/i, spikes: 1 },
  'values-plus-infinity': { ...READ, note: /non-finite|infinit/i, spikes: 1, fast: true },
  'values-minus-infinity': { ...READ, note: /non-finite|infinit/i, spikes: 1 },
  'zero-rows': { ...READ, note: /no (rows|MSPT|values)|empty/i, spikes: 0, fast: true },
  'constant-60ms-hour': READ,
  'two-million-spikes': { ...READ, note: /not attributed|worst/i },
  'megabyte-strings': READ,
  'ten-thousand-frame-stacks': READ,
  'hundred-thousand-threads': { ...READ, note: /more threads? not listed|not listed|more/i },

  // filesystem
  'fifo-events-parquet': { ...UNREADABLE, fast: true },
  'fifo-in-run-dir': UNREADABLE,
  'directory-named-events-parquet': UNREADABLE,
  'symlink-loop-in-run-dir': { ...READ, runs: 2 },
  'symlinked-events-parquet': { ...READ, runs: 2 },
  'broken-symlink-events-parquet': UNREADABLE,
  'newline-in-dir-readable': { ...READ, runs: 2 },
  'newline-in-dir-unreadable': { ...UNREADABLE, fast: true },
  'terminal-escape-in-dir-unreadable': UNREADABLE,

  // options (a usage error stops before analysis: then only the one stderr line is checked)
  'registry-invalid-json': { ...UNREADABLE, fast: true },
  // 50 MB is no real registry: reading it within the memory limit or refusing it are both fine
  'registry-50mb': EITHER,
  // a plugin may be called "__proto__"; it must not reach Object.prototype
  'registry-proto-key': READ,
  'registry-deep-nesting': UNREADABLE,
  'registry-injection-name': { ...INJECTION },
  'tick-thread-redos': { ...READ, fast: true },
  // plugin jars: names and file names reach the report escaped; a bad jar is a note, not a failure
  'plugins-dir-injection-names': { ...INJECTION, fast: true },
  'plugins-dir-zip-bomb': READ,
  'plugins-dir-lying-entry-count': READ,

  // stored-reports (diff)
  'report-empty-run-as-base': UNREADABLE,
  'report-empty-run-as-head': { ...UNREADABLE, fast: true },
  'report-wrong-types-as-base': UNREADABLE,
  'report-wrong-types-as-head': UNREADABLE,
  'report-100mb': UNREADABLE,
  'report-deep-nesting': { ...UNREADABLE, fast: true },
  'report-not-json': UNREADABLE,
  'report-schema-version-2': UNREADABLE,
  'report-injection-as-head': INJECTION,
  'report-injection-as-base': INJECTION,

  // injection: one payload in every text field of an events file
  'inject-comment-marker': INJECTION,
  'inject-mention': INJECTION,
  'inject-team-mention': INJECTION,
  'inject-issue-ref': INJECTION,
  'inject-gh-ref': INJECTION,
  'inject-url': INJECTION,
  'inject-www': INJECTION,
  'inject-html': INJECTION,
  'inject-backticks': INJECTION,
  'inject-pipes': INJECTION,
  'inject-crlf': INJECTION,
  'inject-bidi': INJECTION,
  'inject-zero-width': INJECTION,
  'inject-all': { ...INJECTION, fast: true }
}

export const FAST_CASES: readonly string[] = Object.entries(EXPECTATIONS)
  .filter(([, expectation]) => expectation.fast)
  .map(([name]) => name)
