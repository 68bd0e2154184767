import { type Data, type DataType, DateUnit, Precision, TimeUnit, Type } from '../../arrow/lib.js'
import { RivetError } from '../../errors/index.js'
import { describeType, type RivetType } from '../../types/index.js'
import { ByteWriter } from './byte-writer.js'
import { writeBigInt, writeDecimal, writeFloat32, writeFloat64 } from './csv-numbers.js'
import { DateTextCache, writeDate, writeTimeOfDay, writeTimestamp } from './csv-temporal.js'
import { writeCsvText, writeHex, writeJsonString, writeUuid } from './csv-text.js'

/**
 * Per-column value writers bound to one Arrow Data: each reads its typed arrays directly
 * (values, offsets, bits) and writes the text of value `i` — never through `vector.get`.
 * In 'csv' mode text is CSV-quoted as needed; in 'json' mode (list items) every value is a
 * JSON literal: strings escaped, temporal/uuid/binary values as strings, NULL as null.
 */
export type ValueWriter = (out: ByteWriter, index: number) => void

/** Whether values are written as CSV fields or as JSON literals inside a list. */
export type TextMode = 'csv' | 'json'

const TWO_32 = 4_294_967_296
const SAFE_HI = 0x100000 // |hi word| below 2^20 keeps hi * 2^32 + lo well inside the exact double range
const TRUE = new TextEncoder().encode('true')
const FALSE = new TextEncoder().encode('false')
const CSV_HEX_PREFIX = new TextEncoder().encode('\\x')
const JSON_HEX_PREFIX = new TextEncoder().encode('"\\\\x')
const QUOTE = 34

/** The validity bitmap of `data`, or null when it has no NULLs. */
export function validityOf(data: Data): Uint8Array | null {
  return data.nullCount > 0 && data.nullBitmap !== undefined && data.nullBitmap.length > 0 ? data.nullBitmap : null
}

function mismatch(type: RivetType, arrow: DataType, path: string): RivetError {
  return new RivetError('RIVET_INTERNAL', `column ${path} is declared ${describeType(type)} but its Arrow data is ${String(arrow)}`)
}

/** The int64 words of a BigInt64Array/BigUint64Array viewed as pairs of 32-bit halves. */
function int32Halves(values: BigInt64Array | BigUint64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2)
}

type ArrowType = DataType & Record<string, unknown>

/** Whether the Arrow type has the physical layout the writer of `type` reads. */
function arrowMatches(type: RivetType, arrow: ArrowType): boolean {
  switch (type.kind) {
    case 'bool': return arrow.typeId === Type.Bool
    case 'int': return arrow.typeId === Type.Int && arrow.bitWidth === type.bits && arrow.isSigned === type.signed
    case 'float': return arrow.typeId === Type.Float && arrow.precision === (type.bits === 32 ? Precision.SINGLE : Precision.DOUBLE)
    case 'decimal': return arrow.typeId === Type.Decimal && (arrow.bitWidth === 128 || arrow.bitWidth === 256)
    case 'date': return arrow.typeId === Type.Date && arrow.unit === DateUnit.DAY
    case 'time': return arrow.typeId === Type.Time && arrow.unit === TimeUnit.MICROSECOND && arrow.bitWidth === 64
    case 'timestamp': return arrow.typeId === Type.Timestamp && arrow.unit === TimeUnit.MICROSECOND
    case 'uuid': return arrow.typeId === Type.FixedSizeBinary && arrow.byteWidth === 16
    case 'binary': return arrow.typeId === Type.Binary
    case 'utf8': case 'json': return arrow.typeId === Type.Utf8
    case 'list': return arrow.typeId === Type.List
  }
}

/** Builds the writer of one column. `path` names the column in errors. */
export function makeValueWriter(type: RivetType, data: Data, mode: TextMode, delimiter: number, path: string): ValueWriter {
  const arrow = data.type as ArrowType
  if (!arrowMatches(type, arrow)) throw mismatch(type, arrow, path)
  switch (type.kind) {
    case 'bool': return boolWriter(data.values as Uint8Array, data.offset)
    case 'int': return type.bits === 64 ? int64Writer(data.values as BigInt64Array, type.signed) : smallIntWriter(data.values as Int32Array)
    case 'float': return floatWriter(data.values as Float64Array, type.bits, mode === 'json')
    case 'decimal': return decimalWriter(data.values as Uint32Array, arrow.bitWidth as number, arrow.scale as number)
    case 'date': {
      const days = data.values as Int32Array
      return quotedInJson(mode, (out, i) => writeDate(out, days[i]))
    }
    case 'time': {
      const halves = int32Halves(data.values as BigInt64Array)
      return quotedInJson(mode, (out, i) => writeTimeOfDay(out, halves[2 * i + 1] * TWO_32 + (halves[2 * i] >>> 0)))
    }
    case 'timestamp': return quotedInJson(mode, timestampWriter(data.values as BigInt64Array, arrow.timezone != null))
    case 'uuid': {
      const bytes = data.values as Uint8Array
      return quotedInJson(mode, (out, i) => writeUuid(out, bytes, i * 16))
    }
    case 'binary': return binaryWriter(data, mode)
    case 'utf8': case 'json': return textWriter(data, type.kind === 'json', mode, delimiter)
    case 'list': return listWriter(type.item, data, mode, delimiter, path)
  }
}

