import type { FramesColumn } from '../telemetry/batch.js'

/**
 * Which plugin a stack frame belongs to (docs/analysis.md, "Plugins"): the registry's longest
 * package prefix first (the user's registry, the one built from the plugin jars, the built-in
 * library plugins), else a name made from the frame's package, unless the package is server,
 * library or JDK code. Library plugins (ProtocolLib, Vault …) are passed over when a sample's owner
 * is chosen, and named as what the owner was running in.
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
  // JetBrains' coroutines and serialization: run Kotlin plugins' code, as kotlin.* does
  'kotlinx.',
  'java.',
  'javax.',
  'jdk.',
  'sun.',
  'com.sun.'
]

/** One plugin of a registry: its package prefixes (dotted, no trailing dot). */
export interface RegistryEntry {
  packages: readonly string[]
  /** `library: true/false` as the registry says; undefined: a library when named like one. */
  library?: boolean
}

/** Plugin display name → its entry. */
export type PluginRegistry = ReadonlyMap<string, RegistryEntry>

/**
 * Plugins that exist to be called by other plugins, or call back into them (docs/analysis.md,
 * "Library plugins"): named even without a registry, passed over when an owner is chosen.
 */
export const BUILT_IN_LIBRARY_PLUGINS: PluginRegistry = new Map([
  ['ProtocolLib', { packages: ['com.comphenix.protocol'], library: true }],
  ['PlaceholderAPI', { packages: ['me.clip.placeholderapi'], library: true }],
  ['Vault', { packages: ['net.milkbowl.vault'], library: true }],
  ['MassiveCore', { packages: ['com.massivecraft.massivecore'], library: true }],
  ['BKCommonLib', { packages: ['com.bergerkiller.bukkit.common'], library: true }],
  [
    'PacketEvents',
    {
      packages: ['com.github.retrooper.packetevents', 'io.github.retrooper.packetevents'],
      library: true
    }
  ],
  ['NBTAPI', { packages: ['de.tr7zw.nbtapi', 'de.tr7zw.changeme.nbtapi'], library: true }]
])

/** Which plugins are libraries: the built-in list (unless switched off) and names the user adds. */
export interface LibrarySetting {
  builtIn: boolean
  extra: readonly string[]
}

export const DEFAULT_LIBRARIES: LibrarySetting = { builtIn: true, extra: [] }

/** The registry derived from plugin jars (src/telemetry/plugin-jars.ts). */
export interface JarRegistry {
  registry: PluginRegistry
  /** Packages shipped by two or more jars: nobody's, treated as library code. */
  shared: readonly string[]
  /** File names of the jars read, sorted: a report records them. */
  jars: readonly string[]
  notes: readonly string[]
}

export class RegistryError extends Error {}

export function normalisePrefix(prefix: string): string {
  return prefix.trim().replace(/\//g, '.').replace(/\.+$/, '')
}

function prefixList(plugin: string, value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0) {
    throw new RegistryError(`"${plugin}": expected a non-empty list of package prefixes`)
  }
  return list.map((raw) => {
    if (typeof raw !== 'string' || normalisePrefix(raw) === '') {
      throw new RegistryError(`"${plugin}": every package prefix must be a non-empty string`)
    }
    return normalisePrefix(raw)
  })
}

/**
 * Validates a parsed `plugin_packages` JSON object: a name maps to a list of prefixes, or to
 * `{ "packages": [...], "library": true }`.
 */
export function parseRegistry(json: unknown): PluginRegistry {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RegistryError('expected a JSON object mapping plugin names to package prefix lists')
  }
  const registry = new Map<string, RegistryEntry>()
  const owners = new Map<string, string>()
  for (const [plugin, value] of Object.entries(json as Record<string, unknown>)) {
    if (plugin.trim() === '') throw new RegistryError('a plugin name is empty')
    let entry: RegistryEntry
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const { packages, library, ...rest } = value as Record<string, unknown>
      if (packages === undefined) {
        throw new RegistryError(
          `"${plugin}": expected a non-empty list of package prefixes, or { "packages": [...] }`
        )
      }
      const unknown = Object.keys(rest)[0]
      if (unknown !== undefined) {
        throw new RegistryError(`"${plugin}": unknown key "${unknown.slice(0, 40)}"`)
      }
      if (library !== undefined && typeof library !== 'boolean') {
        throw new RegistryError(`"${plugin}": "library" must be true or false`)
      }
      entry = { packages: prefixList(plugin, packages), library }
    } else {
      entry = { packages: prefixList(plugin, value) }
    }
    for (const prefix of entry.packages) {
      const owner = owners.get(prefix)
      if (owner !== undefined && owner !== plugin) {
        throw new RegistryError(
          `package prefix "${prefix}" is listed for both "${owner}" and "${plugin}"`
        )
      }
      owners.set(prefix, plugin)
    }
    registry.set(plugin, entry)
  }
  return registry
}

/** What a frame belongs to: a plugin by name, whether it is a library, and whether the name is made up. */
export interface PluginRef {
  readonly name: string
  readonly library: boolean
  /** Named after its package by the automatic rule, not by a registry. */
  readonly automatic: boolean
}

/** The registries merged: package prefix → plugin, or null for a package no one plugin owns. */
export interface ResolvedRegistry {
  prefixes: ReadonlyMap<string, PluginRef | null>
}

const nameKey = (name: string) => name.toLowerCase()

/**
 * Merges the built-in library plugins, the registry derived from the jars and the user's registry:
 * an entry replaces one of the same name (case-insensitively) from a lower layer, and a prefix of a
 * higher layer wins over the same prefix of a lower one. Library status follows the name.
 */
