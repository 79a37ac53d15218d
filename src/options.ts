import { createHash } from 'node:crypto'
import type { ReportOptions } from './analysis/types.js'
import { FLOOR_MS, MSPT_METRICS } from './analysis/detect.js'
import {
  BUILT_IN_LIBRARY_PLUGINS,
  NOT_PLUGIN_PREFIXES,
  parseRegistry,
  RegistryError,
  type PluginRegistry
} from './analysis/plugins.js'
import {
  DEFAULT_OPTIONS,
  DEFAULT_TICK_THREAD,
  type AnalysisOptions,
  type NamePattern
} from './analysis/analyse-file.js'
import { DEFAULT_SETTINGS, type VerdictSettings } from './analysis/verdict.js'
import { errorMessage } from './errors.js'
import { readSmallFile, SmallFileError } from './files.js'
import type { DatabaseInput } from './pipeline.js'

/** A configuration mistake: reported as one line, exit status 2 (CLI) or a failed step (action). */
export class UsageError extends Error {}

function parseNumber(label: string, value: string): number {
  const number = Number(value)
  if (!Number.isFinite(number)) throw new UsageError(`${label} must be a number; got "${value}"`)
  return number
}

/** A plugin registry is a few kilobytes; a file far larger is a mistake, not a registry. */
const REGISTRY_LIMIT = 16 * 1024 * 1024

async function readRegistryFile(path: string): Promise<string> {
  try {
    return await readSmallFile(path, REGISTRY_LIMIT, 'a registry')
  } catch (error) {
    if (error instanceof SmallFileError)
      throw new UsageError(`plugin registry ${path}: ${error.message}`)
    throw error
  }
}

/**
 * A user's thread-name pattern runs against every thread name of the telemetry: it is compiled by
 * RE2 (re2js), whose matching time is linear, so no pattern can hang the analysis on a long name
 * (`^(a+)+$` would with JavaScript's backtracking RegExp). The default needs no such care.
 */
async function threadPattern(source: string, name: string): Promise<NamePattern> {
  if (source === DEFAULT_TICK_THREAD) return new RegExp(source)
  const { RE2JS } = await import('re2js')
  let compiled
  try {
    compiled = RE2JS.compile(source)
  } catch (error) {
    throw new UsageError(
      `${name} is not a valid regular expression (RE2 syntax: no lookarounds or backreferences): ${errorMessage(error)}`
    )
  }
  return { source, test: (value: string) => compiled.test(value) }
}

async function loadRegistry(path: string): Promise<AnalysisOptions['registry']> {
  const content = await readRegistryFile(path)
  let json: unknown
  try {
    json = JSON.parse(content)
  } catch (error) {
    throw new UsageError(`plugin registry ${path}: not valid JSON (${errorMessage(error)})`)
  }
  try {
    return parseRegistry(json)
  } catch (error) {
    if (error instanceof RegistryError)
      throw new UsageError(`plugin registry ${path}: ${error.message}`)
    throw error
  }
}

/** How an option's value is given: one value, or a list (repeatable flag, newline/comma input). */
type OptionKind = 'value' | 'list'

/**
 * One analysis option, described once: the CLI flag and the action input share its name, the
 * usage text and action.yml's description are its help, and `report` says how it is recorded in
 * a report's `options` (a baseline made with another value is flagged). Adding an option is one
 * entry here, its use in the analysis, and a test (CONTRIBUTING.md).
 */
interface OptionSpec<Target = AnalysisOptions> {
  /** Flag (`--name`) and action input (`name`). */
  name: string
  /** The key of a raw value in RawAnalysisOptions. */
  raw: string
  kind: OptionKind
  /** What the usage text shows after the flag. */
  argument: string
  /** One line for `iostorm --help` and action.yml. */
  help: string
  /** The action input's default as action.yml gives it ('' when the option is unset). */
  default: string
  /** A file path: the action resolves it in the workspace. */
  path?: boolean
  /** Sets the option from the value given; throws UsageError naming `label`. */
  parse(value: string | string[], label: string, target: Target): Promise<void> | void
  /** Its key and value in a report's `options` (analysis options: they change signatures). */
  report: Target extends AnalysisOptions
    ? { key: keyof ReportOptions; value(options: AnalysisOptions): unknown }
    : undefined
}

