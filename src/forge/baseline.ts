import { relative } from 'node:path'
import { historyRuns, loadReport, type Base } from '../compare.js'
import { errorMessage } from '../errors.js'
import { parseReport, REPORT_READ_LIMIT } from '../report/json.js'
import { describeError, type Log } from './client.js'
import type { RunContext } from './context.js'
import { Unavailable, type Forge } from './forge.js'
import { BudgetExceededError } from './http.js'
import { pullBaseRef, type PullTarget } from './pull.js'
import { readZipEntry } from './zip.js'

export const REPORT_FILE = 'report.json'

/** Base-branch runs whose reports form the history of `baseline: auto`, by default. */
export const DEFAULT_BASELINE_RUNS = 10

/**
 * A report artifact's zip is a few hundred KiB; a download is cut off past this many bytes so
 * that a hostile or broken artifact cannot fill the runner's memory.
 */
export const ARTIFACT_DOWNLOAD_LIMIT = 64 * 1024 * 1024

/** The history a pull request is judged against (newest first), or why there is none. */
export type BaselineLookup = { found: true; history: Base[] } | { found: false; reason: string }

/** report.json of an artifact zip, validated; throws saying why it is unusable. */
async function reportOfZip(zip: Buffer) {
  const json = await readZipEntry(zip, REPORT_FILE, REPORT_READ_LIMIT)
  if (json === null) throw new Error(`the artifact has no ${REPORT_FILE}`)
  return parseReport(json.toString('utf8'))
}

/**
 * `baseline: auto`: the report artifacts of the last `limit` successful push runs of the same
 * workflow on the pull request's base branch, newest first. A run whose artifact is missing,
 * expired or unusable is skipped with a word in the log; fewer reports are fine. Never throws for
 * a missing baseline: it says why instead.
 */
export async function findBaseline(
  forge: Forge,
  baseRef: string,
  reportName: string,
  log: Log,
  limit: number = DEFAULT_BASELINE_RUNS
): Promise<BaselineLookup> {
  const described = `successful push runs of this workflow on ${baseRef}`
  try {
    const runs = (await forge.baselineRuns(baseRef, limit)).slice(0, limit)
    if (runs.length === 0) return { found: false, reason: `no ${described} yet` }
    const history: Base[] = []
    for (const run of runs) {
      // whatever goes wrong with one run's artifact, the other runs may still have good ones
      try {
        const artifacts = (await forge.runArtifacts(run.id, reportName))
          .filter((artifact) => !artifact.expired)
          .sort((a, b) => b.created.localeCompare(a.created) || b.id - a.id)
        if (artifacts.length === 0) {
          log.info(`baseline: run ${run.id} has no unexpired "${reportName}" artifact; skipped`)
          continue
        }
        const zip = await forge.downloadArtifact(artifacts[0], ARTIFACT_DOWNLOAD_LIMIT)
        const report = await reportOfZip(zip)
        history.push({
          runs: historyRuns(report.runs),
          signatures: report.signatures,
          options: report.options,
          source: {
            kind: 'artifact',
            location: `artifact "${reportName}" of run ${run.id}`,
            run_id: String(run.id),
            commit: run.sha,
            url: run.url
          }
        })
      } catch (error) {
        if (error instanceof BudgetExceededError) {
          if (history.length > 0) break
          throw error
        }
        log.warning(
          `baseline: the "${reportName}" artifact of run ${run.id} is unusable (${describeError(error)}); skipped`
        )
      }
    }
    if (history.length > 0) {
      log.info(`baseline: ${history.length} report(s) of the last ${runs.length} ${described}`)
      return { found: true, history }
    }
    return {
      found: false,
      reason: `none of the last ${runs.length} ${described} has a usable "${reportName}" artifact (expired, or uploaded by no run)`
    }
  } catch (error) {
    if (error instanceof Unavailable) return { found: false, reason: error.message }
    return { found: false, reason: `the baseline lookup failed: ${errorMessage(error)}` }
  }
}

/** The `baseline` input: `auto`, `none`, or a report JSON on disk. */
export type BaselineSetting = { mode: 'auto' } | { mode: 'none' } | { mode: 'path'; path: string }

/** The pull request a baseline is for (resolvePull's): its base branch, when already known. */
export interface BaselineFor {
  pull: number
  baseRef: string | null
}

async function baseRefOf(forge: Forge, target: BaselineFor): Promise<string | null> {
  return target.baseRef ?? pullBaseRef(await forge.pullRequest(target.pull))
}

/**
 * The baseline of a pull request, from a file or (auto) from the base branch's runs. A missing or
 * unreadable baseline is an answer ("not found, because…"), never an error.
 */
export async function resolveBaseline(
  setting: BaselineSetting,
  forge: Forge | null,
  context: RunContext,
  target: BaselineFor,
  reportName: string,
  log: Log,
  runs: number = DEFAULT_BASELINE_RUNS
): Promise<BaselineLookup> {
  if (setting.mode === 'none') return { found: false, reason: 'baseline is set to none' }
  if (setting.mode === 'path') {
    const shown = relative(context.workspace, setting.path) || setting.path
    const stored = await loadReport(setting.path, shown)
    return stored.signatures === null
      ? { found: false, reason: `baseline report ${shown}: ${stored.errors[0]?.message}` }
      : { found: true, history: [stored] }
  }
  if (forge === null)
    return { found: false, reason: 'no github-token to look the baseline up with' }
  try {
    const baseRef = await baseRefOf(forge, target)
    if (baseRef === null) return { found: false, reason: 'the pull request has no base branch' }
    return await findBaseline(forge, baseRef, reportName, log, runs)
  } catch (error) {
    return { found: false, reason: `the baseline lookup failed: ${errorMessage(error)}` }
  }
}

/**
 * The baseline of the pull request this run reports on (resolvePull's target): null when there is
 * no pull request, so nothing to compare with (a push run, whose report is a baseline); "not
 * found" when one was named but could not be verified.
 */
export async function baselineOf(
  target: PullTarget,
  setting: BaselineSetting,
  forge: Forge | null,
  context: RunContext,
  reportName: string,
  log: Log & { notice(message: string): void },
  runs: number = DEFAULT_BASELINE_RUNS
): Promise<BaselineLookup | null> {
  if (target.pull === null) {
    return target.reason === null
      ? null
      : { found: false, reason: `the pull request is not verified: ${target.reason}` }
  }
  const lookup = await resolveBaseline(setting, forge, context, target, reportName, log, runs)
  if (!lookup.found) log.notice(`no baseline: ${lookup.reason}`)
  return lookup
}
