/**
 * apache/parquet-testing's files (../shared/corpus): valid files from many writers and malformed
 * ones from real bug reports. None is an events table; each must be read or rejected with one line
 * naming the file, without crashing, hanging or taking other files' results down.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { describeWithShared, SHARED } from './support/shared.js'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { analyseFile } from '../src/analysis/analyse-file.js'
import { EventsFileError, openParquet, readGroup } from '../src/telemetry/parquet-file.js'
import { iostorm } from './support/cli.js'
import { options } from './support/engine.js'

const CORPUS = `${SHARED}/corpus/parquet-testing`
const files = (existsSync(CORPUS) ? ['data', 'data/geospatial', 'bad_data'] : [])
  .flatMap((folder) =>
    readdirSync(join(CORPUS, folder))
      .filter((name) => name.endsWith('.parquet'))
      .map((name) => join(CORPUS, folder, name))
  )
  .sort()

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => void unhandled.push(reason)
beforeAll(() => void process.on('unhandledRejection', onUnhandled))
afterAll(() => void process.off('unhandledRejection', onUnhandled))

/** Decodes every top-level column of every row group; returns 'read' or the one-line error. */
async function decodeEverything(path: string): Promise<string> {
  const file = await openParquet(path)
  try {
    const columns = [...new Set(file.metadata.schema.slice(1).map((element) => element.name))]
    const topLevel = columns.filter((name) =>
      file.metadata.row_groups[0]?.columns.some(
        (chunk) => chunk.meta_data?.path_in_schema[0] === name
      )
    )
    let rowStart = 0
    for (const [index, group] of file.metadata.row_groups.entries()) {
      const rowCount = Number(group.num_rows)
      await readGroup(file, { index, rowStart, rowCount }, topLevel, () => undefined)
      rowStart += rowCount
    }
    return 'read'
  } finally {
    await file.close()
  }
}

describeWithShared('the parquet-testing corpus', () => {
  it('has files to test', () => {
    expect(files.length).toBeGreaterThan(80)
  })

  it('decodes each file whole or rejects it with one line naming it', async () => {
    const outcomes = new Map<string, string>()
    const strays: unknown[] = []
    for (const path of files) {
      outcomes.set(
        path,
        await decodeEverything(path).catch((error: unknown) => {
          if (!(error instanceof EventsFileError)) strays.push(error)
          return (error as Error).message
        })
      )
    }
    expect(strays).toEqual([])
    for (const [path, outcome] of outcomes) {
      expect(
        outcome === 'read' || (outcome.startsWith(`${path}: `) && !outcome.includes('\n'))
      ).toBe(true)
    }
    const read = [...outcomes.values()].filter((outcome) => outcome === 'read').length
    // most valid files decode; the malformed ones that hyparquet cannot survive are rejected
    expect(read).toBeGreaterThan(60)
    const outcome = (name: string) => outcomes.get(join(CORPUS, 'bad_data', name))
    expect(outcome('PARQUET-1481.parquet')).toMatch(/: corrupt parquet footer \(/)
    expect(outcome('ARROW-GH-41317.parquet')).toMatch(
      /: corrupt data in column "\w+", row group 0 \(/
    )
    expect(outcome('ARROW-RS-GH-6229-LEVELS.parquet')).toMatch(/: corrupt data in column "outer"/)
    await new Promise((resolve) => setImmediate(resolve))
    expect(unhandled).toEqual([])
  }, 120_000)

  it('is never mistaken for an events table', async () => {
    for (const path of files) {
      const error = await analyseFile(path, options()).then(
        () => undefined,
        (caught: unknown) => caught
      )
      expect(error).toBeInstanceOf(EventsFileError)
      expect((error as Error).message).toMatch(
        new RegExp(`^${path.replace(/[.]/g, '\\.')}: [^\\n]+$`)
      )
    }
  }, 120_000)

  it('does not take the results of a good file down with it', async () => {
    const result = await iostorm(['detect', ...files, 'fixtures/runs/s2-player-quit'])
    expect(result.status).toBe(2)
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(files.length)
    lines.forEach((line, index) => expect(line.startsWith(`iostorm: ${files[index]}: `)).toBe(true))
    expect(result.stdout).toContain('s2-player-quit #0')
    expect(result.stdout).toContain('**1 spike** in 1 of 1 run')
  }, 120_000)
})
