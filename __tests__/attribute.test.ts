import { describe, expect, it } from '@jest/globals'
import {
  ATTRIBUTION_COLUMNS,
  createAttributor,
  type Availability
} from '../src/analysis/attribute.js'
import type { SpikeWindow } from '../src/analysis/detect.js'
import { createFrameClassifier, parseRegistry, resolveRegistry } from '../src/analysis/plugins.js'
import { countAtMost, groupMayOverlap, indexWindows } from '../src/analysis/windows.js'
import type { Column } from '../src/telemetry/columns.js'
import { batchOf, type TestRow } from './support/engine.js'

const MS = 1e6
const ALL_COLUMNS: Column[] = [...ATTRIBUTION_COLUMNS]
const everything: Availability = {
  layers: new Set(['L0', 'L1', 'L2', 'L3', 'L4']),
  columns: new Set(ALL_COLUMNS)
}
const registry = parseRegistry({
  CoreProtect: ['net.coreprotect'],
  Quests: ['com.leonardobishop.quests'],
  Alpha: ['a.alpha'],
  Zeta: ['z.zeta']
})

/** Attributes rows (times in ms) to spike windows given as [start, end] ms. */
function attribute(
  rows: TestRow[],
  windows: [number, number][] = [[100, 200]],
  overrides: { tickThread?: RegExp; names?: [number, string][]; availability?: Availability } = {}
) {
  const spikes: SpikeWindow[] = windows.map(([start, end]) => ({
    row: 0,
    ts: start * MS,
    start: start * MS,
    end: end * MS,
    valueMs: end - start
  }))
  const attributor = createAttributor(spikes, {
    threadNames: new Map(overrides.names ?? []),
    tickThread: overrides.tickThread ?? /^Server thread$/,
    samplingNs: 10 * MS,
    classify: createFrameClassifier(resolveRegistry(registry, undefined)),
    availability: overrides.availability ?? everything,
    baseNs: 1_000_000_000_000n,
    runStartOffset: 0
  })
  attributor.add(batchOf(rows))
  return attributor.finish()
}

const server = { tid: 1, thread: 'Server thread' }
const worker = { tid: 2, thread: 'Paper I/O Worker #0' }
const sample = (
  at: number,
  who: { tid: number; thread: string },
  frames: string[] = ['java.lang.Thread.run']
): TestRow => ({ at, layer: 'L1', ...who, frames })
const syscall = (
  at: number,
  dur: number,
  who: { tid: number; thread: string },
  name: string,
  extra: Partial<TestRow> = {}
): TestRow => ({
  at,
  dur,
  layer: 'L4',
  tid: who.tid,
  comm: who.thread.slice(0, 15),
  syscall: name,
  ...extra
})

describe('window membership', () => {
  it('clips time to the overlap but counts bytes whole', () => {
    const [spike] = attribute([
      syscall(50, 100, server, 'write', { path: '/a', bytes: 4096 }),
      syscall(190, 50, server, 'write', { path: '/a', bytes: 1024 }),
      syscall(200, 10, server, 'write', { path: '/a', bytes: 99 }),
      { at: 150, dur: 100, layer: 'L3', ...server, read_bytes: 1000, write_bytes: 500 },
      { at: 0, dur: 100, layer: 'L3', ...server, read_bytes: 7, write_bytes: 7 }
    ])
    expect(spike.syscalls).toEqual([
      { syscall: 'write', wait: false, count: 2, total_ms: 60, max_ms: 50 }
    ])
    expect(spike.paths).toEqual([{ path: '/a', total_ms: 60, bytes: 5120, ops: 2 }])
    expect(spike.threads[0]).toMatchObject({
      thread: 'Server thread',
      syscall_ms: 60,
      io_bytes: 1500
    })
  })

  it('counts an L1 sample when start <= ts < end', () => {
    const [spike] = attribute([
      sample(99.999, server),
      sample(100, server),
      sample(199.999, server),
      sample(200, server)
    ])
    expect(spike.threads).toEqual([
      expect.objectContaining({ thread: 'Server thread', samples: 2, cpu_ms: 20 })
    ])
  })

  it('credits a row to every spike whose window it overlaps', () => {
    const spikes = attribute(
      [syscall(150, 100, server, 'fsync')],
      [
        [100, 200],
        [180, 300],
        [260, 400]
      ]
    )
    expect(spikes.map((s) => s.syscalls[0]?.total_ms ?? 0)).toEqual([50, 70, 0])
  })

  it('says why a part is empty', () => {
    const [spike] = attribute([sample(150, server)])
    expect(spike.notes).toEqual(
      expect.arrayContaining([
        'none of the 1 L1 samples in this window ran plugin code',
        'no L4 syscall rows in this window',
        'no L4 block I/O rows in this window',
        'no L2 or L4 rows with a path in this window'
      ])
    )
    const [bare] = attribute([], [[100, 200]], {
      availability: { layers: new Set(['L0']), columns: new Set(['ts', 'layer']) }
    })
    expect(bare.notes).toEqual(
      expect.arrayContaining([
        'no L1 stack samples in this run: plugin attribution unavailable',
        'no L4 rows in this run: syscall and block-device attribution unavailable'
      ])
    )
    const [empty] = attribute([], [[100, 100]])
    expect(empty.notes[0]).toMatch(/^empty window/)
  })
})

