import { RivetError } from '../../../errors/index.js'
import type { DecimalBuilder } from '../../../arrow/index.js'
import { shortenValue } from '../../row-error.js'
import { malformed } from './decode-errors.js'

const TWO_32 = 4294967296
const NUMERIC_POS = 0x0000
const NUMERIC_NEG = 0x4000
const NUMERIC_NAN = 0xc000
const NUMERIC_PINF = 0xd000
const NUMERIC_NINF = 0xf000
const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

/**
 * Scratch magnitude in little-endian base-2^32 limbs. The digits processed are bounded by the
 * precision check (< 10^(p+3) ≤ 10^79 < 2^264), so 12 limbs always suffice.
 */
const limbs = new Float64Array(12)

/**
 * Decode a numeric in PostgreSQL binary format (int16 ndigits, int16 weight, uint16 sign, int16
 * dscale, base-10000 digits) into a decimal(precision, scale) column. A value with more integer
 * digits than precision - scale, or nonzero digits beyond the scale, is refused (never rounded).
 */
export function appendPgNumeric(b: DecimalBuilder, buf: Uint8Array, p: number, len: number, precision: number, scale: number, column: string): void {
  if (len < 8) throw malformed(column, 'numeric', `${len} bytes`)
  let ndigits = (buf[p] << 8) | buf[p + 1]
  const sign = (buf[p + 4] << 8) | buf[p + 5]
  if (len !== 8 + 2 * ndigits) throw malformed(column, 'numeric', `${len} bytes for ${ndigits} digits`)
  if (sign !== NUMERIC_POS && sign !== NUMERIC_NEG) throw nonFiniteOrMalformed(column, sign)
  const d0 = p + 8
  // PostgreSQL strips leading and trailing zero digits; do not rely on it
  while (ndigits > 0 && digitAt(buf, d0, ndigits - 1) === 0) ndigits--
  let first = 0
  let weight = (((buf[p + 2] << 8) | buf[p + 3]) << 16) >> 16
  while (first < ndigits && digitAt(buf, d0, first) === 0) {
    first++
    weight--
  }
  if (first === ndigits) return b.appendSafeInteger(0)
  const intDigits = weight >= 0 ? 4 * weight + decimalLength(digitAt(buf, d0, first)) : 0
  if (intDigits > precision - scale) throw doesNotFit(column, buf, p, precision, scale, 'too many integer digits')
  const n = ndigits - first
  // unscaled value = (the digits read as one integer) * 10^e
  const e = 4 * (weight - n + 1) + scale
  if (e <= -4) throw doesNotFit(column, buf, p, precision, scale, `more than ${scale} fractional digits`)
  const neg = sign === NUMERIC_NEG
  if (n <= 4 && appendSmall(b, buf, d0 + 2 * first, n, e, neg)) return
  let nl = 1
  limbs[0] = 0
  for (let k = first; k < ndigits; k++) nl = mulAdd(nl, 10000, digitAt(buf, d0, k))
  if (e < 0) {
    if (divSmall(nl, POW10[-e]) !== 0) throw doesNotFit(column, buf, p, precision, scale, `more than ${scale} fractional digits`)
    while (nl > 1 && limbs[nl - 1] === 0) nl--
  } else {
    for (let r = e; r > 0; r -= 6) nl = mulAdd(nl, POW10[Math.min(r, 6)], 0)
  }
  b.appendLimbs(limbs, nl, neg)
}

/**
 * Fast path: at most 16 digits whose unscaled value is exact in a double. Accumulating stays
 * exact while below 2^53; a result of 2^53 or more rounds to at least 2^53, so the check below
 * catches every inexact case. False when the fast path does not apply.
 */
function appendSmall(b: DecimalBuilder, buf: Uint8Array, at: number, n: number, e: number, neg: boolean): boolean {
  let acc = 0
  for (let k = 0; k < n; k++) acc = acc * 10000 + ((buf[at + 2 * k] << 8) | buf[at + 2 * k + 1])
  if (acc > Number.MAX_SAFE_INTEGER) return false
  let u: number
  if (e >= 0) {
    if (e > 15) return false
    u = acc * POW10[e]
    if (u > Number.MAX_SAFE_INTEGER) return false
  } else {
    const div = POW10[-e]
    // a remainder means nonzero digits beyond the scale: the slow path reports it
    if (acc % div !== 0) return false
    u = acc / div
  }
  b.appendSafeInteger(neg ? -u : u)
  return true
}

