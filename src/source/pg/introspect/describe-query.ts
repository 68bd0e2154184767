import type pg from 'pg'
import { RivetError } from '../../../errors/index.js'
import type { ColumnOrigin } from '../../override-keys.js'
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
  const origins = await columnOrigins(client, fields)
  return resolvePgColumns(
    client,
    fields.map((f, i) => ({ name: f.name, typeOid: f.dataTypeID, typmod: f.dataTypeModifier, notNull: false, ...(origins[i] === undefined ? {} : { origin: origins[i] }) })),
  )
}

// the table and column behind each result column: RowDescription names them by OID and attnum
const ORIGINS_SQL = `
SELECT u.i, n.nspname, c.relname, a.attname
FROM unnest($1::oid[], $2::int2[]) WITH ORDINALITY AS u(rel, att, i)
JOIN pg_class c ON c.oid = u.rel
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = u.rel AND a.attnum = u.att AND NOT a.attisdropped`

/** Where each result column is read from (`table.col` override keys match it), by position; undefined for expressions. */
async function columnOrigins(client: pg.Client, fields: readonly pg.FieldDef[]): Promise<(ColumnOrigin | undefined)[]> {
  const out: (ColumnOrigin | undefined)[] = fields.map(() => undefined)
  if (!fields.some((f) => f.tableID !== 0)) return out
  const res = await client.query(ORIGINS_SQL, [fields.map((f) => f.tableID), fields.map((f) => f.columnID)])
  for (const r of res.rows) out[Number(r.i) - 1] = { schema: String(r.nspname), table: String(r.relname), column: String(r.attname) }
  return out
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