describe('threads', () => {
  it('ranks by sampled time + syscall time, then I/O bytes; uses weights when present', () => {
    const [spike] = attribute([
      { ...sample(110, server), weight: 30 * MS },
      sample(120, worker),
      syscall(130, 15, worker, 'pwrite64'),
      syscall(140, 50, worker, 'futex'),
      {
        at: 100,
        dur: 100,
        layer: 'L3',
        tid: 3,
        thread: 'Craft Scheduler Thread - 1',
        write_bytes: 10
      }
    ])
    expect(
      spike.threads.map((t) => [t.thread, t.cpu_ms, t.syscall_ms, t.wait_ms, t.io_bytes])
    ).toEqual([
      ['Server thread', 30, 0, 0, 0],
      ['Paper I/O Worker #0', 10, 15, 50, 0],
      ['Craft Scheduler Thread - 1', 0, 0, 0, 10]
    ])
    expect(spike.top_thread).toBe('Server thread')
  })

  it('resolves comm-only rows to the full name through the tid, and notes the ones it cannot', () => {
    const [spike] = attribute(
      [
        { at: 120, dur: 10, layer: 'L4', tid: 2, comm: 'Paper I/O Worke', syscall: 'fsync' },
        { at: 130, dur: 5, layer: 'L4', tid: 9, comm: 'Craft Scheduler', syscall: 'read' }
      ],
      [[100, 200]],
      { names: [[2, 'Paper I/O Worker #0']] }
    )
    expect(spike.threads.map((t) => [t.thread, t.tid])).toEqual([
      ['Paper I/O Worker #0', 2],
      ['Craft Scheduler', 9]
    ])
    expect(spike.notes.join('\n')).toMatch(
      /1 thread\(s\) known only by kernel name .*Craft Scheduler/
    )
  })
})

