import { relative } from 'node:path'
import type { BaselineSource, ReportOptions, SignatureSummary } from '../analysis/types.js'
import { loadReport } from '../compare.js'
import { errorMessage } from '../errors.js'
import { parseReport, REPORT_READ_LIMIT } from '../report/json.js'
import { describeError, type Log } from './client.js'
import type { RunContext } from './context.js'
import { Unavailable, type Forge } from './forge.js'
import { BudgetExceededError } from './http.js'
import { pullBaseRef, type PullTarget } from './pull.js'
import { readZipEntry } from './zip.js'

export const REPORT_FILE = 'report.json'

/** The newest qualifying run plus this many older ones are tried. */
const RUNS_TRIED = 5

/**
 * A report artifact's zip is a few hundred KiB; a download is cut off past this many bytes so
 * that a hostile or broken artifact cannot fill the runner's memory.
 */
export const ARTIFACT_DOWNLOAD_LIMIT = 64 * 1024 * 1024

export type BaselineLookup =
  | {
      found: true
      signatures: SignatureSummary[]
      source: BaselineSource
      options?: Partial<ReportOptions>
    }
  | { found: false; reason: string }

/** report.json of an artifact zip, validated; throws saying why it is unusable. */
async function reportOfZip(zip: Buffer) {
  const json = await readZipEntry(zip, REPORT_FILE, REPORT_READ_LIMIT)
  if (json === null) throw new Error(`the artifact has no ${REPORT_FILE}`)
  return parseReport(json.toString('utf8'))
}

/**
 * `baseline: auto`: the report artifact of the newest successful push run of the same workflow on
 * the pull request's base branch; when that artifact is missing, expired or unreadable, up to four
 * older runs are tried. Never throws for a missing baseline: it says why instead.
 */
export async function findBaseline(
  forge: Forge,
  baseRef: string,
  reportName: string,
  log: Log
): Promise<BaselineLookup> {
  const described = `successful push runs of this workflow on ${baseRef}`
  try {
    const runs = (await forge.baselineRuns(baseRef, RUNS_TRIED)).slice(0, RUNS_TRIED)
    if (runs.length === 0) return { found: false, reason: `no ${described} yet` }
    for (const run of runs) {
      // whatever goes wrong with one run's artifact, an older run may still have a good one
      try {
        const artifacts = (await forge.runArtifacts(run.id, reportName))
          .filter((artifact) => !artifact.expired)
          .sort((a, b) => b.created.localeCompare(a.created) || b.id - a.id)
        if (artifacts.length === 0) {
          log.info(
            `baseline: run ${run.id} has no unexpired "${reportName}" artifact; trying an older run`
          )
          continue
        }
        const zip = await forge.downloadArtifact(artifacts[0], ARTIFACT_DOWNLOAD_LIMIT)
        const report = await reportOfZip(zip)
        return {
          found: true,
          signatures: report.signatures,
          options: report.options,
          source: {
            kind: 'artifact',
            location: `artifact "${reportName}" of run ${run.id}`,
            run_id: String(run.id),
            commit: run.sha,
            url: run.url
          }
        }
      } catch (error) {
        if (error instanceof BudgetExceededError) throw error
        log.warning(
          `baseline: the "${reportName}" artifact of run ${run.id} is unusable (${describeError(error)}); trying an older run`
        )
      }
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
  log: Log
): Promise<BaselineLookup> {
  if (setting.mode === 'none') return { found: false, reason: 'baseline is set to none' }
  if (setting.mode === 'path') {
    const shown = relative(context.workspace, setting.path) || setting.path
    const stored = await loadReport(setting.path, shown)
    return stored.signatures === null
      ? { found: false, reason: `baseline report ${shown}: ${stored.errors[0]?.message}` }
      : {
          found: true,
          signatures: stored.signatures,
          options: stored.options,
          source: stored.source
        }
  }
  if (forge === null)
    return { found: false, reason: 'no github-token to look the baseline up with' }
  try {
    const baseRef = await baseRefOf(forge, target)
    if (baseRef === null) return { found: false, reason: 'the pull request has no base branch' }
    return await findBaseline(forge, baseRef, reportName, log)
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
  log: Log & { notice(message: string): void }
): Promise<BaselineLookup | null> {
  if (target.pull === null) {
    return target.reason === null
      ? null
      : { found: false, reason: `the pull request is not verified: ${target.reason}` }
  }
  const lookup = await resolveBaseline(setting, forge, context, target, reportName, log)
  if (!lookup.found) log.notice(`no baseline: ${lookup.reason}`)
  return lookup
}
