import type { SpikeReport } from '../analysis/types.js'
import { inlineCode, tableCell } from './escape.js'

/**
 * A spike's plugin as the reports show it (docs/analysis.md, "Plugins"): the owner, the library
 * plugin it ran in, the plugin that called it — "`MyPet` in `ProtocolLib`", "`CoreProtect` called
 * by `Quests`", "`MyPet` in `ProtocolLib`, called by `Quests`". `via_plugin` is absent from
 * reports of earlier versions.
 */
export function pluginCell(spike: SpikeReport, max = 40): string {
  if (spike.top_plugin === null) return '–'
  const via = spike.via_plugin ?? null
  return (
    tableCell(spike.top_plugin, max) +
    (via === null ? '' : ` in ${tableCell(via, max)}`) +
    (spike.entry_plugin === null
      ? ''
      : `${via === null ? '' : ','} called by ${tableCell(spike.entry_plugin, max)}`)
  )
}

/** What a spike's plugins table header adds after the owner rule: "; in `ProtocolLib`; called from `Quests`". */
export function pluginContext(spike: SpikeReport, max = 48): string {
  const via = spike.via_plugin ?? null
  return (
    (via === null ? '' : `; in ${inlineCode(via, max)}`) +
    (spike.entry_plugin ? `; called from ${inlineCode(spike.entry_plugin, max)}` : '')
  )
}
