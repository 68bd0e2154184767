import { RivetError } from '../../errors/index.js'

/**
 * A generic, lossless in-memory model of Thrift values, as read and written by the Compact
 * Protocol codec in thrift-compact.ts. Structs keep their fields in wire order with their
 * field ids, so a decoded struct can be edited field by field and re-encoded without a
 * schema; fields the editor does not know about travel through untouched.
 */

/** Thrift value types known to the compact protocol. */
export type ThriftType = 'bool' | 'i8' | 'i16' | 'i32' | 'i64' | 'double' | 'binary' | 'list' | 'set' | 'map' | 'struct'

/** A struct (or union, or exception): fields in wire order. */
export interface ThriftStruct {
  readonly type: 'struct'
  fields: ThriftField[]
}

/** One field of a struct: its id and value. */
export interface ThriftField {
  id: number
  value: ThriftValue
}

/** A list or set: element type plus elements. */
export interface ThriftList {
  readonly type: 'list' | 'set'
  elementType: ThriftType
  elements: ThriftValue[]
}

/** A map. An empty map carries no key/value types on the wire, so they may be null. */
export interface ThriftMap {
  readonly type: 'map'
  keyType: ThriftType | null
  valueType: ThriftType | null
  entries: [ThriftValue, ThriftValue][]
}

/** Any Thrift value. i64 is always a bigint so every value survives a round trip. */
export type ThriftValue =
  | { readonly type: 'bool'; value: boolean }
  | { readonly type: 'i8' | 'i16' | 'i32'; value: number }
  | { readonly type: 'i64'; value: bigint }
  | { readonly type: 'double'; value: number }
  | { readonly type: 'binary'; value: Uint8Array }
  | ThriftList
  | ThriftMap
  | ThriftStruct
  | ThriftEncoded

/**
 * A value of type `as` kept in its compact encoding (written as is, never produced by the reader):
 * holding many structs this way costs their bytes instead of an object per field.
 */
export interface ThriftEncoded {
  readonly type: 'encoded'
  readonly as: ThriftType
  readonly bytes: Uint8Array
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false })
const utf8Encoder = new TextEncoder()

/** A new struct with the given fields (kept in the given order). */
export function tStruct(fields: ThriftField[] = []): ThriftStruct {
  return { type: 'struct', fields }
}

/** An i32 value. */
export function tI32(value: number): ThriftValue {
  return { type: 'i32', value }
}

/** An i16 value. */
export function tI16(value: number): ThriftValue {
  return { type: 'i16', value }
}

/** An i64 value from a number or bigint. */
export function tI64(value: number | bigint): ThriftValue {
  return { type: 'i64', value: BigInt(value) }
}

/** A binary value holding the UTF-8 bytes of a string. */
export function tString(value: string): ThriftValue {
  return { type: 'binary', value: utf8Encoder.encode(value) }
}

/** A list value. */
export function tList(elementType: ThriftType, elements: ThriftValue[]): ThriftList {
  return { type: 'list', elementType, elements }
}

/** The value of field `id`, or undefined. */
export function getField(struct: ThriftStruct, id: number): ThriftValue | undefined {
  for (const field of struct.fields) if (field.id === id) return field.value
  return undefined
}

/** Sets field `id`, replacing it in place or inserting it before the first field with a larger id. */
export function setField(struct: ThriftStruct, id: number, value: ThriftValue): void {
  const fields = struct.fields
  for (let i = 0; i < fields.length; i++) {
    if (fields[i].id === id) {
      fields[i] = { id, value }
      return
    }
    if (fields[i].id > id) {
      fields.splice(i, 0, { id, value })
      return
    }
  }
  fields.push({ id, value })
}

/** Removes field `id` if present; returns whether it was there. */
export function deleteField(struct: ThriftStruct, id: number): boolean {
  const index = struct.fields.findIndex((f) => f.id === id)
  if (index < 0) return false
  struct.fields.splice(index, 1)
  return true
}

/** Field `id` as an i64 bigint (also accepts i8/i16/i32), or undefined. */
export function getI64(struct: ThriftStruct, id: number): bigint | undefined {
  const value = getField(struct, id)
  if (value === undefined) return undefined
  if (value.type === 'i64') return value.value
  if (value.type === 'i32' || value.type === 'i16' || value.type === 'i8') return BigInt(value.value)
  throw thriftShapeError(`thrift field ${id} is ${value.type}, expected an integer`)
}

/** Field `id` as a number (i8/i16/i32, or an i64 within the safe range), or undefined. */
export function getInt(struct: ThriftStruct, id: number): number | undefined {
  const value = getI64(struct, id)
  if (value === undefined) return undefined
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw thriftShapeError(`thrift field ${id} value ${value} is outside the safe integer range`)
  }
  return Number(value)
}

/** Field `id` as a UTF-8 string, or undefined. */
export function getString(struct: ThriftStruct, id: number): string | undefined {
  const value = getField(struct, id)
  if (value === undefined) return undefined
  if (value.type !== 'binary') throw thriftShapeError(`thrift field ${id} is ${value.type}, expected binary`)
  return utf8Decoder.decode(value.value)
}

/** Field `id` as a struct, or undefined. */
export function getStruct(struct: ThriftStruct, id: number): ThriftStruct | undefined {
  const value = getField(struct, id)
  if (value === undefined) return undefined
  if (value.type !== 'struct') throw thriftShapeError(`thrift field ${id} is ${value.type}, expected struct`)
  return value
}

/** Field `id` as a list (or set), or undefined. */
export function getList(struct: ThriftStruct, id: number): ThriftList | undefined {
  const value = getField(struct, id)
  if (value === undefined) return undefined
  if (value.type !== 'list' && value.type !== 'set') throw thriftShapeError(`thrift field ${id} is ${value.type}, expected list`)
  return value
}

/** The elements of a list of structs (throws if an element is not a struct). */
export function structElements(list: ThriftList): ThriftStruct[] {
  return list.elements.map((element) => {
    if (element.type !== 'struct') throw thriftShapeError(`thrift list element is ${element.type}, expected struct`)
    return element
  })
}

function thriftShapeError(message: string): RivetError {
  return new RivetError('RIVET_INTERNAL', `unexpected Parquet metadata: ${message}`)
}
