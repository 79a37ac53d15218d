/**
 * Runs the built action (dist/index.js) as a child process the way a runner does: INPUT_*
 * variables with action.yml's defaults, an event payload file, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, a workspace, and the API URLs pointing at a fake forge.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import type { Report } from '../../src/analysis/types.js'
import { makeRuntimeToken, type FakeForge } from './fake-forge.js'

export const TOKEN = 'ghs_test_token'
export const CURRENT_RUN = 7001
export const PR = 42
let runs = 0

/** action.yml, parsed the way a runner reads it. */
export async function actionManifest(): Promise<{
  inputs: Record<string, { description?: string; default?: string; required?: boolean }>
  outputs: Record<string, { description?: string }>
  runs: { using: string; main: string }
}> {
  return parse(await readFile('action.yml', 'utf8'))
}

/** The `default:` of every input in action.yml, as the runner passes them. */
async function actionDefaults(): Promise<Record<string, string>> {
  const { inputs } = await actionManifest()
  return Object.fromEntries(
    Object.entries(inputs).map(([name, input]) => [name, String(input.default ?? '')])
  )
}

export function pullRequestPayload(forge: FakeForge, number = PR) {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      state: 'open',
      html_url: `${forge.serverUrl}/${forge.owner}/${forge.repo}/pull/${number}`,
      head: { ref: 'feature/faster-saves', sha: 'f00dfeed'.repeat(5) },
      base: { ref: 'main', sha: 'ba5eba11'.repeat(5) }
    },
    repository: { full_name: `${forge.owner}/${forge.repo}`, default_branch: 'main' }
  }
}

export function pushPayload(forge: FakeForge) {
  return {
    ref: 'refs/heads/main',
    after: 'c0ffee00'.repeat(5),
    repository: { full_name: `${forge.owner}/${forge.repo}`, default_branch: 'main' }
  }
}

export interface ActionRun {
  status: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  workspace: string
  /** `::warning::`, `::notice::` and `::error::` lines the step printed. */
  annotations: string[]
  /** report.json as the step wrote it (read before the workspace is removed). */
  report: Report | undefined
  /** Every path under the run's scratch folder (workspace/…, and anything beside it), sorted. */
  tree: string[]
  /** Wall-clock time of the step. */
  durationMs: number
  /**
   * The highest resident memory of the process seen (VmHWM, polled from /proc while it ran;
   * undefined where /proc does not exist).
   */
  peakRssBytes: number | undefined
}

export interface RunOptions {
  forge: FakeForge
  event: 'pull_request' | 'push' | 'workflow_run'
  payload: unknown
  inputs?: Record<string, string>
  /** Fixture folders copied into the workspace: [from, to] relative paths. */
  files?: [string, string][]
  /**
   * The artifact service's run id; a new workflow run gets a new one. Forgejo and Gitea: the run's
   * own id (GITHUB_RUN_ID), as their runtime token's scope names it.
   */
  runBackendId?: string
  /** GITHUB_RUN_ID (default CURRENT_RUN). */
  runId?: number
  /** Leave ACTIONS_RESULTS_URL unset, as forgejo-runner before 3.4 does. */
  noResultsUrl?: boolean
  /** Prepares the workspace after the files are copied (links, leftovers of a checkout). */
  setup?: (workspace: string) => Promise<void>
  env?: Record<string, string>
}

/** VmHWM of a running process in bytes, from /proc (Linux). */
function peakRss(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]
    return kib === undefined ? undefined : Number(kib) * 1024
  } catch {
    return undefined
  }
}

/** Parses the GITHUB_OUTPUT file (name<<delimiter … delimiter blocks). */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (!heredoc) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i])
    outputs[heredoc[1]] = value.join('\n')
  }
  return outputs
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const { forge } = options
  const root = await mkdtemp(join(tmpdir(), 'iostorm-e2e-'))
  const workspace = join(root, 'workspace')
  await mkdir(workspace, { recursive: true })
  for (const [from, to] of options.files ?? [])
    await cp(from, join(workspace, to), { recursive: true })
  await options.setup?.(workspace)
  const eventPath = join(root, 'event.json')
  const outputPath = join(root, 'output.txt')
  const summaryPath = join(root, 'summary.md')
  await writeFile(eventPath, JSON.stringify(options.payload))
  await writeFile(outputPath, '')
  await writeFile(summaryPath, '')

  const inputs = { ...(await actionDefaults()), 'github-token': TOKEN, ...options.inputs }
  const forgejo = forge.kind !== 'github'
  const runId = options.runId ?? CURRENT_RUN
  const backendId = options.runBackendId ?? (forgejo ? String(runId) : `run-backend-${++runs}`)
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: root,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: `${forge.owner}/${forge.repo}`,
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: 'f00dfeed'.repeat(5),
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_API_URL: forge.apiUrl,
    // @actions/artifact only runs against github.com hosts; nothing connects to this URL
    GITHUB_SERVER_URL: forgejo ? forge.serverUrl : 'https://github.com',
    ...(options.noResultsUrl ? {} : { ACTIONS_RESULTS_URL: `${forge.url}/` }),
    ACTIONS_RUNTIME_TOKEN: makeRuntimeToken(backendId, forgejo ? '31' : undefined),
    RUNNER_TEMP: join(root, 'tmp'),
    ...(forge.kind === 'forgejo' ? { FORGEJO_ACTIONS: 'true', GITEA_ACTIONS: 'true' } : {}),
    ...(forge.kind === 'gitea' ? { GITEA_ACTIONS: 'true' } : {}),
    ...options.env
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value

  const started = Date.now()
  const child = spawn(process.execPath, [resolve('dist/index.js')], { cwd: workspace, env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  let peakRssBytes: number | undefined
  const poll = setInterval(() => {
    const hwm = peakRss(child.pid)
    if (hwm !== undefined) peakRssBytes = Math.max(peakRssBytes ?? 0, hwm)
  }, 20)
  const status = await new Promise<number>((done) => child.on('close', (code) => done(code ?? -1)))
  clearInterval(poll)
  const durationMs = Date.now() - started

  const outputs = parseOutputs(await readFile(outputPath, 'utf8'))
  const reportText = outputs['report-json']
    ? await readFile(outputs['report-json'], 'utf8').catch(() => '')
    : ''
  const result: ActionRun = {
    status,
    stdout,
    stderr,
    outputs,
    report: reportText ? (JSON.parse(reportText) as Report) : undefined,
    summary: await readFile(summaryPath, 'utf8'),
    workspace,
    annotations: stdout.split('\n').filter((line) => /^::(warning|notice|error)/.test(line)),
    tree: (await readdir(root, { recursive: true })).map(String).sort(),
    durationMs,
    peakRssBytes
  }
  await rm(root, { recursive: true, force: true })
  return result
}
