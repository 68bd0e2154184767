/**
 * Source-independent column model. A source reader maps its native types to a RivetType;
 * the Arrow schema, the Parquet/CSV writers and the docs all derive from it.
 */
export type RivetType =
  | { readonly kind: 'bool' }
  | { readonly kind: 'int'; readonly bits: 8 | 16 | 32 | 64; readonly signed: boolean }
  | { readonly kind: 'float'; readonly bits: 32 | 64 }
  /** Exact decimal; precision <= 38 is written as decimal128, above as decimal256. */
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'utf8' }
  | { readonly kind: 'binary' }
  /** 16 bytes; Arrow FixedSizeBinary(16) tagged arrow.uuid, Parquet UUID logical type. */
  | { readonly kind: 'uuid' }
  /** UTF-8 JSON text; Arrow Utf8 tagged arrow.json, Parquet JSON logical type. */
  | { readonly kind: 'json' }
  /** Days since the epoch (Arrow date32). */
  | { readonly kind: 'date' }
  /** Microseconds since midnight (Arrow time64[us]). */
  | { readonly kind: 'time' }
  /** Microseconds since the epoch; tz 'UTC' for instants, null for wall-clock timestamps. */
  | { readonly kind: 'timestamp'; readonly tz: 'UTC' | null }
  | { readonly kind: 'list'; readonly item: RivetType }

/** How faithfully a source type is represented in the output. */
export type TypeFidelity = 'exact' | 'compatible' | 'lossy'

/** One output column: its name, the type written and where it came from. */
export interface ColumnSpec {
  readonly name: string
  readonly type: RivetType
  readonly nullable: boolean
  /** The source's own spelling of the type, e.g. `numeric(18,4)` or `timestamp with time zone`. */
  readonly sourceType: string
  /** Source-specific decoder id chosen by the source's type mapping (e.g. pg `int8`, `numeric`, `interval`). */
  readonly decoder: string
  /** Decoder id for list items, when `type.kind === 'list'`. */
  readonly itemDecoder?: string
  readonly fidelity: TypeFidelity
  /** The `columns:` override applied to the column, as the config spells it (`decimal(5,2)`, `uuid`); absent without one. */
  readonly override?: string
}

/** Human-readable name of a RivetType, as used in docs and error messages. */
export function describeType(type: RivetType): string {
  switch (type.kind) {
    case 'int':
      return `${type.signed ? 'int' : 'uint'}${type.bits}`
    case 'float':
      return `float${type.bits}`
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`
    case 'timestamp':
      return type.tz ? `timestamp[us, ${type.tz}]` : 'timestamp[us]'
    case 'time':
      return 'time64[us]'
    case 'date':
      return 'date32'
    case 'list':
      return `list<${describeType(type.item)}>`
    default:
      return type.kind
  }
}
