import type { ColumnSpec } from '../../../types/index.js'

/** Binary-format decoders of the PostgreSQL reader (ColumnSpec.decoder / itemDecoder). */
export type PgScalarDecoderId =
  | 'bool'
  | 'int2'
  | 'int4'
  | 'int8'
  | 'oid'
  | 'float4'
  | 'float8'
  | 'numeric'
  | 'text'
  | 'bytea'
  | 'json'
  | 'jsonb'
  | 'char'
  | 'date'
  | 'time'
  | 'timetz'
  | 'timestamp'
  | 'timestamptz'
  | 'uuid'
  | 'interval'
  | 'inet'
  | 'macaddr'

/** SQL types a column may be cast to by an override; `cast:<type>` decodes like `<type>`. */
export type PgCastTarget = 'text' | 'int8' | 'float8' | 'uuid' | 'json' | 'timestamp' | 'timestamptz' | 'date' | 'bool' | 'bytea' | 'numeric'

/** Wire forms a converting override reads a column in (its own type: no cast in the SELECT). */
export type PgViaSource = 'text' | 'numeric' | 'float4' | 'float8' | 'int2' | 'int4' | 'int8' | 'bool' | 'timestamp' | 'timestamptz'

/**
 * A column decoder id: a scalar decoder, `array` (one-dimensional arrays; the item decoder is in
 * ColumnSpec.itemDecoder), `cast:<type>` — the SELECT must cast the column to `<type>` and the
 * value is then decoded with the `<type>` decoder — or `via:<type>`: the column is selected as it
 * is, read with the `<type>` decoder's wire format, and converted to the output type by Rivet,
 * which refuses (naming the row) any value the output type cannot hold exactly.
 */
export type PgDecoderId = PgScalarDecoderId | 'array' | `cast:${PgCastTarget}` | `via:${PgViaSource}`

/** The SQL cast a column's decoder requires in the SELECT list, or null. */
export function pgCastOf(decoder: string): PgCastTarget | null {
  return decoder.startsWith('cast:') ? (decoder.slice(5) as PgCastTarget) : null
}

/** The wire form a `via:` decoder converts from, or null for other decoders. */
export function pgViaOf(decoder: string): PgViaSource | null {
  return decoder.startsWith('via:') ? (decoder.slice(4) as PgViaSource) : null
}

/** The decoder that reads the bytes of a column (a `cast:<type>` or `via:<type>` column is read as `<type>`). */
export function pgWireDecoderOf(decoder: string): PgScalarDecoderId | 'array' {
  const cast = pgCastOf(decoder) ?? pgViaOf(decoder)
  if (cast === null) return decoder as PgScalarDecoderId | 'array'
  return cast
}

/**
 * The SELECT-list expression for a column: its quoted name, with the cast its override needs
 * (e.g. `"amount"::text`). Plans must build their SELECT lists with it.
 */
export function pgSelectExpression(column: Pick<ColumnSpec, 'name' | 'decoder'>): string {
  const quoted = `"${column.name.replace(/"/g, '""')}"`
  const cast = pgCastOf(column.decoder)
  return cast === null ? quoted : `${quoted}::${cast}`
}
