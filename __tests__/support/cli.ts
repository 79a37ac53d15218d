import { main } from '../../src/cli.js'

export interface CliResult {
  status: number
  stdout: string
  stderr: string
}

/** Runs the CLI in-process with captured output. */
export async function iostorm(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const status = await main(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env
  })
  return { status, stdout, stderr }
}
