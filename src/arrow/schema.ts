import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Field,
  FixedSizeBinary,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Schema,
  TimeMicrosecond,
  TimestampMicrosecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  type DataType,
} from './lib.js'
import type { ColumnSpec, RivetType } from '../types/index.js'

/** Field metadata key holding the source's own spelling of the column type. */
export const SOURCE_TYPE_KEY = 'rivet.source_type'
/** Arrow canonical extension type name key. */
export const EXTENSION_NAME_KEY = 'ARROW:extension:name'
/** Arrow canonical extension type parameters key. */
export const EXTENSION_METADATA_KEY = 'ARROW:extension:metadata'

/** Largest decimal precision written as decimal128; above it decimal256 (up to 76 digits). */
export const DECIMAL128_MAX_PRECISION = 38

/** The Arrow type a RivetType is written as. */
export function toArrowType(t: RivetType): DataType {
  switch (t.kind) {
    case 'bool':
      return new Bool()
    case 'int':
      return intType(t.bits, t.signed)
    case 'float':
      return t.bits === 32 ? new Float32() : new Float64()
    case 'decimal':
      return new Decimal(t.scale, t.precision, t.precision <= DECIMAL128_MAX_PRECISION ? 128 : 256)
    case 'utf8':
    case 'json':
      return new Utf8()
    case 'binary':
      return new Binary()
    case 'uuid':
      return new FixedSizeBinary(16)
    case 'date':
      return new DateDay()
    case 'time':
      return new TimeMicrosecond()
    case 'timestamp':
      return new TimestampMicrosecond(t.tz)
    case 'list':
      return new List(new Field('item', toArrowType(t.item), true, extensionMetadata(t.item)))
  }
}

/** The Arrow field of one output column: type, nullability and metadata (source type, extension tags). */
export function toArrowField(spec: ColumnSpec): Field {
  const metadata = extensionMetadata(spec.type)
  metadata.set(SOURCE_TYPE_KEY, spec.sourceType)
  return new Field(spec.name, toArrowType(spec.type), spec.nullable, metadata)
}

/** The Arrow schema of a list of output columns. */
export function toArrowSchema(columns: readonly ColumnSpec[]): Schema {
  return new Schema(columns.map(toArrowField))
}

/** Canonical extension tags (arrow.uuid, arrow.json) so Parquet writers pick the UUID/JSON logical types. */
function extensionMetadata(t: RivetType): Map<string, string> {
  const metadata = new Map<string, string>()
  if (t.kind === 'uuid') {
    metadata.set(EXTENSION_NAME_KEY, 'arrow.uuid')
    metadata.set(EXTENSION_METADATA_KEY, '')
  } else if (t.kind === 'json') {
    metadata.set(EXTENSION_NAME_KEY, 'arrow.json')
  }
  return metadata
}

function intType(bits: 8 | 16 | 32 | 64, signed: boolean): DataType {
  switch (bits) {
    case 8:
      return signed ? new Int8() : new Uint8()
    case 16:
      return signed ? new Int16() : new Uint16()
    case 32:
      return signed ? new Int32() : new Uint32()
    case 64:
      return signed ? new Int64() : new Uint64()
  }
}
