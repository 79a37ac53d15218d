/**
 * Row groups decoded in worker threads (docs/performance.md): each worker opens the file itself,
 * decodes the row groups it is sent with the fast reader, and hands back each group's batch, its
 * typed arrays transferred (not copied); batches are yielded in file order, whatever order they
 * finish in. At most one group per worker is in flight, and one ready ahead, so memory holds a
 * few groups' columns however large the file is. The worker is this very module, loaded from the bundle it is part of
 * (dist/cli.js, dist/index.js); entry points start their main only on the main thread.
 */
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import type { Batch } from './batch.js'
import type { Column } from './columns.js'
import { openEventsFile, readBatches, type EventsFile } from './events-file.js'
import { errorText, EventsFileError } from './parquet-file.js'

const TAG = 'iostorm-row-group-decoder'

/** More threads than this gain nothing on an analysis's I/O and merging. */
export const MAX_THREADS = 4

/**
 * Threads without --threads: one. On a quiet 2-core machine two threads were slower on every 10M
 * file and up to 1.8× the memory (docs/performance.md): handing batches back costs more than the
 * second core gains. `npm run bench -- --threads 2` measures it again on another machine.
 */
export const AUTO_THREADS = 1

/** Row groups larger than this are not worth the memory of a second thread (375 MiB on 10M rows). */
export const PARALLEL_GROUP_ROWS = 262_144

/** Threads for a file: `wanted` when given (capped by MAX_THREADS and its row groups), else AUTO_THREADS. */
export function threadsFor(file: EventsFile, wanted: number | undefined): number {
  if (!workersAvailable()) return 1
  if (wanted !== undefined) return Math.max(1, Math.min(wanted, MAX_THREADS, file.rowGroups.length))
  if (Math.max(...file.rowGroups.map((span) => span.rowCount)) > PARALLEL_GROUP_ROWS) return 1
  return Math.max(1, Math.min(AUTO_THREADS, availableParallelism(), file.rowGroups.length))
}

/** Workers run this module's own file: a bundle, not TypeScript sources (tests run those). */
function workersAvailable(): boolean {
  return import.meta.url.endsWith('.js') || import.meta.url.endsWith('.mjs')
}

interface Job {
  index: number
}
type Reply = { index: number; batch: Batch } | { index: number; problem: string; corrupt: boolean }

interface Setup {
  tag: typeof TAG
  path: string
  baseNs: string
  wanted: Column[]
}

/** The typed arrays of a batch, to transfer their buffers rather than copy them. */
function buffersOf(batch: Batch): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>()
  for (const value of Object.values(batch)) {
    if (ArrayBuffer.isView(value)) buffers.add(value.buffer as ArrayBuffer)
    else if (value && typeof value === 'object') {
      for (const part of Object.values(value)) {
        if (ArrayBuffer.isView(part)) buffers.add(part.buffer as ArrayBuffer)
      }
    }
  }
  return [...buffers]
}

async function serve(setup: Setup): Promise<void> {
  const port = parentPort
  if (!port) return
  let file: EventsFile | undefined
  let failure: string | undefined
  try {
    file = await openEventsFile(setup.path)
    // the main thread's base: every worker's offsets from the same origin
    file.baseNs = BigInt(setup.baseNs)
  } catch (error) {
    failure = error instanceof EventsFileError ? error.problem : errorText(error)
  }
  let queue = Promise.resolve()
  port.on('message', (job: Job) => {
    queue = queue.then(async () => {
      let reply: Reply
      if (!file) {
        reply = { index: job.index, problem: failure ?? 'cannot open', corrupt: true }
      } else {
        try {
          let batch: Batch | undefined
          // one group: a fresh generator, so no array is reused after it was transferred
          for await (const each of readBatches(file, setup.wanted, [file.rowGroups[job.index]])) {
            batch = each
          }
          if (!batch) throw new Error(`row group ${job.index} gave no batch`)
          port.postMessage({ index: job.index, batch } satisfies Reply, buffersOf(batch))
          return
        } catch (error) {
          reply =
            error instanceof EventsFileError
              ? { index: job.index, problem: error.problem, corrupt: true }
              : { index: job.index, problem: errorText(error), corrupt: false }
        }
      }
      port.postMessage(reply)
    })
  })
}

if (!isMainThread && (workerData as Setup | undefined)?.tag === TAG) {
  void serve(workerData as Setup)
}

/**
 * Reads the wanted columns of every row group with `threads` workers; batches come in file order.
 * Throws EventsFileError as readBatches does.
 */
export async function* readBatchesInWorkers(
  file: EventsFile,
  wanted: readonly Column[],
  threads: number
): AsyncGenerator<Batch> {
  const setup: Setup = {
    tag: TAG,
    path: file.path,
    baseNs: file.baseNs.toString(),
    wanted: [...wanted]
  }
  const script = fileURLToPath(import.meta.url)
  const workers = Array.from({ length: threads }, () => new Worker(script, { workerData: setup }))
  const done = new Map<number, Reply>()
  const waiting = new Map<number, (reply: Reply) => void>()
  let failed: Error | undefined
  const settle = (reply: Reply) => {
    const resolve = waiting.get(reply.index)
    if (resolve) {
      waiting.delete(reply.index)
      resolve(reply)
    } else done.set(reply.index, reply)
  }
  for (const worker of workers) {
    worker.on('message', settle)
    worker.on('error', (error) => {
      failed = error
      for (const [index, resolve] of waiting) {
        waiting.delete(index)
        resolve({ index, problem: errorText(error), corrupt: false })
      }
    })
  }
  const groups = file.rowGroups
  let sent = 0
  let received = 0
  const send = () => {
    // one group in flight per worker and one ready ahead: memory holds threads + 1 batches
    while (sent < groups.length && sent < received + threads + 1) {
      workers[sent % threads].postMessage({ index: groups[sent].index } satisfies Job)
      sent++
    }
  }
  try {
    send()
    for (const span of groups) {
      const reply =
        done.get(span.index) ??
        (failed
          ? { index: span.index, problem: errorText(failed), corrupt: false }
          : await new Promise<Reply>((resolve) => waiting.set(span.index, resolve)))
      done.delete(span.index)
      received++
      send()
      if ('problem' in reply) {
        if (reply.corrupt) throw new EventsFileError(file.path, reply.problem)
        throw new EventsFileError(file.path, `decoding failed (${reply.problem})`)
      }
      yield reply.batch
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
}
