import type { DecimalBuilder } from '../../../arrow/index.js'
import { decimalDoesNotFit, malformed } from './decode-errors.js'

const TWO_32 = 4294967296
const ZERO = 0x30
const DOT = 0x2e
const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]
/** Digits whose value is always exact in a double (10^15 < 2^53). */
const SAFE_DIGITS = 15

/**
 * Scratch magnitude in little-endian base-2^32 limbs. The checks below bound the unscaled value
 * by 10^precision ≤ 10^76 < 2^256, so 8 limbs suffice; 12 leave room for the last multiply.
 */
const limbs = new Float64Array(12)

function isDigit(c: number): boolean {
  return c >= ZERO && c <= ZERO + 9
}

/**
 * Decimal text at `buf[start..end)` (`-12.3400`, `0.5`, and `1.5e-7` as floats print) into a
 * decimal(precision, scale) column, exactly. A value with more than precision - scale integer
 * digits, or nonzero digits beyond the scale, is refused (never rounded).
 */
export function appendDecimalText(b: DecimalBuilder, buf: Uint8Array, start: number, end: number, precision: number, scale: number, column: string): void {
  const neg = end > start && buf[start] === 0x2d
  let p = neg || (end > start && buf[start] === 0x2b) ? start + 1 : start
  const intStart = p
  while (p < end && isDigit(buf[p])) p++
  const intEnd = p
  let fracEnd = p
  if (p < end && buf[p] === DOT) {
    p++
    while (p < end && isDigit(buf[p])) p++
    fracEnd = p
  }
  if (fracEnd - intStart <= (fracEnd > intEnd ? 1 : 0)) throw malformed(column, 'decimal', buf, start, end)
  let exp = 0
  if (p < end && (buf[p] === 0x65 || buf[p] === 0x45)) {
    p++
    const expNeg = p < end && buf[p] === 0x2d
    if (expNeg || (p < end && buf[p] === 0x2b)) p++
    const expStart = p
    // beyond 10^6 the range checks below refuse any nonzero value anyway
    for (; p < end && isDigit(buf[p]); p++) if (exp < 1e6) exp = exp * 10 + (buf[p] - ZERO)
    if (p === expStart) throw malformed(column, 'decimal', buf, start, end)
    if (expNeg) exp = -exp
  }
  if (p !== end) throw malformed(column, 'decimal', buf, start, end)

  // the first and last nonzero digits, skipping the point at intEnd
  let first = -1
  let last = -1
  for (let k = intStart; k < fracEnd; k++) {
    if (k === intEnd || buf[k] === ZERO) continue
    if (first < 0) first = k
    last = k
  }
  if (first < 0) return b.appendSafeInteger(0)
  if (power(first, intEnd, exp) + 1 > precision - scale) throw decimalDoesNotFit(column, buf, start, end, precision, scale, 'too many integer digits')
  // unscaled value = (the digits first..last read as one integer) * 10^shift
  const shift = power(last, intEnd, exp) + scale
  if (shift < 0) throw decimalDoesNotFit(column, buf, start, end, precision, scale, `more than ${scale} fractional digits`)
  const n = last - first + 1 - (first < intEnd && last > intEnd ? 1 : 0)
  if (n + shift <= SAFE_DIGITS) {
    let acc = 0
    for (let k = first; k <= last; k++) if (k !== intEnd) acc = acc * 10 + (buf[k] - ZERO)
    const u = acc * POW10[shift]
    return b.appendSafeInteger(neg ? -u : u)
  }
  b.appendLimbs(limbs, accumulateLimbs(buf, first, last, intEnd, shift), neg)
}

/** Decimal exponent of the digit at `k` (0 for the units digit), the integer part ending at `intEnd`. */
function power(k: number, intEnd: number, exp: number): number {
  return (k < intEnd ? intEnd - 1 - k : intEnd - k) + exp
}

/** limbs = digits first..last (skipping `skip`) * 10^shift; returns the limb count. */
function accumulateLimbs(buf: Uint8Array, first: number, last: number, skip: number, shift: number): number {
  let nl = 1
  limbs[0] = 0
  let chunk = 0
  let count = 0
  for (let k = first; k <= last; k++) {
    if (k === skip) continue
    chunk = chunk * 10 + (buf[k] - ZERO)
    if (++count === 6) {
      nl = mulAdd(nl, 1e6, chunk)
      chunk = 0
      count = 0
    }
  }
  if (count > 0) nl = mulAdd(nl, POW10[count], chunk)
  for (let r = shift; r > 0; r -= 6) nl = mulAdd(nl, POW10[Math.min(r, 6)], 0)
  return nl
}

/** limbs = limbs * mul + add; mul <= 10^6 keeps every intermediate below 2^53. */
function mulAdd(nl: number, mul: number, add: number): number {
  let carry = add
  for (let i = 0; i < nl; i++) {
    const t = limbs[i] * mul + carry
    const lo = t % TWO_32
    limbs[i] = lo
    carry = (t - lo) / TWO_32
  }
  if (carry > 0) limbs[nl++] = carry
  return nl
}
