import type { BoolBuilder, ColumnBuilder, DecimalBuilder, FixedSizeBinaryBuilder, FixedWidthBuilder, VarBinaryBuilder } from '../../../arrow/index.js'
import { RivetError } from '../../../errors/index.js'
import type { ColumnSpec, RivetType } from '../../../types/index.js'
import { appendDecimalText } from './decimal-text.js'
import { malformed } from './decode-errors.js'
import { mysqlDecoderKind, type MysqlDecoderKind } from './decoder-id.js'
import { appendBit, appendBitBool, appendBoolText, appendExactDouble, appendFloat, appendInt64, appendSmallInt, parseFloatText } from './numbers.js'
import { appendJsonText } from './json-text.js'
import { float32Text } from '../../number-text.js'
import { appendDatetimeText, appendDateText, appendTimeText } from './temporal.js'

/** Decoder codes: small integers so the per-value dispatch is one jump table. */
export const DECODE = {
  RAW: 1,
  INT_SMALL: 2,
  INT64: 3,
  UINT64: 4,
  DECIMAL: 5,
  FLOAT: 6,
  DATETIME: 7,
  DATE: 8,
  TIME: 9,
  BOOL_TEXT: 10,
  BOOL_BIT: 11,
  BIT: 12,
  UUID_TEXT: 13,
  UUID_BIN: 14,
  JSON_TEXT: 15,
  TEXT_FLOAT32: 16,
  DECIMAL_FLOAT32: 17,
  DOUBLE_EXACT: 18,
} as const

/** Per-column decoding parameters, resolved once from the ColumnSpec. */
export interface ColumnDecodeInfo {
  readonly name: string
  readonly code: number
  /** The source type (ColumnSpec.sourceType), for messages. */
  readonly typeName: string
  /** Bytes per value of fixed-width columns. */
  readonly width: number
  /** Range of INT_SMALL columns; signedness of BIT columns. */
  readonly min: number
  readonly max: number
  readonly signed: boolean
  /** decimal(precision, scale) of DECIMAL columns. */
  readonly precision: number
  readonly scale: number
  /** Zero dates written as NULL, per column name (shared by the decoder's columns). */
  readonly zeroDates: Map<string, number>
}

/** The RivetType kinds each decoder kind can fill. */
const FILLS: Readonly<Record<MysqlDecoderKind, readonly RivetType['kind'][]>> = {
  bool: ['bool'],
  'bit-bool': ['bool'],
  int: ['int'],
  decimal: ['decimal'],
  float: ['float', 'decimal'],
  double: ['float', 'decimal'],
  'double-exact': ['float'],
  date: ['date'],
  datetime: ['timestamp'],
  time: ['time'],
  text: ['utf8'],
  binary: ['binary'],
  json: ['json'],
  'json-text': ['json'],
  bit: ['int'],
  uuid: ['uuid'],
  'uuid-bin': ['uuid'],
  'text-hex': ['utf8'],
  'text-bit': ['utf8'],
  'text-wkt': ['utf8'],
  'text-char': ['utf8'],
  'text-float': ['utf8'],
}

/** Resolve a column's decoder id and output type to its decoding parameters. */
export function decodeInfo(spec: ColumnSpec, zeroDates: Map<string, number>): ColumnDecodeInfo {
  const kind = mysqlDecoderKind(spec.decoder)
  const t = spec.type
  if (kind === null || !FILLS[kind].includes(t.kind)) {
    throw new RivetError('RIVET_INTERNAL', `column ${JSON.stringify(spec.name)}: decoder ${spec.decoder} cannot fill a ${t.kind} column`)
  }
  const info = { name: spec.name, typeName: spec.sourceType, code: 0, width: 0, min: 0, max: 0, signed: true, precision: 0, scale: 0, zeroDates }
  switch (t.kind) {
    case 'int': {
      const bits = t.bits
      const code = kind === 'bit' ? DECODE.BIT : bits < 64 ? DECODE.INT_SMALL : t.signed ? DECODE.INT64 : DECODE.UINT64
      const min = t.signed ? -(2 ** (bits - 1)) : 0
      const max = t.signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1
      return { ...info, code, width: bits >>> 3, min, max, signed: t.signed }
    }
    case 'float':
      return { ...info, code: kind === 'double-exact' ? DECODE.DOUBLE_EXACT : DECODE.FLOAT, width: t.bits >>> 3 }
    case 'decimal':
      // FLOAT arrives as the exact double of its float32 (`col * 1e0`): its decimal is the float32's shortest text
      return { ...info, code: kind === 'float' ? DECODE.DECIMAL_FLOAT32 : DECODE.DECIMAL, precision: t.precision, scale: t.scale }
    case 'bool':
      return { ...info, code: kind === 'bit-bool' ? DECODE.BOOL_BIT : DECODE.BOOL_TEXT }
    case 'uuid':
      return { ...info, code: kind === 'uuid-bin' ? DECODE.UUID_BIN : DECODE.UUID_TEXT }
    case 'date':
      return { ...info, code: DECODE.DATE }
    case 'timestamp':
      return { ...info, code: DECODE.DATETIME }
    case 'time':
      return { ...info, code: DECODE.TIME }
    case 'json':
      return { ...info, code: kind === 'json-text' ? DECODE.JSON_TEXT : DECODE.RAW }
    case 'utf8':
      return { ...info, code: kind === 'text-float' ? DECODE.TEXT_FLOAT32 : DECODE.RAW }
    default:
      return { ...info, code: DECODE.RAW }
  }
}

