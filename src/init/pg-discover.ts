/**
 * PostgreSQL side of `rivet init`: list the base tables of a schema (or resolve one table), and
 * read for each its columns through the engine's own type mapping, its keys and indexes, its row
 * estimate from the catalog and, for chunk candidates, the range of its integer key. Only catalog
 * reads and index probes — except the measure of a bare `numeric` column, which scans small
 * tables only (bounded by a statement timeout) and reads pg_stats for the others.
 */
import type pg from 'pg'
import type { ResolvedTableRef } from '../config/index.js'
import { RivetError, toRivetError } from '../errors/index.js'
import { describePgTable } from '../source/pg/introspect/index.js'
import { pgConnectionBudget, pgRowEstimate, quoteIdent } from '../source/pg/index.js'
import { closestName, mapPgColumns, type PgRawColumn } from '../source/pg/types/index.js'
import { isChunkCandidate } from './choose-mode.js'
import { toColumnShapes, toOverrideMap } from './column-facts.js'
import { filterTables, tableRef } from './names.js'
import { measureNumericTexts, numericOverride, parsePgArrayText, type NumericMeasure } from './numeric-override.js'
import type { DiscoveredTable, DiscoverOptions, Discovery, IndexShape, OverrideDraft, SkippedTable, TableShape } from './types.js'

/** Longest the measure of one numeric column may take before falling back to pg_stats. */
const NUMERIC_SCAN_TIMEOUT_MS = 30_000

const SCHEMA_TABLES_SQL = `
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition`

const INDEXES_SQL = `
SELECT ic.relname AS name, i.indisunique AS is_unique, i.indisprimary AS is_primary,
       (i.indpred IS NULL AND i.indisvalid AND am.amname = 'btree') AS usable,
       ARRAY(SELECT a.attname::text
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
             WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
WHERE i.indrelid = $1
ORDER BY ic.relname`

const STATS_SQL = `
SELECT histogram_bounds::text AS bounds, most_common_vals::text AS common, most_common_elems::text AS elems
FROM pg_stats WHERE schemaname = $1 AND tablename = $2 AND attname = $3`

/** Discover the tables to export. */
export async function discoverPg(client: pg.Client, options: DiscoverOptions): Promise<Discovery> {
  const budget = await pgConnectionBudget(client).catch(() => null)
  let refs: ResolvedTableRef[]
  let scope: string
  if (options.table !== undefined) {
    refs = [options.table]
    scope = `table ${tableRef(options.table.schema, options.table.name, 'postgres')}`
  } else {
    const schema = options.schema ?? 'public'
    scope = `schema ${schema}`
    refs = (await listSchemaTables(client, schema, options)).map((name) => ({ schema, name }))
  }
  const tables: DiscoveredTable[] = []
  const skipped: SkippedTable[] = []
  for (const ref of refs) {
    try {
      const found = await describeTable(client, ref, options)
      if ('reason' in found) skipped.push(found)
      else tables.push(found)
    } catch (err) {
      // one table named with --table must exist; in a schema listing, a table dropped meanwhile is left out
      if (options.table !== undefined) throw err
      skipped.push({ schema: ref.schema ?? '', name: ref.name, reason: toRivetError(err).message })
    }
  }
  return { tables, skipped, budget, scope }
}

async function listSchemaTables(client: pg.Client, schema: string, options: DiscoverOptions): Promise<string[]> {
  // sorted here, by code point: the same order whatever the database's collation
  const names = (await client.query(SCHEMA_TABLES_SQL, [schema])).rows.map((r) => String(r.relname)).sort()
  if (names.length === 0) {
    const schemas = (await client.query('SELECT nspname FROM pg_namespace')).rows.map((r) => String(r.nspname))
    if (!schemas.includes(schema)) {
      const near = closestName(schema, schemas)
      throw new RivetError('RIVET_SOURCE_NOT_FOUND', `schema ${quoteIdent(schema)} was not found`, {
        hint: near === null ? 'check the schema name; names are case-sensitive' : `did you mean --schema ${near}?`,
        details: { schema, suggestion: near },
      })
    }
  }
  const kept = filterTables(names, options.include, options.exclude)
  if (kept.length === 0) {
    const filtered = options.include.length + options.exclude.length > 0 ? ` (${names.length} before --include/--exclude)` : ''
    throw new RivetError('RIVET_INIT_NO_TABLES', `schema ${quoteIdent(schema)} has no base table to export${filtered}`, { details: { schema, tables: names.length } })
  }
  return kept
}

