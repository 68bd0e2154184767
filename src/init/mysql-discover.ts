/**
 * MySQL/MariaDB side of `rivet init`: list the base tables of a database (or resolve one table)
 * and read for each its columns through the engine's type mapping, its keys and indexes
 * (information_schema.STATISTICS), its row estimate (EXPLAIN, as the chunk planner reads it;
 * information_schema.TABLES.TABLE_ROWS when EXPLAIN fails) and, for chunk candidates, the range
 * of its integer key. Catalog reads and index probes only.
 */
import type { Connection, RowDataPacket } from 'mysql2/promise'
import type { ResolvedTableRef } from '../config/index.js'
import { RivetError, toRivetError } from '../errors/index.js'
import { describeMysqlTable, mapMysqlColumns, mysqlConnectionBudget, mysqlRowEstimate, quoteMysqlIdent, type MysqlRawColumn } from '../source/mysql/index.js'
import { closestName } from '../source/pg/types/index.js'
import { isChunkCandidate } from './choose-mode.js'
import { toColumnShapes, toOverrideMap } from './column-facts.js'
import { filterTables, tableRef } from './names.js'
import type { DiscoveredTable, DiscoverOptions, Discovery, IndexShape, OverrideDraft, SkippedTable, TableShape } from './types.js'

const TABLES_SQL = `
SELECT TABLE_NAME AS name FROM information_schema.TABLES
WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'`

const INDEXES_SQL = `
SELECT INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS col, SUB_PART AS sub_part, INDEX_TYPE AS index_type
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
ORDER BY INDEX_NAME, SEQ_IN_INDEX`

async function rows(conn: Connection, sql: string, values: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await conn.query<RowDataPacket[]>(sql, values)
  return result
}

/** Discover the tables to export. */
export async function discoverMysql(conn: Connection, options: DiscoverOptions): Promise<Discovery> {
  const budget = await mysqlConnectionBudget(conn).catch(() => null)
  const current = (await rows(conn, 'SELECT DATABASE() AS db'))[0]?.db
  const database = current === null || current === undefined ? null : String(current)
  let refs: ResolvedTableRef[]
  let scope: string
  if (options.table !== undefined) {
    refs = [options.table]
    scope = `table ${tableRef(options.table.schema, options.table.name, 'mysql')}`
  } else {
    const schema = options.schema ?? database
    if (schema === null) throw new RivetError('RIVET_USAGE', 'the source URL names no database and no --schema was given', { hint: 'add the database to the URL (mysql://user@host:3306/db) or pass --schema db' })
    scope = `database ${schema}`
    refs = (await listTables(conn, schema, options)).map((name) => ({ schema, name }))
  }
  const tables: DiscoveredTable[] = []
  const skipped: SkippedTable[] = []
  for (const ref of refs) {
    try {
      tables.push(await describeTable(conn, ref, database, options))
    } catch (err) {
      if (options.table !== undefined) throw err
      skipped.push({ schema: ref.schema ?? database ?? '', name: ref.name, reason: toRivetError(err).message })
    }
  }
  return { tables, skipped, budget, scope }
}

async function listTables(conn: Connection, schema: string, options: DiscoverOptions): Promise<string[]> {
  // sorted here, by code point: the same order whatever the server's collation
  const names = (await rows(conn, TABLES_SQL, [schema])).map((r) => String(r.name)).sort()
  if (names.length === 0) {
    const schemas = (await rows(conn, 'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA')).map((r) => String(r.name))
    if (!schemas.includes(schema)) {
      const near = closestName(schema, schemas)
      throw new RivetError('RIVET_SOURCE_NOT_FOUND', `database ${quoteMysqlIdent(schema)} was not found`, {
        hint: near === null ? 'check the database name; it is case-sensitive on most Linux servers' : `did you mean --schema ${near}?`,
        details: { schema, suggestion: near },
      })
    }
  }
  const kept = filterTables(names, options.include, options.exclude)
  if (kept.length === 0) {
    const filtered = options.include.length + options.exclude.length > 0 ? ` (${names.length} before --include/--exclude)` : ''
    throw new RivetError('RIVET_INIT_NO_TABLES', `database ${quoteMysqlIdent(schema)} has no base table to export${filtered}`, { details: { schema, tables: names.length } })
  }
  return kept
}

async function describeTable(conn: Connection, ref: ResolvedTableRef, database: string | null, options: DiscoverOptions): Promise<DiscoveredTable> {
  const t = await describeMysqlTable(conn, ref)
  const qualified = `${quoteMysqlIdent(t.schema)}.${quoteMysqlIdent(t.name)}`
  const estimate = await mysqlRowEstimate(conn, qualified).then(
    (n) => ({ rows: n, source: 'EXPLAIN' }),
    () => ({ rows: Math.max(0, t.estimatedRows), source: 'information_schema.TABLES.TABLE_ROWS' }),
  )
  const overrides = columnOverrides(t.columns)
  const specs = mapMysqlColumns(t.columns, toOverrideMap(overrides))
  let shape: TableShape = { schema: t.schema, name: t.name, columns: toColumnShapes(specs, new Map(t.columns.map((c) => [c.name, c.nullable]))), primaryKey: t.primaryKey, indexes: await indexes(conn, t.schema, t.name), estimate }
  if (isChunkCandidate(shape, options.thresholds)) {
    const pk = quoteMysqlIdent(t.primaryKey![0]!)
    const [range] = await conn.query({ sql: `SELECT CAST(MIN(${pk}) AS CHAR), CAST(MAX(${pk}) AS CHAR) FROM ${qualified}`, rowsAsArray: true })
    const [lo, hi] = (range as unknown[][])[0] ?? []
    shape = { ...shape, keyRange: lo == null || hi == null ? null : { min: BigInt(String(lo)), max: BigInt(String(hi)) } }
  }
  const raw = t.columns
  // the connection's own database stays implicit, so the file follows the URL to another database
  return { shape, ref: tableRef(t.schema === database ? null : t.schema, t.name, 'mysql'), overrides, verify: (o) => void mapMysqlColumns(raw, o) }
}

async function indexes(conn: Connection, schema: string, table: string): Promise<IndexShape[]> {
  const byName = new Map<string, { columns: (string | null)[]; unique: boolean; usable: boolean }>()
  for (const r of await rows(conn, INDEXES_SQL, [schema, table])) {
    const name = String(r.name)
    const entry = byName.get(name) ?? { columns: [], unique: Number(r.non_unique) === 0, usable: String(r.index_type).toUpperCase() === 'BTREE' }
    entry.columns.push(r.col === null ? null : String(r.col))
    if (r.sub_part !== null) entry.usable = false
    byName.set(name, entry)
  }
  return [...byName].map(([name, e]) => ({ name, columns: e.columns, unique: e.unique, primary: name === 'PRIMARY', usable: e.usable }))
}

/** `text` for every column the engine's mapping refuses (geometry as WKT, unknown types as the server's text). */
function columnOverrides(columns: readonly MysqlRawColumn[]): OverrideDraft[] {
  const out: OverrideDraft[] = []
  for (const col of columns) {
    try {
      mapMysqlColumns([col])
    } catch (err) {
      if (!(err instanceof RivetError)) throw err
      const geometry = /^(?:geometry|point|linestring|polygon|multipoint|multilinestring|multipolygon|geometrycollection|geomcollection)$/i.test(col.dataType)
      out.push({ column: col.name, type: 'text', why: `${col.columnType} has no exact output type: written as ${geometry ? 'WKT text' : 'its text form'}` })
    }
  }
  return out
}
