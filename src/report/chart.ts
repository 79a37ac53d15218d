import type { Report, RunReport } from '../analysis/types.js'
import { inlineCode } from './escape.js'
import { formatLength } from './words.js'

/** Mermaid labels allow no quotes or brackets: keep letters, digits and a few separators. */
function label(text: string): string {
  return text.replace(/[^\p{L}\p{N} ._#:/+-]/gu, ' ').slice(0, 60)
}

const round = (value: number) => Math.round(value * 10) / 10

const worstOf = (run: RunReport) =>
  run.spikes.reduce((max, spike) => Math.max(max, spike.value_ms), -1)

/** The run to chart: the one holding the worst spike, else the first with a series. */
export function chartedRun(report: Report): RunReport | undefined {
  const withSeries = report.runs.filter((run) => run.series !== null && run.threshold_ms !== null)
  return [...withSeries].sort((a, b) => worstOf(b) - worstOf(a))[0]
}

/**
 * The plots' colours, in the order they are drawn (spike bars, the MSPT line, the threshold line),
 * set by an init directive so that the legend under the chart can name them.
 */
const PALETTE = { spikes: '#f0883e', mspt: '#1f6feb', threshold: '#cf222e' }

/**
 * A mermaid `xychart-beta` of one run's MSPT (the maximum per bucket, so spikes survive the
 * downsampling), the threshold as a flat line and the spikes as bars, with a legend line under it
 * (xychart draws none that every renderer supports). GitHub and Forgejo render mermaid blocks;
 * elsewhere it reads as a short code block and the legend still says what was charted.
 */
export function msptChart(run: RunReport): string | null {
  const { series, threshold_ms: threshold } = run
  if (series === null || threshold === null || series.max_ms.length < 2) return null
  // a bucket without a value lies inside a tick longer than the bucket: it carries the last value
  let previous = series.max_ms.find((value) => value !== null) ?? 0
  const values = series.max_ms.map((value) => (previous = value ?? previous))
  const bars = values.map(() => 0)
  for (const spike of run.spikes) {
    const bucket = Math.min(
      bars.length - 1,
      Math.max(0, Math.floor(spike.offset_ms / series.bucket_ms))
    )
    bars[bucket] = Math.max(bars[bucket], spike.value_ms)
  }
  const top = Math.ceil(Math.max(threshold, ...values) * 1.1)
  const seconds = round((series.bucket_ms * values.length) / 1000)
  // the title must fit the chart's width: the run's name is cut, the legend names it whole
  const shown = `${run.run_id} #${run.repeat}`
  const name = label(shown.length > 32 ? `${shown.slice(0, 31)}…` : shown)
  const worst = worstOf(run)
  const title = worst > 0 ? `MSPT of ${name} (worst run)` : `MSPT of ${name}`
  const palette = [PALETTE.spikes, PALETTE.mspt, PALETTE.threshold].join(', ')
  const which =
    worst > 0
      ? `${inlineCode(shown, 80)}, the run with the worst spike (${formatLength(worst)})`
      : inlineCode(shown, 80)
  const legend =
    `<sub>${which}: 🟦 MSPT (the longest tick of each ${round(series.bucket_ms / 1000)} s) · ` +
    `🟥 threshold ${round(threshold)} ms · 🟧 spikes (${run.spikes.length}) · ` +
    `x: seconds from the run’s start</sub>`
  return [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    'xychart-beta',
    `    title "${title}"`,
    `    x-axis "seconds from the run start" 0 --> ${seconds}`,
    `    y-axis "ms per tick" 0 --> ${top}`,
    `    bar [${bars.map(round).join(', ')}]`,
    `    line [${values.map(round).join(', ')}]`,
    `    line [${values.map(() => round(threshold)).join(', ')}]`,
    '```',
    '',
    legend
  ].join('\n')
}
