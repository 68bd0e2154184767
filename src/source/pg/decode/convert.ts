import type { BoolBuilder, ColumnBuilder, DecimalBuilder, FixedSizeBinaryBuilder, FixedWidthBuilder, VarBinaryBuilder } from '../../../arrow/index.js'
import { RivetError } from '../../../errors/index.js'
import type { RivetType } from '../../../types/index.js'
import { appendDecimalText } from '../../mysql/decode/decimal-text.js'
import { doubleReadsBack, float32Text } from '../../number-text.js'
import { shortenValue } from '../../row-error.js'
import type { PgViaSource } from '../types/index.js'
import { readInt32, readUint32 } from './bytes.js'
import { badLength, infiniteValue, malformed } from './decode-errors.js'
import { pgNumericToString } from './numeric.js'
import { parseIsoTimestamp } from './iso-timestamp.js'

/** Converts one non-NULL value of `len` bytes at `p` (wire form of the source type) into the builder. */
export type PgConverter = (b: ColumnBuilder, buf: Uint8Array, p: number, len: number) => void

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const US_PER_DAY = 86_400_000_000n
/** 2000-01-01 (PostgreSQL's epoch) in days since 1970-01-01. */
const EPOCH_DAYS = 10957
const NUMERIC_NAN = 0xc000
const NUMERIC_PINF = 0xd000
const NUMERIC_NINF = 0xf000
const WHITESPACE = /^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g

/**
 * The converter of a `via:<source>` column to its output type (see apply-override.ts). Every
 * converter refuses a value the output type cannot hold exactly with RIVET_DATA_VALUE_OUT_OF_RANGE
 * (RIVET_DATA_NON_FINITE for NaN/Infinity into a decimal); the row decoder adds the row.
 */
export function pgConverter(via: PgViaSource, type: RivetType, column: string): PgConverter {
  const fail = (value: string, why: string) => misfit(column, type, value, why)
  switch (`${via}>${type.kind}`) {
    case 'text>int':
      return (b, buf, p, len) => (b as FixedWidthBuilder).appendBigInt64(integerText(textOf(buf, p, len), fail))
    case 'text>float':
      return (b, buf, p, len) => (b as FixedWidthBuilder).appendFloat64(floatText(textOf(buf, p, len), fail))
    case 'text>decimal':
      return decimalFromText(type, column)
    case 'text>uuid':
      return (b, buf, p, len) => (b as FixedSizeBinaryBuilder).appendBytes(uuidBytes(textOf(buf, p, len), fail), 0)
    case 'text>json':
      return (b, buf, p, len) => {
        const text = textOf(buf, p, len)
        try {
          JSON.parse(text)
        } catch (err) {
          throw fail(text, `is not valid JSON (${(err as Error).message})`)
        }
        ;(b as VarBinaryBuilder).appendBytes(buf, p, len)
      }
    case 'text>timestamp':
      return timestampFromText(type.kind === 'timestamp' && type.tz !== null, column, fail)
    case 'text>date':
      return dateFromText(column, fail)
    case 'text>bool':
      return (b, buf, p, len) => (b as BoolBuilder).appendBool(boolText(textOf(buf, p, len), fail))
    case 'numeric>int':
      return (b, buf, p, len) => (b as FixedWidthBuilder).appendBigInt64(integerText(numericText(buf, p, len, column, 'int64'), fail))
    case 'numeric>float':
      return (b, buf, p, len) => (b as FixedWidthBuilder).appendFloat64(numericToDouble(buf, p, len, column, fail))
    case 'float4>int':
    case 'float8>int':
      return (b, buf, p, len) => (b as FixedWidthBuilder).appendBigInt64(floatToInt64(readFloat(via, buf, p, len, column), fail))
    case 'float4>decimal':
    case 'float8>decimal':
      return decimalFromFloat(via, type, column)
    case 'int8>float':
      return (b, buf, p, len) => (b as FixedWidthBuilder).appendFloat64(int8ToDouble(buf, p, len, column, fail))
    case 'int2>bool':
    case 'int4>bool':
    case 'int8>bool':
      return (b, buf, p, len) => (b as BoolBuilder).appendBool(zeroOrOne(readInteger(via, buf, p, len, column), fail))
    case 'bool>int':
      return (b, buf, p, len) => {
        if (len !== 1) throw badLength(column, 'bool', 1, len)
        ;(b as FixedWidthBuilder).appendSafeInt64(buf[p] === 0 ? 0 : 1)
      }
    case 'timestamp>date':
    case 'timestamptz>date':
      return (b, buf, p, len) => (b as FixedWidthBuilder).appendInt32(timestampToDays(via, buf, p, len, column, fail))
  }
  throw new RivetError('RIVET_INTERNAL', `column ${JSON.stringify(column)}: no conversion from ${via} to ${type.kind}`)
}

