/**
 * The analysis options are one table (src/options.ts): the CLI's flags and usage, the action's
 * inputs, a report's `options` and the baseline's "options changed" all come from it. These tests
 * hold the places that cannot import it — action.yml and the report schema — to the table.
 */
import { describe, expect, it } from '@jest/globals'
import schema from '../schema/report.schema.json' with { type: 'json' }
import { DEFAULT_OPTIONS } from '../src/analysis/analyse-file.js'
import {
  ANALYSIS_OPTIONS,
  changedOptions,
  describeOptions,
  optionsUsage,
  parseAnalysisOptions,
  parseVerdictOptions,
  VERDICT_OPTIONS
} from '../src/options.js'
import { DEFAULT_SETTINGS } from '../src/analysis/verdict.js'
import { actionManifest } from './support/action-runner.js'

describe('the analysis options table', () => {
  it('is what action.yml declares: one input per option, its help and its default', async () => {
    const { inputs } = await actionManifest()
    for (const spec of [...ANALYSIS_OPTIONS, ...VERDICT_OPTIONS]) {
      expect({ name: spec.name, ...inputs[spec.name] }).toEqual({
        name: spec.name,
        description: spec.help,
        default: spec.default
      })
    }
  })

  it('gives a default that parses to the analysis default', async () => {
    const raw = Object.fromEntries(ANALYSIS_OPTIONS.map((spec) => [spec.raw, spec.default]))
    expect(describeOptions(await parseAnalysisOptions(raw))).toEqual(
      describeOptions(DEFAULT_OPTIONS)
    )
  })

  it('lists every option in the usage text, and records every one in a report', () => {
    const usage = optionsUsage()
    const recorded = Object.keys(describeOptions(DEFAULT_OPTIONS))
    for (const spec of ANALYSIS_OPTIONS) {
      expect(usage).toContain(`--${spec.name} ${spec.argument}`)
      expect(recorded).toContain(spec.report.key)
      expect(Object.keys(schema.properties.options.properties)).toContain(spec.report.key)
    }
  })

  it('flags a baseline made with another value of any option', async () => {
    const base = describeOptions(DEFAULT_OPTIONS)
    const head = describeOptions(
      await parseAnalysisOptions({ sigmaMult: '4', notPlugin: ['com.example.'] })
    )
    expect(changedOptions(base, head)).toEqual(['sigma_mult', 'not_plugin'])
    // an older report without a field is not compared on it
    const { sigma_mult: _dropped, ...older } = base
    expect(changedOptions(older, head)).toEqual(['not_plugin'])
  })

  it('adds library plugins by name, or switches the built-in ones off', async () => {
    const added = await parseAnalysisOptions({ libraryPlugins: ['MyFramework, Other', 'Third'] })
    expect(added.libraries).toEqual({ builtIn: true, extra: ['MyFramework', 'Other', 'Third'] })
    expect(describeOptions(added).library_plugins).toEqual([
      'ProtocolLib',
      'PlaceholderAPI',
      'Vault',
      'MassiveCore',
      'BKCommonLib',
      'PacketEvents',
      'NBTAPI',
      'MyFramework',
      'Other',
      'Third'
    ])
    const off = await parseAnalysisOptions({ libraryPlugins: 'None,MyFramework' })
    expect(off.libraries).toEqual({ builtIn: false, extra: ['MyFramework'] })
    expect(changedOptions(describeOptions(DEFAULT_OPTIONS), describeOptions(off))).toEqual([
      'library_plugins'
    ])
  })

  it('names the option as the user gave it in errors', async () => {
    await expect(parseAnalysisOptions({ thresholdMs: '20' })).rejects.toThrow(
      '--threshold-ms must be at least 50'
    )
    await expect(
      parseAnalysisOptions({ sigmaMult: 'x' }, (name) => `input "${name}"`)
    ).rejects.toThrow('input "sigma-mult" must be a number; got "x"')
  })

  it('gives verdict defaults that parse to the verdict defaults', async () => {
    const raw = Object.fromEntries(VERDICT_OPTIONS.map((spec) => [spec.raw, spec.default]))
    expect(await parseVerdictOptions(raw)).toEqual(DEFAULT_SETTINGS)
    await expect(parseVerdictOptions({ failOn: 'sometimes' })).rejects.toThrow(
      '--fail-on must be new, regression or never; got "sometimes"'
    )
    await expect(parseVerdictOptions({ minRepeats: '1.5' })).rejects.toThrow(
      '--min-repeats must be a whole number, at least 1; got 1.5'
    )
  })
})