/** limbs = limbs * m + add; m <= 10^6 keeps every intermediate below 2^53. */
function mulAdd(nl: number, m: number, add: number): number {
  let carry = add
  for (let i = 0; i < nl; i++) {
    const t = limbs[i] * m + carry
    const lo = t % TWO_32
    limbs[i] = lo
    carry = (t - lo) / TWO_32
  }
  if (carry > 0) limbs[nl++] = carry
  return nl
}

/** limbs = limbs / d (d <= 1000); returns the remainder. */
function divSmall(nl: number, d: number): number {
  let r = 0
  for (let i = nl - 1; i >= 0; i--) {
    const cur = r * TWO_32 + limbs[i]
    const q = Math.floor(cur / d)
    r = cur - q * d
    limbs[i] = q
  }
  return r
}

function digitAt(buf: Uint8Array, d0: number, k: number): number {
  return (buf[d0 + 2 * k] << 8) | buf[d0 + 2 * k + 1]
}

function decimalLength(d: number): number {
  return d < 10 ? 1 : d < 100 ? 2 : d < 1000 ? 3 : 4
}

function nonFiniteOrMalformed(column: string, sign: number): RivetError {
  const value = sign === NUMERIC_NAN ? 'NaN' : sign === NUMERIC_PINF ? 'Infinity' : sign === NUMERIC_NINF ? '-Infinity' : null
  if (value === null) return malformed(column, 'numeric', `sign 0x${sign.toString(16)}`)
  const q = JSON.stringify(column)
  return new RivetError('RIVET_DATA_NON_FINITE', `column ${q} holds ${value}, which a decimal column cannot represent`, {
    hint: `filter or cast it in a \`query:\` (e.g. \`NULLIF(${q}, 'NaN')\`), or export the column as text with \`columns: { ${q}: text }\``,
    details: { column, value },
  })
}

function doesNotFit(column: string, buf: Uint8Array, p: number, precision: number, scale: number, why: string): RivetError {
  const q = JSON.stringify(column)
  const value = pgNumericToString(buf, p)
  return new RivetError('RIVET_DATA_VALUE_OUT_OF_RANGE', `column ${q}: value ${shortenValue(value)} does not fit decimal(${precision},${scale}) (${why}); it would have to be rounded`, {
    hint: `widen the override, e.g. \`columns: { ${q}: "decimal(${Math.min(76, precision + 10)},${Math.min(scale + 4, 38)})" }\`, round it on purpose in a \`query:\` (round(${q}, ${scale})), or export it as text with \`columns: { ${q}: text }\``,
    details: { column, value: shortenValue(value), precision, scale },
  })
}

/** The exact decimal text of a numeric in binary format (cold path: error messages and tests). */
export function pgNumericToString(buf: Uint8Array, p: number): string {
  const ndigits = (buf[p] << 8) | buf[p + 1]
  const weight = (((buf[p + 2] << 8) | buf[p + 3]) << 16) >> 16
  const sign = (buf[p + 4] << 8) | buf[p + 5]
  const dscale = (buf[p + 6] << 8) | buf[p + 7]
  if (sign === NUMERIC_NAN) return 'NaN'
  if (sign === NUMERIC_PINF) return 'Infinity'
  if (sign === NUMERIC_NINF) return '-Infinity'
  let intPart = ''
  for (let w = 0; w <= weight; w++) {
    const d = w < ndigits ? digitAt(buf, p + 8, w) : 0
    intPart += w === 0 ? String(d) : String(d).padStart(4, '0')
  }
  let frac = ''
  for (let k = weight + 1; frac.length < dscale; k++) {
    const d = k >= 0 && k < ndigits ? digitAt(buf, p + 8, k) : 0
    frac += String(d).padStart(4, '0')
  }
  frac = frac.slice(0, dscale)
  const text = (intPart === '' ? '0' : intPart) + (dscale > 0 ? `.${frac}` : '')
  return sign === NUMERIC_NEG ? `-${text}` : text
}