/** A value that does not fit the override's type. */
function misfit(column: string, type: RivetType, value: string, why: string): RivetError {
  const q = JSON.stringify(column)
  return new RivetError('RIVET_DATA_VALUE_OUT_OF_RANGE', `column ${q}: value ${JSON.stringify(shortenValue(value))} ${why}`, {
    hint: `widen the override (\`columns: { ${q}: text }\` keeps any value), or cast or filter the value in a \`query:\``,
    details: { column, type: type.kind, value: shortenValue(value) },
  })
}

function textOf(buf: Uint8Array, p: number, len: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + p, len).toString('utf8')
}

/** An integer (PostgreSQL's int8 input: blanks around, a sign, digits; `.000` is let through) within int64. */
function integerText(raw: string, fail: (v: string, why: string) => RivetError): bigint {
  const text = raw.replace(WHITESPACE, '')
  const match = /^([+-]?\d+)(\.0*)?$/.exec(text)
  if (match === null) throw fail(raw, /^[+-]?\d*\.\d+$/.test(text) ? 'has a fraction; an int64 override does not round' : 'is not an integer')
  const v = BigInt(match[1]!)
  if (v < INT64_MIN || v > INT64_MAX) throw fail(raw, 'is outside the range of int64')
  return v
}

/** A float8 from text: a decimal number that a double holds exactly (or NaN / Infinity), as PostgreSQL's float8 input reads it. */
function floatText(raw: string, fail: (v: string, why: string) => RivetError): number {
  const text = raw.replace(WHITESPACE, '')
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(text)
  if (special !== null) {
    if (special[2]!.toLowerCase() === 'nan') return NaN
    return special[1] === '-' ? -Infinity : Infinity
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw fail(raw, 'is not a number')
  return exactDouble(text, raw, fail)
}

/** The double of a decimal text, refused when it is out of range or would be rounded. */
function exactDouble(text: string, raw: string, fail: (v: string, why: string) => RivetError): number {
  const v = Number(text)
  if (!Number.isFinite(v)) throw fail(raw, 'is outside the range of float64')
  if (!doubleReadsBack(text, v)) throw fail(raw, `has more digits than a float64 holds; it would be rounded to ${v}`)
  return v
}

function decimalFromText(type: RivetType, column: string): PgConverter {
  const { precision, scale } = type as { precision: number; scale: number }
  return (b, buf, p, len) => {
    let start = p
    let end = p + len
    while (start < end && isBlank(buf[start]!)) start++
    while (end > start && isBlank(buf[end - 1]!)) end--
    // NaN and Infinity are numbers to PostgreSQL, but no decimal holds them; digits never start with a letter
    const first = buf[start] === 0x2b || buf[start] === 0x2d ? buf[start + 1] : buf[start]
    if (first !== undefined && first >= 0x41) {
      const word = textOf(buf, start, end - start)
      if (/^[+-]?(nan|inf|infinity)$/i.test(word)) throw nonFinite(column, word)
    }
    appendDecimalText(b as DecimalBuilder, buf, start, end, precision, scale, column)
  }
}

function isBlank(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d)
}

function nonFinite(column: string, value: string): RivetError {
  const q = JSON.stringify(column)
  return new RivetError('RIVET_DATA_NON_FINITE', `column ${q} holds ${value}, which a decimal column cannot represent`, {
    hint: `filter or cast it in a \`query:\`, or export the column as text with \`columns: { ${q}: text }\``,
    details: { column, value },
  })
}

