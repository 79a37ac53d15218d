/**
 * The lines `iostorm tail` prints (docs/postgres.md): one per spike, read at a glance — when,
 * which run, how bad against what threshold, then who (thread, plugin), what (syscall, path,
 * device) and the signature — and a heartbeat. `--json` prints the same as one JSON object per
 * line. Every name from telemetry is made one safe terminal line and cut to a length.
 */
import { createColors } from 'picocolors'
import stringWidth from 'string-width'
import type { LiveSpike, LiveStatus } from '../analysis/live.js'
import { bounded } from '../analysis/attribute.js'
import { terminalLine } from './escape.js'
import * as words from './words.js'
import type { Markup } from './words.js'

export type Colors = ReturnType<typeof createColors>

/** Colour when the output is a terminal and NO_COLOR is unset (https://no-color.org). */
export function tailColors(isTty: boolean, env: NodeJS.ProcessEnv): Colors {
  return createColors(isTty && !env.NO_COLOR)
}

/** A telemetry name on one line, at most `max` characters, cut at its start (or its end). */
function name(value: string | null, max = 60, keep: 'start' | 'end' = 'end'): string {
  if (value === null) return '-'
  const line = terminalLine(value)
  if (line.length <= max) return line
  return keep === 'end' ? `…${line.slice(line.length - max + 1)}` : `${line.slice(0, max - 1)}…`
}

const clock = (at: Date) => at.toISOString().slice(11, 19)

function offset(ms: number): string {
  const total = Math.max(0, ms) / 1000
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = (total % 60).toFixed(1).padStart(4, '0')
  return `+${hours > 0 ? `${hours}:` : ''}${String(minutes).padStart(hours > 0 ? 2 : 1, '0')}:${seconds}`
}

const ms = (value: number) => `${value >= 100 ? Math.round(value) : value.toFixed(1)} ms`

/**
 * `12:03:04 SPIKE s1#0 +2:41.3  812 ms ≥ 61.2 ms tick_ms  Server thread fsynced
 * …/region/r.0.0.mca on nvme0n1; the tick thread ran CoreProtect called by Quests  [CoreProtect|fsync]`:
 * when, which run, how bad against what threshold, then what happened in the words of the report
 * (src/report/words.ts), and the signature to find it in the pull-request report. A spike line is
 * never cut (the plugin at its end is what a reader looks for); on a terminal of `width` columns
 * the path is shortened in its middle so that the line seldom wraps more than once.
 */
export function spikeLine(event: LiveSpike, at: Date, colors: Colors, width?: number): string {
  const { spike } = event
  const m: Markup = {
    name: (text, max = 60, keep = 'end') => colors.cyan(name(text, max, keep)),
    strong: (text) => colors.bold(text)
  }
  const head = [
    colors.dim(clock(at)),
    colors.bold(colors.red('SPIKE')),
    colors.bold(`${name(event.run_id, 40)}#${event.repeat}`),
    offset(spike.offset_ms),
    ` ${colors.bold(colors.red(ms(spike.value_ms)))} ${colors.dim('≥')} ${ms(event.threshold_ms)} ${colors.dim(name(event.metric, 20))}`
  ].join(' ')
  const waited =
    event.missing.length > 0
      ? `  ${colors.yellow(`(no rows yet past the window in: ${event.missing.join(', ')})`)}`
      : ''
  const maxPath = width === undefined ? 60 : Math.max(24, Math.min(60, Math.floor(width / 4)))
  return `${head}  ${words.spikeLine(spike, m, maxPath)}${waited}  ${colors.dim(`[${name(spike.signature, 80)}]`)}`
}

/**
 * `12:03:09 · 2 streams, 12,345 rows, 3 spikes · s1#0 tick_ms ≥ 61.2 ms, s1#1 tick_ms ≥ 58.0 ms`;
 * newest first; with `width`, as many streams as fit and how many more.
 */
export function heartbeatLine(
  status: LiveStatus,
  at: Date,
  colors: Colors,
  width?: number
): string {
  const counted = (count: number, what: string) =>
    `${count.toLocaleString('en-US')} ${what}${count === 1 ? '' : 's'}`
  const head =
    `${clock(at)} · ${counted(status.streams.length, 'stream')}, ` +
    `${counted(status.rows, 'row')}, ${counted(status.spikes, 'spike')}`
  // newest streams first: with --all the run being written is the one found last
  const known = status.streams.filter((stream) => stream.threshold_ms !== null).reverse()
  const limit = width ?? Infinity
  const shown: string[] = []
  for (const [index, stream] of known.entries()) {
    const item = `${name(stream.run_id, 30)}#${stream.repeat} ${name(stream.metric, 20)} ≥ ${ms(stream.threshold_ms as number)}`
    const rest = known.length - index - 1
    const more = rest > 0 ? ` and ${rest} more` : ''
    const candidate = `${head} · ${[...shown, item].join(', ')}${more}`
    if (index >= 8 || stringWidth(candidate) > limit) break
    shown.push(item)
  }
  const hidden = known.length - shown.length
  const listed = shown.length > 0 ? ` · ${shown.join(', ')}` : ''
  const more = hidden > 0 ? `${shown.length > 0 ? ' and' : ' ·'} ${hidden} more` : ''
  return colors.dim(`${head}${listed}${more}`)
}

/** A spike as one JSON line: the report's spike fields, with the stream and the threshold. */
export function spikeJson(event: LiveSpike, at: Date): string {
  return JSON.stringify({
    type: 'spike',
    time: at.toISOString(),
    run_id: bounded(event.run_id),
    repeat: event.repeat,
    metric: event.metric,
    threshold_ms: event.threshold_ms,
    ...event.spike,
    missing: event.missing
  })
}

/** Streams listed in a JSON heartbeat at most. */
const HEARTBEAT_STREAMS = 100

export function heartbeatJson(status: LiveStatus, at: Date): string {
  return JSON.stringify({
    type: 'heartbeat',
    time: at.toISOString(),
    streams: status.streams.length,
    rows: status.rows,
    spikes: status.spikes,
    // a heartbeat stays one short line however many streams: the first ones, and how many more
    streams_listed: Math.min(status.streams.length, HEARTBEAT_STREAMS),
    thresholds: status.streams.slice(0, HEARTBEAT_STREAMS).map((stream) => ({
      run_id: bounded(stream.run_id),
      repeat: stream.repeat,
      metric: stream.metric,
      threshold_ms: stream.threshold_ms,
      window_values: stream.window_values
    }))
  })
}
