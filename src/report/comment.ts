import type { Report } from '../analysis/types.js'
import { markdownText } from './escape.js'
import { renderMarkdown, renderReport, type MarkdownOptions } from './markdown.js'

/** GitHub refuses comment bodies over 65,536 characters; Forgejo has no limit but gets the same. */
export const COMMENT_LIMIT = 65_536

/** From most to least detail: what the body keeps as it has to shrink. */
const DETAIL_LEVELS: MarkdownOptions[] = [
  {
    maxSpikeRows: 30,
    maxDetails: 10,
    detailRows: 8,
    chart: true,
    maxNotes: 40,
    maxRuns: 200,
    maxDiffRows: 100
  },
  {
    maxSpikeRows: 30,
    maxDetails: 5,
    detailRows: 5,
    chart: true,
    maxNotes: 20,
    maxRuns: 100,
    maxDiffRows: 50
  },
  {
    maxSpikeRows: 20,
    maxDetails: 2,
    detailRows: 5,
    chart: true,
    maxNotes: 10,
    maxRuns: 50,
    maxDiffRows: 40
  },
  { maxSpikeRows: 20, maxDetails: 0, chart: true, maxNotes: 10, maxRuns: 30, maxDiffRows: 30 },
  { maxSpikeRows: 10, maxDetails: 0, chart: false, maxNotes: 5, maxRuns: 20, maxDiffRows: 20 },
  { maxSpikeRows: 5, maxDetails: 0, chart: false, maxNotes: 0, maxRuns: 10, maxDiffRows: 10 }
]

export interface CommentOptions {
  /** Hidden marker that finds this comment again; first line of the body. */
  marker: string
  /** Shown under the title when there is no diff, e.g. why there is no baseline. */
  verdict?: string
  /** Where the full report is, e.g. 'the `iostorm-report` artifact and the job summary'. */
  fullReportHint: string
  /** A link to the run, given whenever detail had to be dropped. */
  runUrl?: string
  /** The commit analysed, shown in the footer. */
  headSha?: string
  limit?: number
}

function footer(options: CommentOptions, dropped: boolean): string {
  const parts: string[] = []
  if (options.headSha)
    parts.push(`Analysed \`${options.headSha.slice(0, 12).replace(/[^0-9a-f]/gi, '')}\``)
  if (dropped) {
    const where = options.runUrl
      ? `${options.fullReportHint} of [this run](${encodeURI(options.runUrl)})`
      : options.fullReportHint
    parts.push(`Detail was left out to fit a comment: the full report is in ${where}.`)
  }
  return parts.length > 0 ? `\n---\n<sub>${parts.join(' · ')}</sub>\n` : ''
}

/**
 * The sticky comment's body: the marker, then the report with as much detail as fits the limit,
 * dropping the least important first (per-spike details, then rows, chart and notes). Whenever
 * something was left out, the body says where the full report is.
 */
export function renderComment(report: Report, options: CommentOptions): string {
  const limit = options.limit ?? COMMENT_LIMIT
  const common = { level: 2, verdict: options.verdict, fullReportHint: options.fullReportHint }
  for (const [index, level] of DETAIL_LEVELS.entries()) {
    const { markdown, omitted } = renderReport(report, { ...common, ...level })
    const body = `${options.marker}\n${markdown}${footer(options, omitted || index > 0)}`
    if (body.length <= limit) return body
  }
  // Even the smallest form is too long (thousands of runs): cut at a line and say so.
  const end = footer(options, true)
  const notice = `\n\n…(cut to fit; ${markdownText(options.fullReportHint)} has everything)\n`
  const smallest = `${options.marker}\n${renderMarkdown(report, { ...common, ...DETAIL_LEVELS[DETAIL_LEVELS.length - 1] })}`
  const room = limit - end.length - notice.length
  const cut = smallest.slice(0, Math.max(0, room))
  return `${cut.slice(0, Math.max(cut.lastIndexOf('\n'), options.marker.length))}${notice}${end}`
}
