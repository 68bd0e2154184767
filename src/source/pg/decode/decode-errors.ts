import { RivetError } from '../../../errors/index.js'

/** A value whose bytes do not match its type's binary format. */
export function malformed(column: string, type: string, detail: string): RivetError {
  return new RivetError('RIVET_DATA_DECODE', `column ${JSON.stringify(column)}: malformed ${type} value (${detail})`, {
    details: { column, type },
  })
}

/** A value whose byte length is not its type's fixed size. */
export function badLength(column: string, type: string, expected: number, got: number): RivetError {
  return malformed(column, type, `${got} bytes, expected ${expected}`)
}

/** ±infinity in a date or timestamp column: Arrow/Parquet have no such value. */
export function infiniteValue(column: string, type: string, negative: boolean): RivetError {
  const q = JSON.stringify(column)
  return new RivetError('RIVET_DATA_VALUE_OUT_OF_RANGE', `column ${q} holds ${negative ? '-' : ''}infinity, which a ${type} column cannot represent`, {
    hint: `cast it in a \`query:\`, e.g. \`CASE WHEN isfinite(${q}) THEN ${q} END AS ${q}\` (infinity becomes NULL), or export it as text with \`columns: { ${q}: text }\``,
    details: { column, type, value: negative ? '-infinity' : 'infinity' },
  })
}

/** A timestamp after 294247-01-10 04:00:54.775807 UTC: valid in PostgreSQL, beyond int64 µs since 1970. */
export function beyondUnixRange(column: string): RivetError {
  const q = JSON.stringify(column)
  return new RivetError('RIVET_DATA_VALUE_OUT_OF_RANGE', `column ${q} holds a timestamp after 294247-01-10, beyond the range of a microsecond timestamp since 1970`, {
    hint: `cast it in a \`query:\` (e.g. \`LEAST(${q}, '294247-01-01')\`) or export it as text with \`columns: { ${q}: text }\``,
    details: { column },
  })
}
