import type pg from 'pg'
import { RivetError } from '../../../errors/index.js'
import { closestName, type PgRawColumn } from '../types/index.js'
import { resolvePgColumns, type PgColumnStub } from './pg-type-catalog.js'

/** A table named in the config: schema null means "resolve through search_path". */
export interface PgTableRef {
  readonly schema: string | null
  readonly name: string
}

/** What the catalog says about a relation to export. */
export interface PgTableDescription {
  readonly oid: number
  readonly schema: string
  readonly name: string
  /** r table · p partitioned table · v view · m materialized view · f foreign table. */
  readonly relkind: string
  /** relpages (summed over the leaf partitions of a partitioned table). */
  readonly pages: number
  /** reltuples (summed over leaf partitions); -1 when the table was never analyzed. */
  readonly estimatedRows: number
  readonly columns: PgRawColumn[]
  /** Primary-key column names in key order, or null. */
  readonly primaryKey: string[] | null
}

const EXPORTABLE_RELKINDS = new Set(['r', 'p', 'v', 'm', 'f'])
const RELKIND_NAMES: Record<string, string> = { i: 'an index', I: 'a partitioned index', S: 'a sequence', c: 'a composite type', t: 'a TOAST table' }

const RELATION_SQL = `
SELECT c.oid::int8 AS oid, n.nspname, c.relname, c.relkind, c.relpages::int8 AS pages, c.reltuples::float8 AS tuples
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = to_regclass($1)`

// pg_partition_tree lists the table itself for non-partitioned tables too, so one query serves both
const PARTITION_SIZE_SQL = `
SELECT COALESCE(sum(c.relpages), 0)::int8 AS pages,
       CASE WHEN bool_and(c.reltuples < 0) THEN -1 ELSE COALESCE(sum(greatest(c.reltuples, 0)), 0) END::float8 AS tuples
FROM pg_partition_tree($1::oid) pt JOIN pg_class c ON c.oid = pt.relid
WHERE pt.isleaf`

const COLUMNS_SQL = `
SELECT a.attname AS name, a.atttypid::int8 AS type_oid, a.atttypmod AS typmod, a.attnotnull AS not_null,
       format_type(a.atttypid, a.atttypmod) AS formatted_type
FROM pg_attribute a
WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`

const PRIMARY_KEY_SQL = `
SELECT a.attname
FROM pg_index i
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = $1 AND i.indisprimary
ORDER BY k.ord`

const CANDIDATES_SQL = `
SELECT n.nspname, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND CASE WHEN $1::text IS NULL THEN n.nspname = ANY (current_schemas(false)) ELSE n.nspname = $1 END`

/** Resolve a table (honouring search_path when no schema is given) and read its columns and size. */
export async function describePgTable(client: pg.Client, table: PgTableRef): Promise<PgTableDescription> {
  const qualified = table.schema === null ? quoteIdent(table.name) : `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`
  const rel = (await client.query(RELATION_SQL, [qualified])).rows[0]
  if (rel === undefined) throw await notFound(client, table)
  if (!EXPORTABLE_RELKINDS.has(rel.relkind)) {
    throw new RivetError('RIVET_SOURCE_NOT_FOUND', `${qualified} is ${RELKIND_NAMES[rel.relkind] ?? `a relation of kind ${rel.relkind}`}, not a table or view`, {
      details: { schema: rel.nspname, name: rel.relname, relkind: rel.relkind },
    })
  }
  const oid = Number(rel.oid)
  let pages = Number(rel.pages)
  let estimatedRows = Number(rel.tuples)
  if (rel.relkind === 'p') {
    const size = (await client.query(PARTITION_SIZE_SQL, [oid])).rows[0]
    pages = Number(size.pages)
    estimatedRows = Number(size.tuples)
  }
  const stubs: PgColumnStub[] = (await client.query(COLUMNS_SQL, [oid])).rows.map((r) => ({
    name: r.name,
    typeOid: Number(r.type_oid),
    typmod: Number(r.typmod),
    notNull: r.not_null === true,
    formattedType: r.formatted_type,
    origin: { schema: rel.nspname, table: rel.relname, column: r.name },
  }))
  const columns = await resolvePgColumns(client, stubs)
  const pk = (await client.query(PRIMARY_KEY_SQL, [oid])).rows.map((r) => String(r.attname))
  return {
    oid,
    schema: rel.nspname,
    name: rel.relname,
    relkind: rel.relkind,
    pages,
    estimatedRows: estimatedRows < 0 ? -1 : Math.round(estimatedRows),
    columns,
    primaryKey: pk.length > 0 ? pk : null,
  }
}

/** Quote an identifier for PostgreSQL (names are taken exactly as written, case included). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

async function notFound(client: pg.Client, table: PgTableRef): Promise<RivetError> {
  const rows = (await client.query(CANDIDATES_SQL, [table.schema])).rows as { nspname: string; relname: string }[]
  const suggestion = closestName(
    table.name,
    rows.map((r) => r.relname),
  )
  const where = table.schema === null ? 'in the search_path' : `in schema ${quoteIdent(table.schema)}`
  const hint =
    suggestion !== null
      ? `did you mean ${quoteIdent(suggestion)}? Names are case-sensitive.`
      : table.schema === null
        ? 'check the table name, or qualify it with its schema (schema.table)'
        : 'check the schema and table names; names are case-sensitive'
  return new RivetError('RIVET_SOURCE_NOT_FOUND', `table ${quoteIdent(table.name)} was not found ${where}`, {
    hint,
    details: { schema: table.schema, name: table.name, suggestion },
  })
}
