import { connect, type Log } from './client.js'
import type { RunContext } from './context.js'
import type { Forge, RunArtifacts } from './forge.js'
import { ForgejoForge, forgejoRunArtifacts, GiteaForge } from './forgejo.js'
import { GitHubForge, githubRunArtifacts } from './github.js'
import { artifactByteLimit, limitedFetch, type ForgeBudget, type ForgeLimits } from './http.js'

/** The forge the step runs on, as the action talks to it. */
export interface OpenedForge {
  /** Its REST API; null without a github-token (no comment, no baseline lookup). */
  forge: Forge | null
  /** This run's artifacts, which need no github-token. */
  artifacts: RunArtifacts
}

/**
 * The one place that asks which forge this is. Every REST request gets the limits' timeout and
 * shares `budget`; rate limits and 5xx answers are retried (client.ts).
 */
export function openForge(
  context: RunContext,
  token: string,
  log: Log & { notice(message: string): void },
  limits: ForgeLimits,
  budget: ForgeBudget,
  env: NodeJS.ProcessEnv = process.env
): OpenedForge {
  const connection = token ? connect(token, context, log, limits, budget) : null
  if (connection === null) log.warning('no github-token: no comment and no baseline lookup')
  if (context.forge === 'github') {
    return {
      forge: connection && new GitHubForge(connection, context, log),
      artifacts: githubRunArtifacts(context, log)
    }
  }
  return {
    forge:
      connection &&
      (context.forge === 'gitea'
        ? new GiteaForge(connection, context, log)
        : new ForgejoForge(connection, context, log)),
    artifacts: forgejoRunArtifacts(context, log, env, {
      fetch: limitedFetch(limits, budget),
      budget,
      limit: artifactByteLimit(env)
    })
  }
}
