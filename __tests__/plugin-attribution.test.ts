/**
 * Plugin attribution on stacks of the shapes real watchdog dumps and profiles show (root → leaf,
 * dotted and slashed): frameworks wrapped around the culprit (ProtocolLib, MassiveCore, Vault),
 * automatic names that split or hide plugins, old and new JVM lambda names, Kotlin and Fabric
 * frames, Folia region threads, relocated libraries, reflection and proxy frames — each without a
 * registry, with one, and with the registry built from the plugin jars.
 */
import { describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import { createAttributor } from '../src/analysis/attribute.js'
import {
  createFrameClassifier,
  DEFAULT_LIBRARIES,
  parseRegistry,
  resolveRegistry,
  type JarRegistry,
  type LibrarySetting,
  type PluginRegistry
} from '../src/analysis/plugins.js'
import type { SpikeReport } from '../src/analysis/types.js'
import { readPluginJars } from '../src/telemetry/plugin-jars.js'
import { batchOf, withTempDir, type TestRow } from './support/engine.js'
import { classesUnder, writeJar } from '../scripts/fixtures/jars.js'

const MS = 1e6

interface Setup {
  registry?: PluginRegistry
  jars?: JarRegistry
  libraries?: LibrarySetting
  tickThread?: RegExp
}

/** Attributes L1 samples (thread, stack) at 100 ms … to one spike window [100, 1000) ms. */
function spikeOf(samples: [string, string[]][], setup: Setup = {}): SpikeReport {
  const attributor = createAttributor(
    [{ row: 0, ts: 100 * MS, start: 100 * MS, end: 1000 * MS, valueMs: 900 }],
    {
      threadNames: new Map(),
      tickThread: setup.tickThread ?? /^Server thread$/,
      samplingNs: 10 * MS,
      classify: createFrameClassifier(
        resolveRegistry(setup.registry ?? new Map(), setup.jars, setup.libraries)
      ),
      availability: { layers: new Set(['L1']), columns: new Set(['frames']) },
      baseNs: 0n,
      runStartOffset: 0
    }
  )
  const rows: TestRow[] = samples.map(([thread, frames], index) => ({
    at: 100 + index,
    layer: 'L1',
    tid: thread.length,
    thread,
    frames
  }))
  attributor.add(batchOf(rows))
  return attributor.finish()[0]
}

const plugins = (spike: SpikeReport) => ({
  top: spike.top_plugin,
  entry: spike.entry_plugin,
  via: spike.via_plugin
})

const times = <T>(count: number, value: T): T[] => Array.from({ length: count }, () => value)

/** Java frames as async-profiler writes them with slashes: `com/foo/Bar.method`. */
const slashed = (stack: string[]) =>
  stack.map((frame) =>
    /^[a-z][\w$]*\./.test(frame) ? frame.replace(/\.(?=[^.]*\.)/g, '/') : frame
  )

// A MyPet packet listener run by ProtocolLib (ProtocolLib → MyPet listener → ProtocolLib)
const MYPET_IN_PROTOCOLLIB = [
  'java.lang.Thread.run',
  'io.netty.util.concurrent.SingleThreadEventExecutor$4.run',
  'io.netty.channel.AbstractChannelHandlerContext.invokeChannelRead',
  'com.comphenix.protocol.injector.netty.channel.InboundPacketInterceptor.channelRead',
  'com.comphenix.protocol.injector.PacketFilterManager.invokeInboundPacketListeners',
  'com.comphenix.protocol.events.SerializedOfflinePlayer.invoke',
  'de.Keyle.MyPet.compat.v1_20_R3.services.EntityConverterService$1.onPacketReceiving',
  'com.comphenix.protocol.reflect.StructureModifier.read',
  'java.lang.reflect.Field.get'
]

// A Factions purge inside a MassiveCore task (MassiveCore → Factions → MassiveCore → File.exists)
const FACTIONS_IN_MASSIVECORE = [
  'java.lang.Thread.run',
  'net.minecraft.server.MinecraftServer.tickServer',
  'org.bukkit.craftbukkit.v1_20_R3.scheduler.CraftScheduler.mainThreadHeartbeat',
  'com.massivecraft.massivecore.ModuloRepeatTask.run',
  'com.massivecraft.factions.task.TaskPlayerDataRemove.invoke',
  'com.massivecraft.massivecore.store.Coll.removeAtLocal',
  'com.massivecraft.massivecore.store.DriverFlatfile.delete',
  'java.io.File.exists',
  'stat',
  'do_syscall_64_[k]'
]

// Quests pays through Vault, EssentialsX saves the user file: Vault is rootward of the owner
const QUESTS_VAULT_ESSENTIALS = [
  'net.minecraft.server.MinecraftServer.tickServer',
  'org.bukkit.plugin.SimplePluginManager.callEvent',
  'com.leonardobishop.quests.bukkit.tasktype.type.MiningTaskType.onBlockBreak',
  'net.milkbowl.vault.economy.plugins.Economy_Essentials.depositPlayer',
  'com.earth2me.essentials.api.Economy.add',
  'com.earth2me.essentials.UserData.save',
  'java.io.FileOutputStream.write',
  'write'
]

// LWC without a registry: its packages give two automatic names
const LWC_SPLIT = [
  'org.bukkit.plugin.SimplePluginManager.callEvent',
  'com.griefcraft.listeners.LWCBlockListener.onBlockBreak',
  'com.griefcraft.lwc.LWC.findProtection',
  'com.griefcraft.sql.PhysDB.loadProtection',
  'org.sqlite.core.NativeDB.step',
  'pread64'
]

// Quests calls CoreProtect's API through reflection and a JDK proxy
const QUESTS_REFLECTS_COREPROTECT = [
  'org.bukkit.craftbukkit.scheduler.CraftTask.run',
  'com.leonardobishop.quests.bukkit.hook.coreprotect.CoreProtectHook.checkBlock',
  'jdk.internal.reflect.DirectMethodHandleAccessor.invoke',
  'java.lang.reflect.Method.invoke',
  'jdk.proxy3.$Proxy42.blockLookup',
  'sun.reflect.GeneratedMethodAccessor123.invoke',
  'com.sun.proxy.$Proxy17.performLookup',
  'net.coreprotect.api.BlockAPI.performLookup',
  'net.coreprotect.libs.hikari.pool.HikariPool.getConnection',
  'org.sqlite.core.NativeDB.step',
  'pread64'
]

// Jobs writes through its own relocated HikariCP: the library is the plugin's own code
const JOBS_RELOCATED_HIKARI = [
  'org.bukkit.craftbukkit.scheduler.CraftScheduler.mainThreadHeartbeat',
  'com.gamingmesh.jobs.dao.JobsDAO.recordToArchive',
  'com.gamingmesh.jobs.libs.hikari.pool.HikariProxyPreparedStatement.executeUpdate',
  'com.mysql.cj.jdbc.ClientPreparedStatement.executeUpdate',
  'java.net.SocketInputStream.read',
  'recvfrom'
]

describe('library plugins', () => {
  it('names MyPet, run by ProtocolLib, as the owner in ProtocolLib (dotted and slashed)', () => {
    for (const stack of [MYPET_IN_PROTOCOLLIB, slashed(MYPET_IN_PROTOCOLLIB)]) {
      // without a registry: MyPet by its package, ProtocolLib from the built-in list
      expect(plugins(spikeOf(times(5, ['Netty Epoll Server IO #1', stack])))).toEqual({
        top: 'de.Keyle.MyPet',
        entry: null,
        via: 'ProtocolLib'
      })
      const registry = parseRegistry({ MyPet: ['de.Keyle.MyPet'] })
      expect(plugins(spikeOf(times(5, ['Netty Epoll Server IO #1', stack]), { registry }))).toEqual(
        { top: 'MyPet', entry: null, via: 'ProtocolLib' }
      )
    }
  })

  it('names Factions, run by a MassiveCore task, in MassiveCore', () => {
    const spike = spikeOf(times(4, ['Server thread', FACTIONS_IN_MASSIVECORE]))
    expect(plugins(spike)).toEqual({
      top: 'com.massivecraft.factions',
      entry: null,
      via: 'MassiveCore'
    })
    expect(spike.signature).toBe('com.massivecraft.factions|-')
    const registry = parseRegistry({ Factions: ['com.massivecraft.factions'] })
    expect(
      plugins(spikeOf(times(4, ['Server thread', FACTIONS_IN_MASSIVECORE]), { registry }))
    ).toEqual({ top: 'Factions', entry: null, via: 'MassiveCore' })
  })

  it('blames the framework as the leaf-most plugin only when switched off', () => {
    const off = { libraries: { builtIn: false, extra: [] } }
    // the outermost plugin frame is MassiveCore's too: no other caller
    expect(plugins(spikeOf(times(4, ['Server thread', FACTIONS_IN_MASSIVECORE]), off))).toEqual({
      top: 'com.massivecraft.massivecore',
      entry: null,
      via: null
    })
    // a registry entry can say that a built-in library is not one
    const registry = parseRegistry({
      ProtocolLib: { packages: ['com.comphenix.protocol'], library: false }
    })
    expect(
      plugins(spikeOf(times(3, ['Netty Epoll Server IO #1', MYPET_IN_PROTOCOLLIB]), { registry }))
    ).toEqual({ top: 'ProtocolLib', entry: null, via: null })
  })

  it('does not name a library plugin that called the owner (Vault rootward of EssentialsX)', () => {
    const registry = parseRegistry({
      EssentialsX: ['com.earth2me.essentials'],
      Quests: ['com.leonardobishop.quests']
    })
    expect(
      plugins(spikeOf(times(3, ['Server thread', QUESTS_VAULT_ESSENTIALS]), { registry }))
    ).toEqual({ top: 'EssentialsX', entry: 'Quests', via: null })
  })

  it('lets a library plugin own samples that run no other plugin', () => {
    const alone = MYPET_IN_PROTOCOLLIB.filter((frame) => !frame.startsWith('de.Keyle'))
    const spike = spikeOf(times(3, ['Server thread', alone]))
    expect(plugins(spike)).toEqual({ top: 'ProtocolLib', entry: null, via: null })
    expect(spike.signature).toBe('ProtocolLib|-')
  })

  it('adds library plugins by name, from the registry or the extra names', () => {
    const registry = parseRegistry({
      MyFramework: ['org.example.framework'],
      Shop: ['org.example.shop']
    })
    const stack = [
      'org.example.framework.Scheduler.tick',
      'org.example.shop.ShopTask.run',
      'org.example.framework.Storage.save'
    ]
    const setup = { registry, libraries: { ...DEFAULT_LIBRARIES, extra: ['myframework'] } }
    expect(plugins(spikeOf(times(2, ['Server thread', stack]), setup))).toEqual({
      top: 'Shop',
      entry: null,
      via: 'MyFramework'
    })
    expect(plugins(spikeOf(times(2, ['Server thread', stack]), { registry }))).toEqual({
      top: 'MyFramework',
      entry: null,
      via: null
    })
  })

  it('pools Folia region threads: the owner and its library across regions', () => {
    const folia = /Region Scheduler Thread/
    const spike = spikeOf(
      [
        ...times<[string, string[]]>(3, ['Folia Region Scheduler Thread #1', MYPET_IN_PROTOCOLLIB]),
        ...times<[string, string[]]>(2, [
          'Folia Region Scheduler Thread #2',
          slashed(MYPET_IN_PROTOCOLLIB)
        ]),
        ...times<[string, string[]]>(4, [
          'Folia Region Scheduler Thread #2',
          FACTIONS_IN_MASSIVECORE
        ]),
        // many samples off the tick threads do not decide the top plugin
        ...times<[string, string[]]>(9, ['Craft Scheduler Thread - 3', QUESTS_VAULT_ESSENTIALS])
      ],
      { tickThread: folia }
    )
    expect(plugins(spike)).toEqual({ top: 'de.Keyle.MyPet', entry: null, via: 'ProtocolLib' })
    expect(spike.plugins.map((p) => [p.plugin, p.tick_thread_samples])).toEqual([
      ['de.Keyle.MyPet', 5],
      ['com.massivecraft.factions', 4],
      ['com.earth2me.essentials', 0]
    ])
  })
})

describe('frames between and around plugins', () => {
  it('passes over reflection and proxy frames between two plugins', () => {
    // without a registry, CoreProtect's relocated HikariCP has a name of its own (a note says so)
    const automatic = spikeOf(times(3, ['Server thread', QUESTS_REFLECTS_COREPROTECT]))
    expect(plugins(automatic)).toEqual({
      top: 'net.coreprotect.libs',
      entry: 'com.leonardobishop.quests',
      via: null
    })
    expect(
      automatic.notes.some((note) =>
        note.includes('net.coreprotect.api, net.coreprotect.libs may be one plugin')
      )
    ).toBe(true)
    const registry = parseRegistry({
      CoreProtect: ['net.coreprotect'],
      Quests: ['com.leonardobishop.quests']
    })
    expect(
      plugins(
        spikeOf(times(3, ['Server thread', slashed(QUESTS_REFLECTS_COREPROTECT)]), { registry })
      )
    ).toEqual({ top: 'CoreProtect', entry: 'Quests', via: null })
  })

  it('owns a relocated library by the plugin that ships it', () => {
    expect(plugins(spikeOf(times(2, ['Server thread', JOBS_RELOCATED_HIKARI])))).toEqual({
      top: 'com.gamingmesh.jobs',
      entry: null,
      via: null
    })
  })

  it('notes automatic names that may be one plugin, and a registry joins them', () => {
    const spike = spikeOf(times(2, ['Server thread', LWC_SPLIT]))
    expect(plugins(spike)).toEqual({
      top: 'com.griefcraft.sql',
      entry: 'com.griefcraft.listeners',
      via: null
    })
    expect(spike.notes).toContain(
      'automatic plugin names com.griefcraft.listeners, com.griefcraft.lwc, com.griefcraft.sql may be one plugin: ' +
        'a registry (plugin-packages) or plugins-dir names it exactly'
    )
    const registry = parseRegistry({ LWC: ['com.griefcraft'] })
    const named = spikeOf(times(2, ['Server thread', LWC_SPLIT]), { registry })
    expect(plugins(named)).toEqual({ top: 'LWC', entry: null, via: null })
    expect(named.notes.some((note) => note.includes('may be one plugin'))).toBe(false)
  })

  it('removes old and new JVM lambda class names before splitting a frame', () => {
    for (const lambda of [
      'autosave.AutoSaveThread$$Lambda$5/0x0000000800c4b840.run',
      'autosave.AutoSaveThread$$Lambda$3059/366310941.run',
      'autosave/AutoSaveThread$$Lambda/0x000001f0a1234567.run',
      'autosave.AutoSaveThread$$Lambda.0x000001f0a1234567.run'
    ]) {
      const stack = ['java.lang.Thread.run', lambda, 'java.io.FileOutputStream.write']
      expect(spikeOf(times(2, ['Server thread', stack])).top_plugin).toBe('autosave')
    }
  })

  it('names a plugin in a server package when the registry says so', () => {
    const stack = [
      'org.bukkit.plugin.SimplePluginManager.callEvent',
      'org.spigotmc.DeathTpPlusRenewed.listeners.EntityListener.onEntityDeath',
      'java.io.FileWriter.write'
    ]
    expect(spikeOf(times(2, ['Server thread', stack])).signature).toBe('-|-')
    const registry = parseRegistry({ DeathTpPlus: ['org.spigotmc.DeathTpPlusRenewed'] })
    expect(spikeOf(times(2, ['Server thread', stack]), { registry }).signature).toBe(
      'DeathTpPlus|-'
    )
  })

  it('passes over Kotlin runtime and coroutine frames to the Kotlin plugin', () => {
    const stack = [
      'java.lang.Thread.run',
      'kotlinx.coroutines.scheduling.CoroutineScheduler$Worker.run',
      'kotlinx.coroutines.DispatchedTask.run',
      'kotlin.coroutines.jvm.internal.BaseContinuationImpl.resumeWith',
      'dev.example.kplugin.storage.Repository$save$2.invokeSuspend',
      'kotlin.io.FilesKt__FileReadWriteKt.writeText',
      'java.io.FileOutputStream.write'
    ]
    expect(plugins(spikeOf(times(2, ['Server thread', stack])))).toEqual({
      top: 'dev.example.kplugin',
      entry: null,
      via: null
    })
  })

  it('names a Fabric mod among Minecraft, intermediary and Fabric API frames', () => {
    const stack = [
      'net.minecraft.server.MinecraftServer.method_3748',
      'net.minecraft.class_3218.method_18765',
      'net.fabricmc.fabric.impl.event.lifecycle.LifecycleEventsImpl.lambda$static$0',
      'me.jellysquid.mods.lithium.common.world.chunk.ChunkTicker.tick',
      'it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap.get'
    ]
    expect(spikeOf(times(2, ['Server thread', stack])).top_plugin).toBe('me.jellysquid.mods')
  })
})

describe('with the registry from the plugin jars', () => {
  it('names every plugin of these stacks exactly', async () => {
    await withTempDir(async (dir) => {
      const yml = (name: string, main: string) => ({
        'plugin.yml': `name: ${name}\nversion: '1.0'\nmain: ${main}\n`
      })
      await writeJar(join(dir, 'MyPet-3.12.jar'), {
        descriptors: yml('MyPet', 'de.Keyle.MyPet.MyPetPlugin'),
        classes: [
          'de/Keyle/MyPet/MyPetPlugin.class',
          ...classesUnder('de/Keyle/MyPet/compat/v1_20_R3/services', 12)
        ]
      })
      await writeJar(join(dir, 'ProtocolLib.jar'), {
        descriptors: yml('ProtocolLib', 'com.comphenix.protocol.ProtocolLib'),
        classes: [
          ...classesUnder('com/comphenix/protocol', 10),
          ...classesUnder('com/comphenix/protocol/events', 10),
          ...classesUnder('com/comphenix/protocol/injector/netty/channel', 10),
          ...classesUnder('com/comphenix/protocol/reflect', 10)
        ]
      })
      await writeJar(join(dir, 'LWC-2.3.jar'), {
        descriptors: yml('LWC', 'com.griefcraft.lwc.LWCPlugin'),
        classes: ['listeners', 'lwc', 'sql', 'util'].flatMap((part) =>
          classesUnder(`com/griefcraft/${part}`, 5)
        )
      })
      await writeJar(join(dir, 'lithium-fabric-mc1.20.4-0.12.1.jar'), {
        descriptors: {
          'fabric.mod.json': JSON.stringify({
            schemaVersion: 1,
            id: 'lithium',
            name: 'Lithium',
            entrypoints: { main: ['me.jellysquid.mods.lithium.LithiumMod'] }
          })
        },
        classes: classesUnder('me/jellysquid/mods/lithium/common/world/chunk', 12)
      })
      await writeJar(join(dir, 'Factions.jar'), {
        descriptors: yml('Factions', 'com.massivecraft.factions.Factions'),
        classes: classesUnder('com/massivecraft/factions/task', 8)
      })
      await writeJar(join(dir, 'Quests-3.15.jar'), {
        descriptors: yml('Quests', 'com.leonardobishop.quests.bukkit.BukkitQuestsPlugin'),
        classes: [
          'com/leonardobishop/quests/bukkit/BukkitQuestsPlugin.class',
          ...classesUnder('com/leonardobishop/quests/bukkit/hook/coreprotect', 2),
          ...classesUnder('com/leonardobishop/quests/bukkit/tasktype/type', 4)
        ]
      })
      await writeJar(join(dir, 'CoreProtect-22.2.jar'), {
        descriptors: yml('CoreProtect', 'net.coreprotect.CoreProtect'),
        classes: [
          'net/coreprotect/CoreProtect.class',
          ...classesUnder('net/coreprotect/api', 3),
          ...classesUnder('net/coreprotect/libs/hikari/pool', 5)
        ]
      })
      await writeJar(join(dir, 'Jobs.jar'), {
        descriptors: yml('Jobs', 'com.gamingmesh.jobs.Jobs'),
        classes: [
          'com/gamingmesh/jobs/Jobs.class',
          ...classesUnder('com/gamingmesh/jobs/dao', 3),
          ...classesUnder('com/gamingmesh/jobs/libs/hikari/pool', 3)
        ]
      })
      await writeJar(join(dir, 'Vault.jar'), {
        descriptors: yml('Vault', 'net.milkbowl.vault.Vault'),
        classes: [
          'net/milkbowl/vault/Vault.class',
          'net/milkbowl/vault/economy/plugins/Economy_Essentials.class'
        ]
      })
      await writeJar(join(dir, 'EssentialsX-2.20.1.jar'), {
        descriptors: yml('Essentials', 'com.earth2me.essentials.Essentials'),
        classes: [
          'com/earth2me/essentials/Essentials.class',
          'com/earth2me/essentials/UserData.class',
          'com/earth2me/essentials/api/Economy.class'
        ]
      })
      // a Kotlin plugin shading the Kotlin runtime and coroutines unrelocated
      await writeJar(join(dir, 'KPlugin.jar'), {
        descriptors: yml('KPlugin', 'dev.example.kplugin.KPlugin'),
        classes: [
          'dev/example/kplugin/KPlugin.class',
          'dev/example/kplugin/storage/Repository$save$2.class',
          ...classesUnder('kotlin/io', 3),
          ...classesUnder('kotlinx/coroutines/scheduling', 3)
        ]
      })
      const jars = await readPluginJars([dir])
      expect(jars.notes).toEqual([])
      expect(
        plugins(
          spikeOf(times(3, ['Server thread', slashed(QUESTS_REFLECTS_COREPROTECT)]), { jars })
        )
      ).toEqual({ top: 'CoreProtect', entry: 'Quests', via: null })
      expect(
        plugins(spikeOf(times(2, ['Server thread', JOBS_RELOCATED_HIKARI]), { jars }))
      ).toEqual({ top: 'Jobs', entry: null, via: null })
      expect(
        plugins(spikeOf(times(3, ['Server thread', QUESTS_VAULT_ESSENTIALS]), { jars }))
      ).toEqual({ top: 'Essentials', entry: 'Quests', via: null })
      const kotlin = [
        'kotlinx.coroutines.scheduling.CoroutineScheduler$Worker.run',
        'dev.example.kplugin.storage.Repository$save$2.invokeSuspend',
        'kotlin.io.FilesKt__FileReadWriteKt.writeText'
      ]
      expect(plugins(spikeOf(times(2, ['Server thread', kotlin]), { jars }))).toEqual({
        top: 'KPlugin',
        entry: null,
        via: null
      })
      const mypet = spikeOf(times(3, ['Netty Epoll Server IO #1', MYPET_IN_PROTOCOLLIB]), { jars })
      expect(plugins(mypet)).toEqual({ top: 'MyPet', entry: null, via: 'ProtocolLib' })
      const lwc = spikeOf(times(3, ['Server thread', LWC_SPLIT]), { jars })
      expect(plugins(lwc)).toEqual({ top: 'LWC', entry: null, via: null })
      const factions = spikeOf(times(3, ['Server thread', FACTIONS_IN_MASSIVECORE]), { jars })
      // MassiveCore's jar is not there: the built-in entry still names it
      expect(plugins(factions)).toEqual({ top: 'Factions', entry: null, via: 'MassiveCore' })
      const fabric = [
        'net.minecraft.class_3218.method_18765',
        'me.jellysquid.mods.lithium.common.world.chunk.ChunkTicker.tick'
      ]
      expect(spikeOf(times(2, ['Server thread', fabric]), { jars }).top_plugin).toBe('Lithium')
      // an explicit registry entry of the same name replaces the jar's
      const registry = parseRegistry({ MyPet: ['de.Keyle.MyPet.compat'] })
      expect(
        spikeOf(times(3, ['Netty Epoll Server IO #1', MYPET_IN_PROTOCOLLIB]), { jars, registry })
          .top_plugin
      ).toBe('MyPet')
      // of another name, the same prefix: the explicit one wins; a shorter one does not
      const renamed = parseRegistry({
        'MyPet (fork)': ['de.Keyle.MyPet.compat.v1_20_R3.services'],
        'MyPet parent': ['de.Keyle']
      })
      expect(
        spikeOf(times(3, ['Netty Epoll Server IO #1', MYPET_IN_PROTOCOLLIB]), {
          jars,
          registry: renamed
        }).top_plugin
      ).toBe('MyPet (fork)')
    })
  })
})
