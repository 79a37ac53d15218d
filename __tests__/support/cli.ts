import { main, type Io } from '../../src/cli.js'

export interface CliResult {
  status: number
  stdout: string
  stderr: string
}

/** What a terminal tells the CLI: whether stdout/stderr are TTYs, its width, the clock. */
export type Terminal = Pick<Io, 'stdoutIsTTY' | 'stderrIsTTY' | 'columns' | 'now'>

/** Runs the CLI in-process with captured output (piped, unless `terminal` says otherwise). */
export async function iostorm(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  terminal: Terminal = {}
): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const status = await main(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env,
    ...terminal
  })
  return { status, stdout, stderr }
}
