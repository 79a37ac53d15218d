/**
 * The spike scenarios of research/domain.md, written by two different parquet writers, must be
 * attributed exactly as the spec's rules say (truth worked out by hand in the scenario file).
 */
import { describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import { analyseFile, DEFAULT_OPTIONS } from '../src/analysis/analyse-file.js'
import type { RunReport } from '../src/analysis/types.js'
import { scenarios } from '../scripts/fixtures/scenarios.js'
import { SAMPLE_OPTIONS } from './support/engine.js'

const FOLDERS = { 'hyparquet-writer': 'fixtures/runs', duckdb: 'fixtures/duckdb' } as const
const cases = scenarios().flatMap((scenario) =>
  scenario.repeats.map((_, repeat) => ({ scenario, repeat, name: `${scenario.name} #${repeat}` }))
)

function withoutFile(run: RunReport): Omit<RunReport, 'file'> {
  const { file: _file, ...rest } = run
  return rest
}

describe.each(Object.entries(FOLDERS))('files written by %s', (_writer, folder) => {
  it.each(cases)(
    '$name: spikes and attribution with the plugin registry',
    async ({ scenario, repeat }) => {
      const run = await analyseFile(
        join(folder, scenario.name, String(repeat), 'events.parquet'),
        SAMPLE_OPTIONS
      )
      const expected = scenario.expected[repeat]
      expect(run.metric).toBe(scenario.metric)
      expect(run.run_id).toBe(scenario.name)
      expect(run.repeat).toBe(repeat)
      expect(
        run.spikes.map((spike) => ({
          value_ms: spike.value_ms,
          top_thread: spike.top_thread,
          top_plugin: spike.top_plugin,
          entry_plugin: spike.entry_plugin,
          via_plugin: spike.via_plugin,
          first_syscall: spike.first_syscall,
          first_syscall_scope: spike.first_syscall_scope,
          top_path: spike.top_path,
          top_device: spike.top_device,
          signature: spike.signature
        }))
      ).toEqual(
        expected.map((spike) => ({
          value_ms: spike.value_ms,
          top_thread: spike.top_thread,
          top_plugin: spike.top_plugin[0],
          entry_plugin: spike.entry_plugin[0],
          via_plugin: spike.via_plugin?.[0] ?? null,
          first_syscall: spike.first_syscall,
          first_syscall_scope: spike.first_syscall_scope,
          top_path: spike.top_path,
          top_device: spike.top_device,
          signature: `${spike.top_plugin[0] ?? '-'}|${spike.first_syscall ?? '-'}`
        }))
      )
    }
  )

  it.each(cases)(
    '$name: plugins named from packages without a registry',
    async ({ scenario, repeat }) => {
      const run = await analyseFile(
        join(folder, scenario.name, String(repeat), 'events.parquet'),
        DEFAULT_OPTIONS
      )
      expect(
        run.spikes.map((spike) => [
          spike.top_plugin,
          spike.entry_plugin,
          spike.via_plugin,
          spike.signature
        ])
      ).toEqual(
        scenario.expected[repeat].map((spike) => [
          spike.top_plugin[1],
          spike.entry_plugin[1],
          spike.via_plugin?.[1] ?? null,
          `${spike.top_plugin[1] ?? '-'}|${spike.first_syscall ?? '-'}`
        ])
      )
    }
  )
})

describe('both writers', () => {
  it.each(cases)(
    '$name: identical reports from hyparquet-writer and DuckDB files',
    async ({ scenario, repeat }) => {
      const relative = join(scenario.name, String(repeat), 'events.parquet')
      const [fromJs, fromDuck] = await Promise.all(
        Object.values(FOLDERS).map((folder) => analyseFile(join(folder, relative), SAMPLE_OPTIONS))
      )
      expect(withoutFile(fromDuck)).toEqual(withoutFile(fromJs))
    }
  )
})
