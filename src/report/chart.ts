import type { Report, RunReport } from '../analysis/types.js'

/** Mermaid labels allow no quotes or brackets: keep letters, digits and a few separators. */
function label(text: string): string {
  return text.replace(/[^\p{L}\p{N} ._#:/+-]/gu, ' ').slice(0, 60)
}

const round = (value: number) => Math.round(value * 10) / 10

/** The run to chart: the one holding the worst spike, else the first with a series. */
export function chartedRun(report: Report): RunReport | undefined {
  const withSeries = report.runs.filter((run) => run.series !== null && run.threshold_ms !== null)
  const worst = (run: RunReport) =>
    run.spikes.reduce((max, spike) => Math.max(max, spike.value_ms), -1)
  return [...withSeries].sort((a, b) => worst(b) - worst(a))[0]
}

/**
 * A mermaid `xychart-beta` of one run's MSPT (the maximum per bucket, so spikes survive the
 * downsampling), the threshold as a flat line and the spikes as bars. GitHub and Forgejo render
 * mermaid blocks; elsewhere it reads as a short code block.
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
  return [
    '```mermaid',
    'xychart-beta',
    `    title "MSPT of ${label(`${run.run_id} #${run.repeat}`)}, max per ${round(series.bucket_ms / 1000)} s; threshold ${round(threshold)} ms"`,
    `    x-axis "seconds from the run start" 0 --> ${seconds}`,
    `    y-axis "ms per tick" 0 --> ${top}`,
    `    bar [${bars.map(round).join(', ')}]`,
    `    line [${values.map(round).join(', ')}]`,
    `    line [${values.map(() => round(threshold)).join(', ')}]`,
    '```'
  ].join('\n')
}
