/**
 * The registry built from a plugins/ folder (docs/analysis.md, "The registry from the plugin
 * jars"): real zip files written by yazl, read through yauzl's central directory.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import { nameFromFile, readPluginJars, scanJar } from '../src/telemetry/plugin-jars.js'
import { classesUnder, writeCorruptJar, writeJar } from '../scripts/fixtures/jars.js'
import { iostorm } from './support/cli.js'
import { withTempDir } from './support/engine.js'

const yml = (name: string, main: string) => ({
  'plugin.yml': `name: ${name}\nversion: 2.0.1\nmain: ${main}\napi-version: '1.20'\n`
})

/** A plugins/ folder as a server has it: plugins, a Fabric and a Forge mod, a broken jar. */
async function pluginsFolder(dir: string): Promise<void> {
  await writeJar(join(dir, 'Quests-3.15.jar'), {
    descriptors: yml('Quests', 'com.leonardobishop.quests.bukkit.BukkitQuestsPlugin'),
    classes: [
      ...classesUnder('com/leonardobishop/quests/bukkit', 6),
      ...classesUnder('com/leonardobishop/quests/bukkit/hook', 3),
      // HikariCP relocated under the plugin's own package, gson and bStats not relocated
      ...classesUnder('com/leonardobishop/quests/libs/hikari/pool', 4),
      ...classesUnder('com/google/gson', 3),
      'org/bstats/bukkit/Metrics.class',
      'META-INF/versions/9/com/leonardobishop/quests/common/Java9Only.class'
    ],
    files: ['config.yml', 'META-INF/MANIFEST.MF']
  })
  await writeJar(join(dir, 'CoreProtect-22.2.jar'), {
    descriptors: yml('CoreProtect', 'net.coreprotect.CoreProtect'),
    classes: [
      'net/coreprotect/CoreProtect.class',
      ...classesUnder('net/coreprotect/database', 4),
      'org/bstats/bukkit/Metrics.class',
      'org/bstats/bukkit/Metrics$CustomChart.class'
    ]
  })
  await writeJar(join(dir, 'ProtocolLib.jar'), {
    descriptors: yml('ProtocolLib', 'com.comphenix.protocol.ProtocolLib'),
    classes: [
      'com/comphenix/protocol/ProtocolLib.class',
      ...classesUnder('com/comphenix/protocol/events', 3)
    ]
  })
  // a plugin in a server package: its main package is its own all the same
  await writeJar(join(dir, 'DeathTpPlus.jar'), {
    descriptors: {
      'paper-plugin.yml': yml('DeathTpPlus', 'org.spigotmc.DeathTpPlusRenewed.DeathTpPlus')[
        'plugin.yml'
      ]
    },
    classes: [
      'org/spigotmc/DeathTpPlusRenewed/DeathTpPlus.class',
      ...classesUnder('org/spigotmc/DeathTpPlusRenewed/listeners', 2)
    ]
  })
  await writeJar(join(dir, 'lithium-fabric-mc1.20.4-0.12.1.jar'), {
    descriptors: {
      'fabric.mod.json': JSON.stringify({
        schemaVersion: 1,
        id: 'lithium',
        name: 'Lithium',
        entrypoints: { main: [{ adapter: 'default', value: 'me.jellysquid.mods.lithium.Lithium' }] }
      })
    },
    classes: [
      'me/jellysquid/mods/lithium/Lithium.class',
      ...classesUnder('me/jellysquid/mods/lithium/mixin/ai', 3)
    ],
    files: ['META-INF/jars/fabric-api-base-0.4.jar']
  })
  await writeJar(join(dir, 'create-1.20.1-0.5.1.jar'), {
    descriptors: {
      'META-INF/mods.toml':
        'modLoader="javafml"\nloaderVersion="[47,)"\n\n[[mods]]\nmodId="create"\n' +
        'version="${file.jarVersion}"\ndisplayName="Create"\n'
    },
    classes: classesUnder('com/simibubi/create/content', 3)
  })
  await writeJar(join(dir, 'NoDescriptor-1.4.2-SNAPSHOT.jar'), {
    classes: classesUnder('dev/example/nodescriptor', 2)
  })
  await writeCorruptJar(join(dir, 'Broken.jar'))
  await writeFile(join(dir, 'README.txt'), 'not a jar')
  await mkdir(join(dir, 'Quests'))
}

