import type pg from 'pg'
import { RivetError } from '../../../errors/index.js'
import type { PgRawColumn } from '../types/index.js'
import { resolvePgColumns } from './pg-type-catalog.js'

/**
 * Columns of an arbitrary query, from the RowDescription of `SELECT * FROM (<sql>) LIMIT 0`
 * (nothing is read), then one catalog lookup for their types. Nullability is unknown: nullable.
 */
export async function describePgQuery(client: pg.Client, sql: string): Promise<PgRawColumn[]> {
  // the newlines keep a trailing `-- comment` in the user's SQL from swallowing the closing parenthesis
  const body = sql.replace(/[\s;]+$/, '')
  let fields: pg.FieldDef[]
  try {
    fields = (await client.query({ text: `SELECT * FROM (\n${body}\n) AS rivet_q LIMIT 0`, rowMode: 'array' })).fields
  } catch (err) {
    throw queryError(err)
  }
  checkUniqueNames(fields.map((f) => f.name))
  return resolvePgColumns(
    client,
    fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID, typmod: f.dataTypeModifier, notNull: false })),
  )
}

function checkUniqueNames(names: readonly string[]): void {
  const seen = new Map<string, number>()
  const dups: string[] = []
  names.forEach((n, i) => {
    const first = seen.get(n)
    if (first === undefined) seen.set(n, i)
    else dups.push(`${JSON.stringify(n)} (columns ${first + 1} and ${i + 1})`)
  })
  if (dups.length === 0) return
  throw new RivetError('RIVET_SOURCE_QUERY', `the query returns duplicate column names: ${dups.join(', ')}`, {
    hint: 'give every output column a unique name with AS (output files need unique column names)',
    details: { duplicates: dups },
  })
}

/** The server's rejection of the query, keeping SQLSTATE and position; the driver error stays as cause. */
function queryError(err: unknown): RivetError {
  const e = err as { message?: string; code?: string; position?: string }
  const code = e.code === '42501' ? 'RIVET_SOURCE_PERMISSION' : e.code !== undefined && /^(08|57P)/.test(e.code) ? 'RIVET_SOURCE_CONNECTION_LOST' : 'RIVET_SOURCE_QUERY'
  return new RivetError(code, `the query was rejected: ${e.message ?? String(err)}${e.code ? ` (SQLSTATE ${e.code})` : ''}`, {
    details: { sqlstate: e.code ?? null },
    cause: err,
  })
}
