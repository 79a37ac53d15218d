/**
 * The lines `iostorm tail` prints (docs/postgres.md): one per spike, read at a glance — when,
 * which run, how bad against what threshold, then who (thread, plugin), what (syscall, path,
 * device) and the signature — and a heartbeat. `--json` prints the same as one JSON object per
 * line. Every name from telemetry is made one safe terminal line and cut to a length.
 */
import { createColors } from 'picocolors'
import type { LiveSpike, LiveStatus } from '../analysis/live.js'
import { bounded } from '../analysis/attribute.js'
import { terminalLine } from './escape.js'

export type Colors = ReturnType<typeof createColors>

/** Colour when the output is a terminal and NO_COLOR is unset (https://no-color.org). */
export function tailColors(isTty: boolean, env: NodeJS.ProcessEnv): Colors {
  return createColors(isTty && !env.NO_COLOR)
}

/** A telemetry name on one line, at most `max` characters. */
function name(value: string | null, max = 60): string {
  if (value === null) return '-'
  const line = terminalLine(value)
  return line.length <= max ? line : `…${line.slice(line.length - max + 1)}`
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
 * `12:03:04 SPIKE s1#0 +2:41.3  tick_ms 812 ms ≥ 61.2  thread Server thread  plugin CoreProtect
 * ← Quests  syscall fsync  path world/region/r.0.0.mca  dev nvme0n1  [CoreProtect|fsync]`
 */
export function spikeLine(event: LiveSpike, at: Date, colors: Colors): string {
  const { spike } = event
  const label = (text: string) => colors.dim(text)
  const parts = [
    colors.dim(clock(at)),
    colors.bold(colors.red('SPIKE')),
    colors.bold(`${name(event.run_id, 40)}#${event.repeat}`),
    offset(spike.offset_ms),
    ` ${name(event.metric, 20)} ${colors.bold(colors.red(ms(spike.value_ms)))} ${label('≥')} ${ms(event.threshold_ms)}`
  ]
  const plugin =
    spike.top_plugin === null
      ? '-'
      : colors.magenta(name(spike.top_plugin, 40)) +
        (spike.entry_plugin ? `${label(' ← ')}${name(spike.entry_plugin, 40)}` : '')
  const details = [
    `${label('thread')} ${colors.cyan(name(spike.top_thread, 40))}`,
    `${label('plugin')} ${plugin}`,
    `${label('syscall')} ${colors.yellow(name(spike.first_syscall, 24))}`,
    `${label('path')} ${name(spike.top_path, 60)}`,
    `${label('dev')} ${name(spike.top_device, 20)}`,
    colors.dim(`[${name(spike.signature, 80)}]`)
  ]
  const waited =
    event.missing.length > 0
      ? `  ${colors.yellow(`(no rows yet past the window in: ${event.missing.join(', ')})`)}`
      : ''
  return `${parts.join(' ')}  ${details.join('  ')}${waited}`
}

/** `12:03:09 · 2 streams, 12,345 rows, 3 spikes; s1#0 tick_ms > 61.2 ms` */
export function heartbeatLine(status: LiveStatus, at: Date, colors: Colors): string {
  const thresholds = status.streams
    .filter((stream) => stream.threshold_ms !== null)
    .slice(0, 8)
    .map(
      (stream) =>
        `${name(stream.run_id, 30)}#${stream.repeat} ${name(stream.metric, 20)} ≥ ${ms(stream.threshold_ms as number)}`
    )
  const more = status.streams.filter((stream) => stream.threshold_ms !== null).length - 8
  return colors.dim(
    `${clock(at)} · ${status.streams.length} stream(s), ${status.rows.toLocaleString('en-US')} rows, ` +
      `${status.spikes} spike(s)` +
      (thresholds.length > 0
        ? `; ${thresholds.join(', ')}${more > 0 ? ` and ${more} more` : ''}`
        : '')
  )
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