describe('syscalls', () => {
  it('ranks wait syscalls after all others, whatever their time', () => {
    const [spike] = attribute([
      syscall(110, 80, server, 'futex'),
      syscall(120, 1, server, 'write'),
      syscall(130, 5, worker, 'nanosleep')
    ])
    expect(spike.syscalls.map((s) => [s.syscall, s.wait])).toEqual([
      ['write', false],
      ['futex', true],
      ['nanosleep', true]
    ])
    expect(spike.first_syscall).toBe('write')
  })

  it("takes the tick thread's first non-wait syscall before any other thread's", () => {
    const [spike] = attribute([
      syscall(110, 5, server, 'pread64'),
      syscall(110, 80, worker, 'fsync')
    ])
    expect([spike.first_syscall, spike.first_syscall_scope]).toEqual(['pread64', 'tick-thread'])
    expect(spike.syscalls[0].syscall).toBe('fsync')
  })

  it("falls back to all threads' non-wait syscalls, then to the first wait syscall (tick thread first)", () => {
    const [other] = attribute([
      syscall(110, 80, server, 'futex'),
      syscall(110, 20, worker, 'fsync')
    ])
    expect([other.first_syscall, other.first_syscall_scope]).toEqual(['fsync', 'all-threads'])
    const [waits] = attribute([
      syscall(110, 10, server, 'futex'),
      syscall(110, 80, worker, 'epoll_wait')
    ])
    expect([waits.first_syscall, waits.first_syscall_scope]).toEqual(['futex', 'tick-thread'])
    const [othersWait] = attribute([syscall(110, 80, worker, 'epoll_wait')])
    expect([othersWait.first_syscall, othersWait.first_syscall_scope]).toEqual([
      'epoll_wait',
      'all-threads'
    ])
    const [none] = attribute([sample(150, server)])
    expect([none.first_syscall, none.signature]).toEqual([null, '-|-'])
  })

  it('pools every thread the tick-thread pattern matches (Folia regions)', () => {
    const region = (tid: number) => ({ tid, thread: `Folia Region Scheduler Thread #${tid}` })
    const [spike] = attribute(
      [
        syscall(110, 5, region(11), 'write'),
        syscall(120, 9, region(12), 'pread64'),
        syscall(110, 90, worker, 'fsync')
      ],
      [[100, 200]],
      {
        tickThread: /Region Scheduler Thread/,
        // L4 rows carry the 15-char comm; the L1/L2 name map gives the full names the pattern needs
        names: [
          [11, region(11).thread],
          [12, region(12).thread]
        ]
      }
    )
    expect([spike.first_syscall, spike.first_syscall_scope]).toEqual(['pread64', 'tick-thread'])
    expect(spike.threads.filter((t) => t.tick_thread).map((t) => t.tid)).toEqual([12, 11])
  })
})

describe('plugins', () => {
  const quests = [
    'java.lang.Thread.run',
    'com.leonardobishop.quests.Hook.check',
    'net.coreprotect.CoreProtectAPI.lookup',
    'org.sqlite.core.NativeDB.step',
    'pread64'
  ]
  const coreprotectOnly = [
    'java.lang.Thread.run',
    'net.coreprotect.consumer.Consumer.run',
    'fdatasync'
  ]

  it('owns a sample by its leaf-most plugin frame and names the outermost one as the caller', () => {
    const [spike] = attribute([
      sample(110, server, quests),
      sample(120, server, quests),
      sample(130, server, coreprotectOnly)
    ])
    expect([spike.top_plugin, spike.entry_plugin, spike.signature]).toEqual([
      'CoreProtect',
      'Quests',
      'CoreProtect|-'
    ])
    expect(spike.plugins).toEqual([
      { plugin: 'CoreProtect', samples: 3, tick_thread_samples: 3, cpu_ms: 30 }
    ])
  })

  it('reports no caller when the most frequent outermost plugin is the owner itself', () => {
    const [spike] = attribute([
      sample(110, server, quests),
      sample(120, server, coreprotectOnly),
      sample(130, server, coreprotectOnly)
    ])
    expect([spike.top_plugin, spike.entry_plugin]).toEqual(['CoreProtect', null])
  })

  it('prefers plugins on the tick thread; other threads count only when it has none', () => {
    const zeta = ['z.zeta.Task.run']
    const alpha = ['a.alpha.Task.run']
    const [tickFirst] = attribute([
      sample(110, server, zeta),
      ...[120, 130, 140].map((at) => sample(at, worker, alpha))
    ])
    expect(tickFirst.top_plugin).toBe('Zeta')
    const [fallback] = attribute([
      sample(110, server),
      ...[120, 130].map((at) => sample(at, worker, alpha)),
      sample(140, worker, zeta)
    ])
    expect(fallback.top_plugin).toBe('Alpha')
    const [tie] = attribute([sample(110, server, zeta), sample(120, server, alpha)])
    expect(tie.top_plugin).toBe('Alpha')
  })

  it('lets the plugin column win over frames', () => {
    const [spike] = attribute([
      { ...sample(110, server, quests), plugin: 'Custom' },
      { ...sample(120, server, quests), plugin: 'Custom' },
      sample(130, server, quests)
    ])
    expect([spike.top_plugin, spike.entry_plugin]).toEqual(['Custom', 'Quests'])
    const [explicitOnly] = attribute([{ ...sample(110, server, coreprotectOnly), plugin: 'CP' }])
    expect([explicitOnly.top_plugin, explicitOnly.entry_plugin]).toEqual(['CP', null])
  })
})

