/** Byte sizes written as a number of bytes or a string with a unit (`512MB`, `1GiB`). */

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  tb: 1000 ** 4,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
}

/** The units a size string may use (decimal KB/MB/GB/TB, binary KiB/MiB/GiB/TiB, plain B). */
export const SIZE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'KiB', 'MiB', 'GiB', 'TiB'] as const

/** JSON Schema pattern of a size string. */
export const SIZE_PATTERN = '^\\s*[0-9]+(\\.[0-9]+)?\\s*([KMGTkmgt][Ii]?[Bb]|[Bb])?\\s*$'

const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i

/** Parse a size into bytes, or return null when the text is not a size. Fractions are floored. */
export function parseSize(value: number | string): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null
  const match = SIZE_RE.exec(value)
  if (!match) return null
  const unit = match[2] === '' ? 1 : UNITS[match[2].toLowerCase()]
  if (unit === undefined) return null
  const bytes = Math.floor(Number(match[1]) * unit)
  return Number.isSafeInteger(bytes) ? bytes : null
}

/** Render a byte count the way the reference documents it (`1 MiB`, `512 MB`, or bytes). */
export function formatSize(bytes: number): string {
  for (const [unit, factor] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor} ${unit}`
  }
  return `${bytes} bytes`
}