const trimmed = (value: string | string[]) =>
  (Array.isArray(value) ? value.join(',') : value).trim()

/** The items of a list option: repeated flags, each comma- or newline-separated, trimmed. */
const items = (value: string | string[]) =>
  (Array.isArray(value) ? value : [value])
    .flatMap((item) => item.split(/[,\n]/))
    .map((item) => item.trim())
    .filter((item) => item !== '')

/** The folders of a path list: repeated flags or input lines (a folder name may hold a comma). */
const folders = (value: string | string[]) =>
  (Array.isArray(value) ? value : value.split('\n'))
    .map((item) => item.trim())
    .filter((item) => item !== '')

export const ANALYSIS_OPTIONS: readonly OptionSpec<AnalysisOptions>[] = [
  {
    name: 'metric',
    raw: 'metric',
    kind: 'value',
    argument: 'NAME',
    help: `L0 metric to detect on (default: first of ${MSPT_METRICS.join(', ')})`,
    default: '',
    parse(value, _label, options) {
      options.metric = trimmed(value)
    },
    report: { key: 'metric', value: (options) => options.metric ?? null }
  },
  {
    name: 'threshold-ms',
    raw: 'thresholdMs',
    kind: 'value',
    argument: 'N',
    help: `spike floor in ms, at least ${FLOOR_MS} (default ${FLOOR_MS})`,
    default: String(FLOOR_MS),
    parse(value, label, options) {
      options.thresholdMs = parseNumber(label, trimmed(value))
      if (options.thresholdMs < FLOOR_MS) {
        throw new UsageError(
          `${label} must be at least ${FLOOR_MS} (the ${FLOOR_MS} ms floor is never lowered); got ${trimmed(value)}`
        )
      }
    },
    report: { key: 'threshold_ms', value: (options) => options.thresholdMs }
  },
  {
    name: 'sigma-mult',
    raw: 'sigmaMult',
    kind: 'value',
    argument: 'K',
    help: `threshold = max(floor, p95 + K·σ) (default ${DEFAULT_OPTIONS.sigmaMult})`,
    default: String(DEFAULT_OPTIONS.sigmaMult),
    parse(value, label, options) {
      options.sigmaMult = parseNumber(label, trimmed(value))
      if (options.sigmaMult < 0) {
        throw new UsageError(`${label} must be zero or more; got ${trimmed(value)}`)
      }
    },
    report: { key: 'sigma_mult', value: (options) => options.sigmaMult }
  },
  {
    name: 'spread',
    raw: 'spread',
    kind: 'value',
    argument: 'stddev|mad',
    help: 'σ as the standard deviation (default) or 1.4826 × the median absolute deviation',
    default: 'stddev',
    parse(value, label, options) {
      const spread = trimmed(value)
      if (spread !== 'stddev' && spread !== 'mad') {
        throw new UsageError(`${label} must be stddev or mad; got "${spread}"`)
      }
      options.spread = spread
    },
    report: { key: 'spread', value: (options) => options.spread }
  },
  {
    name: 'tick-thread',
    raw: 'tickThread',
    kind: 'value',
    argument: 'REGEX',
    help: `thread names that tick the server, RE2 syntax (default ${DEFAULT_TICK_THREAD})`,
    default: DEFAULT_TICK_THREAD,
    async parse(value, label, options) {
      options.tickThread = await threadPattern(trimmed(value), label)
    },
    report: { key: 'tick_thread', value: (options) => options.tickThread.source }
  },
  {
    name: 'plugin-packages',
    raw: 'pluginPackages',
    kind: 'value',
    argument: 'FILE',
    help: 'JSON registry: { "PluginName": ["package.prefix", …] }',
    default: '',
    path: true,
    async parse(value, _label, options) {
      options.registry = await loadRegistry(trimmed(value))
    },
    report: { key: 'plugin_registry', value: registryDigest }
  },
  {
    name: 'not-plugin',
    raw: 'notPlugin',
    kind: 'list',
    argument: 'PREFIXES',
    help: 'extra comma-separated package prefixes that are never plugin code',
    default: '',
    parse(value, _label, options) {
      const extra = items(value)
      if (extra.length > 0) options.notPluginPrefixes = [...NOT_PLUGIN_PREFIXES, ...extra]
    },
    report: {
      key: 'not_plugin',
      value: (options) =>
        options.notPluginPrefixes.filter((prefix) => !NOT_PLUGIN_PREFIXES.includes(prefix))
    }
  },
  {
    name: 'library-plugins',
    raw: 'libraryPlugins',
    kind: 'list',
    argument: 'NAMES',
    help: 'more comma-separated plugin names that are libraries (passed over); none: no built-in ones',
    default: '',
    parse(value, _label, options) {
      const names = items(value)
      const none = (name: string) => name.toLowerCase() === 'none'
      options.libraries = { builtIn: !names.some(none), extra: names.filter((name) => !none(name)) }
    },
    report: { key: 'library_plugins', value: libraryNames }
  },
  {
    name: 'plugins-dir',
    raw: 'pluginsDir',
    kind: 'list',
    argument: 'DIR',
    help: "name plugins from the *.jar files in DIR, the server's plugins/ or mods/ (repeatable; input: one a line)",
    default: '',
    path: true,
    async parse(value, label, options) {
      const { readPluginJars, PluginsDirError } = await import('./telemetry/plugin-jars.js')
      try {
        options.pluginJars = await readPluginJars(folders(value), options.notPluginPrefixes)
      } catch (error) {
        if (error instanceof PluginsDirError) throw new UsageError(`${label} ${error.message}`)
        throw error
      }
    },
    report: { key: 'plugin_jars', value: (options) => options.pluginJars?.jars.slice() ?? null }
  }
]

