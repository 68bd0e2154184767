/**
 * A PostgreSQL string literal for `value`, safe whatever `standard_conforming_strings` says:
 * quotes are doubled, and a value holding a backslash is written as an escape string with the
 * backslashes doubled (what libpq's PQescapeLiteral does).
 */
export function pgLiteral(value: string): string {
  if (value.includes('\0')) throw new TypeError('a PostgreSQL literal cannot hold a NUL character')
  const quoted = value.replace(/'/g, "''")
  return value.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`
}

/** `value` as a literal of the SQL type `type` (the catalog's spelling, e.g. `timestamp with time zone`). */
export function pgTypedLiteral(value: string, type: string): string {
  return `${pgLiteral(value)}::${type}`
}
