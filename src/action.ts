import * as core from '@actions/core'
import { summariseSignatures } from './analysis/signatures.js'
import type { Report } from './analysis/types.js'
import { compare, markIncomplete, NOT_COMPARED, type Comparison } from './compare.js'
import { errorMessage } from './errors.js'
import { fetchTelemetryArtifacts } from './forge/artifacts.js'
import { baselineOf, type BaselineLookup } from './forge/baseline.js'
import { readContext } from './forge/context.js'
import { ForgeBudget, forgeLimits } from './forge/http.js'
import { openForge } from './forge/open.js'
import { publish, type Published } from './forge/publish.js'
import { resolvePull } from './forge/pull.js'
import { readInputs } from './inputs.js'
import {
  describeOptions,
  optionNotes,
  parseAnalysisOptions,
  parseVerdictOptions,
  UsageError
} from './options.js'
import { analyseEvents } from './pipeline.js'
import { buildReport } from './report/json.js'

const log = { info: core.info, warning: core.warning, notice: core.notice, error: core.error }

/**
 * inputs → analysis → baseline and diff → job summary, comment, artifact → outputs → verdict.
 * Everything is published before the step fails.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let budget: ForgeBudget | undefined
  try {
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd()
    const inputs = readInputs(
      { getInput: core.getInput, getBooleanInput: core.getBooleanInput },
      workspace
    )
    const context = readContext(env, inputs.pullRequest)
    const inputName = (name: string) => `input "${name}"`
    // every option is checked now; the plugin jars are read once the artifacts are here
    const { pluginsDir, ...beforeArtifacts } = inputs.analysis
    await parseAnalysisOptions(beforeArtifacts, inputName)
    const settings = await parseVerdictOptions(inputs.verdict, inputName)
    if (!inputs.failOnNew) settings.failOn = 'never'
    const limits = forgeLimits(env)
    budget = new ForgeBudget(limits.budgetMs)
    const opened = openForge(context, inputs.token, log, limits, budget, env)

    const unusableArtifacts = await fetchTelemetryArtifacts(
      inputs.artifacts,
      opened.artifacts,
      workspace,
      log
    )
    const options = await parseAnalysisOptions({ ...beforeArtifacts, pluginsDir }, inputName)
    const analysed = await analyseEvents(workspace, inputs.events, options, log)

    const target = await resolvePull(opened.forge, context, log)
    const lookup = await baselineOf(
      target,
      inputs.baseline,
      opened.forge,
      context,
      inputs.reportName,
      log,
      inputs.baselineRuns
    )
    const head = {
      runs: analysed.runs,
      signatures: summariseSignatures(analysed.runs),
      options: describeOptions(options)
    }
    const compared =
      lookup === null ? NOT_COMPARED : compare(lookup.found ? lookup.history : null, head, settings)
    // an unreadable head file may hold what the head seems to lack: nothing is called resolved
    const comparison = {
      ...compared,
      diff: compared.diff && markIncomplete(compared.diff, analysed.errors.length)
    }
    const notes = optionNotes(options)
    for (const note of notes) log.warning(note)
    const report = buildReport({ ...analysed, options: head.options, diff: comparison.diff, notes })

    const published = await publish(
      { ...inputs, report, lookup, workspace, pull: target.pull },
      opened,
      context,
      budget,
      log
    )
    setOutputs(report, comparison, lookup, published)
    const failures = failuresOf(comparison, analysed.errors.length, unusableArtifacts.length)
    if (failures.length > 0) core.setFailed(failures.join('; '))
  } catch (error) {
    core.setFailed(
      error instanceof UsageError
        ? error.message
        : `io-storm-catcher failed: ${errorMessage(error)}`
    )
    if (!(error instanceof UsageError) && error instanceof Error && error.stack)
      core.debug(error.stack)
  } finally {
    budget?.dispose()
  }
}

/** The step's outputs (action.yml); those that do not apply are empty strings. */
function setOutputs(
  report: Report,
  { diff, verdict }: Comparison,
  lookup: BaselineLookup | null,
  published: Published
): void {
  const newSignatures = diff?.new.length ?? 0
  const regressions = (diff?.more_frequent?.length ?? 0) + (diff?.worse?.length ?? 0)
  const unconfirmed = diff?.new_unconfirmed?.length ?? 0
  core.setOutput(
    'spikes',
    report.runs.reduce((sum, r) => sum + r.spikes.length, 0)
  )
  core.setOutput('signatures', report.signatures.length)
  core.setOutput('new-signatures', newSignatures)
  core.setOutput('resolved-signatures', diff?.resolved.length ?? 0)
  core.setOutput('regressions', regressions)
  core.setOutput('unconfirmed', unconfirmed)
  core.setOutput('verdict', verdict)
  core.setOutput('report-json', published.jsonPath)
  core.setOutput('report-markdown', published.markdownPath)
  core.setOutput('comment-url', published.commentUrl)
  // with a history, the newest base run used
  core.setOutput('baseline-run-id', lookup?.found ? (lookup.history[0].source.run_id ?? '') : '')
  core.info(
    `verdict ${verdict}: ${report.signatures.length} signature(s), ${newSignatures} new, ` +
      `${regressions} regression(s), ${unconfirmed} unconfirmed, ${diff?.resolved.length ?? 0} resolved`
  )
}

/**
 * Why the step fails, once everything is published: the signatures that fail under `fail-on`,
 * each with its reason, unreadable inputs and telemetry artifacts that could not be used.
 */
function failuresOf({ diff }: Comparison, unreadable: number, unusableArtifacts: number): string[] {
  const failures: string[] = []
  if (diff && (diff.failing ?? []).length > 0) {
    const judged = [...diff.new, ...(diff.more_frequent ?? []), ...(diff.worse ?? [])]
    const why = (diff.failing ?? []).map((signature) => {
      const judgement = judged.find((entry) => entry.signature === signature)?.judgement
      return judgement ? `${signature} is ${judgement.class}: ${judgement.reason}` : signature
    })
    failures.push(
      `spike signatures fail under fail-on: ${diff.verdict_options?.fail_on} — ${why.join('; ')}`
    )
  }
  if (unreadable > 0) {
    failures.push(`${unreadable} input file(s) could not be analysed (see the errors above)`)
  }
  if (unusableArtifacts > 0) {
    failures.push(
      `${unusableArtifacts} artifact(s) named by "artifacts" could not be used (see the warnings above)`
    )
  }
  return failures
}