/** Library plugins by name as a report records them: the built-in ones, then those added. */
function libraryNames(options: AnalysisOptions): string[] {
  const builtIn = options.libraries.builtIn ? [...BUILT_IN_LIBRARY_PLUGINS.keys()] : []
  return [...new Set([...builtIn, ...options.libraries.extra])]
}

/** A number option of a settings object, checked against its range (verdict and tail options). */
function numberOption<Settings, Key extends keyof Settings & string>(
  name: string,
  raw: string,
  key: Key,
  defaults: Settings,
  help: string,
  check: (value: number) => boolean,
  expected: string
): OptionSpec<Settings> {
  return {
    name,
    raw,
    kind: 'value',
    argument: 'N',
    help,
    default: String(defaults[key]),
    parse(value, label, settings) {
      const number = parseNumber(label, trimmed(value))
      if (!check(number))
        throw new UsageError(`${label} must be ${expected}; got ${trimmed(value)}`)
      ;(settings as Record<Key, unknown>)[key] = number
    },
    // verdict and tail options judge or follow; they are not analysis options a report records
    report: undefined as OptionSpec<Settings>['report']
  }
}

/** A number option of the verdict, checked against its range. */
function verdictNumber(
  name: string,
  raw: string,
  key: 'minRepeats' | 'alpha' | 'regressionAlpha' | 'frequencyRatio' | 'lengthRatio',
  help: string,
  check: (value: number) => boolean,
  expected: string
): OptionSpec<VerdictSettings> {
  return numberOption(name, raw, key, DEFAULT_SETTINGS, help, check, expected)
}

/**
 * The verdict's options (docs/analysis.md, "Diff and verdict"): what fails the step and the
 * thresholds of the tests. They judge signatures, so a baseline made with other values is still
 * comparable; the diff records them (`verdict_options`).
 */
export const VERDICT_OPTIONS: readonly OptionSpec<VerdictSettings>[] = [
  {
    name: 'fail-on',
    raw: 'failOn',
    kind: 'value',
    argument: 'new|regression|never',
    help: 'what fails: confirmed new signatures (default), also more frequent or worse ones, or nothing',
    default: DEFAULT_SETTINGS.failOn,
    parse(value, label, settings) {
      const failOn = trimmed(value)
      if (failOn !== 'new' && failOn !== 'regression' && failOn !== 'never') {
        throw new UsageError(`${label} must be new, regression or never; got "${failOn}"`)
      }
      settings.failOn = failOn
    },
    report: undefined
  },
  verdictNumber(
    'min-repeats',
    'minRepeats',
    'minRepeats',
    `head repeats a new signature must appear in to be confirmed (default ${DEFAULT_SETTINGS.minRepeats})`,
    (value) => Number.isInteger(value) && value >= 1,
    'a whole number, at least 1'
  ),
  verdictNumber(
    'alpha',
    'alpha',
    'alpha',
    `significance level that confirms a new signature (default ${DEFAULT_SETTINGS.alpha})`,
    (value) => value > 0 && value < 1,
    'between 0 and 1'
  ),
  verdictNumber(
    'regression-alpha',
    'regressionAlpha',
    'regressionAlpha',
    `significance level of more frequent and worse (default ${DEFAULT_SETTINGS.regressionAlpha})`,
    (value) => value > 0 && value < 1,
    'between 0 and 1'
  ),
  verdictNumber(
    'frequency-ratio',
    'frequencyRatio',
    'frequencyRatio',
    `spikes per repeat against the history's that make "more frequent" (default ${DEFAULT_SETTINGS.frequencyRatio})`,
    (value) => value >= 1,
    'at least 1'
  ),
  verdictNumber(
    'length-ratio',
    'lengthRatio',
    'lengthRatio',
    `typical spike length against the history's that makes "worse" (default ${DEFAULT_SETTINGS.lengthRatio})`,
    (value) => value >= 1,
    'at least 1'
  )
]

