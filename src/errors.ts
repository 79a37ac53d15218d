/** The first line of an error's message, or the thrown value as text: for one-line reports. */
export function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]
}
