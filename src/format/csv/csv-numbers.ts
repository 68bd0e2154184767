import type { ByteWriter } from './byte-writer.js'

/**
 * Number text: floats as the shortest string that reads back to the same value, decimals
 * exactly from their unscaled two's-complement integer. Values that fit a double take a
 * digit-writing fast path; the rest go through bigint.
 */

const TWO_32 = 4_294_967_296
const FLOAT32_EXACT_INT = 16_777_216 // 2^24
const FLOAT64_EXACT_INT = 9_007_199_254_740_992 // 2^53
const DASH = 45
const ZERO = 48
const DOT = 46

/** Writes NaN / Infinity / -Infinity; in JSON they are not numbers, so they become strings. */
function writeNonFinite(out: ByteWriter, x: number, json: boolean): void {
  const text = x !== x ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity'
  if (json) out.byte(34)
  out.ascii(text)
  if (json) out.byte(34)
}

/** Writes a float64 as its shortest round-trip text (`-0` keeps its sign). */
export function writeFloat64(out: ByteWriter, x: number, json: boolean): void {
  if (!Number.isFinite(x)) return writeNonFinite(out, x, json)
  if (Number.isInteger(x) && x < FLOAT64_EXACT_INT && x > -FLOAT64_EXACT_INT) {
    if (x === 0 && 1 / x < 0) out.ascii('-0')
    else out.int(x)
    return
  }
  out.ascii(String(x))
}

/** Writes a float32 (widened to a double) as the shortest text that reads back to the same float32. */
export function writeFloat32(out: ByteWriter, x: number, json: boolean): void {
  if (!Number.isFinite(x)) return writeNonFinite(out, x, json)
  if (Number.isInteger(x) && x < FLOAT32_EXACT_INT && x > -FLOAT32_EXACT_INT) {
    if (x === 0 && 1 / x < 0) out.ascii('-0')
    else out.int(x)
    return
  }
  for (let precision = 1; precision < 9; precision++) {
    const candidate = Number(x.toPrecision(precision))
    if (Math.fround(candidate) === x) {
      out.ascii(String(candidate))
      return
    }
  }
  out.ascii(String(Number(x.toPrecision(9)))) // 9 significant digits always round-trip a float32
}

const digitScratch = new Uint8Array(96)

/**
 * Writes the decimal whose unscaled value is the `wordsPerValue` little-endian uint32 words
 * at `words[index * wordsPerValue]`, with `scale` fraction digits (all kept, e.g. -0.0100).
 */
export function writeDecimal(out: ByteWriter, words: Uint32Array, index: number, wordsPerValue: number, scale: number): void {
  const base = index * wordsPerValue
  const hi = words[base + 1] | 0
  const extension = hi < 0 ? 0xffffffff : 0
  let fits = hi >= -0x200000 && hi < 0x200000 // |value| < 2^53
  for (let w = 2; fits && w < wordsPerValue; w++) fits = words[base + w] === extension
  if (fits) return writeScaledNumber(out, hi * TWO_32 + words[base], scale)
  let big = 0n
  for (let w = wordsPerValue - 1; w >= 0; w--) big = (big << 32n) | BigInt(words[base + w])
  big = BigInt.asIntN(wordsPerValue * 32, big)
  const negative = big < 0n
  const text = (negative ? -big : big).toString()
  for (let i = 0; i < text.length; i++) digitScratch[i] = text.charCodeAt(i)
  emitScaled(out, negative, text.length, scale)
}

/** Writes an int64/uint64 given as a bigint. */
export function writeBigInt(out: ByteWriter, value: bigint): void {
  out.ascii(value.toString())
}

/** Writes a safe integer unscaled value with `scale` fraction digits, digits written right to left. */
function writeScaledNumber(out: ByteWriter, value: number, scale: number): void {
  if (scale <= 0) {
    out.int(value)
    if (value !== 0) for (let i = 0; i < -scale; i++) out.byte(ZERO)
    return
  }
  let n = Math.abs(value)
  let digits = 1
  for (let p = 10; p <= n && digits < 16; p *= 10) digits++
  const integerDigits = Math.max(1, digits - scale)
  out.ensure(integerDigits + scale + 2)
  const buf = out.buf
  if (value < 0) buf[out.pos++] = DASH
  const end = out.pos + integerDigits + 1 + scale
  let at = end
  for (let i = 0; i < scale; i++) {
    const q = Math.floor(n / 10)
    buf[--at] = ZERO + (n - q * 10)
    n = q
  }
  buf[--at] = DOT
  while (at > out.pos) {
    const q = Math.floor(n / 10)
    buf[--at] = ZERO + (n - q * 10)
    n = q
  }
  out.pos = end
}

/** Writes the `count` digits in digitScratch as a decimal with `scale` fraction digits. */
function emitScaled(out: ByteWriter, negative: boolean, count: number, scale: number): void {
  out.ensure(count + Math.abs(scale) + 3)
  const buf = out.buf
  if (negative) buf[out.pos++] = DASH
  if (scale <= 0) {
    for (let i = 0; i < count; i++) buf[out.pos++] = digitScratch[i]
    const isZero = count === 1 && digitScratch[0] === ZERO
    if (!isZero) for (let i = 0; i < -scale; i++) buf[out.pos++] = ZERO
    return
  }
  const integerDigits = count - scale
  if (integerDigits <= 0) {
    buf[out.pos++] = ZERO
    buf[out.pos++] = DOT
    for (let i = 0; i < -integerDigits; i++) buf[out.pos++] = ZERO
    for (let i = 0; i < count; i++) buf[out.pos++] = digitScratch[i]
    return
  }
  for (let i = 0; i < integerDigits; i++) buf[out.pos++] = digitScratch[i]
  buf[out.pos++] = DOT
  for (let i = integerDigits; i < count; i++) buf[out.pos++] = digitScratch[i]
}