/** PostgreSQL's uuid input: 32 hex digits, a hyphen allowed after any group of four, optionally in braces. */
function uuidBytes(raw: string, fail: (v: string, why: string) => RivetError): Uint8Array {
  let text = raw.replace(WHITESPACE, '')
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1)
  const out = new Uint8Array(16)
  let at = 0
  for (let i = 0; i < 16; i++) {
    if (i > 0 && i % 2 === 0 && text[at] === '-') at++
    const byte = Number.parseInt(text.slice(at, at + 2), 16)
    if (!/^[0-9a-fA-F]{2}$/.test(text.slice(at, at + 2)) || Number.isNaN(byte)) throw fail(raw, 'is not a UUID')
    out[i] = byte
    at += 2
  }
  if (at !== text.length) throw fail(raw, 'is not a UUID')
  return out
}

function timestampFromText(utc: boolean, column: string, fail: (v: string, why: string) => RivetError): PgConverter {
  return (b, buf, p, len) => {
    const raw = textOf(buf, p, len)
    const t = parseIsoTimestamp(raw.replace(WHITESPACE, ''))
    if ('error' in t) {
      if (/^[+-]?infinity$/i.test(raw.trim())) throw infiniteValue(column, 'timestamp', raw.trim().startsWith('-'))
      throw fail(raw, t.error)
    }
    if (t.offsetSeconds !== null && !utc) throw fail(raw, 'carries a UTC offset, which a timestamp without time zone would drop; use a timestamp_tz override')
    const us = t.micros - BigInt(t.offsetSeconds ?? 0) * 1_000_000n
    if (us < INT64_MIN || us > INT64_MAX) throw fail(raw, 'is outside the range of a microsecond timestamp')
    ;(b as FixedWidthBuilder).appendBigInt64(us)
  }
}

function dateFromText(column: string, fail: (v: string, why: string) => RivetError): PgConverter {
  return (b, buf, p, len) => {
    const raw = textOf(buf, p, len)
    const t = parseIsoTimestamp(raw.replace(WHITESPACE, ''))
    if ('error' in t) {
      if (/^[+-]?infinity$/i.test(raw.trim())) throw infiniteValue(column, 'date', raw.trim().startsWith('-'))
      throw fail(raw, t.error.replace('a timestamp', 'a date'))
    }
    if (t.offsetSeconds !== null || t.micros % US_PER_DAY !== 0n) throw fail(raw, 'has a time of day, which a date override would drop')
    ;(b as FixedWidthBuilder).appendInt32(Number(t.micros / US_PER_DAY))
  }
}

/** PostgreSQL's boolean input: true/false, yes/no, on/off, 1/0 and unique prefixes, any case, blanks around. */
function boolText(raw: string, fail: (v: string, why: string) => RivetError): boolean {
  const t = raw.replace(WHITESPACE, '').toLowerCase()
  if (t === '') throw fail(raw, 'is not a boolean')
  if ('true'.startsWith(t) || 'yes'.startsWith(t) || t === 'on' || t === '1') return true
  if ('false'.startsWith(t) || 'no'.startsWith(t) || (t.length >= 2 && 'off'.startsWith(t)) || t === '0') return false
  throw fail(raw, 'is not a boolean (true/false, yes/no, on/off, 1/0)')
}

/** The exact text of a numeric, refusing NaN and ±Infinity (no integer holds them). */
function numericText(buf: Uint8Array, p: number, len: number, column: string, target: string): string {
  if (len < 8) throw malformed(column, 'numeric', `${len} bytes`)
  const sign = (buf[p + 4]! << 8) | buf[p + 5]!
  const text = pgNumericToString(buf, p)
  if (sign === NUMERIC_NAN || sign === NUMERIC_PINF || sign === NUMERIC_NINF) {
    const q = JSON.stringify(column)
    throw new RivetError('RIVET_DATA_NON_FINITE', `column ${q} holds ${text}, which an ${target} column cannot represent`, {
      hint: `filter or cast it in a \`query:\`, or export the column as text with \`columns: { ${q}: text }\``,
      details: { column, value: text },
    })
  }
  return text
}

function numericToDouble(buf: Uint8Array, p: number, len: number, column: string, fail: (v: string, why: string) => RivetError): number {
  const sign = len >= 8 ? (buf[p + 4]! << 8) | buf[p + 5]! : -1
  // a float64 holds NaN and the infinities: PostgreSQL's own cast keeps them
  if (sign === NUMERIC_NAN) return NaN
  if (sign === NUMERIC_PINF) return Infinity
  if (sign === NUMERIC_NINF) return -Infinity
  const text = numericText(buf, p, len, column, 'float64')
  return exactDouble(text, text, fail)
}

