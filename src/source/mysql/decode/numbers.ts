import type { BoolBuilder, FixedWidthBuilder } from '../../../arrow/index.js'
import { doubleReadsBack } from '../../number-text.js'
import { malformed, outOfRange, previewValue } from './decode-errors.js'

const TWO_32 = 4294967296
const MINUS = 0x2d
const PLUS = 0x2b
const ZERO = 0x30
/** Digits whose value is always exact in a double (10^15 < 2^53). */
const SAFE_DIGITS = 15

/**
 * The integer text at `buf[start..end)` as a number when its magnitude has at most 15 digits;
 * NaN for longer ones. Throws on non-integer text.
 */
function parseSmallInteger(buf: Uint8Array, start: number, end: number, column: string, type: string): number {
  let p = start
  const neg = end > start && buf[start] === MINUS
  if (neg || (end > start && buf[start] === PLUS)) p++
  if (p === end) throw malformed(column, type, buf, start, end)
  // ZEROFILL columns arrive zero-padded
  while (p < end - 1 && buf[p] === ZERO) p++
  if (end - p > SAFE_DIGITS) {
    for (let k = p; k < end; k++) if (buf[k] < ZERO || buf[k] > ZERO + 9) throw malformed(column, type, buf, start, end)
    return NaN
  }
  let v = 0
  for (; p < end; p++) {
    const d = buf[p] - ZERO
    if (d < 0 || d > 9) throw malformed(column, type, buf, start, end)
    v = v * 10 + d
  }
  return neg ? -v : v
}

/** Integer text into an int8/16/32 or uint8/16/32 column (`width` bytes), refused outside [min, max]. */
export function appendSmallInt(b: FixedWidthBuilder, buf: Uint8Array, start: number, end: number, width: number, min: number, max: number, column: string, type: string): void {
  const v = parseSmallInteger(buf, start, end, column, type)
  if (!(v >= min && v <= max)) throw outOfRange(column, type, previewValue(buf, start, end), `is outside ${min}..${max}`)
  if (width === 4) b.appendInt32(v)
  else if (width === 2) b.appendInt16(v)
  else b.appendInt8(v)
}

/**
 * Integer text into an int64 or uint64 column, exactly: up to 15 digits through a double, longer
 * values digit by digit into two 32-bit halves (no BigInt).
 */
export function appendInt64(b: FixedWidthBuilder, buf: Uint8Array, start: number, end: number, signed: boolean, column: string, type: string): void {
  const v = parseSmallInteger(buf, start, end, column, type)
  if (v === v) {
    if (!signed && v < 0) throw outOfRange(column, type, previewValue(buf, start, end), 'is negative, outside the range of uint64')
    return b.appendSafeInt64(v)
  }
  const neg = buf[start] === MINUS
  let p = neg || buf[start] === PLUS ? start + 1 : start
  while (buf[p] === ZERO) p++
  let hi = 0
  let lo = 0
  for (; p < end; p++) {
    const t = lo * 10 + (buf[p] - ZERO)
    lo = t % TWO_32
    hi = hi * 10 + (t - lo) / TWO_32
    if (hi > 0xffffffff) break
  }
  const fits = signed ? hi < 0x80000000 || (neg && hi === 0x80000000 && lo === 0) : !neg && hi <= 0xffffffff
  if (!fits) throw outOfRange(column, type, previewValue(buf, start, end), `is outside the range of ${signed ? 'int64' : 'uint64'}`)
  if (!neg) return b.appendInt64Parts(hi, lo)
  // two's complement of the magnitude: invert both halves and add one
  const nlo = (~lo >>> 0) + 1
  b.appendInt64Parts(~hi + (nlo === TWO_32 ? 1 : 0), nlo)
}

