import { readInt32, readUint32 } from './bytes.js'

const US_PER_HOUR = 3_600_000_000
const US_PER_MINUTE = 60_000_000
const US_PER_SECOND = 1_000_000

/**
 * Render an interval (binary: int64 µs, int32 days, int32 months) as ISO 8601 exactly like
 * PostgreSQL does with `IntervalStyle = iso_8601`, so the text reads back through
 * `'...'::interval` unchanged. Every field carries its own sign (`P-1Y-2M3DT-4H-5M-6.5S`); the
 * time part is split into hours, minutes and seconds truncating toward zero; zero is `PT0S`.
 */
export function formatPgInterval(buf: Uint8Array, p: number): string {
  const hi = readInt32(buf, p)
  const lo = readUint32(buf, p + 4)
  const days = readInt32(buf, p + 8)
  const months = readInt32(buf, p + 12)
  const [hours, minutes, seconds, micros] = splitTime(hi, lo)
  const years = Math.trunc(months / 12)
  const mons = months % 12
  if (years === 0 && mons === 0 && days === 0 && hours === 0 && minutes === 0 && seconds === 0 && micros === 0) return 'PT0S'
  let s = 'P' + part(years, 'Y') + part(mons, 'M') + part(days, 'D')
  if (hours !== 0 || minutes !== 0 || seconds !== 0 || micros !== 0) s += 'T'
  s += part(hours, 'H') + part(minutes, 'M')
  if (seconds !== 0 || micros !== 0) {
    if (seconds < 0 || micros < 0) s += '-'
    s += String(Math.abs(seconds)) + fraction(Math.abs(micros)) + 'S'
  }
  return s
}

/** Hours, minutes, seconds and microseconds of an int64 µs count, each with the sign of the total. */
function splitTime(hi: number, lo: number): [number, number, number, number] {
  const total = hi * 4294967296 + lo
  if (Number.isSafeInteger(total)) {
    // % on doubles is exact, and the remaining divisions are of exact multiples
    const restH = total % US_PER_HOUR
    const restM = restH % US_PER_MINUTE
    const micros = restM % US_PER_SECOND
    return [(total - restH) / US_PER_HOUR, (restH - restM) / US_PER_MINUTE, (restM - micros) / US_PER_SECOND, micros]
  }
  // beyond 2^53 µs (about 285 years of hours): BigInt, a cold path
  const t = (BigInt(hi) << 32n) | BigInt(lo)
  const restH = Number(t % BigInt(US_PER_HOUR))
  const restM = restH % US_PER_MINUTE
  const micros = restM % US_PER_SECOND
  return [Number(t / BigInt(US_PER_HOUR)), (restH - restM) / US_PER_MINUTE, (restM - micros) / US_PER_SECOND, micros]
}

function part(value: number, unit: string): string {
  return value === 0 ? '' : `${value}${unit}`
}

/** `.ffffff` without trailing zeros, or '' for whole seconds. */
function fraction(micros: number): string {
  if (micros === 0) return ''
  return '.' + String(micros).padStart(6, '0').replace(/0+$/, '')
}
