import type { RowGroupSpan } from '../telemetry/events-file.js'
import type { SpikeWindow } from './detect.js'

/** How many leading values of an ascending list are <= `value`. */
export function countAtMost(sorted: ArrayLike<number>, value: number): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (sorted[middle] <= value) low = middle + 1
    else high = middle
  }
  return low
}

/** Spike windows sorted by start, so that a time range finds its windows without a full scan. */
export interface WindowIndex {
  /** Fills `found` with the windows that hold the instant `from`, or overlap (from, to) when to > from. */
  overlapping(from: number, to: number, found: number[]): void
  /** Whether a non-empty window starts by `to` and ends after `from`. */
  reaches(from: number, to: number): boolean
}

export function indexWindows(spikes: readonly SpikeWindow[]): WindowIndex {
  const order = spikes.map((_, index) => index).sort((a, b) => spikes[a].start - spikes[b].start)
  const starts = order.map((index) => spikes[index].start)
  // no window is longer, so the backward scan from `to` can stop once a start is this far before `from`
  const longest = spikes.reduce((max, spike) => Math.max(max, spike.end - spike.start), 0)

  function overlapping(from: number, to: number, found: number[]): void {
    found.length = 0
    for (let j = countAtMost(starts, to) - 1; j >= 0 && starts[j] + longest > from; j--) {
      const { start, end } = spikes[order[j]]
      const inside = to > from ? from < end && to > start : start <= from && from < end
      if (inside) found.push(order[j])
    }
  }

  function reaches(from: number, to: number): boolean {
    for (let j = countAtMost(starts, to) - 1; j >= 0 && starts[j] + longest > from; j--) {
      const { start, end } = spikes[order[j]]
      if (end > start && end > from) return true
    }
    return false
  }

  return { overlapping, reaches }
}

/** Whether a row group may hold a row overlapping one of the windows (unknown spans: yes). */
export function groupMayOverlap(span: RowGroupSpan, windows: WindowIndex): boolean {
  if (Number.isNaN(span.tsMin) || Number.isNaN(span.tsMax)) return true
  return windows.reaches(span.tsMin, span.tsMax + span.durMax)
}
