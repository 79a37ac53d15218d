/**
 * Valid parquet with odd content (non-finite values, no rows, every tick a spike, huge strings,
 * deep stacks, many threads), and events files whose every text field carries an injection
 * payload.
 */
import { join } from 'node:path'
import { MS, UPTIME_BASE } from '../../fixtures/simulate.js'
import type { EventRow } from '../../fixtures/writers.js'
import { beside, type CorpusContext, type HostileCase } from '../corpus.js'
import { ALL_PAYLOADS, PAYLOADS } from '../payloads.js'
import {
  PLAIN_TEXT,
  plantedRun,
  SPIKE_MS,
  writeRows,
  writeStreamed,
  type StreamRows,
  type TextFields
} from '../tables.js'

const byTime = (a: EventRow, b: EventRow) => (a.ts_ns < b.ts_ns ? -1 : a.ts_ns > b.ts_ns ? 1 : 0)

function spikeStart(rows: readonly EventRow[]): bigint {
  const tick = rows.find((row) => row.metric === 'tick_ms' && row.value === SPIKE_MS)
  if (!tick) throw new Error('the planted run has no spike')
  return tick.ts_ns
}

function fileCase(
  group: 'semantic' | 'injection',
  name: string,
  rows: (random: () => number) => EventRow[] | Promise<EventRow[]>
): HostileCase {
  return {
    group,
    name,
    async build(context: CorpusContext, dir: string) {
      const path = join(dir, 'events.parquet')
      await writeRows(path, await rows(context.random(name)))
      return beside(context, path)
    }
  }
}

function nonFinite(value: number) {
  return (random: () => number) =>
    plantedRun(random, PLAIN_TEXT, { values: { 100: value, 200: value, 400: value } })
}

/** Seeded letters: a long string a compressor cannot fold into nothing. */
function longText(random: () => number, length: number, prefix: string): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789'
  let text = prefix
  while (text.length < length) text += letters[Math.floor(random() * letters.length)]
  return text
}

const MEGABYTE = 1024 * 1024
const TPS_STEP = 50n * MS

/** An hour at 20 TPS where every tick took 60 ms: σ = 0, every tick reaches the threshold. */
function constantHour(): EventRow[] {
  return Array.from({ length: 72_000 }, (_, i) => ({
    ts_ns: UPTIME_BASE + BigInt(i) * TPS_STEP,
    layer: 'L0',
    run_id: 'constant-60ms-hour',
    metric: 'tick_ms',
    value: 60,
    dur_ns: 60n * MS
  }))
}

const TWO_MILLION = 2_000_000
const GROUP_ROWS = 100_000

interface StreamRow {
  ts: bigint
  layer: string
  metric?: string
  value?: number
  dur?: bigint
  tid?: bigint
  thread?: string
}

/** 2,000,000 back-to-back 60 ms ticks and a few stack samples in the first one, streamed. */
function* twoMillionSpikes(): Generator<StreamRows> {
  for (let first = 0; first < TWO_MILLION; first += GROUP_ROWS) {
    const group: StreamRows = {
      ts_ns: [],
      layer: [],
      metric: [],
      value: [],
      dur_ns: [],
      tid: [],
      thread: [],
      run_id: []
    }
    const push = (row: StreamRow) => {
      group.ts_ns.push(row.ts)
      group.layer.push(row.layer)
      group.metric.push(row.metric ?? null)
      group.value.push(row.value ?? null)
      group.dur_ns.push(row.dur ?? null)
      group.tid.push(row.tid ?? null)
      group.thread.push(row.thread ?? null)
      group.run_id.push('two-million-spikes')
    }
    for (let i = first; i < first + GROUP_ROWS; i++) {
      const ts = UPTIME_BASE + BigInt(i) * 60n * MS
      push({ ts, layer: 'L0', metric: 'tick_ms', value: 60, dur: 60n * MS })
      if (i === 0) {
        for (let sample = 1; sample < 20; sample++) {
          push({ ts: ts + BigInt(sample) * 3n * MS, layer: 'L1', tid: 1n, thread: 'Server thread' })
        }
      }
    }
    yield group
  }
}

const SEMANTIC: HostileCase[] = [
  fileCase('semantic', 'values-nan', nonFinite(NaN)),
  fileCase('semantic', 'values-plus-infinity', nonFinite(Infinity)),
  fileCase('semantic', 'values-minus-infinity', nonFinite(-Infinity)),
  {
    group: 'semantic',
    name: 'zero-rows',
    async build(context, dir) {
      const path = join(dir, 'events.parquet')
      await writeRows(path, [], {
        fields: ['layer', 'run_id', 'metric', 'value', 'dur_ns', 'thread']
      })
      return beside(context, path)
    }
  },
  fileCase('semantic', 'constant-60ms-hour', constantHour),
  {
    group: 'semantic',
    name: 'two-million-spikes',
    async build(context, dir) {
      const path = join(dir, 'events.parquet')
      await writeStreamed(path, twoMillionSpikes())
      return beside(context, path)
    }
  },
  fileCase('semantic', 'megabyte-strings', (random) =>
    plantedRun(random, {
      ...PLAIN_TEXT,
      thread: longText(random, MEGABYTE, 'thread-'),
      path: longText(random, MEGABYTE, '/srv/'),
      frame: longText(random, MEGABYTE, 'com.example.')
    })
  ),
  fileCase('semantic', 'ten-thousand-frame-stacks', (random) => {
    const deep = [
      'java.lang.Thread.run',
      ...Array.from({ length: 9_998 }, (_, i) => `com.example.deep.Level${i}.call`),
      'fsync'
    ]
    return plantedRun(random, PLAIN_TEXT).map((row) =>
      row.layer === 'L1' ? { ...row, frames: deep } : row
    )
  }),
  fileCase('semantic', 'hundred-thousand-threads', (random) => {
    const rows = plantedRun(random, PLAIN_TEXT)
    const start = spikeStart(rows)
    for (let i = 0; i < 100_000; i++) {
      rows.push({
        ts_ns: start + BigInt(i) * 5_000n, // 100,000 samples spread over the 500 ms spike
        layer: 'L1',
        run_id: PLAIN_TEXT.runId,
        tid: 100_000 + i,
        thread: `Async Worker #${i}`,
        frames: ['java.lang.Thread.run', 'com.example.pool.Worker.run']
      })
    }
    return rows.sort(byTime)
  })
]

function injected(payload: string): TextFields {
  return {
    runId: payload,
    thread: payload,
    comm: payload,
    plugin: payload,
    frame: payload,
    syscall: payload,
    path: payload,
    device: payload,
    metric: payload
  }
}

const INJECTION: HostileCase[] = [
  ...Object.entries(PAYLOADS).map(([name, payload]) =>
    fileCase('injection', `inject-${name}`, (random) => plantedRun(random, injected(payload)))
  ),
  fileCase('injection', 'inject-all', (random) => plantedRun(random, injected(ALL_PAYLOADS)))
]

export const CONTENT_CASES: HostileCase[] = [...SEMANTIC, ...INJECTION]
