import type { FramesColumn } from '../telemetry/batch.js'

/**
 * Which plugin a stack frame belongs to: the registry's longest package prefix first, else a name
 * made from the frame's package, unless the package is server, library or JDK code.
 */

/** Package prefixes that are never plugin code (docs/analysis.md, "Plugins"); users may add more. */
export const NOT_PLUGIN_PREFIXES: readonly string[] = [
  'net.minecraft.',
  'com.mojang.',
  'org.bukkit.',
  'org.spigotmc.',
  'io.papermc.',
  'com.destroystokyo.paper.',
  'ca.spottedleaf.',
  'co.aikar.timings.',
  'net.kyori.',
  'net.md_5.bungee.',
  'org.spongepowered.',
  'net.fabricmc.',
  'net.minecraftforge.',
  'net.neoforged.',
  'it.unimi.dsi.fastutil.',
  'io.netty.',
  'com.google.',
  'com.fasterxml.',
  'org.apache.logging.',
  'org.slf4j.',
  'org.yaml.snakeyaml.',
  'org.jline.',
  'net.minecrell.',
  'com.zaxxer.hikari.',
  'org.sqlite.',
  'com.mysql.',
  'org.mariadb.',
  'org.postgresql.',
  'kotlin.',
  'java.',
  'javax.',
  'jdk.',
  'sun.',
  'com.sun.'
]

/** Package prefix (dotted, no trailing dot) → plugin display name. */
export type PluginRegistry = ReadonlyMap<string, string>

export class RegistryError extends Error {}

function normalisePrefix(prefix: string): string {
  return prefix.trim().replace(/\//g, '.').replace(/\.+$/, '')
}

/** Validates a parsed `plugin_packages` JSON object: `{ "WorldEdit": ["com.sk89q.worldedit"] }`. */
export function parseRegistry(json: unknown): PluginRegistry {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RegistryError('expected a JSON object mapping plugin names to package prefix lists')
  }
  const registry = new Map<string, string>()
  for (const [plugin, prefixes] of Object.entries(json as Record<string, unknown>)) {
    if (plugin.trim() === '') throw new RegistryError('a plugin name is empty')
    const list = typeof prefixes === 'string' ? [prefixes] : prefixes
    if (!Array.isArray(list) || list.length === 0) {
      throw new RegistryError(`"${plugin}": expected a non-empty list of package prefixes`)
    }
    for (const raw of list) {
      if (typeof raw !== 'string' || normalisePrefix(raw) === '') {
        throw new RegistryError(`"${plugin}": every package prefix must be a non-empty string`)
      }
      const prefix = normalisePrefix(raw)
      const owner = registry.get(prefix)
      if (owner !== undefined && owner !== plugin) {
        throw new RegistryError(
          `package prefix "${prefix}" is listed for both "${owner}" and "${plugin}"`
        )
      }
      registry.set(prefix, plugin)
    }
  }
  return registry
}

const NATIVE_MARKERS = /[\s@`:+*&,~]/
const ANNOTATION = /_\[[a-z0-9]\]$/
const HIDDEN_CLASS = /\$\$Lambda[./$]0x[0-9a-fA-F]+/g

/**
 * The dotted `package.Class.method` of a Java frame, or null for native, kernel (`_[k]`) and
 * special (`[unknown]`, `[thread tid=1]`) frames.
 */
export function javaFrameName(frame: string): string | null {
  let name = frame.trim()
  if (name.startsWith('[') || name.endsWith('_[k]')) return null
  name = name.replace(ANNOTATION, '')
  const signature = name.indexOf('(')
  if (signature >= 0) name = name.slice(0, signature)
  if (NATIVE_MARKERS.test(name)) return null
  name = name.replace(HIDDEN_CLASS, '$$$$Lambda').replace(/\//g, '.')
  const segments = name.split('.')
  if (segments.length < 2 || segments.some((segment) => segment === '')) return null
  return name
}

export type FrameClassifier = (frame: string) => string | null

/**
 * Builds a memoising frame → plugin function. Registry prefixes match on package-segment
 * boundaries, longest first; uncovered frames outside `notPlugin` get a plugin named after the
 * first three segments of their package.
 */
export function createFrameClassifier(
  registry: PluginRegistry,
  notPlugin: readonly string[] = NOT_PLUGIN_PREFIXES
): FrameClassifier {
  const prefixes = [...registry.keys()].sort((a, b) => b.length - a.length)
  const excluded = notPlugin.map((prefix) => normalisePrefix(prefix) + '.')
  const cache = new Map<string, string | null>()

  function classify(frame: string): string | null {
    const name = javaFrameName(frame)
    if (name === null) return null
    const registered = prefixes.find((prefix) => name === prefix || name.startsWith(prefix + '.'))
    if (registered !== undefined) return registry.get(registered) as string
    if (excluded.some((prefix) => name.startsWith(prefix))) return null
    const packageSegments = name.split('.').slice(0, -2)
    if (packageSegments.length === 0) return null
    return packageSegments.slice(0, 3).join('.')
  }

  return (frame) => {
    let plugin = cache.get(frame)
    if (plugin === undefined) {
      plugin = classify(frame)
      cache.set(frame, plugin)
    }
    return plugin
  }
}

/**
 * The plugins of a row's leaf-most and outermost plugin frames (frames are root → leaf), given
 * the plugin of each frame of the column's dictionary.
 */
export function pluginFrames(
  frames: FramesColumn,
  row: number,
  pluginOfFrame: readonly (string | null)[]
): { leaf: string | null; entry: string | null } {
  const first = frames.offsets[row]
  const last = frames.offsets[row + 1]
  let leaf: string | null = null
  for (let k = last - 1; k >= first && leaf === null; k--) leaf = pluginOfFrame[frames.codes[k]]
  if (leaf === null) return { leaf: null, entry: null }
  let entry: string | null = null
  for (let k = first; k < last && entry === null; k++) entry = pluginOfFrame[frames.codes[k]]
  return { leaf, entry }
}