function readFloat(via: PgViaSource, buf: Uint8Array, p: number, len: number, column: string): number {
  const width = via === 'float4' ? 4 : 8
  if (len !== width) throw badLength(column, via, width, len)
  const view = new DataView(buf.buffer, buf.byteOffset + p, width)
  return width === 4 ? view.getFloat32(0) : view.getFloat64(0)
}

function floatToInt64(v: number, fail: (v: string, why: string) => RivetError): bigint {
  if (!Number.isFinite(v)) throw fail(String(v), 'is not a finite number, which no int64 holds')
  if (!Number.isInteger(v)) throw fail(String(v), 'has a fraction; an int64 override does not round')
  const big = BigInt(v)
  if (big < INT64_MIN || big > INT64_MAX) throw fail(String(v), 'is outside the range of int64')
  return big
}

function decimalFromFloat(via: PgViaSource, type: RivetType, column: string): PgConverter {
  const { precision, scale } = type as { precision: number; scale: number }
  return (b, buf, p, len) => {
    const v = readFloat(via, buf, p, len, column)
    if (!Number.isFinite(v)) throw nonFinite(column, String(v))
    // the shortest decimal that reads back as the same float: what every reader prints for it
    const text = via === 'float4' ? float32Text(v) : String(v)
    const bytes = Buffer.from(text, 'latin1')
    appendDecimalText(b as DecimalBuilder, bytes, 0, bytes.length, precision, scale, column)
  }
}

function readInt64(buf: Uint8Array, p: number): bigint {
  return (BigInt(readInt32(buf, p)) << 32n) | BigInt(readUint32(buf, p + 4))
}

function int8ToDouble(buf: Uint8Array, p: number, len: number, column: string, fail: (v: string, why: string) => RivetError): number {
  if (len !== 8) throw badLength(column, 'int8', 8, len)
  const big = readInt64(buf, p)
  const v = Number(big)
  if (BigInt(v) !== big) throw fail(big.toString(), `is beyond 2^53, where a float64 would round it to ${BigInt(v).toString()}`)
  return v
}

function readInteger(via: PgViaSource, buf: Uint8Array, p: number, len: number, column: string): bigint {
  const width = via === 'int2' ? 2 : via === 'int4' ? 4 : 8
  if (len !== width) throw badLength(column, via, width, len)
  if (width === 2) return BigInt(((buf[p]! << 8) | buf[p + 1]!) << 16 >> 16)
  if (width === 4) return BigInt(readInt32(buf, p))
  return readInt64(buf, p)
}

function zeroOrOne(v: bigint, fail: (v: string, why: string) => RivetError): boolean {
  if (v === 0n || v === 1n) return v === 1n
  throw fail(v.toString(), 'is neither 0 nor 1, so it is not a boolean')
}

/** A timestamp at midnight as days since 1970 (timestamptz: midnight UTC); any other time of day is refused. */
function timestampToDays(via: PgViaSource, buf: Uint8Array, p: number, len: number, column: string, fail: (v: string, why: string) => RivetError): number {
  if (len !== 8) throw badLength(column, via, 8, len)
  const us = readInt64(buf, p)
  if (us === INT64_MAX || us === INT64_MIN) throw infiniteValue(column, 'date', us < 0n)
  const rest = ((us % US_PER_DAY) + US_PER_DAY) % US_PER_DAY
  if (rest !== 0n) throw fail(formatPgTimestamp(us, via === 'timestamptz'), 'has a time of day, which a date override would drop')
  return Number((us - rest) / US_PER_DAY) + EPOCH_DAYS
}

/** A timestamp (µs since 2000-01-01) as ISO text, for messages. */
export function formatPgTimestamp(us2000: bigint, utc: boolean): string {
  const seconds = us2000 >= 0n ? us2000 / 1_000_000n : -((-us2000 + 999_999n) / 1_000_000n)
  const micros = Number(us2000 - seconds * 1_000_000n)
  const date = new Date((Number(seconds) + EPOCH_DAYS * 86_400) * 1000)
  if (Number.isNaN(date.getTime())) return `${us2000.toString()} µs after 2000-01-01`
  const iso = date.toISOString().replace(/\.\d{3}Z$/, '').replace('T', ' ')
  return `${iso}${micros === 0 ? '' : `.${String(micros).padStart(6, '0')}`}${utc ? '+00' : ''}`
}
