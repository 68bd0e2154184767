import type { ByteWriter } from './byte-writer.js'

/**
 * Date, time and timestamp text, written digit by digit into the output (no Date objects,
 * no strings). Proleptic Gregorian calendar with astronomical years: 0 is 1 BC, years
 * below 0 get a '-' and years above 9999 get as many digits as they need, so no value in
 * Arrow's range makes the formatter fail.
 */

const DASH = 45
const COLON = 58
const DOT = 46

/** Writes `YYYY-MM-DD` for a count of days since 1970-01-01. */
export function writeDate(out: ByteWriter, days: number): void {
  // civil_from_days (H. Hinnant): shift the epoch to 0000-03-01 so leap days end a 400-year era
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  writeYear(out, year)
  out.ensure(6)
  out.buf[out.pos++] = DASH
  out.padded(month, 2)
  out.buf[out.pos++] = DASH
  out.padded(day, 2)
}

function writeYear(out: ByteWriter, year: number): void {
  if (year < 0) {
    out.byte(DASH)
    year = -year
  }
  if (year <= 9999) out.padded(year, 4)
  else out.uint(year)
}

/** Writes `HH:MM:SS.ffffff` for microseconds since midnight (always six fraction digits). */
export function writeTimeOfDay(out: ByteWriter, micros: number): void {
  if (micros < 0) {
    // not a valid time of day; written signed rather than wrapped so nothing is hidden
    out.byte(DASH)
    micros = -micros
  }
  const seconds = Math.floor(micros / 1_000_000)
  const fraction = micros - seconds * 1_000_000
  const hours = Math.floor(seconds / 3600)
  const minutes = Math.floor((seconds - hours * 3600) / 60)
  if (hours > 99) out.uint(hours)
  else out.padded(hours, 2)
  out.ensure(14)
  out.buf[out.pos++] = COLON
  out.padded(minutes, 2)
  out.buf[out.pos++] = COLON
  out.padded(seconds - hours * 3600 - minutes * 60, 2)
  out.buf[out.pos++] = DOT
  out.padded(fraction, 6)
}

/**
 * Remembers the text of the last date written: timestamps of one batch tend to share days,
 * so most values copy 10 bytes instead of running the calendar arithmetic.
 */
export class DateTextCache {
  private days = Number.NaN
  private readonly text = new Uint8Array(24)
  private length = 0

  /** Writes the date of `days` (see writeDate). */
  write(out: ByteWriter, days: number): void {
    if (days === this.days) {
      out.ensure(this.length)
      for (let i = 0; i < this.length; i++) out.buf[out.pos++] = this.text[i]
      return
    }
    const start = out.pos
    writeDate(out, days)
    this.length = out.pos - start
    this.text.set(out.buf.subarray(start, out.pos))
    this.days = days
  }
}

/**
 * Writes `YYYY-MM-DDTHH:MM:SS.ffffff` (plus `Z` when `utc`) for the int64 microseconds since
 * the epoch given as its signed high and unsigned low 32-bit halves. 86_400_000_000 is
 * 42_187_500 * 2^11, so dividing (value >> 11) — always below 2^52 in magnitude — by
 * 42_187_500 gives the day exactly in double arithmetic for every int64.
 */
export function writeTimestamp(out: ByteWriter, hi: number, lo: number, utc: boolean, dates: DateTextCache): void {
  const shifted = hi * 2_097_152 + (lo >>> 11) // floor(value / 2^11)
  const days = Math.floor(shifted / 42_187_500)
  const micros = (shifted - days * 42_187_500) * 2048 + (lo & 2047)
  dates.write(out, days)
  out.byte(84) // 'T'
  writeTimeOfDay(out, micros)
  if (utc) out.byte(90) // 'Z'
}
