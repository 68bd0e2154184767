/**
 * One 64-bit key per row for a `unique_columns` check, read straight from the Arrow buffers of a
 * batch (no per-row value objects).
 *
 * - A single column of at most 8 bytes (integers, dates, times, timestamps, booleans, floats)
 *   is keyed by its value itself: no two distinct values share a key.
 * - Anything else is keyed by XXH3-64 over an unambiguous encoding of the key's values: text,
 *   json and binary values are prefixed with their length (uint32), fixed-width values are their
 *   Arrow bytes, list values are their item count followed by each item behind a NULL flag. A
 *   single text/binary/uuid/decimal column is hashed in place (its bytes alone are unambiguous).
 *
 * Floats are normalised first (-0 is 0, every NaN is one NaN), as the databases compare them.
 * Rows with a NULL in any key column get no key: NULLs are not equal to each other.
 * Arrow JS keeps `offset` for the validity bitmap (and bit-packed booleans); value and offset
 * buffers of a sliced Data are already sliced.
 */
import type { Data, RecordBatch } from '../arrow/lib.js'
import { DECIMAL128_MAX_PRECISION } from '../arrow/schema.js'
import type { RivetType } from '../types/index.js'
import { xxh3Into } from './xxh3.js'

/** A growable byte buffer the encoders append to. */
class Scratch {
  bytes = new Uint8Array(256)
  pos = 0

  reserve(n: number): void {
    if (this.pos + n <= this.bytes.length) return
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + n))
    next.set(this.bytes.subarray(0, this.pos))
    this.bytes = next
  }

  u32(v: number): void {
    this.reserve(4)
    const b = this.bytes, p = this.pos
    b[p] = v
    b[p + 1] = v >>> 8
    b[p + 2] = v >>> 16
    b[p + 3] = v >>> 24
    this.pos = p + 4
  }

  copy(src: Uint8Array, start: number, length: number): void {
    this.reserve(length)
    const b = this.bytes, p = this.pos
    if (length <= 16) for (let k = 0; k < length; k++) b[p + k] = src[start + k]
    else b.set(src.subarray(start, start + length), p)
    this.pos = p + length
  }
}

/** Appends the encoding of the value at `row` (known not NULL). */
type Encoder = (row: number, out: Scratch) => void
/** Writes the exact 64-bit key of the value at `row` into `words[at]` (low) and `words[at + 1]` (high). */
type ExactWriter = (row: number, words: Uint32Array, at: number) => void

const CANONICAL_NAN32 = 0x7fc00000
const CANONICAL_NAN64_HI = 0x7ff80000

function bytesOf(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
}

/** A Uint32Array over the values; copied when the buffer is not 4-byte aligned. */
function wordsOf(values: ArrayBufferView): Uint32Array {
  const bytes = bytesOf(values)
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice()
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >>> 2)
}

/** Whether the value at `row` is NULL. */
function isNullAt(data: Data, row: number): boolean {
  const bitmap = data.nullBitmap
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return false
  const bit = data.offset + row
  return (bitmap[bit >>> 3] & (1 << (bit & 7))) === 0
}

/** Byte width of a fixed-width type, or 0 for text, json, binary and lists. */
function fixedWidth(type: RivetType): number {
  switch (type.kind) {
    case 'bool': return 1
    case 'int':
    case 'float': return type.bits >>> 3
    case 'date': return 4
    case 'time':
    case 'timestamp': return 8
    case 'decimal': return type.precision <= DECIMAL128_MAX_PRECISION ? 16 : 32
    case 'uuid': return 16
    default: return 0
  }
}

/** The exact key of a single column of at most 8 bytes; null for other types. */
function exactWriter(type: RivetType, data: Data): ExactWriter | null {
  const values = data.values as ArrayBufferView
  switch (type.kind) {
    case 'bool': {
      const bits = values as Uint8Array, offset = data.offset
      return (row, words, at) => {
        const bit = offset + row
        words[at] = (bits[bit >>> 3] >>> (bit & 7)) & 1
        words[at + 1] = 0
      }
    }
    case 'int':
    case 'date':
      if (type.kind === 'int' && type.bits === 64) return wide(values)
      return narrow(values as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array)
    case 'time':
    case 'timestamp':
      return wide(values)
    case 'float': {
      if (type.bits === 32) {
        const f = values as Float32Array, w = wordsOf(values)
        return (row, words, at) => {
          const v = f[row]
          words[at] = v === 0 ? 0 : v !== v ? CANONICAL_NAN32 : w[row]
          words[at + 1] = 0
        }
      }
      const f = values as Float64Array, w = wordsOf(values)
      return (row, words, at) => {
        const v = f[row]
        words[at] = v === 0 || v !== v ? 0 : w[2 * row]
        words[at + 1] = v === 0 ? 0 : v !== v ? CANONICAL_NAN64_HI : w[2 * row + 1]
      }
    }
    default:
      return null
  }
}

