import { RivetError } from '../../errors/index.js'
import { COMPACT_TO_TYPE, CT_STOP, CT_TRUE, MAX_DEPTH } from './thrift-compact-types.js'
import type { ThriftList, ThriftMap, ThriftStruct, ThriftType, ThriftValue } from './thrift-value.js'

function decodeError(message: string, pos: number): RivetError {
  return new RivetError('RIVET_INTERNAL', `invalid Thrift compact data at byte ${pos}: ${message}`)
}

/** Reads compact protocol values from a byte array, advancing `pos`. */
export class CompactReader {
  private readonly view: DataView

  constructor(private readonly bytes: Uint8Array, public pos: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  /** Reads a struct up to and including its stop byte. */
  readStruct(depth: number): ThriftStruct {
    if (depth > MAX_DEPTH) throw decodeError('nesting too deep', this.pos)
    const struct: ThriftStruct = { type: 'struct', fields: [] }
    let lastId = 0
    for (;;) {
      const header = this.byte()
      if (header === CT_STOP) return struct
      const compact = header & 0x0f
      const delta = header >> 4
      const id = delta === 0 ? zigzag32(this.varint()) : lastId + delta
      const type = this.compactType(compact)
      const value = type === 'bool' ? { type: 'bool' as const, value: compact === CT_TRUE } : this.readValue(type, compact, depth + 1)
      struct.fields.push({ id, value })
      lastId = id
    }
  }

  /** Reads one value of `type` (`compact` is its wire type id, for messages). */
  readValue(type: ThriftType, compact: number, depth: number): ThriftValue {
    switch (type) {
      case 'bool':
        return { type, value: this.byte() === CT_TRUE }
      case 'i8':
        return { type, value: (this.byte() << 24) >> 24 }
      case 'i16':
      case 'i32':
        return { type, value: zigzag32(this.varint()) }
      case 'i64':
        return { type, value: zigzag64(this.varint64()) }
      case 'double':
        return { type, value: this.double() }
      case 'binary':
        return { type, value: this.binary() }
      case 'list':
      case 'set':
        return this.readList(type, depth)
      case 'map':
        return this.readMap(depth)
      case 'struct':
        return this.readStruct(depth)
    }
    throw decodeError(`unknown type ${String(type)} (${compact})`, this.pos)
  }

  private readList(type: 'list' | 'set', depth: number): ThriftList {
    const header = this.byte()
    let size = header >> 4
    if (size === 15) size = this.varint()
    const compact = header & 0x0f
    const elementType = this.compactType(compact)
    this.checkCount(size)
    const elements: ThriftValue[] = new Array(size)
    for (let i = 0; i < size; i++) elements[i] = this.readValue(elementType, compact, depth + 1)
    return { type, elementType, elements }
  }

  private readMap(depth: number): ThriftMap {
    const size = this.varint()
    if (size === 0) return { type: 'map', keyType: null, valueType: null, entries: [] }
    this.checkCount(size)
    const types = this.byte()
    const keyType = this.compactType(types >> 4)
    const valueType = this.compactType(types & 0x0f)
    const entries: [ThriftValue, ThriftValue][] = new Array(size)
    for (let i = 0; i < size; i++) {
      const key = this.readValue(keyType, types >> 4, depth + 1)
      entries[i] = [key, this.readValue(valueType, types & 0x0f, depth + 1)]
    }
    return { type: 'map', keyType, valueType, entries }
  }

  private compactType(compact: number): ThriftType {
    const type = COMPACT_TO_TYPE[compact]
    if (type === undefined) throw decodeError(`unknown compact type ${compact}`, this.pos)
    return type
  }

  /** Every element takes at least one byte, so a count beyond the remaining bytes is corrupt. */
  private checkCount(count: number): void {
    if (count > this.bytes.length - this.pos) throw decodeError(`element count ${count} exceeds the data`, this.pos)
  }

  private byte(): number {
    if (this.pos >= this.bytes.length) throw decodeError('unexpected end of data', this.pos)
    return this.bytes[this.pos++]
  }

  private varint(): number {
    let result = 0
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte()
      result += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return result >>> 0
    }
    throw decodeError('varint too long', this.pos)
  }

  private varint64(): bigint {
    // 7 bytes (49 bits) fit a double exactly; only longer varints need bigint arithmetic
    let low = 0
    let shift = 0
    for (; shift < 49; shift += 7) {
      const b = this.byte()
      low += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return BigInt(low)
    }
    let result = BigInt(low)
    for (; shift < 70; shift += 7) {
      const b = this.byte()
      result |= BigInt(b & 0x7f) << BigInt(shift)
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result)
    }
    throw decodeError('varint64 too long', this.pos)
  }

  private double(): number {
    if (this.pos + 8 > this.bytes.length) throw decodeError('unexpected end of data', this.pos)
    const value = this.view.getFloat64(this.pos, true)
    this.pos += 8
    return value
  }

  private binary(): Uint8Array {
    const length = this.varint()
    if (this.pos + length > this.bytes.length) throw decodeError(`binary of ${length} bytes exceeds the data`, this.pos)
    // copied so the decoded value does not pin (or alias) the source buffer
    const value = this.bytes.slice(this.pos, this.pos + length)
    this.pos += length
    return value
  }
}

function zigzag32(n: number): number {
  return (n >>> 1) ^ -(n & 1)
}

function zigzag64(n: bigint): bigint {
  return (n >> 1n) ^ -(n & 1n)
}

