/** A timestamp in ISO 8601 text, read exactly (cold path: columns overridden from text). */
import { daysFromCivil } from '../../mysql/decode/temporal.js'

/** Wall-clock microseconds since 1970-01-01 00:00 and the UTC offset the text names (null: none). */
export interface IsoTimestamp {
  readonly micros: bigint
  readonly offsetSeconds: number | null
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(?:(Z|z)|([+-])(\d{2})(?::?(\d{2}))?)?$/
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const FORM = 'is not a timestamp in ISO 8601 form (YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][Z|±HH[:MM]])'

/**
 * `YYYY-MM-DD`, optionally with `[T ]HH:MM[:SS[.f]]` and a `Z` or `±HH[:MM]` offset; years
 * 0001-9999. A fraction finer than microseconds is refused unless its extra digits are zeros
 * (PostgreSQL would round it), and so are values that name no real instant or day (24:00,
 * leap seconds, 2024-02-30). Returns what is wrong otherwise.
 */
export function parseIsoTimestamp(text: string): IsoTimestamp | { error: string } {
  const m = ISO.exec(text)
  if (m === null) return { error: FORM }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)]
  const fraction = m[7] ?? ''
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return { error: 'is not a calendar date' }
  if (hour > 23 || minute > 59 || second > 59) return { error: 'is not a time of day (00:00:00 to 23:59:59.999999)' }
  if (/[1-9]/.test(fraction.slice(6))) return { error: 'has more than 6 fractional digits of a second; it would be rounded' }
  let offsetSeconds: number | null = null
  if (m[8] !== undefined) offsetSeconds = 0
  else if (m[9] !== undefined) {
    const oh = Number(m[10])
    const om = Number(m[11] ?? 0)
    if (oh > 15 || om > 59) return { error: 'has a UTC offset outside ±15:59' }
    offsetSeconds = (m[9] === '-' ? -1 : 1) * (oh * 3600 + om * 60)
  }
  const days = daysFromCivil(year, month, day)
  const micros = BigInt(days * 86400 + hour * 3600 + minute * 60 + second) * 1_000_000n + BigInt(fraction.slice(0, 6).padEnd(6, '0'))
  return { micros, offsetSeconds }
}

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month]!
}