/** Validates the verdict options given; the others keep `defaults`. */
export async function parseVerdictOptions(
  raw: RawAnalysisOptions,
  label: (name: string) => string = (name) => `--${name}`,
  defaults: VerdictSettings = DEFAULT_SETTINGS
): Promise<VerdictSettings> {
  const settings: VerdictSettings = { ...defaults }
  for (const spec of VERDICT_OPTIONS) {
    const value = raw[spec.raw]
    if (isGiven(value)) await spec.parse(value, label(spec.name), settings)
  }
  return settings
}

/** Analysis options as the user typed them (CLI flags or action inputs), by their `raw` key. */
export type RawAnalysisOptions = Record<string, string | string[] | undefined>

const isGiven = (value: string | string[] | undefined): value is string | string[] =>
  value !== undefined && (Array.isArray(value) ? value.length > 0 : value.trim() !== '')

/**
 * Validates the options given (the others keep their defaults); throws UsageError naming the
 * option as the user knows it: `label(name)`, `--name` by default.
 */
export async function parseAnalysisOptions(
  raw: RawAnalysisOptions,
  label: (name: string) => string = (name) => `--${name}`
): Promise<AnalysisOptions> {
  const options: AnalysisOptions = { ...DEFAULT_OPTIONS }
  for (const spec of ANALYSIS_OPTIONS) {
    const value = raw[spec.raw]
    if (isGiven(value)) await spec.parse(value, label(spec.name), options)
  }
  return options
}

