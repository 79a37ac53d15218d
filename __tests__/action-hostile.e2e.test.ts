/**
 * The built action against a hostile or broken forge: forged and quoted markers, spoofed pull
 * request numbers under workflow_run, zip bombs, hanging and HTML-answering servers.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { faults } from './support/fake-forge.js'
import { forgePool, marked, onPr, seedBaseline, SAVE_ALL } from './support/e2e.js'

const pool = forgePool()
afterEach(() => pool.closeAll())

describe('a forge that stops answering', () => {
  it('ends each request after the timeout and every forge step within the budget; outputs are written', async () => {
    const github = await pool.start()
    await seedBaseline(github, SAVE_ALL[0])
    github.injectFault({ path: /^\/repos\//, times: 1000, ...faults.hang() })
    const run = await onPr(github, {
      env: { IOSTORM_HTTP_TIMEOUT_MS: '400', IOSTORM_FORGE_BUDGET_MS: '2000' }
    })
    expect(run.durationMs).toBeLessThan(15_000)
    expect(run.status).toBe(0)
    expect(run.outputs).toMatchObject({ verdict: 'no-baseline', spikes: '1', 'comment-url': '' })
    const warnings = run.annotations.join('\n')
    expect(warnings).toMatch(/no answer within 0\.4 s \(IOSTORM_HTTP_TIMEOUT_MS\)/)
    expect(warnings).toMatch(/could not comment: /)
    expect(run.summary).toContain('-|fsync')
    expect(marked(github)).toHaveLength(0)
  }, 30_000)

  it('skips what is left once the budget is used up', async () => {
    const github = await pool.start()
    github.injectFault({ path: /^\/repos\//, times: 1000, ...faults.hang() })
    const run = await onPr(github, {
      env: { IOSTORM_HTTP_TIMEOUT_MS: '5000', IOSTORM_FORGE_BUDGET_MS: '1500' }
    })
    expect(run.durationMs).toBeLessThan(15_000)
    expect(run.status).toBe(0)
    expect(run.annotations.join('\n')).toMatch(
      /time budget for forge requests is used up \(raise IOSTORM_FORGE_BUDGET_MS/
    )
    expect(run.outputs.verdict).toBe('no-baseline')
    expect(github.uploadedArtifacts).toHaveLength(0)
  }, 30_000)
})
