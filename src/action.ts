import * as core from '@actions/core'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { diffSignatures, summariseSignatures } from './analysis/signatures.js'
import type { DiffReport } from './analysis/types.js'
import { ARTIFACTS_DIR, artifactFolders, fetchTelemetryArtifacts } from './forge/artifacts.js'
import { REPORT_FILE, resolveBaseline, type BaselineLookup } from './forge/baseline.js'
import { errorMessage } from './errors.js'
import { readContext } from './forge/context.js'
import { ForgeBudget, forgeLimits } from './forge/http.js'
import { openForge } from './forge/open.js'
import { publishArtifact, publishComment } from './forge/publish.js'
import { resolvePull } from './forge/pull.js'
import { readInputs } from './inputs.js'
import { changedOptions, describeOptions, parseAnalysisOptions, UsageError } from './options.js'
import { analyseFiles } from './pipeline.js'
import { markdownText } from './report/escape.js'
import { buildReport, reportToJson } from './report/json.js'
import { renderMarkdown } from './report/markdown.js'
import { globFiles } from './telemetry/discover.js'

const MARKDOWN_FILE = 'report.md'
/** GitHub renders at most 1 MiB of job summary per step. */
const SUMMARY_LIMIT = 1024 * 1024 - 1024
const log = { info: core.info, warning: core.warning, notice: core.notice }

function verdictLine(lookup: BaselineLookup | null): string | undefined {
  if (lookup === null || lookup.found) return undefined
  return `⚪ **No baseline to compare with** (${markdownText(lookup.reason, 300)}): spikes are reported, not judged.`
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const cut = markdown.lastIndexOf('\n', SUMMARY_LIMIT)
  const body =
    markdown.length <= SUMMARY_LIMIT
      ? markdown
      : `${markdown.slice(0, cut)}\n\n…(cut at the 1 MiB summary limit)\n`
  await core.summary.addRaw(body, true).write()
}

/**
 * inputs → analysis → baseline and diff → job summary, comment, artifact → outputs → verdict.
 * Everything is published before the step fails.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let budget: ForgeBudget | undefined
  try {
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd()
    const inputs = readInputs(core, workspace)
    const context = readContext(env, inputs.pullRequest)
    const options = await parseAnalysisOptions(inputs.analysis, (name) => `input "${name}"`)
    const limits = forgeLimits(env)
    budget = new ForgeBudget(limits.budgetMs)
    const { forge, artifacts } = openForge(context, inputs.token, log, limits, budget)

    await fetchTelemetryArtifacts(inputs.artifacts, artifacts, workspace, log)
    const files = await globFiles(workspace, inputs.events, await artifactFolders(workspace))
    if (files.length === 0) {
      throw new UsageError(
        `no file matches input "events" (${inputs.events.join(', ')}) in ${workspace} or ${ARTIFACTS_DIR}/`
      )
    }
    core.info(`analysing ${files.length} file(s)`)
    const analysed = await analyseFiles(
      files.map((file) => join(workspace, file)),
      options,
      (file) => relative(workspace, file)
    )
    for (const error of analysed.errors) core.error(`${error.file}: ${error.message}`)

    const target = await resolvePull(forge, context, log)
    const pull = target.pull
    let lookup: BaselineLookup | null =
      target.pull === null && target.reason !== null
        ? { found: false, reason: `the pull request is not verified: ${target.reason}` }
        : null
    let diff: DiffReport | null = null
    if (target.pull !== null) {
      lookup = await resolveBaseline(
        inputs.baseline,
        forge,
        context,
        target,
        inputs.reportName,
        log
      )
      if (lookup.found) {
        const changed = changedOptions(lookup.options, describeOptions(options))
        const head = summariseSignatures(analysed.runs)
        diff = diffSignatures(lookup.signatures, head, lookup.source, changed)
      } else {
        core.notice(`no baseline: ${lookup.reason}`)
      }
    }
    const verdict =
      lookup?.found === false
        ? 'no-baseline'
        : diff !== null && diff.new.length > 0
          ? 'fail'
          : 'pass'
    const report = buildReport({ ...analysed, options: describeOptions(options), diff })

    // report.md and the job summary (up to 1 MiB) carry far more detail than a comment can
    const markdown = renderMarkdown(report, {
      chart: true,
      verdict: verdictLine(lookup),
      fullReportHint: `\`${REPORT_FILE}\``,
      maxSpikeRows: 200,
      maxDetails: 50,
      maxRuns: 1000,
      maxNotes: 300,
      maxDiffRows: 1000
    })
    await mkdir(inputs.outputDir, { recursive: true })
    const jsonPath = join(inputs.outputDir, REPORT_FILE)
    const markdownPath = join(inputs.outputDir, MARKDOWN_FILE)
    await writeFile(jsonPath, reportToJson(report))
    await writeFile(markdownPath, markdown)
    await writeSummary(markdown)

    let commentUrl = ''
    if (pull !== null && inputs.comment && forge !== null) {
      const uploaded = inputs.upload && artifacts.uploadsReports
      const hint = uploaded
        ? `the \`${inputs.reportName}\` artifact and the job summary`
        : `\`${relative(workspace, jsonPath)}\` on the runner and the job summary`
      commentUrl = await publishComment(
        {
          forge,
          context,
          pull,
          key: inputs.commentKey,
          report,
          verdict: verdictLine(lookup),
          fullReportHint: hint
        },
        log
      )
    }
    if (inputs.upload && budget.exceeded)
      core.warning(`report artifact not uploaded: ${budget.error().message}`)
    else if (inputs.upload)
      await publishArtifact(
        artifacts,
        inputs.reportName,
        [jsonPath, markdownPath],
        inputs.outputDir,
        log
      )

    const newSignatures = diff?.new ?? []
    core.setOutput(
      'spikes',
      report.runs.reduce((sum, r) => sum + r.spikes.length, 0)
    )
    core.setOutput('signatures', report.signatures.length)
    core.setOutput('new-signatures', newSignatures.length)
    core.setOutput('resolved-signatures', diff?.resolved.length ?? 0)
    core.setOutput('verdict', verdict)
    core.setOutput('report-json', jsonPath)
    core.setOutput('report-markdown', markdownPath)
    core.setOutput('comment-url', commentUrl)
    core.setOutput('baseline-run-id', lookup?.found ? (lookup.source.run_id ?? '') : '')
    core.info(
      `verdict ${verdict}: ${report.signatures.length} signature(s), ${newSignatures.length} new, ${diff?.resolved.length ?? 0} resolved`
    )

    const failures: string[] = []
    if (verdict === 'fail' && inputs.failOnNew) {
      failures.push(`new spike signatures: ${newSignatures.map((s) => s.signature).join(', ')}`)
    }
    if (analysed.errors.length > 0) {
      failures.push(
        `${analysed.errors.length} input file(s) could not be analysed (see the errors above)`
      )
    }
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
