import type { ArtifactClient } from '@actions/artifact'
import { readdir } from 'node:fs/promises'
import { join, relative, resolve, isAbsolute, sep } from 'node:path'
import picomatch from 'picomatch'
import { wildcardsOnly } from '../telemetry/discover.js'
import type { Log } from './client.js'
import type { RunContext } from './context.js'
import type { DownloadedArtifacts, RunArtifacts, UploadedReport } from './forge.js'
import { errorMessage } from '../errors.js'

/**
 * The calls the action makes to an artifact service: @actions/artifact's client, which speaks
 * GitHub's Twirp artifact protocol (Forgejo 7 and later serve it too).
 */
export type ArtifactService = Pick<
  ArtifactClient,
  'uploadArtifact' | 'deleteArtifact' | 'listArtifacts' | 'downloadArtifact'
>

/** Uploads the report files as the artifact `name`; a re-run replaces its earlier attempt's. */
export async function uploadReport(
  service: ArtifactService,
  context: RunContext,
  name: string,
  files: string[],
  rootDirectory: string
): Promise<UploadedReport> {
  let id: number | undefined
  try {
    ;({ id } = await service.uploadArtifact(name, files, rootDirectory))
  } catch (error) {
    // a re-run of the job finds its earlier attempt's artifact: replace it, as overwrite: true does
    if (!/already exists|409|Conflict/i.test(errorMessage(error))) throw error
    await service.deleteArtifact(name)
    ;({ id } = await service.uploadArtifact(name, files, rootDirectory))
  }
  const url =
    id !== undefined && context.runId !== null
      ? `${context.serverUrl}/${context.owner}/${context.repo}/actions/runs/${context.runId}/artifacts/${id}`
      : undefined
  return { id, url }
}

/** Stands for `/` in a name matched by namePattern (U+2215, DIVISION SLASH). */
const NAME_SLASH = '\u2215'

/** An artifact name (or name pattern) as one path segment that is neither `.` nor `..`. */
const asSegment = (text: string) => `_${text.replaceAll('/', NAME_SLASH)}`

/**
 * An artifact name pattern: `*` and `?` are its wildcards, matching any characters of a name, `/`
 * and a leading `.` included (a name that is no safe folder name must still be matched, to be
 * skipped with a warning). picomatch matches paths, so a name is given to it as one segment.
 */
export function namePattern(pattern: string): { test(name: string): boolean } {
  const matches = picomatch(asSegment(wildcardsOnly(pattern)), { dot: true })
  return { test: (name) => matches(asSegment(name)) }
}

/**
 * Whether an artifact name can be a folder of its own: not empty, `.` or `..`, without `/`, `\`
 * or control characters. Artifact names come from whoever uploaded them.
 */
export function safeFolderName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\u0000-\u001f\u007f]/.test(name)
}

/** Why an artifact is skipped when its name cannot be a folder. */
export const unsafeNameWarning = (name: string) =>
  `skipped artifact ${JSON.stringify(name)}: its name is not a safe folder name (empty, "." or "..", or with / \\ or control characters); rename it where it is uploaded`

/** `root/name`, when that is strictly inside `root`. */
export function folderInside(root: string, name: string): string | null {
  const path = resolve(root, name)
  const inside = relative(resolve(root), path)
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) && !inside.includes(sep)
    ? path
    : null
}

/**
 * Downloads the current run's artifacts whose names match one of `patterns` into
 * `<root>/<artifact-name>/`; a name that is no safe folder name is skipped with a warning.
 * Returns the names downloaded.
 */
export async function downloadRunArtifacts(
  service: ArtifactService,
  patterns: string[],
  root: string,
  log: Log
): Promise<DownloadedArtifacts> {
  const matchers = patterns.map(namePattern)
  const { artifacts } = await service.listArtifacts({ latest: true })
  const wanted = artifacts.filter((artifact) =>
    matchers.some((matcher) => matcher.test(artifact.name))
  )
  const downloaded: string[] = []
  for (const artifact of wanted) {
    const path = safeFolderName(artifact.name) ? folderInside(root, artifact.name) : null
    if (path === null) {
      log.warning(unsafeNameWarning(artifact.name))
      continue
    }
    await service.downloadArtifact(artifact.id, { path })
    downloaded.push(artifact.name)
  }
  return { names: downloaded.sort(), unusable: [] }
}

/** Where artifacts named by the `artifacts` input are downloaded, inside the workspace. */
export const ARTIFACTS_DIR = '.iostorm-artifacts'

/**
 * Downloads the telemetry artifacts of this run named by `patterns` into ARTIFACTS_DIR (where the
 * forge's artifact service can be used: elsewhere a notice names the download step to add).
 * Returns one line per artifact that could not be used (each already a warning): the step fails
 * for them once everything is published, as for an unreadable input file.
 */
export async function fetchTelemetryArtifacts(
  patterns: string[],
  artifacts: RunArtifacts,
  workspace: string,
  log: Log
): Promise<string[]> {
  if (patterns.length === 0) return []
  const downloaded = await artifacts.downloadRunArtifacts(patterns, join(workspace, ARTIFACTS_DIR))
  if (downloaded === null) return []
  const { names, unusable } = downloaded
  if (names.length === 0 && unusable.length === 0) {
    log.warning(`no artifact of this run matches ${patterns.map((p) => `"${p}"`).join(', ')}`)
  } else if (names.length > 0) {
    log.info(`downloaded ${names.length} artifact(s) into ${ARTIFACTS_DIR}/: ${names.join(', ')}`)
  }
  return unusable
}

/** The per-artifact folders under ARTIFACTS_DIR, as workspace-relative paths. */
export async function artifactFolders(workspace: string): Promise<string[]> {
  const entries = await readdir(join(workspace, ARTIFACTS_DIR), { withFileTypes: true }).catch(
    () => []
  )
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${ARTIFACTS_DIR}/${entry.name}`)
}
