/** Number formats shared by the markdown report. */

export function formatMs(value: number | null, digits = 1): string {
  return value === null || !Number.isFinite(value) ? '–' : `${value.toFixed(digits)} ms`
}

export function formatOffset(ms: number): string {
  const seconds = ms / 1000
  if (Math.abs(seconds) < 600) return `+${seconds.toFixed(2)} s`
  const minutes = Math.floor(seconds / 60)
  return `+${minutes} min ${(seconds - minutes * 60).toFixed(1)} s`
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US')
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`
}
