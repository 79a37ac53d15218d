import type { ForgeUser } from './identity.js'

/**
 * What the action asks of a forge's REST API, with the step's github-token: its comments on pull
 * requests, the runs and artifacts a baseline comes from, and pull requests. One implementation
 * per forge — github.ts (GitHub, GHES) and forgejo.ts (Forgejo, Gitea) — hides how each pages
 * its lists, where it lists runs and in what shape, and who its token is; the callers
 * (comments.ts, baseline.ts, pull.ts) never ask which forge they talk to.
 *
 * Every request has a timeout and shares the run's time budget (http.ts: a used-up budget throws
 * BudgetExceededError). A request the forge refuses throws an error carrying the HTTP status as
 * `status` (client.ts: statusOf); 5xx answers and rate limits are retried first.
 */
export interface Forge {
  /**
   * The token's user, as comments show their author; null (after a warning) when it cannot be
   * told: then no existing comment may be edited or deleted.
   */
  identity(): Promise<ForgeUser | null>
  /**
   * Every comment of the pull request, each once. An answer that is not a JSON list (a proxy's
   * HTML page) throws UnexpectedAnswerError: it is never "no comments".
   */
  listComments(pull: number): Promise<IssueComment[]>
  /** Never retried by the client: a failed request may have landed (comments.ts lists again). */
  createComment(pull: number, body: string): Promise<IssueComment | undefined>
  updateComment(id: number, body: string): Promise<IssueComment | undefined>
  deleteComment(id: number): Promise<void>
  /** Whether workflow run `id` exists in this repository; false when that cannot be told. */
  runExists(id: bigint): Promise<boolean>
  /**
   * Up to `limit` successful push runs of the workflow that made the telemetry, on the branch
   * `baseRef`, newest first. Throws Unavailable where the forge has no such list for the token.
   */
  baselineRuns(baseRef: string, limit: number): Promise<BaselineRun[]>
  /** The artifacts named `name` of run `runId`. Throws Unavailable like baselineRuns. */
  runArtifacts(runId: number, name: string): Promise<RunArtifact[]>
  /** The artifact's zip; the download stops with an error past `limit` bytes. */
  downloadArtifact(artifact: RunArtifact, limit: number): Promise<Buffer>
  /** Pull request `number` as the REST API answers it, unchecked (pull.ts checks it). */
  pullRequest(number: number): Promise<unknown>
  /** The open pull requests whose head is `owner:branch`, as answered, unchecked. */
  openPullsByHead(owner: string, branch: string): Promise<unknown>
}

/**
 * This run's own artifacts: the report uploaded, the telemetry downloaded. They go through the
 * runner's artifact service (ACTIONS_RUNTIME_TOKEN), not the REST API, so they work without a
 * github-token. GitHub: @actions/artifact. Forgejo 7+ and Gitea 1.22+: the same Twirp protocol,
 * spoken by the action's own small client (results.ts), which @actions/artifact refuses to be off
 * github.com; older servers and runners get a notice naming the step to add instead.
 */
export interface RunArtifacts {
  /** Whether uploadReport stores an artifact (else the files stay on the runner). */
  readonly uploadsReports: boolean
  /**
   * Uploads `files` (inside `directory`) as the artifact `name`, replacing one a re-run's earlier
   * attempt left; null where the forge's service cannot be used (after a notice).
   */
  uploadReport(name: string, files: string[], directory: string): Promise<UploadedReport | null>
  /**
   * Downloads this run's artifacts whose names match one of `patterns` into `<root>/<name>/`;
   * returns the names downloaded and a line for each that could not be used (after a warning),
   * or null where the forge's service cannot be used (after a notice).
   */
  downloadRunArtifacts(patterns: string[], root: string): Promise<DownloadedArtifacts | null>
}

export interface DownloadedArtifacts {
  names: string[]
  /** One line per matching artifact that could not be downloaded or unzipped. */
  unusable: string[]
}

/** A comment of a pull request. */
export interface IssueComment {
  id: number
  body: string
  created_at: string
  html_url: string
  /** null when the answer names no author. */
  author: ForgeUser | null
}

/** A workflow run a baseline may come from. */
export interface BaselineRun {
  id: number
  /** The commit it ran on. */
  sha: string
  /** Its page, for people. */
  url: string
}

/** An artifact stored by a workflow run. */
export interface RunArtifact {
  id: number
  expired: boolean
  /** ISO 8601 time of creation ('' when unknown). */
  created: string
}

export interface UploadedReport {
  id: number | undefined
  url: string | undefined
}

/**
 * The forge has no such endpoint (an older forge, or the feature is switched off), or the token
 * may not read it: an answer ("no baseline here"), not a failure.
 */
export class Unavailable extends Error {}

/** The forge answered something that is not what the endpoint returns (a proxy's HTML page). */
export class UnexpectedAnswerError extends Error {}
