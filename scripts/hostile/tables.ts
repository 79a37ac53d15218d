/**
 * Events tables for the corpus: a small run with one planted spike whose every text field can be
 * chosen (injection payloads, pathological names), and the base files the structural cases
 * rewrite. Everything is seeded, so the corpus is the same on every machine.
 */
import { writeFile } from 'node:fs/promises'
import { fileWriter, ParquetWriter } from 'hyparquet-writer'
import { scenarios } from '../fixtures/scenarios.js'
import { MS, ns, UPTIME_BASE } from '../fixtures/simulate.js'
import { writeEvents, type EventRow, type Layout, type Writer } from '../fixtures/writers.js'

/** The text fields a planted run carries; a case can put anything into any of them. */
export interface TextFields {
  runId: string
  /** The sampled thread, which is also the thread with the syscalls. */
  thread: string
  comm: string
  plugin: string
  /** One frame of every stack sample, between server frames and the syscall. */
  frame: string
  syscall: string
  path: string
  device: string
  /** An extra (non-MSPT) L0 metric name. */
  metric: string
}

export const PLAIN_TEXT: TextFields = {
  runId: 'hostile',
  thread: 'Craft Scheduler Thread - 7',
  comm: 'Craft Scheduler',
  plugin: 'SlowPlugin',
  frame: 'com.example.slow.Saver.save',
  syscall: 'fsync',
  path: '/srv/mc/plugins/SlowPlugin/data.yml',
  device: 'nvme0n1',
  metric: 'tps'
}

export const TICKS = 600
export const SPIKE_TICK = 300
export const SPIKE_MS = 500

export interface PlantedOptions {
  /** Tick values to replace (index → value), e.g. NaN or Infinity. */
  values?: Readonly<Record<number, number>>
  /** Stack samples taken every this many ms inside the spike window. */
  sampleEveryMs?: number
}

/**
 * 600 ticks at 20 TPS (18–32 ms, one 500 ms spike at tick 300) with stack samples, syscalls and
 * block I/O inside the spike, so every text field reaches the report.
 */
export function plantedRun(
  random: () => number,
  text: TextFields,
  options: PlantedOptions = {}
): EventRow[] {
  const rows: EventRow[] = []
  const common = { run_id: text.runId, repeat: 0 }
  const start = UPTIME_BASE + 1000n * MS
  let at = start
  let spikeStart = start
  for (let tick = 0; tick < TICKS; tick++) {
    const planted = tick === SPIKE_TICK ? SPIKE_MS : Math.round((18 + random() * 14) * 1000) / 1000
    const value = options.values?.[tick] ?? planted
    if (tick === SPIKE_TICK) spikeStart = at
    rows.push({
      ...common,
      ts_ns: at,
      layer: 'L0',
      source: 'spark',
      event: 'tick',
      metric: 'tick_ms',
      value,
      dur_ns: ns(planted)
    })
    if (tick % 100 === 0) {
      rows.push({
        ...common,
        ts_ns: at,
        layer: 'L0',
        source: 'spark',
        metric: text.metric,
        value: 20
      })
    }
    at += ns(Math.max(50, planted))
  }
  const every = options.sampleEveryMs ?? 10
  const stack = [
    'java.lang.Thread.run',
    'org.bukkit.craftbukkit.scheduler.CraftTask.run',
    text.frame,
    'sun.nio.ch.FileChannelImpl.force',
    text.syscall
  ]
  for (let offset = 0; offset < SPIKE_MS; offset += every) {
    rows.push({
      ...common,
      ts_ns: spikeStart + ns(offset),
      layer: 'L1',
      source: 'async-profiler',
      event: 'sample',
      tid: 4242,
      thread: text.thread,
      frames: stack,
      plugin: text.plugin
    })
  }
  for (let i = 0; i < 5; i++) {
    rows.push({
      ...common,
      ts_ns: spikeStart + ns(i * 90 + 1),
      layer: 'L4',
      source: 'bpftrace',
      event: 'syscall',
      tid: 4242,
      comm: text.comm,
      syscall: text.syscall,
      path: text.path,
      dur_ns: ns(80),
      bytes: 4096
    })
    rows.push({
      ...common,
      ts_ns: spikeStart + ns(i * 90 + 2),
      layer: 'L4',
      source: 'biosnoop',
      event: 'block_io',
      tid: 4242,
      comm: text.comm,
      device: text.device,
      rw: 'WS',
      dur_ns: ns(30),
      bytes: 65536
    })
  }
  return rows.sort((a, b) => (a.ts_ns < b.ts_ns ? -1 : a.ts_ns > b.ts_ns ? 1 : 0))
}

