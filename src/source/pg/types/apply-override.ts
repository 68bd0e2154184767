import type { RivetType, TypeFidelity } from '../../../types/index.js'
import type { ColumnOverride, SimpleOverrideKind } from './column-override.js'
import type { PgCastTarget, PgDecoderId, PgScalarDecoderId } from './decoder-id.js'
import { PG_OID } from './pg-oids.js'
import { MAX_DECIMAL_PRECISION, isPgTypeProblem, mapPgScalar, type PgTypeRef } from './scalar-map.js'

/** The mapping an override produces, or why it cannot apply. */
export type PgOverrideResult =
  | { readonly type: RivetType; readonly decoder: PgDecoderId; readonly itemDecoder?: PgScalarDecoderId; readonly fidelity: TypeFidelity }
  | { readonly error: string }

const SIMPLE_TARGETS: Record<SimpleOverrideKind, { type: RivetType; cast: PgCastTarget }> = {
  text: { type: { kind: 'utf8' }, cast: 'text' },
  int64: { type: { kind: 'int', bits: 64, signed: true }, cast: 'int8' },
  float64: { type: { kind: 'float', bits: 64 }, cast: 'float8' },
  uuid: { type: { kind: 'uuid' }, cast: 'uuid' },
  json: { type: { kind: 'json' }, cast: 'json' },
  timestamp: { type: { kind: 'timestamp', tz: null }, cast: 'timestamp' },
  timestamp_tz: { type: { kind: 'timestamp', tz: 'UTC' }, cast: 'timestamptz' },
  date: { type: { kind: 'date' }, cast: 'date' },
  bool: { type: { kind: 'bool' }, cast: 'bool' },
  binary: { type: { kind: 'binary' }, cast: 'bytea' },
}

const FLOATS: ReadonlySet<number> = new Set([PG_OID.float4, PG_OID.float8])

/**
 * Apply a `columns:` override. A decimal override on numeric (or numeric[]) decodes the values
 * exactly and refuses any that do not fit; other overrides reuse the natural decoder when the
 * target type is the natural one, and otherwise cast in the SELECT (PostgreSQL cast semantics).
 * `element` is the element type of an array column, null for scalars.
 */
export function applyPgOverride(o: ColumnOverride, scalar: PgTypeRef, element: PgTypeRef | null): PgOverrideResult {
  if (o.kind === 'decimal') return applyDecimal(o.precision, o.scale, scalar, element)
  const target = SIMPLE_TARGETS[o.kind]
  if (target === undefined) return { error: `unknown override kind ${String(o.kind)}` }
  if (o.kind === 'text') {
    const natural = element === null ? mapPgScalar(scalar) : null
    if (natural !== null && !isPgTypeProblem(natural) && natural.decoder === 'text') return natural
    return { type: target.type, decoder: 'cast:text', fidelity: 'compatible' }
  }
  if (element !== null) return { error: `a ${o.kind} override cannot apply to an array column; use text, or decimal(p,s) for numeric[]` }
  const natural = mapPgScalar(scalar)
  if (!isPgTypeProblem(natural) && sameType(natural.type, target.type)) return natural
  return { type: target.type, decoder: `cast:${target.cast}`, fidelity: castFidelity(o.kind, scalar.oid) }
}

function applyDecimal(precision: number, scale: number, scalar: PgTypeRef, element: PgTypeRef | null): PgOverrideResult {
  if (!Number.isInteger(precision) || !Number.isInteger(scale) || precision < 1 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
    return { error: `decimal(${precision},${scale}) needs 1 <= precision <= ${MAX_DECIMAL_PRECISION} and 0 <= scale <= precision` }
  }
  const type: RivetType = { kind: 'decimal', precision, scale }
  if (element !== null) {
    if (element.oid !== PG_OID.numeric) return { error: 'a decimal override on an array column needs numeric[] elements; use text' }
    return { type: { kind: 'list', item: type }, decoder: 'array', itemDecoder: 'numeric', fidelity: 'exact' }
  }
  if (scalar.oid === PG_OID.numeric) return { type, decoder: 'numeric', fidelity: 'exact' }
  return { type, decoder: 'cast:numeric', fidelity: FLOATS.has(scalar.oid) ? 'lossy' : 'compatible' }
}

/** Casts that can drop information: fractions to an integer, wide integers or decimals to a double. */
function castFidelity(kind: SimpleOverrideKind, sourceOid: number): TypeFidelity {
  if (kind === 'int64' && (FLOATS.has(sourceOid) || sourceOid === PG_OID.numeric)) return 'lossy'
  if (kind === 'float64' && (sourceOid === PG_OID.numeric || sourceOid === PG_OID.int8)) return 'lossy'
  return 'compatible'
}

function sameType(a: RivetType, b: RivetType): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