export function resolveRegistry(
  explicit: PluginRegistry,
  jars: JarRegistry | undefined,
  libraries: LibrarySetting = DEFAULT_LIBRARIES
): ResolvedRegistry {
  const libraryNames = new Set(
    [...(libraries.builtIn ? BUILT_IN_LIBRARY_PLUGINS.keys() : []), ...libraries.extra].map(nameKey)
  )
  const layers: PluginRegistry[] = [
    libraries.builtIn ? BUILT_IN_LIBRARY_PLUGINS : new Map(),
    jars?.registry ?? new Map(),
    explicit
  ]
  const merged = new Map<string, { name: string; entry: RegistryEntry; layer: number }>()
  layers.forEach((registry, layer) => {
    for (const [name, entry] of registry) merged.set(nameKey(name), { name, entry, layer })
  })
  const prefixes = new Map<string, PluginRef | null>()
  const layerOf = new Map<string, number>()
  const claim = (prefix: string, ref: PluginRef | null, layer: number) => {
    if ((layerOf.get(prefix) ?? -1) > layer) return
    prefixes.set(prefix, ref)
    layerOf.set(prefix, layer)
  }
  for (const prefix of jars?.shared ?? []) claim(prefix, null, 1)
  for (const { name, entry, layer } of [...merged.values()].sort((a, b) => a.layer - b.layer)) {
    const ref: PluginRef = {
      name,
      library: entry.library ?? libraryNames.has(nameKey(name)),
      automatic: false
    }
    for (const prefix of entry.packages) claim(prefix, ref, layer)
  }
  return { prefixes }
}

const NATIVE_MARKERS = /[\s@`:+*&,~]/
const ANNOTATION = /_\[[a-z0-9]\]$/
/**
 * Generated lambda classes, old and new JVMs: `$$Lambda$12/0x0000000800c4b840`,
 * `$$Lambda$3059/366310941`, `$$Lambda/0x…`, `$$Lambda.0x…`, `$$Lambda$5`. Removed before the name
 * is split, so the `/` of a hidden class never splits a package.
 */
const LAMBDA_SUFFIX = /\$\$Lambda(?:\$\d+)?(?:[./](?:0x[0-9a-fA-F]+|\d+))?/g

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
  name = name.replace(LAMBDA_SUFFIX, '').replace(/\//g, '.')
  const segments = name.split('.')
  if (segments.length < 2 || segments.some((segment) => segment === '')) return null
  return name
}

export type FrameClassifier = (frame: string) => PluginRef | null

/**
 * Builds a memoising frame → plugin function. Registry prefixes match on package-segment
 * boundaries, longest first, and win over the not-plugin list; uncovered frames outside `notPlugin`
 * get a plugin named after the first three segments of their package.
 */
export function createFrameClassifier(
  registry: ResolvedRegistry,
  notPlugin: readonly string[] = NOT_PLUGIN_PREFIXES
): FrameClassifier {
  const { prefixes } = registry
  const excluded = notPlugin.map((prefix) => normalisePrefix(prefix) + '.')
  const cache = new Map<string, PluginRef | null>()
  const automatic = new Map<string, PluginRef>()

  function classify(frame: string): PluginRef | null {
    const name = javaFrameName(frame)
    if (name === null) return null
    // the longest registry prefix: the name's own segment prefixes, longest first
    for (let end = name.length; end > 0; end = name.lastIndexOf('.', end - 1)) {
      const registered = prefixes.get(end === name.length ? name : name.slice(0, end))
      if (registered !== undefined) return registered
    }
    if (excluded.some((prefix) => name.startsWith(prefix))) return null
    const packageSegments = name.split('.').slice(0, -2)
    if (packageSegments.length === 0) return null
    const plugin = packageSegments.slice(0, 3).join('.')
    let ref = automatic.get(plugin)
    if (ref === undefined) {
      automatic.set(plugin, (ref = { name: plugin, library: false, automatic: true }))
    }
    return ref
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

/** The plugins of one stack sample (docs/analysis.md, "Plugins"). */
export interface SamplePlugins {
  /** The leaf-most non-library plugin frame's plugin; the leaf-most library plugin without one. */
  owner: PluginRef | null
  /** The outermost non-library plugin frame's plugin (may be the owner itself). */
  entry: PluginRef | null
  /** The leaf-most library plugin leafward of the owner's frame: what the owner was calling into. */
  via: PluginRef | null
}

const NO_PLUGIN: SamplePlugins = { owner: null, entry: null, via: null }

/**
 * The plugins of a row's stack (frames are root → leaf), given the plugin of each frame of the
 * column's dictionary. Library plugin frames are passed over like library code when a non-library
 * plugin frame exists.
 */
export function pluginFrames(
  frames: FramesColumn,
  row: number,
  pluginOfFrame: readonly (PluginRef | null)[]
): SamplePlugins {
  const first = frames.offsets[row]
  const last = frames.offsets[row + 1]
  let leafLibrary: PluginRef | null = null
  let owner: PluginRef | null = null
  for (let k = last - 1; k >= first && owner === null; k--) {
    const plugin = pluginOfFrame[frames.codes[k]]
    if (plugin === null) continue
    if (!plugin.library) owner = plugin
    else leafLibrary ??= plugin
  }
  if (owner === null) return leafLibrary === null ? NO_PLUGIN : { ...NO_PLUGIN, owner: leafLibrary }
  let entry: PluginRef | null = null
  for (let k = first; k < last && entry === null; k++) {
    const plugin = pluginOfFrame[frames.codes[k]]
    if (plugin !== null && !plugin.library) entry = plugin
  }
  return { owner, entry, via: leafLibrary }
}
