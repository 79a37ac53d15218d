import { describe, expect, it } from '@jest/globals'
import type { LiveSpike } from '../src/analysis/live.js'
import type { SpikeReport } from '../src/analysis/types.js'
import { stripVTControlCharacters as stripAnsi } from 'node:util'
import { heartbeatLine, spikeJson, spikeLine, tailColors } from '../src/report/tail-line.js'

const spike = {
  ts_ns: '18750000000000',
  start_ns: '18750000000000',
  end_ns: '18752400000000',
  offset_ms: 161_300,
  value_ms: 2400,
  top_thread: 'Server thread',
  top_plugin: 'CoreProtect',
  entry_plugin: 'Quests',
  first_syscall: 'fsync',
  first_syscall_scope: 'tick-thread',
  top_path: '/srv/mc/world/region/r.0.0.mca',
  top_device: 'nvme0n1',
  signature: 'CoreProtect|fsync',
  threads: [
    {
      thread: 'Server thread',
      tid: 1,
      tick_thread: true,
      samples: 10,
      cpu_ms: 100,
      syscall_ms: 2300,
      wait_ms: 0,
      io_bytes: 0
    }
  ],
  plugins: [],
  syscalls: [],
  paths: [],
  devices: [],
  notes: []
} as unknown as SpikeReport

const event: LiveSpike = {
  type: 'spike',
  run_id: 'run\n\u202eevil',
  repeat: 2,
  metric: 'tick_ms',
  threshold_ms: 61.24,
  missing: ['io_events'],
  spike
}
const at = new Date('2026-12-05T12:03:04Z')

describe('tail lines', () => {
  it('one line a person reads at a glance: when, run, offset, value and threshold, what happened', () => {
    const line = spikeLine(event, at, tailColors(false, {}))
    expect(line.split('\n')).toHaveLength(1)
    expect(line).toBe(
      '12:03:04 SPIKE run\\n\\u202eevil#2 +2:41.3  2400 ms ≥ 61.2 ms tick_ms  ' +
        'Server thread fsynced /srv/mc/world/region/r.0.0.mca on nvme0n1; ' +
        'the tick thread ran CoreProtect called by Quests  ' +
        '(no rows yet past the window in: io_events)  [CoreProtect|fsync]'
    )
  })

  it('on a terminal, the path is shortened to the width, and nothing else is cut', () => {
    const colors = tailColors(true, {})
    const long = {
      ...event,
      spike: { ...spike, top_path: `/srv/mc/${'deep/'.repeat(12)}region/r.0.0.mca` }
    }
    const narrow = stripAnsi(spikeLine(long, at, colors, 100))
    expect(narrow).toContain(
      '…/region/r.0.0.mca on nvme0n1; the tick thread ran CoreProtect called by Quests'
    )
    expect(narrow).toMatch(/\[CoreProtect\|fsync\]$/)
    const piped = stripAnsi(spikeLine(long, at, colors))
    expect(piped.length).toBeGreaterThan(narrow.length)
    expect(piped).toContain('/srv/mc/deep/deep/deep/')
  })

  it('colour only on a terminal with NO_COLOR unset', () => {
    const escape = '\u001b['
    expect(spikeLine(event, at, tailColors(true, {}))).toContain(escape)
    expect(spikeLine(event, at, tailColors(true, { NO_COLOR: '1' }))).not.toContain(escape)
    expect(spikeLine(event, at, tailColors(false, {}))).not.toContain(escape)
  })

  it('JSON lines carry the report spike fields with the stream and the threshold', () => {
    const parsed = JSON.parse(spikeJson(event, at)) as Record<string, unknown>
    expect(parsed).toMatchObject({
      type: 'spike',
      time: '2026-12-05T12:03:04.000Z',
      run_id: 'run\n\u202eevil',
      repeat: 2,
      metric: 'tick_ms',
      threshold_ms: 61.24,
      signature: 'CoreProtect|fsync',
      missing: ['io_events']
    })
  })

  it('a heartbeat names the streams and their thresholds, as many as fit', () => {
    const stream = (run_id: string) => ({
      run_id,
      repeat: 0,
      metric: 'tick_ms',
      threshold_ms: 72.2,
      window_values: 9
    })
    const colors = tailColors(false, {})
    const one = { streams: [stream('a')], rows: 12345, spikes: 3 }
    expect(heartbeatLine(one, at, colors)).toBe(
      '12:03:04 · 1 stream, 12,345 rows, 3 spikes · a#0 tick_ms ≥ 72.2 ms'
    )
    const many = { streams: ['alpha', 'bravo', 'charlie', 'delta'].map(stream), rows: 1, spikes: 0 }
    expect(heartbeatLine(many, at, colors, 80)).toBe(
      '12:03:04 · 4 streams, 1 row, 0 spikes · delta#0 tick_ms ≥ 72.2 ms and 3 more'
    )
    expect(heartbeatLine(many, at, colors)).toContain('alpha#0 tick_ms ≥ 72.2 ms')
  })
})