describe('the registry from the plugin jars', () => {
  it('names each plugin from its descriptor and owns its packages', async () => {
    await withTempDir(async (dir) => {
      await pluginsFolder(dir)
      const jars = await readPluginJars([dir])
      expect(Object.fromEntries(jars.registry)).toEqual({
        Quests: {
          packages: [
            'com.leonardobishop.quests.bukkit',
            'com.leonardobishop.quests.bukkit.hook',
            'com.leonardobishop.quests.common',
            'com.leonardobishop.quests.libs.hikari.pool'
          ]
        },
        CoreProtect: { packages: ['net.coreprotect', 'net.coreprotect.database'] },
        ProtocolLib: { packages: ['com.comphenix.protocol', 'com.comphenix.protocol.events'] },
        DeathTpPlus: {
          packages: ['org.spigotmc.DeathTpPlusRenewed', 'org.spigotmc.DeathTpPlusRenewed.listeners']
        },
        Lithium: {
          packages: ['me.jellysquid.mods.lithium', 'me.jellysquid.mods.lithium.mixin.ai']
        },
        Create: { packages: ['com.simibubi.create.content'] },
        NoDescriptor: { packages: ['dev.example.nodescriptor'] }
      })
      // bStats is in two jars: nobody's; gson is library code
      expect(jars.shared).toEqual(['org.bstats.bukkit'])
      expect(jars.jars).toEqual([
        'CoreProtect-22.2.jar',
        'DeathTpPlus.jar',
        'NoDescriptor-1.4.2-SNAPSHOT.jar',
        'ProtocolLib.jar',
        'Quests-3.15.jar',
        'create-1.20.1-0.5.1.jar',
        'lithium-fabric-mc1.20.4-0.12.1.jar'
      ])
      expect(jars.notes).toHaveLength(2)
      expect(jars.notes[0]).toMatch(
        /^plugin jar .*Broken\.jar could not be read \(.+\): not in the registry$/
      )
      expect(jars.notes[1]).toBe(
        '1 package(s) are in more than one plugin jar and name no plugin (treated as library ' +
          'code): org.bstats.bukkit (CoreProtect, Quests)'
      )
    })
  })

  it('gives a package under a main package to that jar, even when another ships it', async () => {
    await withTempDir(async (dir) => {
      await writeJar(join(dir, 'Movecraft.jar'), {
        descriptors: yml('Movecraft', 'net.countercraft.movecraft.Movecraft'),
        classes: ['net/countercraft/movecraft/Movecraft.class', 'org/bstats/bukkit/Metrics.class']
      })
      // an addon in the parent's namespace, shipping a copy of one of its packages
      await writeJar(join(dir, 'Movecraft-Combat.jar'), {
        descriptors: yml('Movecraft-Combat', 'net.countercraft.movecraft.combat.MovecraftCombat'),
        classes: [
          'net/countercraft/movecraft/combat/MovecraftCombat.class',
          'net/countercraft/movecraft/Movecraft.class',
          'org/bstats/bukkit/Metrics.class'
        ]
      })
      const jars = await readPluginJars([dir])
      expect(Object.fromEntries(jars.registry)).toEqual({
        Movecraft: { packages: ['net.countercraft.movecraft'] },
        'Movecraft-Combat': { packages: ['net.countercraft.movecraft.combat'] }
      })
      expect(jars.shared).toEqual(['org.bstats.bukkit'])
    })
  })

  it('reads two folders, and says when one has no jar', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'plugins'))
      await mkdir(join(dir, 'mods'))
      await mkdir(join(dir, 'empty'))
      await writeJar(join(dir, 'plugins', 'A.jar'), {
        descriptors: yml('Alpha', 'org.alpha.Alpha'),
        classes: ['org/alpha/Alpha.class']
      })
      await writeJar(join(dir, 'mods', 'b.jar'), {
        descriptors: { 'fabric.mod.json': '{"id": "beta"}' },
        classes: ['org/beta/Beta.class']
      })
      const jars = await readPluginJars([
        join(dir, 'plugins'),
        join(dir, 'mods'),
        join(dir, 'empty')
      ])
      expect([...jars.registry.keys()]).toEqual(['Alpha', 'beta'])
      expect(jars.notes).toEqual([`plugins-dir ${join(dir, 'empty')}: no *.jar file`])
    })
  })

  it('does not inflate a descriptor that claims more than the limit', async () => {
    await withTempDir(async (dir) => {
      const huge = `name: Huge\nmain: org.huge.Main\n# ${'x'.repeat(300 * 1024)}\n`
      await writeJar(join(dir, 'Huge-1.0.jar'), {
        descriptors: { 'plugin.yml': huge },
        classes: ['org/huge/Main.class']
      })
      const jars = await readPluginJars([dir])
      expect(jars.registry.size).toBe(0)
      expect(jars.notes[0]).toMatch(/Huge-1\.0\.jar could not be read \(plugin\.yml declares/)
    })
  })

  it('reads only the central directory and the descriptor, whatever the classes hold', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'Plugin.jar')
      await writeJar(path, {
        descriptors: yml('Plugin', 'org.plugin.Main'),
        classes: ['org/plugin/Main.class', 'org/plugin/data/Store.class']
      })
      // corrupt every class's compressed bytes: a reader that inflated them would fail
      const zip = await readFile(path)
      const marker = deflateRawSync(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61]))
      let at = zip.indexOf(marker)
      let corrupted = 0
      while (at >= 0) {
        zip.fill(0xff, at, at + marker.length)
        corrupted++
        at = zip.indexOf(marker, at + marker.length)
      }
      expect(corrupted).toBe(2)
      await writeFile(path, zip)
      const scan = await scanJar(path)
      expect([scan.name, scan.mainPackage, [...scan.packages]]).toEqual([
        'Plugin',
        'org.plugin',
        ['org.plugin', 'org.plugin.data']
      ])
    })
  })

  it('names a jar without a descriptor after its file, without the version', () => {
    expect(nameFromFile('ProtocolLib-5.1.0.jar')).toBe('ProtocolLib')
    expect(nameFromFile('/srv/plugins/worldedit-bukkit-7.2.15.jar')).toBe('worldedit-bukkit')
    expect(nameFromFile('EssentialsX-2.20.1-dev+12-abc.jar')).toBe('EssentialsX')
    expect(nameFromFile('Vault.jar')).toBe('Vault')
    expect(nameFromFile('1.20-fix.JAR')).toBe('1.20-fix')
  })
})

