import { describe, expect, it } from '@jest/globals'
import {
  createFrameClassifier,
  javaFrameName,
  parseRegistry,
  pluginFrames,
  RegistryError,
  resolveRegistry,
  type PluginRef
} from '../src/analysis/plugins.js'
import { framesColumn } from '../src/telemetry/batch.js'

const registry = parseRegistry({
  WorldEdit: ['com.sk89q.worldedit'],
  WorldGuard: ['com.sk89q.worldguard'],
  'WorldEdit CLI': ['com.sk89q.worldedit.cli'],
  EssentialsX: ['com.earth2me.essentials', 'net/essentialsx/'],
  CMI: 'com.Zrips.CMI'
})
const name = (ref: PluginRef | null) => ref?.name ?? null
const classifyRef = createFrameClassifier(resolveRegistry(registry, undefined))
const autoRef = createFrameClassifier(resolveRegistry(new Map(), undefined))
const classify = (frame: string) => name(classifyRef(frame))
const auto = (frame: string) => name(autoRef(frame))

/** pluginFrames on a one-row frames column, classified without a registry. */
function framesOf(stack: string[]) {
  const column = framesColumn([stack], false)
  const found = pluginFrames(column, 0, column.dictionary.map(autoRef))
  return { leaf: name(found.owner), entry: name(found.entry) }
}

describe('frame names', () => {
  it('normalises Java frames to dotted package.Class.method', () => {
    expect(javaFrameName('com/sk89q/worldedit/EditSession.flushQueue')).toBe(
      'com.sk89q.worldedit.EditSession.flushQueue'
    )
    expect(javaFrameName('com.foo.Bar.run_[j]')).toBe('com.foo.Bar.run')
    expect(javaFrameName('com.foo.Bar.run_[1]')).toBe('com.foo.Bar.run')
    expect(javaFrameName('com/foo/Bar.m(Ljava/lang/String;)V')).toBe('com.foo.Bar.m')
    expect(javaFrameName('com/foo/Bar$$Lambda.0x000000080123c000.run')).toBe('com.foo.Bar.run')
    expect(javaFrameName('java.lang.Object.<init>')).toBe('java.lang.Object.<init>')
  })

  it('treats native, kernel and special frames as not Java', () => {
    for (const frame of [
      'fsync',
      '__GI___libc_write',
      'ext4_sync_file_[k]',
      'G1ParScanThreadState::trim_queue_partially',
      'pthread_cond_timedwait@@GLIBC_2.3.2',
      'libjvm.so`JVM_Sleep',
      '[unknown]',
      '[Server thread tid=4101]',
      'operator new(unsigned long)'
    ]) {
      expect(javaFrameName(frame)).toBeNull()
    }
  })
})

describe('plugin of a frame', () => {
  it('takes the longest registry prefix, on package-segment boundaries only', () => {
    expect(classify('com.sk89q.worldedit.EditSession.flushQueue')).toBe('WorldEdit')
    expect(classify('com.sk89q.worldedit.cli.CLIWorldEdit.main')).toBe('WorldEdit CLI')
    expect(classify('com.sk89q.worldguard.bukkit.WorldGuardPlugin.onEnable')).toBe('WorldGuard')
    // "worldeditor" is not inside "worldedit": the auto rule names it instead
    expect(classify('com.sk89q.worldeditor.X.run')).toBe('com.sk89q.worldeditor')
    expect(classify('net.essentialsx.discord.JDADiscordService.send')).toBe('EssentialsX')
    expect(classify('com.Zrips.CMI.Modules.Warps.WarpManager.load')).toBe('CMI')
  })

  it('names unregistered plugins after the first three segments of their package', () => {
    expect(auto('com.Zrips.CMI.Modules.Warps.WarpManager.load')).toBe('com.Zrips.CMI')
    expect(auto('org.dynmap.MapManager.run')).toBe('org.dynmap')
    expect(auto('me.lucko.luckperms.common.cache.Cache.get')).toBe('me.lucko.luckperms')
    expect(auto('Main.run')).toBeNull()
  })

  it('never names server, library or JDK code, nor native frames', () => {
    for (const frame of [
      'net.minecraft.server.MinecraftServer.tickServer',
      'org.bukkit.craftbukkit.scheduler.CraftScheduler.mainThreadHeartbeat',
      'io.papermc.paper.threadedregions.TickRegionScheduler.tick',
      'ca.spottedleaf.moonrise.common.util.MoonriseCommon.run',
      'com.zaxxer.hikari.pool.HikariPool.getConnection',
      'org.sqlite.core.NativeDB.step',
      'kotlin.collections.CollectionsKt.first',
      'sun.nio.ch.FileChannelImpl.force',
      'fsync'
    ]) {
      expect(auto(frame)).toBeNull()
    }
  })

  it('lets the user extend the not-plugin list', () => {
    const extended = createFrameClassifier(resolveRegistry(new Map(), undefined), ['me.lucko.'])
    expect(extended('me.lucko.luckperms.common.cache.Cache.get')).toBeNull()
    expect(extended('java.lang.Thread.run')?.name).toBe('java.lang')
  })

  it('finds the leaf-most and the outermost plugin frame, skipping library frames', () => {
    const stack = [
      'java.lang.Thread.run',
      'org.bukkit.plugin.SimplePluginManager.callEvent',
      'com.leonardobishop.quests.bukkit.hook.CoreProtectHook.checkBlock',
      'net.coreprotect.CoreProtectAPI.blockLookup',
      'com.zaxxer.hikari.pool.HikariPool.getConnection',
      'org.sqlite.core.NativeDB.step',
      'pread64'
    ]
    expect(framesOf(stack)).toEqual({
      leaf: 'net.coreprotect',
      entry: 'com.leonardobishop.quests'
    })
    expect(framesOf(['java.lang.Thread.run', 'fsync'])).toEqual({
      leaf: null,
      entry: null
    })
  })
})

describe('registry validation', () => {
  it('reads the object form with its library flag', () => {
    expect(
      Object.fromEntries(
        parseRegistry({
          ProtocolLib: { packages: ['com.comphenix.protocol'], library: false },
          Mine: { packages: 'org.mine/' }
        })
      )
    ).toEqual({
      ProtocolLib: { packages: ['com.comphenix.protocol'], library: false },
      Mine: { packages: ['org.mine'], library: undefined }
    })
  })

  it.each([
    [[], 'expected a JSON object'],
    [{ A: [] }, '"A": expected a non-empty list'],
    [{ A: [''] }, '"A": every package prefix must be a non-empty string'],
    [{ A: [3] }, '"A": every package prefix must be a non-empty string'],
    [{ A: ['com.x'], B: ['com/x/'] }, 'package prefix "com.x" is listed for both "A" and "B"'],
    [{ A: {} }, '"A": expected a non-empty list of package prefixes, or { "packages": [...] }'],
    [{ A: { packages: ['x'], library: 'yes' } }, '"A": "library" must be true or false'],
    [{ A: { packages: ['x'], libary: true } }, '"A": unknown key "libary"'],
    [{ A: { packages: [] } }, '"A": expected a non-empty list'],
    [{ A: ['com.x'], B: { packages: ['com.x'] } }, 'is listed for both "A" and "B"']
  ])('rejects %j', (json, message) => {
    expect(() => parseRegistry(json)).toThrow(RegistryError)
    expect(() => parseRegistry(json)).toThrow(message)
  })
})