/** 8-to-32-bit integers, sign-extended to 64 bits when signed. */
function narrow(v: Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array): ExactWriter {
  return (row, words, at) => {
    const x = v[row]
    words[at] = x >>> 0
    words[at + 1] = x < 0 ? 0xffffffff : 0
  }
}

/** 64-bit values, by their two words (no BigInt). */
function wide(values: ArrayBufferView): ExactWriter {
  const w = wordsOf(values)
  return (row, words, at) => {
    words[at] = w[2 * row]
    words[at + 1] = w[2 * row + 1]
  }
}

/** Where the bytes of the value at `row` lie, for types whose value is one byte range. */
interface ByteRanges {
  readonly bytes: Uint8Array
  start(row: number): number
  length(row: number): number
}

/** The byte ranges of a text, json, binary, uuid or decimal column; null for other types. */
function byteRanges(type: RivetType, data: Data): ByteRanges | null {
  if (type.kind === 'utf8' || type.kind === 'json' || type.kind === 'binary') {
    const offsets = data.valueOffsets as Int32Array
    return { bytes: bytesOf(data.values as ArrayBufferView), start: (row) => offsets[row], length: (row) => offsets[row + 1] - offsets[row] }
  }
  if (type.kind === 'uuid' || type.kind === 'decimal') {
    const width = fixedWidth(type)
    return { bytes: bytesOf(data.values as ArrayBufferView), start: (row) => row * width, length: () => width }
  }
  return null
}

/** The encoder of one key column (see the file comment for the encoding). */
function encoderFor(type: RivetType, data: Data): Encoder {
  if (type.kind === 'utf8' || type.kind === 'json' || type.kind === 'binary') {
    const offsets = data.valueOffsets as Int32Array
    const bytes = bytesOf(data.values as ArrayBufferView)
    return (row, out) => {
      const start = offsets[row], length = offsets[row + 1] - start
      out.u32(length)
      out.copy(bytes, start, length)
    }
  }
  if (type.kind === 'list') return listEncoder(type.item, data)
  const exact = type.kind === 'bool' || type.kind === 'float' ? exactWriter(type, data) : null
  if (exact !== null) {
    // booleans as one byte, floats normalised, by the same rules as their exact keys
    const word = new Uint32Array(2), wordBytes = new Uint8Array(word.buffer)
    const width = fixedWidth(type)
    return (row, out) => {
      exact(row, word, 0)
      out.copy(wordBytes, 0, width)
    }
  }
  const width = fixedWidth(type)
  const bytes = bytesOf(data.values as ArrayBufferView)
  return (row, out) => out.copy(bytes, row * width, width)
}

function listEncoder(item: RivetType, data: Data): Encoder {
  const offsets = data.valueOffsets as Int32Array
  const child = data.children[0] as Data
  const encodeItem = encoderFor(item, child)
  return (row, out) => {
    const first = offsets[row], end = offsets[row + 1]
    out.u32(end - first)
    for (let i = first; i < end; i++) {
      const isNull = isNullAt(child, i)
      out.reserve(1)
      out.bytes[out.pos++] = isNull ? 0 : 1
      if (!isNull) encodeItem(i, out)
    }
  }
}

/** A unique key: the types of its columns and their indexes among the batch's columns. */
export interface KeyColumns {
  readonly indexes: readonly number[]
  readonly types: readonly RivetType[]
}

/** The keys of the rows of `batch` whose key columns are all non-NULL, in row order. */
export function rowKeys(batch: RecordBatch, key: KeyColumns): BigUint64Array {
  const datas = key.indexes.map((i) => batch.data.children[i] as Data)
  const rows = batch.numRows
  const keys = new BigUint64Array(rows)
  const words = new Uint32Array(keys.buffer)
  const nullable = datas.filter((d) => d.nullCount > 0)
  let count = 0
  const single = datas.length === 1 ? datas[0] : null
  const exact = single !== null ? exactWriter(key.types[0], single) : null
  const ranges = single !== null && exact === null ? byteRanges(key.types[0], single) : null
  if (exact !== null) {
    for (let row = 0; row < rows; row++) {
      if (nullable.length > 0 && isNullAt(single!, row)) continue
      exact(row, words, 2 * count++)
    }
  } else if (ranges !== null) {
    const { bytes } = ranges
    for (let row = 0; row < rows; row++) {
      if (nullable.length > 0 && isNullAt(single!, row)) continue
      xxh3Into(bytes, ranges.start(row), ranges.length(row), words, 2 * count++)
    }
  } else {
    const encoders = datas.map((d, i) => encoderFor(key.types[i], d))
    const scratch = new Scratch()
    for (let row = 0; row < rows; row++) {
      if (nullable.some((d) => isNullAt(d, row))) continue
      scratch.pos = 0
      for (const encode of encoders) encode(row, scratch)
      xxh3Into(scratch.bytes, 0, scratch.pos, words, 2 * count++)
    }
  }
  // an exact-size array owns its buffer, so it can be transferred without a copy
  return count === rows ? keys : keys.slice(0, count)
}
