import type { BoolBuilder, DecimalBuilder, FixedSizeBinaryBuilder, FixedWidthBuilder, ListBuilder, VarBinaryBuilder } from '../../../arrow/index.js'
import type { ColumnBuilder } from '../../../arrow/index.js'
import { RivetError } from '../../../errors/index.js'
import { readInt32, readUint32 } from './bytes.js'
import type { PgConverter } from './convert.js'
import { badLength, beyondUnixRange, infiniteValue, malformed } from './decode-errors.js'
import { formatPgInterval } from './interval.js'
import { appendPgNumeric } from './numeric.js'
import { formatPgChar, formatPgInet, formatPgMacaddr, formatPgTimetz } from './text-forms.js'

/** Decoder codes: small integers so the per-value dispatch is one jump table. */
export const DECODE = {
  BOOL: 1,
  INT2: 2,
  INT4: 3,
  INT8: 4,
  FLOAT4: 5,
  FLOAT8: 6,
  NUMERIC: 7,
  RAW: 8,
  JSONB: 9,
  CHAR: 10,
  DATE: 11,
  TIME: 12,
  TIMETZ: 13,
  TIMESTAMP: 14,
  UUID: 15,
  INTERVAL: 16,
  INET: 17,
  MACADDR: 18,
  ARRAY: 19,
  /** A `via:` override: the value is converted by `ColumnDecodeInfo.convert`. */
  CONVERT: 20,
} as const

/** Per-column decoding parameters, resolved once from the ColumnSpec. */
export interface ColumnDecodeInfo {
  readonly name: string
  readonly code: number
  /** decimal precision/scale (numeric decoder). */
  readonly precision: number
  readonly scale: number
  /** Arrow-facing type name for error messages, e.g. `timestamp`. */
  readonly typeName: string
  /** Items of an array column. */
  readonly item: ColumnDecodeInfo | null
  /** The conversion of a `via:` override column (code CONVERT). */
  readonly convert?: PgConverter
}

/** 2000-01-01 (PostgreSQL's epoch) minus 1970-01-01, in days and in µs split into 32-bit halves. */
const EPOCH_DAYS = 10957
const EPOCH_US = 946_684_800_000_000
const EPOCH_US_HI = Math.floor(EPOCH_US / 4294967296)
const EPOCH_US_LO = EPOCH_US - EPOCH_US_HI * 4294967296
const INT32_MAX = 0x7fffffff
const INT32_MIN = -0x80000000

/** Decode one non-NULL value of `len` bytes at `p` into builder `b`. */
export function decodeValue(c: ColumnDecodeInfo, b: ColumnBuilder, buf: Uint8Array, p: number, len: number): void {
  switch (c.code) {
    case DECODE.INT4:
      if (len !== 4) throw badLength(c.name, c.typeName, 4, len)
      return (b as FixedWidthBuilder).appendInt32(readInt32(buf, p))
    case DECODE.INT8:
    case DECODE.FLOAT8:
    case DECODE.TIME:
      if (len !== 8) throw badLength(c.name, c.typeName, 8, len)
      return (b as FixedWidthBuilder).appendBigEndian(buf, p)
    case DECODE.RAW:
      return (b as VarBinaryBuilder).appendBytes(buf, p, len)
    case DECODE.TIMESTAMP:
      if (len !== 8) throw badLength(c.name, c.typeName, 8, len)
      return appendTimestamp(c, b as FixedWidthBuilder, buf, p)
    case DECODE.NUMERIC:
      return appendPgNumeric(b as DecimalBuilder, buf, p, len, c.precision, c.scale, c.name)
    case DECODE.JSONB:
      // jsonb binary: a version byte (1) then the JSON text
      if (len < 1 || buf[p] !== 1) throw malformed(c.name, 'jsonb', `version ${len < 1 ? 'missing' : buf[p]}`)
      return (b as VarBinaryBuilder).appendBytes(buf, p + 1, len - 1)
    case DECODE.UUID:
      if (len !== 16) throw badLength(c.name, c.typeName, 16, len)
      return (b as FixedSizeBinaryBuilder).appendBytes(buf, p)
    case DECODE.INT2:
      if (len !== 2) throw badLength(c.name, c.typeName, 2, len)
      return (b as FixedWidthBuilder).appendInt16((buf[p] << 8) | buf[p + 1])
    case DECODE.FLOAT4:
      if (len !== 4) throw badLength(c.name, c.typeName, 4, len)
      return (b as FixedWidthBuilder).appendBigEndian(buf, p)
    case DECODE.BOOL:
      if (len !== 1) throw badLength(c.name, c.typeName, 1, len)
      return (b as BoolBuilder).appendBool(buf[p] !== 0)
    case DECODE.DATE:
      if (len !== 4) throw badLength(c.name, c.typeName, 4, len)
      return appendDate(c, b as FixedWidthBuilder, readInt32(buf, p))
    default:
      return decodeRare(c, b, buf, p, len)
  }
}

