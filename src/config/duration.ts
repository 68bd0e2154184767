/** Durations written as a whole number with a unit (`90s`, `15m`, `2h`, `1d`), and cursor overlaps built on them. */
import type { CursorOverlap } from './types.js'

/** Seconds per duration unit. */
export const DURATION_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 }

/** JSON Schema pattern of a duration string. */
export const DURATION_PATTERN = '^\\s*[0-9]+\\s*[smhd]\\s*$'

const DURATION_RE = /^\s*(\d+)\s*([smhd])\s*$/

/** Parse a duration into seconds, or return null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const match = DURATION_RE.exec(text)
  if (!match) return null
  const seconds = Number(match[1]) * (DURATION_UNITS[match[2]] as number)
  return Number.isSafeInteger(seconds) ? seconds : null
}

/** A validated `cursor_overlap` value as the engine reads it: a number in cursor units or a duration. */
export function toCursorOverlap(value: number | string): CursorOverlap | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? { kind: 'number', value } : null
  const seconds = parseDuration(value)
  return seconds === null ? null : { kind: 'duration', seconds }
}