/** Decode one non-NULL text-protocol value, the bytes `buf[start..end)`, into builder `b`. */
export function decodeValue(c: ColumnDecodeInfo, b: ColumnBuilder, buf: Buffer, start: number, end: number): void {
  switch (c.code) {
    case DECODE.RAW:
      return (b as VarBinaryBuilder).appendBytes(buf, start, end - start)
    case DECODE.INT_SMALL:
      return appendSmallInt(b as FixedWidthBuilder, buf, start, end, c.width, c.min, c.max, c.name, c.typeName)
    case DECODE.INT64:
    case DECODE.UINT64:
      return appendInt64(b as FixedWidthBuilder, buf, start, end, c.code === DECODE.INT64, c.name, c.typeName)
    case DECODE.DECIMAL:
      return appendDecimalText(b as DecimalBuilder, buf, start, end, c.precision, c.scale, c.name)
    case DECODE.FLOAT:
      return appendFloat(b as FixedWidthBuilder, buf, start, end, c.width, c.name, c.typeName)
    case DECODE.DATETIME:
      if (!appendDatetimeText(b as FixedWidthBuilder, buf, start, end, c.name, c.typeName)) appendZeroDate(c, b)
      return
    case DECODE.DATE:
      if (!appendDateText(b as FixedWidthBuilder, buf, start, end, c.name, c.typeName)) appendZeroDate(c, b)
      return
    case DECODE.TIME:
      return appendTimeText(b as FixedWidthBuilder, buf, start, end, c.name, c.typeName)
    case DECODE.BOOL_TEXT:
      return appendBoolText(b as BoolBuilder, buf, start, end, c.name, c.typeName)
    case DECODE.BOOL_BIT:
      return appendBitBool(b as BoolBuilder, buf, start, end, c.name, c.typeName)
    case DECODE.BIT:
      return appendBit(b as FixedWidthBuilder, buf, start, end, c.signed, c.name, c.typeName)
    case DECODE.UUID_TEXT:
      return appendUuidText(c, b as FixedSizeBinaryBuilder, buf, start, end)
    case DECODE.UUID_BIN:
      if (end - start !== 16) throw malformed(c.name, c.typeName, buf, start, end)
      return (b as FixedSizeBinaryBuilder).appendBytes(buf, start)
    default:
      return decodeOverride(c, b, buf, start, end)
  }
}

/** Values converted by an override (cold: kept out of the hot switch). */
function decodeOverride(c: ColumnDecodeInfo, b: ColumnBuilder, buf: Buffer, start: number, end: number): void {
  switch (c.code) {
    case DECODE.JSON_TEXT:
      return appendJsonText(b as VarBinaryBuilder, buf, start, end, c.name)
    case DECODE.TEXT_FLOAT32:
      return (b as VarBinaryBuilder).appendString(float32Text(Math.fround(parseFloatText(buf, start, end, c.name, c.typeName))))
    case DECODE.DECIMAL_FLOAT32:
      return appendFloat32Decimal(b as DecimalBuilder, buf, start, end, c)
    case DECODE.DOUBLE_EXACT:
      return appendExactDouble(b as FixedWidthBuilder, buf, start, end, c.name, c.typeName)
    default:
      throw new RivetError('RIVET_INTERNAL', `column ${JSON.stringify(c.name)}: no decoder for code ${c.code}`)
  }
}

/** Zero dates (`0000-00-00`, `2024-00-10`) have no calendar value: NULL, counted for the run's warning. */
function appendZeroDate(c: ColumnDecodeInfo, b: ColumnBuilder): void {
  b.appendNull()
  c.zeroDates.set(c.name, (c.zeroDates.get(c.name) ?? 0) + 1)
}

const uuidBytes = new Uint8Array(16)

/** `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (either case) at `buf[start..end)` into its 16 bytes. */
function appendUuidText(c: ColumnDecodeInfo, b: FixedSizeBinaryBuilder, buf: Buffer, start: number, end: number): void {
  if (end - start !== 36 || buf[start + 8] !== 0x2d || buf[start + 13] !== 0x2d || buf[start + 18] !== 0x2d || buf[start + 23] !== 0x2d) {
    throw malformed(c.name, c.typeName, buf, start, end)
  }
  let p = start
  for (let i = 0; i < 16; i++) {
    const at = p - start
    if (at === 8 || at === 13 || at === 18 || at === 23) p++
    const v = (hexValue(buf[p]) << 4) | hexValue(buf[p + 1])
    if (v < 0) throw malformed(c.name, c.typeName, buf, start, end)
    uuidBytes[i] = v
    p += 2
  }
  b.appendBytes(uuidBytes, 0)
}

/** 0..15 for a hex digit, -256 otherwise (so a combined byte goes negative). */
function hexValue(ch: number): number {
  if (ch >= 0x30 && ch <= 0x39) return ch - 0x30
  const lower = ch | 0x20
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10
  return -256
}

/** A FLOAT (its exact double text) into a decimal column: the float32's shortest text must fit, never rounded. */
function appendFloat32Decimal(b: DecimalBuilder, buf: Buffer, start: number, end: number, c: ColumnDecodeInfo): void {
  const text = Buffer.from(float32Text(Math.fround(parseFloatText(buf, start, end, c.name, c.typeName))), 'latin1')
  appendDecimalText(b, text, 0, text.length, c.precision, c.scale, c.name)
}