async function describeTable(client: pg.Client, ref: ResolvedTableRef, options: DiscoverOptions): Promise<DiscoveredTable | SkippedTable> {
  const t = await describePgTable(client, ref)
  const qualified = `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`
  const readable = (await client.query('SELECT has_table_privilege($1::oid, $2) AS ok', [t.oid, 'SELECT'])).rows[0]?.ok === true
  if (!readable) return { schema: t.schema, name: t.name, reason: 'no SELECT privilege on it for this user' }
  const estimate = t.estimatedRows >= 0
    ? { rows: t.estimatedRows, source: 'pg_class.reltuples' }
    : { rows: await pgRowEstimate(client, qualified), source: t.relkind === 'r' || t.relkind === 'p' ? 'EXPLAIN; never analyzed' : 'EXPLAIN' }
  const overrides = await columnOverrides(client, t.schema, t.name, qualified, t.columns, estimate.rows, options)
  const parsed = toOverrideMap(overrides)
  const specs = mapPgColumns(t.columns, parsed)
  const indexes = (await client.query(INDEXES_SQL, [t.oid])).rows.map(
    (r): IndexShape => ({ name: String(r.name), columns: (r.columns as (string | null)[]).map((c) => c ?? null), unique: r.is_unique === true, primary: r.is_primary === true, usable: r.usable === true }),
  )
  let shape: TableShape = { schema: t.schema, name: t.name, columns: toColumnShapes(specs), primaryKey: t.primaryKey, indexes, estimate }
  if (isChunkCandidate(shape, options.thresholds)) {
    const pk = quoteIdent(t.primaryKey![0]!)
    const r = (await client.query(`SELECT min(${pk})::text AS lo, max(${pk})::text AS hi FROM ${qualified}`)).rows[0]
    shape = { ...shape, keyRange: r?.lo == null || r?.hi == null ? null : { min: BigInt(r.lo), max: BigInt(r.hi) } }
  }
  const raw = t.columns
  return { shape, ref: tableRef(t.schema, t.name, 'postgres'), overrides, verify: (o) => void mapPgColumns(raw, o) }
}

/** The `columns:` overrides without which the engine's mapping would refuse the table. */
async function columnOverrides(
  client: pg.Client,
  schema: string,
  table: string,
  qualified: string,
  columns: readonly PgRawColumn[],
  rows: number,
  options: DiscoverOptions,
): Promise<OverrideDraft[]> {
  const out: OverrideDraft[] = []
  for (const col of columns) {
    const code = mappingProblem(col)
    if (code === null) continue
    if (code === 'RIVET_TYPE_NUMERIC_UNBOUNDED') {
      const array = col.elemTypeOid !== undefined
      let measure: NumericMeasure | null = null
      let source: 'scan' | 'stats' = 'stats'
      if (rows <= options.numericScanMaxRows) {
        measure = await scanNumeric(client, qualified, col.name, array)
        if (measure !== null) source = 'scan'
        else options.log(`table ${qualified}: measuring ${col.name} took too long or failed; using pg_stats`)
      }
      if (measure === null) measure = await statsNumeric(client, schema, table, col.name, array)
      const { type, why } = numericOverride(measure, source)
      out.push({ column: col.name, type, why })
    } else {
      const wide = /^numeric\(/.test(col.formattedType)
      const why = wide ? `${col.formattedType} is wider than the 76 digits of decimal256: written as text` : `${col.formattedType} has no exact output type: written as its text form`
      out.push({ column: col.name, type: 'text', why })
    }
  }
  return out
}

/** The code of the engine's refusal of a column, or null when it maps as it is. */
function mappingProblem(col: PgRawColumn): string | null {
  try {
    mapPgColumns([col])
    return null
  } catch (err) {
    if (!(err instanceof RivetError)) throw err
    return err.items[0]?.code ?? err.code
  }
}

/** Scale and integer digits of every value, in one read-only statement under a timeout; null when it failed. */
async function scanNumeric(client: pg.Client, qualified: string, column: string, array: boolean): Promise<NumericMeasure | null> {
  const col = quoteIdent(column)
  const values = array ? `SELECT u.v::numeric AS v FROM ${qualified} CROSS JOIN LATERAL unnest(${col}) AS u(v)` : `SELECT ${col}::numeric AS v FROM ${qualified}`
  const sql = `
    SELECT count(v)::int8 AS n, count(*) FILTER (WHERE special)::int8 AS special,
           max(scale(v)) FILTER (WHERE NOT special) AS s, max(length(trunc(abs(v))::text)) FILTER (WHERE NOT special AND trunc(abs(v)) <> 0) AS i
    FROM (SELECT v, v::text IN ('NaN', 'Infinity', '-Infinity') AS special FROM (${values}) q0 WHERE v IS NOT NULL) q`
  try {
    await client.query('BEGIN READ ONLY')
    await client.query(`SET LOCAL statement_timeout = ${NUMERIC_SCAN_TIMEOUT_MS}`)
    const r = (await client.query(sql)).rows[0]
    await client.query('COMMIT')
    return { values: Number(r.n), special: Number(r.special) > 0, maxScale: Number(r.s ?? 0), maxIntDigits: Number(r.i ?? 0) }
  } catch {
    await client.query('ROLLBACK').catch(() => undefined)
    return null
  }
}

/** The same measure over the pg_stats sample (histogram bounds and most common values); null without statistics. */
async function statsNumeric(client: pg.Client, schema: string, table: string, column: string, array: boolean): Promise<NumericMeasure | null> {
  const rows = (await client.query(STATS_SQL, [schema, table, column]).catch(() => ({ rows: [] as Record<string, string | null>[] }))).rows
  const texts = rows.flatMap((r) => (array ? parsePgArrayText(r.elems ?? null) : [...parsePgArrayText(r.bounds ?? null), ...parsePgArrayText(r.common ?? null)]))
  return rows.length === 0 ? null : measureNumericTexts(texts)
}
