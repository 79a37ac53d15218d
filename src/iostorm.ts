#!/usr/bin/env node
import { isMainThread } from 'node:worker_threads'
import { main } from './cli.js'
import { errorMessage } from './errors.js'

// the bundle is also the row-group decoders' worker script (telemetry/decode-workers.ts)
if (isMainThread) {
  // A decoder may reject a second promise after the first failure of a file was already
  // reported (hyparquet reads column chunks concurrently): that is not a new problem, so it must
  // not crash the run and lose the other files' results.
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(
      `iostorm: warning: ignored a late decoding error (${errorMessage(reason)})\n`
    )
  })

  process.exitCode = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    // (a terminal that does not know its size says 0: then $COLUMNS, else 100)
    columns: process.stdout.columns || process.stderr.columns || undefined
  })
}