/** `0` / `1` into a bool column; any other integer is refused rather than coerced. */
export function appendBoolText(b: BoolBuilder, buf: Uint8Array, start: number, end: number, column: string, type: string): void {
  if (end - start === 1 && (buf[start] === ZERO || buf[start] === ZERO + 1)) return b.appendBool(buf[start] === ZERO + 1)
  const v = parseSmallInteger(buf, start, end, column, type)
  if (v === 0 || v === 1) return b.appendBool(v === 1)
  const q = JSON.stringify(column)
  throw outOfRange(column, type, previewValue(buf, start, end), 'is neither 0 nor 1, so it is not a boolean', `keep the integers with \`columns: { ${q}: int64 }\` (or text)`)
}

/** BIT(1) into a bool column: one raw byte, 0x00 or 0x01. */
export function appendBitBool(b: BoolBuilder, buf: Uint8Array, start: number, end: number, column: string, type: string): void {
  if (end - start !== 1 || buf[start] > 1) throw malformed(column, type, buf, start, end)
  b.appendBool(buf[start] === 1)
}

/** BIT(n): 1..8 raw big-endian bytes into an int64 (refused above 2^63 - 1) or uint64 column. */
export function appendBit(b: FixedWidthBuilder, buf: Uint8Array, start: number, end: number, signed: boolean, column: string, type: string): void {
  const len = end - start
  if (len < 1 || len > 8) throw malformed(column, type, buf, start, end)
  let hi = 0
  let lo = 0
  for (let k = start; k < end; k++) {
    hi = ((hi << 8) | (lo >>> 24)) >>> 0
    lo = ((lo << 8) | buf[k]) >>> 0
  }
  if (signed && hi >= 0x80000000) {
    const value = ((BigInt(hi) << 32n) | BigInt(lo)).toString()
    throw outOfRange(column, type, value, 'is above the int64 maximum', 'remove the int64 override (BIT(64) maps to uint64), or export the column as text')
  }
  b.appendInt64Parts(hi, lo)
}

/** Float text (`1.5`, `-0`, `1e-7`, `1.7976931348623157e308`) into a float32 or float64 column. */
export function appendFloat(b: FixedWidthBuilder, buf: Buffer, start: number, end: number, width: number, column: string, type: string): void {
  const v = parseFloatText(buf, start, end, column, type)
  if (width === 4) b.appendFloat32(v)
  else b.appendFloat64(v)
}

/** The double of a float text as the server prints it; throws on anything else. */
export function parseFloatText(buf: Buffer, start: number, end: number, column: string, type: string): number {
  const s = end > start && (buf[start] === MINUS || buf[start] === PLUS) ? start + 1 : start
  // Number() would also accept '', blanks, 0x.., 0b.., Infinity: the server sends none of them
  if (s >= end || !isDigitOrDot(buf[s]) || !isDigitOrDot(buf[end - 1])) throw malformed(column, type, buf, start, end)
  const prefix = end > s + 1 && buf[s] === ZERO ? buf[s + 1] | 0x20 : 0
  if (prefix === 0x78 || prefix === 0x6f || prefix === 0x62) throw malformed(column, type, buf, start, end)
  const v = Number(buf.toString('latin1', start, end))
  if (v !== v) throw malformed(column, type, buf, start, end)
  return v
}

/**
 * A bigint or decimal text into a float64 column, refused unless the double reads back as the
 * same number (beyond 2^53, or past ~15 significant digits, a double would round it).
 */
export function appendExactDouble(b: FixedWidthBuilder, buf: Buffer, start: number, end: number, column: string, type: string): void {
  const v = parseFloatText(buf, start, end, column, type)
  const text = buf.toString('latin1', start, end)
  if (!doubleReadsBack(text, v)) throw outOfRange(column, type, previewValue(buf, start, end), `has more digits than a float64 holds; it would be rounded to ${v}`)
  b.appendFloat64(v)
}

function isDigitOrDot(c: number): boolean {
  return (c >= ZERO && c <= ZERO + 9) || c === 0x2e
}
