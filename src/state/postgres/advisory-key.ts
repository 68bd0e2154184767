import { createHash } from 'node:crypto'

/**
 * A 64-bit advisory-lock key for a name, as the decimal text of a signed bigint. Keys are derived
 * from the state schema and the purpose, so two state schemas in one database never share a lock.
 */
export function advisoryKey(schema: string, purpose: string, name = ''): string {
  return createHash('md5').update(`rivet\0${schema}\0${purpose}\0${name}`).digest().readBigInt64BE(0).toString()
}

/** A schema name as a quoted SQL identifier (names are validated to [a-z0-9_] already; quoting is belt and braces). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
