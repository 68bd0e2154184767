import type { FixedWidthBuilder } from '../../../arrow/index.js'
import { malformed, outOfRange, previewValue, timeOutOfRange } from './decode-errors.js'
import { quoteMysqlIdentifier } from './decoder-id.js'

const ZERO = 0x30
const SECONDS_PER_DAY = 86400
const US_PER_SECOND = 1_000_000
const FRACTION_SCALE = [1, 100000, 10000, 1000, 100, 10, 1]
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** The value of `n` ASCII digits at `p`, or -1 when one of them is not a digit. */
function digits(buf: Uint8Array, p: number, n: number): number {
  let v = 0
  for (let k = p; k < p + n; k++) {
    const d = buf[k] - ZERO
    if (d < 0 || d > 9) return -1
    v = v * 10 + d
  }
  return v
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil; integer math, any year). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
}

/**
 * Days since the epoch of the `YYYY-MM-DD` at `buf[start..]` (the value ends at `end`), or NaN
 * for a zero date (month or day 00, e.g. `0000-00-00`, `2024-00-10`), which the caller writes as NULL.
 */
function parseDays(buf: Uint8Array, start: number, end: number, column: string, type: string): number {
  if (end - start < 10 || buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d) throw malformed(column, type, buf, start, end)
  const y = digits(buf, start, 4)
  const m = digits(buf, start + 5, 2)
  const d = digits(buf, start + 8, 2)
  if (y < 0 || m < 0 || d < 0) throw malformed(column, type, buf, start, end)
  if (m === 0 || d === 0) return NaN
  // ALLOW_INVALID_DATES lets MySQL store e.g. 2024-02-30; never shift it to another day
  if (m > 12 || d > (m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m])) {
    throw outOfRange(column, type, previewValue(buf, start, end), 'is not a calendar date', `cast it to text in a \`query:\` or add \`columns: { ${JSON.stringify(column)}: text }\``)
  }
  return daysFromCivil(y, m, d)
}

/**
 * `YYYY-MM-DD` into a date32 column; false for a zero date (nothing appended). A time part after
 * it (a datetime or text overridden to date) must be midnight: any other time of day is refused,
 * never cut off.
 */
export function appendDateText(b: FixedWidthBuilder, buf: Uint8Array, start: number, end: number, column: string, type: string): boolean {
  const days = parseDays(buf, start, end, column, type)
  if (days !== days) return false
  if (end - start > 10) {
    if (buf[start + 10] !== 0x20 && buf[start + 10] !== 0x54) throw malformed(column, type, buf, start, end)
    if (!isMidnight(buf, start + 11, end)) {
      throw outOfRange(column, type, previewValue(buf, start, end), 'has a time of day, which a date override would drop', `keep it with a \`timestamp\` override, or cast it in a \`query:\` (DATE(${quoteMysqlIdentifier(column)}) AS ${quoteMysqlIdentifier(column)}) to drop the time on purpose`)
    }
  }
  b.appendInt32(days)
  return true
}

/** Whether `buf[p..end)` is `00:00:00` with an optional all-zero fraction. */
function isMidnight(buf: Uint8Array, p: number, end: number): boolean {
  if (end - p < 8 || buf[p + 2] !== 0x3a || buf[p + 5] !== 0x3a || digits(buf, p, 2) !== 0 || digits(buf, p + 3, 2) !== 0 || digits(buf, p + 6, 2) !== 0) return false
  if (end === p + 8) return true
  if (buf[p + 8] !== 0x2e || end === p + 9) return false
  for (let k = p + 9; k < end; k++) if (buf[k] !== ZERO) return false
  return true
}

/**
 * `YYYY-MM-DD HH:MM:SS[.f..ffffff]` (or a bare date: midnight) into a timestamp column as µs
 * since 1970-01-01 00:00, by integer arithmetic; false for a zero date (nothing appended).
 */
