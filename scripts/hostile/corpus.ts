/**
 * What a hostile case is, and what building one may use: the corpus directory, the good file and
 * its report, the base parquet files, and a random generator seeded by the case's name (so a case
 * comes out the same whether it is built alone or with all the others).
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { rng } from '../fixtures/simulate.js'
import { PLAIN_TEXT, plantedRun, writeBase, writeRows, type BaseKind } from './tables.js'
import type { JudgedCall } from './verdict.js'

export const GROUPS = [
  'control',
  'row-counts',
  'page-sizes',
  'value-counts',
  'dictionary',
  'truncation',
  'byte-flips',
  'semantic',
  'filesystem',
  'options',
  'stored-reports',
  'injection'
] as const
export type Group = (typeof GROUPS)[number]

/** One CLI invocation (without --out-json/--out-md, which the runner adds) and how to judge it. */
export interface Call extends Omit<JudgedCall, 'goodFile'> {
  args: string[]
}

export interface HostileCase {
  group: Group
  name: string
  /** Writes the case's files under `dir` (its own, empty) and says how to call the CLI. */
  build(context: CorpusContext, dir: string): Promise<Call>
}

/** The corpus-wide seed: change it to get another corpus of the same shape. */
export const CORPUS_SEED = 20_240_611

function seedOf(name: string): number {
  let hash = 0x811c9dc5 ^ CORPUS_SEED
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193)
  return hash >>> 0
}

export class CorpusContext {
  private readonly bases = new Map<BaseKind, Promise<string>>()
  private small?: Promise<string>

  constructor(
    /** Where the corpus is written. */
    readonly root: string,
    /** The good events file every case runs beside (absolute). */
    readonly goodFile: string,
    /** The good file's JSON report, written by the runner's baseline run. */
    readonly goodReport: string
  ) {}

  random(name: string): () => number {
    return rng(seedOf(name))
  }

  basePath(kind: BaseKind): Promise<string> {
    let path = this.bases.get(kind)
    if (!path) {
      const target = join(this.root, 'bases', `${kind}.parquet`)
      path = mkdir(join(this.root, 'bases'), { recursive: true })
        .then(() => writeBase(kind, target))
        .then(() => target)
      this.bases.set(kind, path)
    }
    return path
  }

  async base(kind: BaseKind): Promise<Uint8Array> {
    return new Uint8Array(await readFile(await this.basePath(kind)))
  }

  /** A small valid events file (a planted spike), copied where a case needs one. */
  async copyValidFile(to: string): Promise<void> {
    this.small ??= (async () => {
      const path = join(this.root, 'bases', 'planted.parquet')
      await mkdir(join(this.root, 'bases'), { recursive: true })
      await writeRows(path, plantedRun(this.random('planted'), PLAIN_TEXT))
      return path
    })()
    await copyFile(await this.small, to)
  }

  async goodReportJson(): Promise<Record<string, unknown>> {
    return JSON.parse(await readFile(this.goodReport, 'utf8')) as Record<string, unknown>
  }
}

/** `detect <good> <hostile> [extra]`: the usual call. */
export function beside(context: CorpusContext, hostile: string, extra: string[] = []): Call {
  return {
    args: ['detect', context.goodFile, hostile, ...extra],
    culprit: hostile,
    stage: 'input',
    goodInReport: true
  }
}
