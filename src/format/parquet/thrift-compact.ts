import { CT_TRUE } from './thrift-compact-types.js'
import { CompactReader } from './thrift-compact-reader.js'
import { CompactWriter } from './thrift-compact-writer.js'
import type { ThriftStruct, ThriftType, ThriftValue } from './thrift-value.js'

/**
 * Thrift Compact Protocol codec over the generic value model of thrift-value.ts.
 * Encoding is canonical (short field headers whenever the id delta is 1..15, minimal
 * varints), which is what every mainstream writer emits, so decoding then encoding an
 * unedited struct reproduces the original bytes.
 */

/** Decodes one struct from `bytes` starting at `offset`; returns it and the offset after it. */
export function decodeThriftStruct(bytes: Uint8Array, offset = 0): { value: ThriftStruct; end: number } {
  const reader = new CompactReader(bytes, offset)
  const value = reader.readStruct(0)
  return { value, end: reader.pos }
}

/** Decodes one value of the given type (e.g. a standalone `list<SchemaElement>`). */
export function decodeThriftValue(bytes: Uint8Array, type: ThriftType, offset = 0): { value: ThriftValue; end: number } {
  const reader = new CompactReader(bytes, offset)
  const value = reader.readValue(type, CT_TRUE, 0)
  return { value, end: reader.pos }
}

/** Encodes a struct. */
export function encodeThriftStruct(struct: ThriftStruct): Uint8Array {
  const writer = new CompactWriter()
  writer.writeStruct(struct)
  return writer.finish()
}

/** Encodes any value standalone (a bool is written as one byte, as inside a list). */
export function encodeThriftValue(value: ThriftValue): Uint8Array {
  const writer = new CompactWriter()
  writer.writeValue(value)
  return writer.finish()
}
