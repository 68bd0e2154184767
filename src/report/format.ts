/** Byte counts for people: 1.5 MB, 320 KB (powers of 1000, like file managers). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`
}

/** Integers with thousands separators. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** Durations for people: 850 ms, 3.2 s, 4 min 05 s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.round((ms % 60_000) / 1000)
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`
}

/** A growth factor: ×3.5, ×120. */
export function formatFactor(factor: number): string {
  return `×${factor >= 100 ? Math.round(factor).toLocaleString('en-US') : factor.toFixed(1)}`
}

/** `n thing` or `n things`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`
}
