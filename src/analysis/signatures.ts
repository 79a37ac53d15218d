import type { RunReport, SignatureSummary } from './types.js'

/** Most spikes first, then the worst, then by name. */
export const byRank = (a: SignatureSummary, b: SignatureSummary) =>
  b.spikes - a.spikes ||
  b.worst_ms - a.worst_ms ||
  (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0)

/** Pools the spikes of all runs by signature: how many, in how many files, and the worst. */
export function summariseSignatures(runs: readonly RunReport[]): SignatureSummary[] {
  const pooled = new Map<string, SignatureSummary & { files: Set<string> }>()
  for (const run of runs) {
    for (const spike of run.spikes) {
      let entry = pooled.get(spike.signature)
      if (!entry) {
        entry = {
          signature: spike.signature,
          top_plugin: spike.top_plugin,
          first_syscall: spike.first_syscall,
          spikes: 0,
          repeats: 0,
          worst_ms: spike.value_ms,
          files: new Set()
        }
        pooled.set(spike.signature, entry)
      }
      entry.spikes++
      entry.files.add(run.file)
      entry.repeats = entry.files.size
      entry.worst_ms = Math.max(entry.worst_ms, spike.value_ms)
    }
  }
  return [...pooled.values()].map(({ files: _files, ...summary }) => summary).sort(byRank)
}
