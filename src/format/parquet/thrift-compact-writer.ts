import { RivetError } from '../../errors/index.js'
import { CT_FALSE, CT_STOP, CT_TRUE, TYPE_TO_COMPACT } from './thrift-compact-types.js'
import type { ThriftList, ThriftMap, ThriftStruct, ThriftValue } from './thrift-value.js'

/** Writes compact protocol values into a growing buffer (canonical encoding). */
export class CompactWriter {
  private buf = new Uint8Array(256)
  private pos = 0

  /** The bytes written, in a buffer of their own. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos)
  }

  /** Writes a struct's fields and its stop byte. */
  writeStruct(struct: ThriftStruct): void {
    let lastId = 0
    for (const { id, value } of struct.fields) {
      const compact = value.type === 'bool' ? (value.value ? CT_TRUE : CT_FALSE) : TYPE_TO_COMPACT[value.type === 'encoded' ? value.as : value.type]
      const delta = id - lastId
      if (delta > 0 && delta <= 15) {
        this.byte((delta << 4) | compact)
      } else {
        this.byte(compact)
        this.varint(((id << 1) ^ (id >> 31)) >>> 0)
      }
      if (value.type !== 'bool') this.writeValue(value)
      lastId = id
    }
    this.byte(CT_STOP)
  }

  /** Writes one value (a bool as a whole byte, as inside lists). */
  writeValue(value: ThriftValue): void {
    switch (value.type) {
      case 'bool':
        return this.byte(value.value ? CT_TRUE : CT_FALSE)
      case 'i8':
        return this.byte(value.value & 0xff)
      case 'i16':
      case 'i32':
        return this.varint(((value.value << 1) ^ (value.value >> 31)) >>> 0)
      case 'i64':
        return this.varint64(BigInt.asUintN(64, (value.value << 1n) ^ (value.value >> 63n)))
      case 'double':
        this.ensure(8)
        new DataView(this.buf.buffer).setFloat64(this.pos, value.value, true)
        this.pos += 8
        return
      case 'binary':
        this.varint(value.value.length)
        return this.bytes(value.value)
      case 'list':
      case 'set':
        return this.writeList(value)
      case 'map':
        return this.writeMap(value)
      case 'struct':
        return this.writeStruct(value)
      case 'encoded':
        return this.bytes(value.bytes)
    }
  }

  private writeList(list: ThriftList): void {
    const size = list.elements.length
    const compact = TYPE_TO_COMPACT[list.elementType]
    if (size < 15) {
      this.byte((size << 4) | compact)
    } else {
      this.byte(0xf0 | compact)
      this.varint(size)
    }
    for (const element of list.elements) this.writeValue(element)
  }

  private writeMap(map: ThriftMap): void {
    this.varint(map.entries.length)
    if (map.entries.length === 0) return
    if (map.keyType === null || map.valueType === null) {
      throw new RivetError('RIVET_INTERNAL', 'a non-empty Thrift map needs key and value types')
    }
    this.byte((TYPE_TO_COMPACT[map.keyType] << 4) | TYPE_TO_COMPACT[map.valueType])
    for (const [key, value] of map.entries) {
      this.writeValue(key)
      this.writeValue(value)
    }
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra))
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
  }

  private byte(b: number): void {
    this.ensure(1)
    this.buf[this.pos++] = b
  }

  private bytes(b: Uint8Array): void {
    this.ensure(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
  }

  /** Varint of a non-negative safe integer (32-bit zigzag values and small i64s alike). */
  private varint(n: number): void {
    this.ensure(8)
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 128) | 0x80
      n = Math.floor(n / 128)
    }
    this.buf[this.pos++] = n
  }

  private varint64(n: bigint): void {
    if (n <= 0x1fffffffffffffn) return this.varint(Number(n))
    this.ensure(10)
    while (n >= 0x80n) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80
      n >>= 7n
    }
    this.buf[this.pos++] = Number(n)
  }
}