function boolWriter(bits: Uint8Array, offset: number): ValueWriter {
  // bool values are bits and, unlike other buffers, are not re-based when Data is sliced
  return (out, i) => out.bytes((bits[(offset + i) >> 3] >> ((offset + i) & 7)) & 1 ? TRUE : FALSE)
}

function floatWriter(values: Float64Array | Float32Array, bits: 32 | 64, json: boolean): ValueWriter {
  return bits === 32 ? (out, i) => writeFloat32(out, values[i], json) : (out, i) => writeFloat64(out, values[i], json)
}

function decimalWriter(words: Uint32Array, bitWidth: number, scale: number): ValueWriter {
  const perValue = bitWidth / 32
  return (out, i) => writeDecimal(out, words, i, perValue, scale)
}

function binaryWriter(data: Data, mode: TextMode): ValueWriter {
  const offsets = data.valueOffsets as Int32Array
  const bytes = data.values as Uint8Array
  if (mode === 'csv') return (out, i) => writeHex(out, bytes, offsets[i], offsets[i + 1], CSV_HEX_PREFIX)
  return (out, i) => {
    writeHex(out, bytes, offsets[i], offsets[i + 1], JSON_HEX_PREFIX)
    out.byte(QUOTE)
  }
}

function smallIntWriter(values: Int32Array): ValueWriter {
  return (out, i) => out.int(values[i])
}

function int64Writer(values: BigInt64Array | BigUint64Array, signed: boolean): ValueWriter {
  const halves = int32Halves(values)
  if (signed) {
    return (out, i) => {
      const hi = halves[2 * i + 1]
      if (hi < SAFE_HI && hi >= -SAFE_HI) out.int(hi * TWO_32 + (halves[2 * i] >>> 0))
      else writeBigInt(out, values[i])
    }
  }
  return (out, i) => {
    const hi = halves[2 * i + 1] >>> 0
    if (hi < SAFE_HI) out.uint(hi * TWO_32 + (halves[2 * i] >>> 0))
    else writeBigInt(out, values[i])
  }
}

function timestampWriter(values: BigInt64Array, utc: boolean): ValueWriter {
  const halves = int32Halves(values)
  const dates = new DateTextCache()
  return (out, i) => writeTimestamp(out, halves[2 * i + 1], halves[2 * i], utc, dates)
}

/** In JSON mode, wraps a writer of quote-free text in a JSON string's quotes. */
function quotedInJson(mode: TextMode, writer: ValueWriter): ValueWriter {
  if (mode === 'csv') return writer
  return (out, i) => {
    out.byte(QUOTE)
    writer(out, i)
    out.byte(QUOTE)
  }
}

function textWriter(data: Data, isJson: boolean, mode: TextMode, delimiter: number): ValueWriter {
  const offsets = data.valueOffsets as Int32Array
  const bytes = data.values as Uint8Array
  if (mode === 'csv') return (out, i) => writeCsvText(out, bytes, offsets[i], offsets[i + 1], delimiter)
  if (!isJson) return (out, i) => writeJsonString(out, bytes, offsets[i], offsets[i + 1])
  // a JSON value inside a JSON array is embedded as the JSON text it already is
  return (out, i) => {
    const start = offsets[i]
    const end = offsets[i + 1]
    out.ensure(end - start)
    out.buf.set(bytes.subarray(start, end), out.pos)
    out.pos += end - start
  }
}

/** A list is a JSON array; as a CSV field it is built aside and then CSV-quoted. */
function listWriter(item: RivetType, data: Data, mode: TextMode, delimiter: number, path: string): ValueWriter {
  const offsets = data.valueOffsets as Int32Array
  const child = data.children[0]
  const writeItem = makeValueWriter(item, child, 'json', delimiter, `${path}[]`)
  const nulls = validityOf(child)
  const childOffset = child.offset
  const writeArray = (out: ByteWriter, i: number): void => {
    out.byte(91) // '['
    for (let j = offsets[i]; j < offsets[i + 1]; j++) {
      if (j > offsets[i]) out.byte(44)
      if (nulls !== null && (nulls[(childOffset + j) >> 3] & (1 << ((childOffset + j) & 7))) === 0) out.ascii('null')
      else writeItem(out, j)
    }
    out.byte(93) // ']'
  }
  if (mode === 'json') return writeArray
  const scratch = new ByteWriter(1024)
  return (out, i) => {
    scratch.pos = 0
    writeArray(scratch, i)
    writeCsvText(out, scratch.buf, 0, scratch.pos, delimiter)
  }
}
