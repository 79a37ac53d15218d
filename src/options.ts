import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { FLOOR_MS } from './analysis/detect.js'
import { NOT_PLUGIN_PREFIXES, parseRegistry, RegistryError } from './analysis/plugins.js'
import {
  DEFAULT_OPTIONS,
  DEFAULT_TICK_THREAD,
  type AnalysisOptions,
  type NamePattern
} from './analysis/analyse-file.js'

/** A configuration mistake: reported as one line, exit status 2 (CLI) or a failed step (action). */
export class UsageError extends Error {}

/** Analysis options as the user typed them (CLI flags or action inputs); empty means default. */
export interface RawAnalysisOptions {
  metric?: string
  thresholdMs?: string
  sigmaMult?: string
  tickThread?: string
  /** Path of a plugin registry JSON file. */
  pluginPackages?: string
  /** Extra not-plugin package prefixes, comma- or newline-separated. */
  notPlugin?: string[]
}

const given = (value: string | undefined) =>
  value !== undefined && value.trim() !== '' ? value.trim() : undefined

function parseNumber(name: string, value: string): number {
  const number = Number(value)
  if (!Number.isFinite(number)) throw new UsageError(`${name} must be a number; got "${value}"`)
  return number
}

/** A plugin registry is a few kilobytes; a file far larger is a mistake, not a registry. */
const REGISTRY_LIMIT = 16 * 1024 * 1024

async function readRegistryFile(path: string): Promise<string> {
  let handle
  try {
    // (without blocking: a FIFO would wait for a writer forever)
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(
      `plugin registry ${path}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'}`
    )
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new UsageError(`plugin registry ${path}: not a regular file`)
    if (info.size > REGISTRY_LIMIT) {
      throw new UsageError(
        `plugin registry ${path}: ${info.size} bytes, more than the ${REGISTRY_LIMIT / 1024 / 1024} MiB a registry may have`
      )
    }
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
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
      `${name} is not a valid regular expression (RE2 syntax: no lookarounds or backreferences): ${error instanceof Error ? error.message : error}`
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
    throw new UsageError(
      `plugin registry ${path}: not valid JSON (${error instanceof Error ? error.message : error})`
    )
  }
  try {
    return parseRegistry(json)
  } catch (error) {
    if (error instanceof RegistryError)
      throw new UsageError(`plugin registry ${path}: ${error.message}`)
    throw error
  }
}

/** Validates user options; throws UsageError with the option's name and what was expected. */
export async function parseAnalysisOptions(
  raw: RawAnalysisOptions,
  names: Record<keyof RawAnalysisOptions, string> = {
    metric: '--metric',
    thresholdMs: '--threshold-ms',
    sigmaMult: '--sigma-mult',
    tickThread: '--tick-thread',
    pluginPackages: '--plugin-packages',
    notPlugin: '--not-plugin'
  }
): Promise<AnalysisOptions> {
  const options: AnalysisOptions = { ...DEFAULT_OPTIONS }
  const metric = given(raw.metric)
  if (metric !== undefined) options.metric = metric

  const threshold = given(raw.thresholdMs)
  if (threshold !== undefined) {
    options.thresholdMs = parseNumber(names.thresholdMs, threshold)
    if (options.thresholdMs < FLOOR_MS) {
      throw new UsageError(
        `${names.thresholdMs} must be at least ${FLOOR_MS} (the ${FLOOR_MS} ms floor is never lowered); got ${threshold}`
      )
    }
  }
  const sigma = given(raw.sigmaMult)
  if (sigma !== undefined) {
    options.sigmaMult = parseNumber(names.sigmaMult, sigma)
    if (options.sigmaMult < 0) {
      throw new UsageError(`${names.sigmaMult} must be zero or more; got ${sigma}`)
    }
  }
  options.tickThread = await threadPattern(
    given(raw.tickThread) ?? DEFAULT_TICK_THREAD,
    names.tickThread
  )
  const registry = given(raw.pluginPackages)
  if (registry !== undefined) options.registry = await loadRegistry(registry)

  const extra = (raw.notPlugin ?? [])
    .flatMap((value) => value.split(/[,\n]/))
    .map((prefix) => prefix.trim())
    .filter((prefix) => prefix !== '')
  if (extra.length > 0) options.notPluginPrefixes = [...NOT_PLUGIN_PREFIXES, ...extra]
  return options
}