export async function writeRows(path: string, rows: readonly EventRow[], layout: Layout = {}) {
  await writeEvents('hyparquet-writer', path, rows, layout)
}

/** The files the structural cases take apart: two writers, three codecs, v1 and v2 pages. */
export type BaseKind = 'snappy-v2' | 'uncompressed-v2' | 'zstd-v1' | 'snappy-v1'

const BASES: Record<BaseKind, { writer: Writer; layout: Layout }> = {
  // hyparquet-writer writes DATA_PAGE_V2 pages
  'snappy-v2': { writer: 'hyparquet-writer', layout: { codec: 'SNAPPY', rowGroupSize: 4000 } },
  'uncompressed-v2': {
    writer: 'hyparquet-writer',
    layout: { codec: 'UNCOMPRESSED', rowGroupSize: 4000 }
  },
  // DuckDB writes v1 DATA_PAGE pages (and dictionary-encodes the DOUBLE value column)
  'zstd-v1': { writer: 'duckdb', layout: { codec: 'ZSTD', rowGroupSize: 4096 } },
  'snappy-v1': { writer: 'duckdb', layout: { codec: 'SNAPPY', rowGroupSize: 4096 } }
}

/** A fixture scenario (a plugin spike on the main thread), in two row groups. */
export async function writeBase(kind: BaseKind, path: string): Promise<void> {
  const scenario = scenarios().find(({ name }) => name === 's2-player-quit')
  if (!scenario) throw new Error('fixture scenario s2-player-quit is gone')
  const { writer, layout } = BASES[kind]
  await writeEvents(writer, path, scenario.repeats[0], { ...scenario.layout, ...layout })
}

type SchemaElement = NonNullable<ConstructorParameters<typeof ParquetWriter>[0]['schema']>[number]

const STRING = (name: string): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: 'OPTIONAL'
})

/** The columns of the streamed files: the L0 ones, and enough L1 ones for a stack sample. */
const STREAM_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 8 },
  { name: 'ts_ns', type: 'INT64', repetition_type: 'REQUIRED' },
  STRING('layer'),
  STRING('metric'),
  { name: 'value', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
  { name: 'dur_ns', type: 'INT64', repetition_type: 'OPTIONAL' },
  { name: 'tid', type: 'INT64', repetition_type: 'OPTIONAL' },
  STRING('thread'),
  STRING('run_id')
]

export interface StreamRows {
  ts_ns: bigint[]
  layer: (string | null)[]
  metric: (string | null)[]
  value: (number | null)[]
  dur_ns: (bigint | null)[]
  tid: (bigint | null)[]
  thread: (string | null)[]
  run_id: (string | null)[]
}

/**
 * Writes a file one row group at a time, so a file of millions of rows never sits in the
 * generator's memory whole.
 */
export async function writeStreamed(path: string, groups: Iterable<StreamRows>): Promise<void> {
  await writeFile(path, '')
  const writer = new ParquetWriter({ writer: fileWriter(path), schema: STREAM_SCHEMA })
  for (const group of groups) {
    const columnData = Object.entries(group).map(([name, data]) => ({ name, data }))
    await writer.write({ columnData, rowGroupSize: group.ts_ns.length })
  }
  await writer.finish()
}
