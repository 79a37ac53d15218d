/**
 * The shapes of report JSON v1 (docs/report-json.md). Field names are a contract: other tools
 * and the project's own tests read them; fields may be added, never renamed.
 */

export interface ThreadShare {
  thread: string
  tid: number | null
  tick_thread: boolean
  samples: number
  cpu_ms: number
  syscall_ms: number
  /** Time in wait syscalls (futex, nanosleep, poll, …): not counted in syscall_ms. */
  wait_ms: number
  io_bytes: number
}

export interface PluginShare {
  plugin: string
  samples: number
  tick_thread_samples: number
  cpu_ms: number
}

export interface SyscallShare {
  syscall: string
  wait: boolean
  count: number
  total_ms: number
  max_ms: number
}

export interface PathShare {
  path: string
  total_ms: number
  bytes: number
  ops: number
}

export interface DeviceShare {
  device: string
  bytes: number
  ops: number
  total_ms: number
}

export interface SpikeReport {
  ts_ns: string
  start_ns: string
  end_ns: string
  /** Start of the window relative to the run's first observation. */
  offset_ms: number
  value_ms: number
  top_thread: string | null
  top_plugin: string | null
  entry_plugin: string | null
  /**
   * The library plugin (ProtocolLib, Vault …) top_plugin's code was running in, else null. Always
   * written; absent from reports of earlier versions.
   */
  via_plugin?: string | null
  /**
   * The longest JFR garbage-collection event overlapping the window, clipped to it; null when the
   * run has no L2 rows or no event column. Absent from reports of earlier versions.
   */
  gc_pause_ms?: number | null
  first_syscall: string | null
  /** Whose syscalls first_syscall was taken from. */
  first_syscall_scope: 'tick-thread' | 'all-threads' | null
  top_path: string | null
  top_device: string | null
  signature: string
  threads: ThreadShare[]
  plugins: PluginShare[]
  syscalls: SyscallShare[]
  paths: PathShare[]
  devices: DeviceShare[]
  notes: string[]
}

export interface RunReport {
  run_id: string
  repeat: number
  file: string
  metric: string | null
  samples: number
  floor_ms: number
  p95_ms: number | null
  sigma_ms: number | null
  sigma_mult: number
  threshold_ms: number | null
  /** First observation of the run (CLOCK_MONOTONIC or epoch, as the file has it). */
  start_ns: string
  rows: number
  layers: Record<string, number>
  sampling_interval_ms: number | null
  sampling_source: 'weight' | 'median-gap' | 'default'
  /** The metric downsampled for charts: the maximum of each bucket, from the run start. */
  series: { bucket_ms: number; max_ms: (number | null)[] } | null
  spikes: SpikeReport[]
  /** Spikes above the threshold left out of `spikes` (a run keeps its worst ones). */
  spikes_omitted?: number
  notes: string[]
}

export interface SignatureSummary {
  signature: string
  top_plugin: string | null
  first_syscall: string | null
  spikes: number
  repeats: number
  worst_ms: number
}

export interface PersistingSignature extends SignatureSummary {
  base_spikes: number
  head_spikes: number
  base_worst_ms: number
}

export interface BaselineSource {
  kind: 'report' | 'events' | 'artifact'
  /** Where the baseline came from: a report file, targets, or an artifact of a workflow run. */
  location: string
  run_id?: string
  commit?: string
  url?: string
}

/** How a signature of the head was judged against the history (docs/analysis.md, the verdict). */
export interface Judgement {
  class: 'new' | 'new-unconfirmed' | 'more-frequent' | 'worse' | 'persisting' | 'resolved'
  /** Why, in one sentence, from the counts below. */
  reason: string
  /** The one-sided p-value that decided the class, after Holm's correction; null without a test. */
  p_value: number | null
  head: SideEvidence
  base: SideEvidence
}

/** One signature on one side of the verdict: in how many repeats, how often, how long. */
export interface SideEvidence {
  repeats_with: number
  repeats: number
  spikes: number
  /** Spikes per repeat. */
  rate: number
  median_ms: number | null
  worst_ms: number | null
}

export interface JudgedSignature extends SignatureSummary {
  judgement?: Judgement
}

export interface DiffReport {
  /** The newest base report of the history. */
  base: BaselineSource
  /** Every base report the verdict stood on, newest first, and their repeats. */
  history?: { reports: number; repeats: number; sources: BaselineSource[] }
  /** Analysis options that differ between base and head: signatures may differ for that reason. */
  options_changed: string[]
  /** The thresholds of the verdict, and what fails the step. */
  verdict_options?: {
    fail_on: 'new' | 'regression' | 'never'
    min_repeats: number
    alpha: number
    regression_alpha: number
    frequency_ratio: number
    length_ratio: number
    min_base_spikes: number
  }
  /** Confirmed new signatures. */
  new: JudgedSignature[]
  /** In no base report, but too rare in the head to confirm: rerun. */
  new_unconfirmed?: JudgedSignature[]
  more_frequent?: JudgedSignature[]
  worse?: JudgedSignature[]
  resolved: JudgedSignature[]
  persisting: (PersistingSignature & JudgedSignature)[]
  /** The signatures that fail the step under `verdict_options.fail_on`. */
  failing?: string[]
  /**
   * Some inputs of either side could not be read: what the head lacks may lie in what was not
   * read, so the newest base's signatures not seen in the head are `unseen`, never `resolved`.
   */
  incomplete?: boolean
  unseen?: JudgedSignature[]
}

export interface InputError {
  file: string
  message: string
}

/** The analysis options a report was made with, so a diff can tell when they differ. */
export interface ReportOptions {
  metric: string | null
  threshold_ms: number
  sigma_mult: number
  /** How σ is measured: `stddev` (absent in older reports) or `mad`. */
  spread?: 'stddev' | 'mad'
  tick_thread: string
  /** A digest of the plugin registry (null without one): plugin names depend on it. */
  plugin_registry: string | null
  not_plugin: string[]
  /** Library plugins by name: the built-in list (unless switched off) and the names added. */
  library_plugins?: string[]
  /** File names of the plugin jars the registry was built from (null without plugins-dir). */
  plugin_jars?: string[] | null
}

export interface Report {
  schema_version: 1
  generator: { name: string; version: string }
  options: ReportOptions
  runs: RunReport[]
  signatures: SignatureSummary[]
  diff: DiffReport | null
  errors: InputError[]
  /** Notes about the whole report: plugin jars that could not be read, packages they share. */
  notes?: string[]
}