describe('iostorm --plugins-dir', () => {
  it('names the plugins of a run from the jars, and records which jars', async () => {
    await withTempDir(async (dir) => {
      await pluginsFolder(dir)
      const json = join(dir, 'report.json')
      const result = await iostorm([
        'detect',
        'fixtures/runs/s3-quests-coreprotect',
        '--plugins-dir',
        dir,
        '--out-md',
        join(dir, 'report.md'),
        '--out-json',
        json
      ])
      expect(result.stderr).toBe('')
      expect(result.status).toBe(0)
      const report = JSON.parse(await readFile(json, 'utf8'))
      const spikes = report.runs.flatMap(
        (run: { spikes: { top_plugin: string; entry_plugin: string }[] }) => run.spikes
      )
      expect(spikes.length).toBeGreaterThan(0)
      for (const spike of spikes) {
        expect([spike.top_plugin, spike.entry_plugin]).toEqual(['CoreProtect', 'Quests'])
      }
      expect(report.options.plugin_jars).toContain('Quests-3.15.jar')
      expect(report.options.plugin_registry).toMatch(/^[0-9a-f]{16}$/)
      expect(report.notes).toHaveLength(2)
      const markdown = await readFile(join(dir, 'report.md'), 'utf8')
      expect(markdown).toContain('`CoreProtect` called by `Quests`')
      expect(markdown).toMatch(/- plugin jar .*Broken\.jar could not be read/)
    })
  })

  it('is a usage error when the folder does not exist', async () => {
    const result = await iostorm([
      'detect',
      'fixtures/runs/s3-quests-coreprotect',
      '--plugins-dir',
      'no/such/plugins'
    ])
    expect(result.status).toBe(2)
    expect(result.stderr).toBe('iostorm: --plugins-dir no/such/plugins: no such directory\n')
  })

  it('flags a baseline made with other jars', async () => {
    await withTempDir(async (dir) => {
      await pluginsFolder(dir)
      const base = join(dir, 'base.json')
      await iostorm(['detect', 'fixtures/runs/s3-quests-coreprotect', '--out-json', base])
      const result = await iostorm([
        'diff',
        base,
        'fixtures/runs/s3-quests-coreprotect',
        '--plugins-dir',
        dir,
        '--out-json',
        join(dir, 'diff.json')
      ])
      expect(result.status).toBe(0)
      const diff = JSON.parse(await readFile(join(dir, 'diff.json'), 'utf8')).diff
      expect(diff.options_changed).toEqual(['plugin_registry', 'plugin_jars'])
    })
  })
})
