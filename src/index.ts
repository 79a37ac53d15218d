import { isMainThread } from 'node:worker_threads'
import { run } from './action.js'

// the bundle is also the row-group decoders' worker script (telemetry/decode-workers.ts)
if (isMainThread) await run()