describe('paths and devices', () => {
  it('ranks paths by time then bytes, from L4 syscalls and L2 file events', () => {
    const [spike] = attribute([
      syscall(110, 5, server, 'write', { path: '/small', bytes: 100 }),
      syscall(110, 5, server, 'write', { path: '/big', bytes: 900 }),
      { at: 120, dur: 8, layer: 'L2', ...worker, path: '/jfr', bytes: 1 }
    ])
    expect(spike.paths.map((p) => p.path)).toEqual(['/jfr', '/big', '/small'])
    expect(spike.top_path).toBe('/jfr')
  })

  it('ranks block devices by bytes then time', () => {
    const [spike] = attribute([
      { at: 110, dur: 50, layer: 'L4', comm: 'kworker/u16:3', device: 'sda', bytes: 4096 },
      { at: 120, dur: 1, layer: 'L4', comm: 'jbd2/nvme0n1p2-', device: 'nvme0n1', bytes: 65536 }
    ])
    expect(spike.devices.map((d) => [d.device, d.bytes, d.ops])).toEqual([
      ['nvme0n1', 65536, 1],
      ['sda', 4096, 1]
    ])
    expect(spike.top_device).toBe('nvme0n1')
  })
})

describe('times in the report', () => {
  it('writes nanosecond times as exact decimal strings and offsets from the run start', () => {
    const [spike] = attribute([], [[100, 200]])
    expect([spike.start_ns, spike.end_ns, spike.offset_ms]).toEqual([
      '1000100000000',
      '1000200000000',
      100
    ])
  })
})

describe('row-group pruning', () => {
  const spikes = indexWindows([{ row: 0, ts: 100, start: 100, end: 200, valueMs: 1 }])
  const span = (tsMin: number, tsMax: number, durMax: number) => ({
    index: 0,
    rowStart: 0,
    rowCount: 1,
    tsMin,
    tsMax,
    durMax
  })
  it('keeps groups whose rows may reach into a window, including long events that start before it', () => {
    expect(groupMayOverlap(span(0, 50, 0), spikes)).toBe(false)
    expect(groupMayOverlap(span(0, 50, 60), spikes)).toBe(true)
    expect(groupMayOverlap(span(0, 50, Infinity), spikes)).toBe(true)
    expect(groupMayOverlap(span(150, 160, 0), spikes)).toBe(true)
    expect(groupMayOverlap(span(200, 300, 0), spikes)).toBe(false)
    expect(groupMayOverlap(span(NaN, NaN, 0), spikes)).toBe(true)
  })

  it('finds windows in any order, skips empty ones and sees a long window that started earlier', () => {
    const window = (start: number, end: number): SpikeWindow => ({
      row: start,
      ts: start,
      start,
      end,
      valueMs: 1
    })
    const windows = indexWindows([window(900, 950), window(100, 800), window(500, 500)])
    expect(groupMayOverlap(span(700, 750, 0), windows)).toBe(true)
    expect(groupMayOverlap(span(800, 850, 0), windows)).toBe(false)
    expect(groupMayOverlap(span(850, 860, 40), windows)).toBe(true)
    expect(groupMayOverlap(span(960, 990, 0), windows)).toBe(false)
    expect(groupMayOverlap(span(0, 99, 0), windows)).toBe(false)
    const empty = indexWindows([window(500, 500)])
    expect(groupMayOverlap(span(400, 600, 0), empty)).toBe(false)
  })

  it('counts the leading values of a sorted list that are at most a value', () => {
    const sorted = [1, 3, 3, 7]
    expect([0, 1, 3, 5, 7, 8].map((value) => countAtMost(sorted, value))).toEqual([
      0, 1, 3, 3, 4, 4
    ])
  })
})
