/** Report parts for tests: a spike and a run with sensible defaults, overridden as needed. */
import type { RunReport, SpikeReport } from '../../src/analysis/types.js'

export function spike(overrides: Partial<SpikeReport> = {}): SpikeReport {
  return {
    ts_ns: '1000',
    start_ns: '1000',
    end_ns: '2000',
    offset_ms: 0,
    value_ms: 100,
    top_thread: 'Server thread',
    top_plugin: null,
    entry_plugin: null,
    first_syscall: 'fsync',
    first_syscall_scope: 'tick-thread',
    top_path: null,
    top_device: null,
    signature: '-|fsync',
    threads: [],
    plugins: [],
    syscalls: [],
    paths: [],
    devices: [],
    notes: [],
    ...overrides
  }
}

export function run(
  file: string,
  spikes: SpikeReport[],
  overrides: Partial<RunReport> = {}
): RunReport {
  return {
    run_id: 'r',
    repeat: 0,
    file,
    metric: 'tick_ms',
    samples: 100,
    floor_ms: 50,
    p95_ms: 30,
    sigma_ms: 5,
    sigma_mult: 3,
    threshold_ms: 50,
    start_ns: '0',
    rows: 10,
    layers: { L0: 10 },
    sampling_interval_ms: 10,
    sampling_source: 'median-gap',
    series: null,
    spikes,
    notes: [],
    ...overrides
  }
}
