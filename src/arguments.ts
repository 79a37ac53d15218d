/** Command-line argument mistakes told in one line, with a suggestion for a near miss. */
import leven from 'leven'
import { errorMessage } from './errors.js'
import { terminalLine } from './report/escape.js'

/**
 * The known word nearest to a mistyped one: a word it begins (`--thresh` → `--threshold-ms`), else
 * one at most a third of its letters away (`--treshold-ms`, `detcet`); null when none is close.
 */
export function nearMiss(given: string, known: readonly string[]): string | null {
  const prefixed = known.filter((word) => word.startsWith(given))
  if (given.length >= 2 && prefixed.length === 1) return prefixed[0]
  let best: string | null = null
  let bestDistance = Infinity
  for (const word of known) {
    const distance = leven(given, word)
    if (distance < bestDistance) [best, bestDistance] = [word, distance]
  }
  return bestDistance <= Math.max(2, Math.floor(given.length / 3)) ? best : null
}

export const didYouMean = (suggestion: string | null) =>
  suggestion === null ? '' : `; did you mean ${suggestion}?`

/** One line for a parseArgs error, with a near-miss suggestion for an unknown option. */
export function argumentError(error: unknown, optionNames: readonly string[]): string {
  const code = (error as { code?: string }).code
  const message = errorMessage(error)
  const option = /'(-[^' ]+)/.exec(message)?.[1] ?? ''
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = option.replace(/=.*$/, '')
    const longNames = optionNames.map((key) => `--${key}`)
    return `unknown option ${terminalLine(name)}${didYouMean(nearMiss(name, longNames))}`
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /argument missing/.test(message)
      ? `${terminalLine(option)} needs a value`
      : `${terminalLine(option)} takes no value`
  }
  return terminalLine(message.replace(/\n+/g, ' '))
}
