import type { RivetType, TypeFidelity } from '../../../types/index.js'
import type { PgScalarDecoderId } from './decoder-id.js'
import { PG_OID } from './pg-oids.js'

/** Widest decimal Arrow/Parquet can hold (decimal256). */
export const MAX_DECIMAL_PRECISION = 76

/** A PostgreSQL scalar type Rivet can export. */
export interface PgMappedType {
  readonly type: RivetType
  readonly decoder: PgScalarDecoderId
  readonly fidelity: TypeFidelity
}

/** Why a type cannot be exported as it is. */
export type PgTypeProblem =
  | { readonly problem: 'unsupported' }
  /** numeric without precision/scale: its values have no fixed decimal type. */
  | { readonly problem: 'unbounded' }
  /** numeric(p,s) with p > 76. */
  | { readonly problem: 'too_wide'; readonly precision: number; readonly scale: number }

/** The type identity the mapping looks at (domains already resolved to their base type). */
export interface PgTypeRef {
  readonly oid: number
  readonly typname: string
  readonly typtype: string
  readonly typmod: number
}

const utf8: RivetType = { kind: 'utf8' }
const m = (type: RivetType, decoder: PgScalarDecoderId, fidelity: TypeFidelity = 'exact'): PgMappedType => ({ type, decoder, fidelity })

/** Built-in types by OID (user types of the same name in other schemas do not match). */
const BY_OID = new Map<number, PgMappedType>([
  [PG_OID.bool, m({ kind: 'bool' }, 'bool')],
  [PG_OID.int2, m({ kind: 'int', bits: 16, signed: true }, 'int2')],
  [PG_OID.int4, m({ kind: 'int', bits: 32, signed: true }, 'int4')],
  [PG_OID.int8, m({ kind: 'int', bits: 64, signed: true }, 'int8')],
  [PG_OID.oid, m({ kind: 'int', bits: 32, signed: false }, 'oid')],
  [PG_OID.float4, m({ kind: 'float', bits: 32 }, 'float4')],
  [PG_OID.float8, m({ kind: 'float', bits: 64 }, 'float8')],
  [PG_OID.text, m(utf8, 'text')],
  [PG_OID.varchar, m(utf8, 'text')],
  [PG_OID.bpchar, m(utf8, 'text')],
  [PG_OID.name, m(utf8, 'text')],
  [PG_OID.xml, m(utf8, 'text')],
  [PG_OID.char, m(utf8, 'char')],
  [PG_OID.bytea, m({ kind: 'binary' }, 'bytea')],
  [PG_OID.date, m({ kind: 'date' }, 'date')],
  [PG_OID.time, m({ kind: 'time' }, 'time')],
  [PG_OID.timetz, m(utf8, 'timetz', 'compatible')],
  [PG_OID.timestamp, m({ kind: 'timestamp', tz: null }, 'timestamp')],
  [PG_OID.timestamptz, m({ kind: 'timestamp', tz: 'UTC' }, 'timestamptz')],
  [PG_OID.interval, m(utf8, 'interval', 'compatible')],
  [PG_OID.uuid, m({ kind: 'uuid' }, 'uuid')],
  [PG_OID.json, m({ kind: 'json' }, 'json')],
  [PG_OID.jsonb, m({ kind: 'json' }, 'jsonb')],
  [PG_OID.inet, m(utf8, 'inet', 'compatible')],
  [PG_OID.cidr, m(utf8, 'inet', 'compatible')],
  [PG_OID.macaddr, m(utf8, 'macaddr', 'compatible')],
  [PG_OID.macaddr8, m(utf8, 'macaddr', 'compatible')],
])

/** Extension types recognised by name (their OIDs differ per database). */
const BY_NAME = new Map<string, PgMappedType>([['citext', m(utf8, 'text')]])

/** Map one scalar type (not an array) to the output type, or say why it cannot be. */
export function mapPgScalar(t: PgTypeRef): PgMappedType | PgTypeProblem {
  if (t.oid === PG_OID.numeric) return mapNumeric(t.typmod)
  const builtin = BY_OID.get(t.oid)
  if (builtin !== undefined) return builtin
  if (t.typtype === 'e') return m(utf8, 'text', 'compatible')
  if (t.typtype === 'b') {
    const ext = BY_NAME.get(t.typname)
    if (ext !== undefined) return ext
  }
  return { problem: 'unsupported' }
}

/** Precision and scale encoded in a numeric typmod, or null for bare `numeric`. */
export function numericTypmod(typmod: number): { precision: number; scale: number } | null {
  if (typmod < 4) return null
  const t = typmod - 4
  // PostgreSQL 15 stores the scale as an 11-bit signed field (negative scales are allowed)
  return { precision: (t >> 16) & 0xffff, scale: ((t & 0x7ff) ^ 1024) - 1024 }
}

/**
 * numeric(p,s) → decimal. PostgreSQL 15 allows s < 0 (values rounded to 10^-s: decimal(p-s, 0))
 * and s > p (values below 10^(p-s): decimal(s, s)); both keep every value exact.
 */
function mapNumeric(typmod: number): PgMappedType | PgTypeProblem {
  const ps = numericTypmod(typmod)
  if (ps === null) return { problem: 'unbounded' }
  let { precision, scale } = ps
  if (scale < 0) {
    precision -= scale
    scale = 0
  } else if (scale > precision) {
    precision = scale
  }
  if (precision > MAX_DECIMAL_PRECISION) return { problem: 'too_wide', precision: ps.precision, scale: ps.scale }
  return m({ kind: 'decimal', precision, scale }, 'numeric')
}

/** Whether a mapping result is a problem. */
export function isPgTypeProblem(r: PgMappedType | PgTypeProblem): r is PgTypeProblem {
  return 'problem' in r
}
