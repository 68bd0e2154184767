import type { RivetType, TypeFidelity } from '../../../types/index.js'
import type { ColumnOverride, SimpleOverrideKind } from './column-override.js'
import type { PgCastTarget, PgDecoderId, PgScalarDecoderId, PgViaSource } from './decoder-id.js'
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

/**
 * Sources Rivet converts itself, per override kind: the value is read in the source's own wire
 * form and every value is checked (a fraction in an int64, a time of day in a date, text that is
 * no UUID ...), so a value that does not fit stops the export naming its row instead of being
 * rounded, or failing inside the server where the row is unknown.
 */
const CONVERTED: Readonly<Partial<Record<SimpleOverrideKind, readonly PgViaSource[]>>> = {
  int64: ['text', 'numeric', 'float4', 'float8', 'bool'],
  float64: ['text', 'numeric', 'int8'],
  uuid: ['text'],
  json: ['text'],
  timestamp: ['text'],
  timestamp_tz: ['text'],
  date: ['text', 'timestamp', 'timestamptz'],
  bool: ['text', 'int2', 'int4', 'int8'],
}

const FLOATS: ReadonlySet<number> = new Set([PG_OID.float4, PG_OID.float8])
const WIRE_BY_OID: ReadonlyMap<number, PgViaSource> = new Map<number, PgViaSource>([
  [PG_OID.numeric, 'numeric'],
  [PG_OID.float4, 'float4'],
  [PG_OID.float8, 'float8'],
  [PG_OID.int2, 'int2'],
  [PG_OID.int4, 'int4'],
  [PG_OID.int8, 'int8'],
  [PG_OID.bool, 'bool'],
  [PG_OID.timestamp, 'timestamp'],
  [PG_OID.timestamptz, 'timestamptz'],
])

/**
 * Apply a `columns:` override. The natural decoder serves when the target type is the natural
 * one (a decimal override on numeric decodes exactly and refuses values that do not fit);
 * conversions that could lose or refuse values run in Rivet (`via:`, see CONVERTED); the rest
 * cannot fail and are casts in the SELECT. `element` is the element type of an array column,
 * null for scalars.
 */
export function applyPgOverride(o: ColumnOverride, scalar: PgTypeRef, element: PgTypeRef | null): PgOverrideResult {
  if (o.kind === 'decimal') return applyDecimal(o.precision, o.scale, scalar, element)
  const target = SIMPLE_TARGETS[o.kind]
  if (target === undefined) return { error: `unknown override kind ${String(o.kind)}` }
  const natural = element === null ? mapPgScalar(scalar) : null
  const textLike = natural !== null && !isPgTypeProblem(natural) && natural.decoder === 'text'
  if (o.kind === 'text') {
    if (textLike) return natural
    return { type: target.type, decoder: 'cast:text', fidelity: 'compatible' }
  }
  if (element !== null || natural === null) return { error: `a ${o.kind} override cannot apply to an array column; use text, or decimal(p,s) for numeric[]` }
  if (!isPgTypeProblem(natural) && sameType(natural.type, target.type)) return natural
  // text's binary form is its UTF-8 bytes: a cast to bytea would read backslashes as escapes
  if (o.kind === 'binary' && textLike) return { type: target.type, decoder: 'text', fidelity: 'compatible' }
  const via = textLike ? 'text' : WIRE_BY_OID.get(scalar.oid)
  if (via !== undefined && CONVERTED[o.kind]?.includes(via)) return { type: target.type, decoder: `via:${via}`, fidelity: 'compatible' }
  return { type: target.type, decoder: `cast:${target.cast}`, fidelity: 'compatible' }
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
  // a float becomes the shortest decimal that reads back as the same float, not its exact binary value
  if (FLOATS.has(scalar.oid)) return { type, decoder: scalar.oid === PG_OID.float4 ? 'via:float4' : 'via:float8', fidelity: 'lossy' }
  const natural = mapPgScalar(scalar)
  if (!isPgTypeProblem(natural) && natural.decoder === 'text') return { type, decoder: 'via:text', fidelity: 'compatible' }
  return { type, decoder: 'cast:numeric', fidelity: 'compatible' }
}

function sameType(a: RivetType, b: RivetType): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