/** Package prefix → plugin name pairs of a registry, by prefix. */
function prefixPairs(registry: PluginRegistry): [string, string][] {
  return [...registry]
    .flatMap(([name, entry]) => entry.packages.map((prefix): [string, string] => [prefix, name]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * A digest of the registry the plugins were named with: the user's and the one from the jars. A
 * registry of plain prefix lists keeps the digest of the first version (same pairs, same JSON).
 */
function registryDigest(options: AnalysisOptions): string | null {
  const explicit = prefixPairs(options.registry)
  const library = [...options.registry]
    .filter(([, entry]) => entry.library !== undefined)
    .map(([name, entry]) => [name, entry.library])
  const jars = options.pluginJars
  if (explicit.length === 0 && library.length === 0 && !jars) return null
  const content =
    library.length === 0 && !jars
      ? explicit
      : { explicit, library, jars: jars ? prefixPairs(jars.registry) : [], shared: jars?.shared }
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16)
}

/** Notes about the options the report was made with: what reading the plugin jars found. */
export function optionNotes(options: AnalysisOptions): string[] {
  return options.pluginJars ? [...options.pluginJars.notes] : []
}

/** The options as a report records them. */
export function describeOptions(options: AnalysisOptions): ReportOptions {
  return Object.fromEntries(
    ANALYSIS_OPTIONS.map((spec) => [spec.report.key, spec.report.value(options)])
  ) as unknown as ReportOptions
}

/**
 * Names of the report options that differ between a baseline and the head: signatures may differ
 * only because of them. Options missing on either side (older reports) are not compared.
 */
export function changedOptions(
  base: Partial<ReportOptions> | undefined,
  head: Partial<ReportOptions> | undefined
): string[] {
  if (!base || !head) return []
  return ANALYSIS_OPTIONS.map((spec) => spec.report.key).filter(
    (key) => key in base && key in head && JSON.stringify(base[key]) !== JSON.stringify(head[key])
  )
}

/** The usage lines of the analysis options, aligned, for `iostorm --help`. */
export function optionsUsage(
  specs: readonly Pick<OptionSpec, 'name' | 'argument' | 'help'>[] = ANALYSIS_OPTIONS
): string {
  return specs
    .map((spec) => {
      const flag = `--${spec.name} ${spec.argument}`
      // a flag too long for its column puts its help on the next line, under the others' help
      return flag.length < 24
        ? `  ${flag.padEnd(24)}${spec.help}`
        : `  ${flag}\n${' '.repeat(26)}${spec.help}`
    })
    .join('\n')
}

/**
 * Where run ids are read from when they are in plugbench's PostgreSQL sidecar (docs/postgres.md).
 * Not analysis options: the same rows give the same report from either source.
 */
export const DATABASE_OPTIONS = [
  {
    name: 'dsn',
    argument: 'URL',
    help: 'PostgreSQL sidecar: a target that is not a path is a run id in it (default: $IOSTORM_PG_DSN)'
  },
  {
    name: 'pg-schema',
    argument: 'NAME',
    help: "schema of the sidecar's tables (default: the connection's search path)"
  }
] as const

/** The database the flags or IOSTORM_PG_DSN name; undefined when neither does. */
export function databaseInput(
  values: { dsn?: string; 'pg-schema'?: string },
  env: NodeJS.ProcessEnv
): DatabaseInput | undefined {
  const dsn = values.dsn || env.IOSTORM_PG_DSN || undefined
  if (dsn === undefined) {
    if (values['pg-schema'] !== undefined)
      throw new UsageError('--pg-schema needs --dsn or IOSTORM_PG_DSN')
    return undefined
  }
  return { dsn, schema: values['pg-schema'] || undefined }
}

/** What `iostorm tail` polls and prints (docs/postgres.md); the analysis options apply too. */
export interface TailSettings {
  intervalS: number
  windowS: number
  heartbeatEvery: number
  from: 'start' | 'now'
}

export const DEFAULT_TAIL_SETTINGS: TailSettings = {
  intervalS: 5,
  windowS: 300,
  heartbeatEvery: 1,
  from: 'now'
}

function tailNumber(
  name: string,
  key: 'intervalS' | 'windowS' | 'heartbeatEvery',
  help: string,
  check: (value: number) => boolean,
  expected: string
): OptionSpec<TailSettings> {
  return numberOption(name, key, key, DEFAULT_TAIL_SETTINGS, help, check, expected)
}

export const TAIL_OPTIONS: readonly OptionSpec<TailSettings>[] = [
  tailNumber(
    'interval-s',
    'intervalS',
    `seconds between polls (default ${DEFAULT_TAIL_SETTINGS.intervalS})`,
    (value) => value >= 0.05 && value <= 86_400,
    'between 0.05 and 86400'
  ),
  tailNumber(
    'window-s',
    'windowS',
    `rolling window of the threshold, seconds (default ${DEFAULT_TAIL_SETTINGS.windowS})`,
    (value) => value > 0 && value <= 30 * 86_400,
    'more than 0 and at most 30 days'
  ),
  tailNumber(
    'heartbeat-every',
    'heartbeatEvery',
    `a heartbeat line every N polls, 0 for none (default ${DEFAULT_TAIL_SETTINGS.heartbeatEvery})`,
    (value) => Number.isInteger(value) && value >= 0,
    'a whole number, 0 or more'
  ),
  {
    name: 'from',
    raw: 'from',
    kind: 'value',
    argument: 'start|now',
    help: 'read runs from their first row, or only rows that arrive after tail started (default)',
    default: DEFAULT_TAIL_SETTINGS.from,
    parse(value, label, settings) {
      const from = trimmed(value)
      if (from !== 'start' && from !== 'now') {
        throw new UsageError(`${label} must be start or now; got "${from}"`)
      }
      settings.from = from
    },
    report: undefined
  }
]

export async function parseTailOptions(raw: RawAnalysisOptions): Promise<TailSettings> {
  const settings: TailSettings = { ...DEFAULT_TAIL_SETTINGS }
  for (const spec of TAIL_OPTIONS) {
    const value = raw[spec.raw]
    if (isGiven(value)) await spec.parse(value, `--${spec.name}`, settings)
  }
  return settings
}
