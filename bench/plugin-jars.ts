/**
 * How long building the plugin registry from a plugins/ folder takes (docs/performance.md): 200
 * jars of 2,000 classes each, read as `--plugins-dir` reads them. Prints figures; not a test.
 *
 *   node scripts/run-ts.mjs bench/plugin-jars.ts [jars] [classes]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readPluginJars } from '../src/telemetry/plugin-jars.js'
import { classesUnder, writeJar } from '../scripts/fixtures/jars.js'

export async function main(args: string[]): Promise<number> {
  const jars = Number(args[0] ?? 200)
  const classes = Number(args[1] ?? 2000)

  const dir = await mkdtemp(join(tmpdir(), 'iostorm-jars-'))
  try {
    let bytes = 0
    for (let j = 0; j < jars; j++) {
      const path = join(dir, `Plugin${j}-1.${j}.0.jar`)
      const root = `com/example/plugin${j}`
      await writeJar(path, {
        descriptors: { 'plugin.yml': `name: Plugin${j}\nmain: com.example.plugin${j}.Main\n` },
        // the plugin's own packages and a relocated library, as a shaded jar has them
        classes: [
          ...classesUnder(root, classes * 0.75, 30),
          ...classesUnder(`${root}/libs/hikari`, classes * 0.25, 8)
        ],
        compress: false
      })
      bytes += (await stat(path)).size
    }
    const runs: number[] = []
    const cpu: number[] = []
    let result
    for (let run = 0; run < 5; run++) {
      const started = process.hrtime.bigint()
      const cpuStarted = process.cpuUsage()
      result = await readPluginJars([dir])
      runs.push(Number(process.hrtime.bigint() - started) / 1e6)
      const used = process.cpuUsage(cpuStarted)
      cpu.push((used.user + used.system) / 1000)
    }
    const sorted = [...runs].sort((a, b) => a - b)
    console.log(
      `${jars} jars × ${classes} classes (${(bytes / 1024 / 1024).toFixed(1)} MiB): ` +
        `registry of ${result?.registry.size} plugins; scan ${sorted.map((ms) => ms.toFixed(0)).join(', ')} ms ` +
        `(median ${sorted[2].toFixed(0)} ms, first run ${runs[0].toFixed(0)} ms); ` +
        `CPU time ${cpu.map((ms) => ms.toFixed(0)).join(', ')} ms (the machine's other load left out)`
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return 0
}