export function appendDatetimeText(b: FixedWidthBuilder, buf: Uint8Array, start: number, end: number, column: string, type: string): boolean {
  const days = parseDays(buf, start, end, column, type)
  if (days !== days) return false
  const len = end - start
  if (len === 10) {
    appendMicros(b, days * SECONDS_PER_DAY, 0)
    return true
  }
  if (len < 19 || (buf[start + 10] !== 0x20 && buf[start + 10] !== 0x54) || buf[start + 13] !== 0x3a || buf[start + 16] !== 0x3a) throw malformed(column, type, buf, start, end)
  const h = digits(buf, start + 11, 2)
  const mi = digits(buf, start + 14, 2)
  const s = digits(buf, start + 17, 2)
  if (h < 0 || mi < 0 || s < 0 || h > 23 || mi > 59 || s > 59) throw malformed(column, type, buf, start, end)
  const micros = fraction(buf, start + 19, start, end, column, type)
  appendMicros(b, days * SECONDS_PER_DAY + h * 3600 + mi * 60 + s, micros)
  return true
}

/** `HH:MM:SS[.ffffff]` into a time64[µs] column; a MySQL TIME outside one day is refused. */
export function appendTimeText(b: FixedWidthBuilder, buf: Uint8Array, start: number, end: number, column: string, type: string): void {
  if (end > start && buf[start] === 0x2d) throw timeOutOfRange(column, buf, start, end)
  let p = start
  while (p < end && p - start < 4 && buf[p] !== 0x3a) p++
  const h = p > start ? digits(buf, start, p - start) : -1
  if (h < 0 || p + 6 > end || buf[p] !== 0x3a || buf[p + 3] !== 0x3a) throw malformed(column, type, buf, start, end)
  const mi = digits(buf, p + 1, 2)
  const s = digits(buf, p + 4, 2)
  if (mi < 0 || s < 0 || mi > 59 || s > 59) throw malformed(column, type, buf, start, end)
  const micros = fraction(buf, p + 6, start, end, column, type)
  if (h > 23) throw timeOutOfRange(column, buf, start, end)
  b.appendSafeInt64((h * 3600 + mi * 60 + s) * US_PER_SECOND + micros)
}

/** Microseconds of an optional `.f` .. `.ffffff` at `p` (the value is `buf[start..end)`, the fraction ends it). */
function fraction(buf: Uint8Array, p: number, start: number, end: number, column: string, type: string): number {
  if (p === end) return 0
  const n = end - p - 1
  if (buf[p] !== 0x2e || n < 1 || n > 6) throw malformed(column, type, buf, start, end)
  const f = digits(buf, p + 1, n)
  if (f < 0) throw malformed(column, type, buf, start, end)
  return f * FRACTION_SCALE[n]
}

/**
 * Append seconds * 10^6 + micros as an int64. Within ±2^53 (years 1685..2255) one double holds
 * it exactly; beyond, the product is assembled from 16-bit pieces into two 32-bit halves, every
 * intermediate an exact double (|seconds| < 2^39 for years 0..9999).
 */
export function appendMicros(b: FixedWidthBuilder, seconds: number, micros: number): void {
  const us = seconds * US_PER_SECOND + micros
  // a true value beyond ±(2^53 - 1) rounds to at least 2^53, so this test is exact
  if (us <= Number.MAX_SAFE_INTEGER && us >= -Number.MAX_SAFE_INTEGER) return b.appendSafeInt64(us)
  const sHigh = Math.floor(seconds / 65536)
  // us = sHigh * 10^6 * 2^16 + rest, 0 <= rest < 2^37
  const rest = (seconds - sHigh * 65536) * US_PER_SECOND + micros
  const restLow = rest % 65536
  const c = sHigh * US_PER_SECOND + (rest - restLow) / 65536
  // us = c * 2^16 + restLow
  const hi = Math.floor(c / 65536)
  b.appendInt64Parts(hi, (c - hi * 65536) * 65536 + restLow)
}
