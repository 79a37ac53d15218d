/**
 * npm run hostile [-- --only SUBSTRING] [--fast] [--cli dist/cli.js] [--keep] [--verbose]
 *
 * Generates the hostile corpus into a temporary directory, runs every selected case through the
 * CLI bundle (which it does not build), prints the table and exits 1 when a case was not handled.
 * Progress goes to stderr, the table to stdout.
 */
import { parseArgs } from 'node:util'
import { HostileSession, formatTable, selectCases, verdictText, type CaseResult } from './runner.js'
import { RSS_LIMIT_MB, TIME_LIMIT_MS } from './verdict.js'

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      only: { type: 'string' },
      fast: { type: 'boolean' },
      cli: { type: 'string' },
      keep: { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help) {
    process.stdout.write(
      'npm run hostile -- [--only SUBSTRING] [--fast] [--cli dist/cli.js] [--keep] [--verbose]\n'
    )
    return 0
  }
  const cases = selectCases({ only: values.only, fast: values.fast })
  if (cases.length === 0) {
    process.stderr.write(`no hostile case matches ${JSON.stringify(values.only)}\n`)
    return 2
  }
  const started = performance.now()
  const session = await HostileSession.open({ cli: values.cli, keep: values.keep })
  process.stderr.write(
    `corpus: ${session.dir}; ${cases.length} cases; limits ${TIME_LIMIT_MS / 1000} s, ` +
      `${RSS_LIMIT_MB} MB; good file alone: ${session.baselineSpikes.length} spike(s)\n`
  )
  const results: CaseResult[] = []
  try {
    for (const [index, testCase] of cases.entries()) {
      const result = await session.run(testCase)
      results.push(result)
      process.stderr.write(
        `[${index + 1}/${cases.length}] ${testCase.name}: ${verdictText(result)}\n`
      )
      if (values.verbose) {
        for (const problem of result.problems) process.stderr.write(`    ${problem}\n`)
      }
    }
  } finally {
    await session.close()
  }
  process.stdout.write(formatTable(results) + '\n')
  const seconds = (performance.now() - started) / 1000
  process.stdout.write(
    `\n${cases.length} cases in ${seconds.toFixed(0)} s` +
      (values.keep ? `; corpus kept in ${session.dir}` : '') +
      '\n'
  )
  return results.every((result) => result.problems.length === 0) ? 0 : 1
}