/** Types that are rendered as text or nested: kept out of the hot switch. */
function decodeRare(c: ColumnDecodeInfo, b: ColumnBuilder, buf: Uint8Array, p: number, len: number): void {
  switch (c.code) {
    case DECODE.ARRAY:
      return decodeArray(c, b as ListBuilder, buf, p, len)
    case DECODE.CHAR:
      if (len !== 1) throw badLength(c.name, '"char"', 1, len)
      return (b as VarBinaryBuilder).appendString(formatPgChar(buf[p]))
    case DECODE.TIMETZ:
      if (len !== 12) throw badLength(c.name, 'timetz', 12, len)
      return (b as VarBinaryBuilder).appendString(formatPgTimetz(buf, p))
    case DECODE.INTERVAL:
      if (len !== 16) throw badLength(c.name, 'interval', 16, len)
      return (b as VarBinaryBuilder).appendString(formatPgInterval(buf, p))
    case DECODE.INET:
      return (b as VarBinaryBuilder).appendString(formatPgInet(buf, p, len, c.name))
    case DECODE.MACADDR:
      return (b as VarBinaryBuilder).appendString(formatPgMacaddr(buf, p, len, c.name))
    case DECODE.CONVERT:
      return c.convert!(b, buf, p, len)
    default:
      throw new RivetError('RIVET_INTERNAL', `column ${JSON.stringify(c.name)}: no decoder for code ${c.code}`)
  }
}

function appendDate(c: ColumnDecodeInfo, b: FixedWidthBuilder, days: number): void {
  if (days === INT32_MAX || days === INT32_MIN) throw infiniteValue(c.name, 'date', days === INT32_MIN)
  b.appendInt32(days + EPOCH_DAYS)
}

/** int64 µs since 2000-01-01 → since 1970-01-01, in 32-bit halves (no BigInt). */
function appendTimestamp(c: ColumnDecodeInfo, b: FixedWidthBuilder, buf: Uint8Array, p: number): void {
  const hi = readInt32(buf, p)
  const lo = readUint32(buf, p + 4)
  if ((hi === INT32_MAX && lo === 0xffffffff) || (hi === INT32_MIN && lo === 0)) throw infiniteValue(c.name, 'timestamp', hi < 0)
  const sum = lo + EPOCH_US_LO
  const high = hi + EPOCH_US_HI + (sum > 0xffffffff ? 1 : 0)
  // PostgreSQL accepts timestamps up to 294276 AD, but int64 µs since 1970 end in 294247 AD
  if (high > INT32_MAX) throw beyondUnixRange(c.name)
  b.appendInt64Parts(high, sum)
}

/** One-dimensional array: int32 ndim, int32 flags, int32 element oid, (int32 size, int32 lbound) per dim, elements. */
function decodeArray(c: ColumnDecodeInfo, b: ListBuilder, buf: Uint8Array, p: number, len: number): void {
  if (len < 12) throw malformed(c.name, 'array', `${len} bytes`)
  const ndim = readInt32(buf, p)
  if (ndim === 0) return b.endList()
  if (ndim !== 1) {
    const q = JSON.stringify(c.name)
    throw new RivetError('RIVET_DATA_ARRAY_DIMENSIONS', `column ${q} holds a ${ndim}-dimensional array; only one-dimensional arrays are exported as lists`, {
      hint: `cast the column to text in a \`query:\` (${q}::text) or add \`columns: { ${q}: text }\``,
      details: { column: c.name, dimensions: ndim },
    })
  }
  const count = readInt32(buf, p + 12)
  const end = p + len
  const item = c.item as ColumnDecodeInfo
  const child = b.child
  let q = p + 20
  for (let i = 0; i < count; i++) {
    if (q + 4 > end) throw malformed(c.name, 'array', 'truncated element')
    const elen = readInt32(buf, q)
    q += 4
    if (elen < 0) {
      child.appendNull()
      continue
    }
    if (q + elen > end) throw malformed(c.name, 'array', 'truncated element')
    decodeValue(item, child, buf, q, elen)
    q += elen
  }
  b.endList()
}
