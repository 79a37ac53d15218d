/**
 * Inputs that are odd as files: a FIFO (opening it for reading blocks until a writer comes, which
 * here is never), a directory, symbolic links that loop, lead to a file or lead nowhere, and
 * directory names with a line break or a terminal escape sequence.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beside, type Call, type CorpusContext, type HostileCase } from '../corpus.js'

/** `<dir>/run/0/`, the usual `<run_id>/<repeat>/` layout, created. */
async function repeatDir(dir: string, runName = 'run'): Promise<{ run: string; repeat: string }> {
  const run = join(dir, runName)
  const repeat = join(run, '0')
  await mkdir(repeat, { recursive: true })
  return { run, repeat }
}

function filesystemCase(
  name: string,
  build: (context: CorpusContext, dir: string) => Promise<Call>
): HostileCase {
  return { group: 'filesystem', name, build }
}

const mkfifo = (path: string) => execFileSync('mkfifo', [path])

export const FILESYSTEM_CASES: HostileCase[] = [
  filesystemCase('fifo-events-parquet', async (context, dir) => {
    const { repeat } = await repeatDir(dir)
    const fifo = join(repeat, 'events.parquet')
    mkfifo(fifo)
    return beside(context, fifo)
  }),
  filesystemCase('fifo-in-run-dir', async (context, dir) => {
    const { run, repeat } = await repeatDir(dir)
    mkfifo(join(repeat, 'events.parquet'))
    return beside(context, run)
  }),
  filesystemCase('directory-named-events-parquet', async (context, dir) => {
    const { run, repeat } = await repeatDir(dir)
    await mkdir(join(repeat, 'events.parquet'))
    return beside(context, run)
  }),
  // the loop must be followed at most once: the run's one file is analysed once
  filesystemCase('symlink-loop-in-run-dir', async (context, dir) => {
    const { run, repeat } = await repeatDir(dir)
    await context.copyValidFile(join(repeat, 'events.parquet'))
    await mkdir(join(run, 'a'))
    await symlink('..', join(run, 'a', 'loop'))
    return beside(context, run)
  }),
  filesystemCase('symlinked-events-parquet', async (context, dir) => {
    const { run, repeat } = await repeatDir(dir)
    await mkdir(join(dir, 'elsewhere'))
    await context.copyValidFile(join(dir, 'elsewhere', 'data.parquet'))
    await symlink(join('..', '..', 'elsewhere', 'data.parquet'), join(repeat, 'events.parquet'))
    return beside(context, run)
  }),
  filesystemCase('broken-symlink-events-parquet', async (context, dir) => {
    const { run, repeat } = await repeatDir(dir)
    await symlink(join('..', '..', 'nowhere.parquet'), join(repeat, 'events.parquet'))
    return beside(context, run)
  }),
  filesystemCase('newline-in-dir-readable', async (context, dir) => {
    const { repeat } = await repeatDir(dir, 'run\nwith a line break')
    const file = join(repeat, 'events.parquet')
    await context.copyValidFile(file)
    return beside(context, file)
  }),
  filesystemCase('newline-in-dir-unreadable', async (context, dir) => {
    const { repeat } = await repeatDir(dir, 'run\nwith a line break')
    const file = join(repeat, 'events.parquet')
    await writeFile(file, 'not parquet at all\n')
    return beside(context, file)
  }),
  // a name that would turn the rest of a terminal red if printed raw
  filesystemCase('terminal-escape-in-dir-unreadable', async (context, dir) => {
    const { repeat } = await repeatDir(dir, 'run\u001b[31mred\u001b[0m')
    const file = join(repeat, 'events.parquet')
    await writeFile(file, 'not parquet at all\n')
    return beside(context, file)
  })
]
