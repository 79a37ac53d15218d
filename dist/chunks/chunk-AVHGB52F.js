import { createRequire as __iostormCreateRequire } from 'node:module'; const require = __iostormCreateRequire(import.meta.url);

// src/analysis/plugins.ts
var NOT_PLUGIN_PREFIXES = [
  "net.minecraft.",
  "com.mojang.",
  "org.bukkit.",
  "org.spigotmc.",
  "io.papermc.",
  "com.destroystokyo.paper.",
  "ca.spottedleaf.",
  "co.aikar.timings.",
  "net.kyori.",
  "net.md_5.bungee.",
  "org.spongepowered.",
  "net.fabricmc.",
  "net.minecraftforge.",
  "net.neoforged.",
  "it.unimi.dsi.fastutil.",
  "io.netty.",
  "com.google.",
  "com.fasterxml.",
  "org.apache.logging.",
  "org.slf4j.",
  "org.yaml.snakeyaml.",
  "org.jline.",
  "net.minecrell.",
  "com.zaxxer.hikari.",
  "org.sqlite.",
  "com.mysql.",
  "org.mariadb.",
  "org.postgresql.",
  "kotlin.",
  // JetBrains' coroutines and serialization: run Kotlin plugins' code, as kotlin.* does
  "kotlinx.",
  "java.",
  "javax.",
  "jdk.",
  "sun.",
  "com.sun."
];
var BUILT_IN_LIBRARY_PLUGINS = /* @__PURE__ */ new Map([
  ["ProtocolLib", { packages: ["com.comphenix.protocol"], library: true }],
  ["PlaceholderAPI", { packages: ["me.clip.placeholderapi"], library: true }],
  ["Vault", { packages: ["net.milkbowl.vault"], library: true }],
  ["MassiveCore", { packages: ["com.massivecraft.massivecore"], library: true }],
  ["BKCommonLib", { packages: ["com.bergerkiller.bukkit.common"], library: true }],
  [
    "PacketEvents",
    {
      packages: ["com.github.retrooper.packetevents", "io.github.retrooper.packetevents"],
      library: true
    }
  ],
  ["NBTAPI", { packages: ["de.tr7zw.nbtapi", "de.tr7zw.changeme.nbtapi"], library: true }]
]);
var DEFAULT_LIBRARIES = { builtIn: true, extra: [] };
var RegistryError = class extends Error {
};
function normalisePrefix(prefix) {
  return prefix.trim().replace(/\//g, ".").replace(/\.+$/, "");
}
function prefixList(plugin, value) {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new RegistryError(`"${plugin}": expected a non-empty list of package prefixes`);
  }
  return list.map((raw) => {
    if (typeof raw !== "string" || normalisePrefix(raw) === "") {
      throw new RegistryError(`"${plugin}": every package prefix must be a non-empty string`);
    }
    return normalisePrefix(raw);
  });
}
function parseRegistry(json) {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new RegistryError("expected a JSON object mapping plugin names to package prefix lists");
  }
  const registry = /* @__PURE__ */ new Map();
  const owners = /* @__PURE__ */ new Map();
  for (const [plugin, value] of Object.entries(json)) {
    if (plugin.trim() === "") throw new RegistryError("a plugin name is empty");
    let entry;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const { packages, library, ...rest } = value;
      if (packages === void 0) {
        throw new RegistryError(
          `"${plugin}": expected a non-empty list of package prefixes, or { "packages": [...] }`
        );
      }
      const unknown = Object.keys(rest)[0];
      if (unknown !== void 0) {
        throw new RegistryError(`"${plugin}": unknown key "${unknown.slice(0, 40)}"`);
      }
      if (library !== void 0 && typeof library !== "boolean") {
        throw new RegistryError(`"${plugin}": "library" must be true or false`);
      }
      entry = { packages: prefixList(plugin, packages), library };
    } else {
      entry = { packages: prefixList(plugin, value) };
    }
    for (const prefix of entry.packages) {
      const owner = owners.get(prefix);
      if (owner !== void 0 && owner !== plugin) {
        throw new RegistryError(
          `package prefix "${prefix}" is listed for both "${owner}" and "${plugin}"`
        );
      }
      owners.set(prefix, plugin);
    }
    registry.set(plugin, entry);
  }
  return registry;
}
var nameKey = (name) => name.toLowerCase();
function resolveRegistry(explicit, jars, libraries = DEFAULT_LIBRARIES) {
  const libraryNames = new Set(
    [...libraries.builtIn ? BUILT_IN_LIBRARY_PLUGINS.keys() : [], ...libraries.extra].map(nameKey)
  );
  const layers = [
    libraries.builtIn ? BUILT_IN_LIBRARY_PLUGINS : /* @__PURE__ */ new Map(),
    jars?.registry ?? /* @__PURE__ */ new Map(),
    explicit
  ];
  const merged = /* @__PURE__ */ new Map();
  layers.forEach((registry, layer) => {
    for (const [name, entry] of registry) merged.set(nameKey(name), { name, entry, layer });
  });
  const prefixes = /* @__PURE__ */ new Map();
  const layerOf = /* @__PURE__ */ new Map();
  const claim = (prefix, ref, layer) => {
    if ((layerOf.get(prefix) ?? -1) > layer) return;
    prefixes.set(prefix, ref);
    layerOf.set(prefix, layer);
  };
  for (const prefix of jars?.shared ?? []) claim(prefix, null, 1);
  for (const { name, entry, layer } of [...merged.values()].sort((a, b) => a.layer - b.layer)) {
    const ref = {
      name,
      library: entry.library ?? libraryNames.has(nameKey(name)),
      automatic: false
    };
    for (const prefix of entry.packages) claim(prefix, ref, layer);
  }
  return { prefixes };
}
var NATIVE_MARKERS = /[\s@`:+*&,~]/;
var ANNOTATION = /_\[[a-z0-9]\]$/;
var LAMBDA_SUFFIX = /\$\$Lambda(?:\$\d+)?(?:[./](?:0x[0-9a-fA-F]+|\d+))?/g;
function javaFrameName(frame) {
  let name = frame.trim();
  if (name.startsWith("[") || name.endsWith("_[k]")) return null;
  name = name.replace(ANNOTATION, "");
  const signature = name.indexOf("(");
  if (signature >= 0) name = name.slice(0, signature);
  if (NATIVE_MARKERS.test(name)) return null;
  name = name.replace(LAMBDA_SUFFIX, "").replace(/\//g, ".");
  const segments = name.split(".");
  if (segments.length < 2 || segments.some((segment) => segment === "")) return null;
  return name;
}
function createFrameClassifier(registry, notPlugin = NOT_PLUGIN_PREFIXES) {
  const { prefixes } = registry;
  const excluded = notPlugin.map((prefix) => normalisePrefix(prefix) + ".");
  const cache = /* @__PURE__ */ new Map();
  const automatic = /* @__PURE__ */ new Map();
  function classify(frame) {
    const name = javaFrameName(frame);
    if (name === null) return null;
    for (let end = name.length; end > 0; end = name.lastIndexOf(".", end - 1)) {
      const registered = prefixes.get(end === name.length ? name : name.slice(0, end));
      if (registered !== void 0) return registered;
    }
    if (excluded.some((prefix) => name.startsWith(prefix))) return null;
    const packageSegments = name.split(".").slice(0, -2);
    if (packageSegments.length === 0) return null;
    const plugin = packageSegments.slice(0, 3).join(".");
    let ref = automatic.get(plugin);
    if (ref === void 0) {
      automatic.set(plugin, ref = { name: plugin, library: false, automatic: true });
    }
    return ref;
  }
  return (frame) => {
    let plugin = cache.get(frame);
    if (plugin === void 0) {
      plugin = classify(frame);
      cache.set(frame, plugin);
    }
    return plugin;
  };
}
var NO_PLUGIN = { owner: null, entry: null, via: null };
function pluginFrames(frames, row, pluginOfFrame) {
  const first = frames.offsets[row];
  const last = frames.offsets[row + 1];
  let leafLibrary = null;
  let owner = null;
  for (let k = last - 1; k >= first && owner === null; k--) {
    const plugin = pluginOfFrame[frames.codes[k]];
    if (plugin === null) continue;
    if (!plugin.library) owner = plugin;
    else leafLibrary ??= plugin;
  }
  if (owner === null) return leafLibrary === null ? NO_PLUGIN : { ...NO_PLUGIN, owner: leafLibrary };
  let entry = null;
  for (let k = first; k < last && entry === null; k++) {
    const plugin = pluginOfFrame[frames.codes[k]];
    if (plugin !== null && !plugin.library) entry = plugin;
  }
  return { owner, entry, via: leafLibrary };
}

export {
  NOT_PLUGIN_PREFIXES,
  BUILT_IN_LIBRARY_PLUGINS,
  DEFAULT_LIBRARIES,
  RegistryError,
  parseRegistry,
  resolveRegistry,
  createFrameClassifier,
  pluginFrames
};
