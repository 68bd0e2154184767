import type { ThriftType } from './thrift-value.js'

/** Compact protocol type ids (the low nibble of field headers and list headers). */
export const CT_STOP = 0
export const CT_TRUE = 1
export const CT_FALSE = 2
/** Deepest struct/list nesting accepted when decoding (parquet metadata nests about 6 deep). */
export const MAX_DEPTH = 64

/** Compact type id → value type (both bool ids map to bool). */
export const COMPACT_TO_TYPE: readonly (ThriftType | undefined)[] = [
  undefined, 'bool', 'bool', 'i8', 'i16', 'i32', 'i64', 'double', 'binary', 'list', 'set', 'map', 'struct',
]

/** Value type → compact type id (bool as element type is written as 1, as every writer does). */
export const TYPE_TO_COMPACT: Readonly<Record<ThriftType, number>> = {
  bool: CT_TRUE, i8: 3, i16: 4, i32: 5, i64: 6, double: 7, binary: 8, list: 9, set: 10, map: 11, struct: 12,
}
