import type { Connection, FieldPacket, RowDataPacket } from 'mysql2/promise'
import type { ResolvedTableRef } from '../../config/index.js'
import { RivetError } from '../../errors/index.js'
import { closestName } from '../pg/types/index.js'
import { classifyMysqlError } from './classify.js'
import type { ColumnOrigin } from '../override-keys.js'
import type { MysqlRawColumn } from './mysql-raw-column.js'
import { mysqlFieldColumn, writesDisplayWidths } from './field-column.js'

/** What information_schema says about a table or view to export. */
export interface MysqlTableDescription {
  /** The database (MySQL's "schema") the table lives in. */
  readonly schema: string
  readonly name: string
  /** Storage engine (InnoDB, MyISAM, ...), null for views. */
  readonly engine: string | null
  /** TABLE_ROWS: an estimate for InnoDB (and possibly cached for a day on MySQL 8); -1 when unknown (views). */
  readonly estimatedRows: number
  /** DATA_LENGTH in bytes, 0 when unknown. */
  readonly dataBytes: number
  readonly columns: MysqlRawColumn[]
  /** Primary-key column names in key order, or null. */
  readonly primaryKey: string[] | null
  readonly isView: boolean
}

const CONTEXT_SQL = 'SELECT DATABASE() AS db, VERSION() AS version, @@lower_case_table_names AS lctn'

const TABLE_SQL = `
SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, TABLE_TYPE AS table_type, ENGINE AS engine,
       TABLE_ROWS AS table_rows, DATA_LENGTH AS data_length
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`

const COLUMNS_SQL = `
SELECT COLUMN_NAME AS name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type, IS_NULLABLE AS nullable,
       NUMERIC_PRECISION AS num_precision, NUMERIC_SCALE AS num_scale, DATETIME_PRECISION AS dt_precision,
       CHARACTER_SET_NAME AS charset
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
ORDER BY ORDINAL_POSITION`

const PRIMARY_KEY_SQL = `
SELECT COLUMN_NAME AS name
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY'
ORDER BY SEQ_IN_INDEX`

// MariaDB stores JSON as LONGTEXT with a column CHECK (json_valid(`col`)); MySQL has a real json type
const JSON_CHECKS_SQL = `
SELECT CHECK_CLAUSE AS clause
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?`

const BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob'])

/**
 * Resolve a table (a null schema means the connection's database) and read its columns, size and
 * primary key from information_schema. A missing table is RIVET_SOURCE_NOT_FOUND with the closest
 * table name of the database as a suggestion.
 */
export async function describeMysqlTable(conn: Connection, ref: ResolvedTableRef): Promise<MysqlTableDescription> {
  try {
    const ctx = (await rows(conn, CONTEXT_SQL))[0]!
    const schema = ref.schema ?? (ctx.db === null ? null : String(ctx.db))
    if (schema === null) {
      throw new RivetError('RIVET_SOURCE_NOT_FOUND', `table ${quoteMysqlIdent(ref.name)} names no database, and the connection has none`, {
        hint: 'qualify the table with its database (db.table) or put the database in the source URL',
        details: { name: ref.name },
      })
    }
    // names compare exactly unless the server folds table names (lower_case_table_names 1 or 2)
    const exact = Number(ctx.lctn) === 0
    const found = (await rows(conn, TABLE_SQL, [schema, ref.name])).filter((r) => sameName(r.table_schema, schema, exact) && sameName(r.table_name, ref.name, exact))
    const table = found[0]
    if (table === undefined) throw await notFound(conn, schema, ref.name)
    const key = [String(table.table_schema), String(table.table_name)]
    const columns = (await rows(conn, COLUMNS_SQL, key)).map((r) => ({
      ...toRawColumn(r),
      origin: { schema: key[0]!, table: key[1]!, column: String(r.name) },
      tableNamesIgnoreCase: !exact,
    }))
    if (/mariadb/i.test(String(ctx.version)) && columns.some((c) => c.dataType === 'longtext')) await markMariadbJson(conn, key, columns)
    const pk = (await rows(conn, PRIMARY_KEY_SQL, key)).map((r) => String(r.name))
    const type = String(table.table_type)
    return {
      schema: key[0]!,
      name: key[1]!,
      engine: table.engine === null ? null : String(table.engine),
      estimatedRows: table.table_rows === null ? -1 : Number(table.table_rows),
      dataBytes: table.data_length === null ? 0 : Number(table.data_length),
      columns,
      primaryKey: pk.length > 0 ? pk : null,
      isView: type === 'VIEW' || type === 'SYSTEM VIEW',
    }
  } catch (err) {
    throw classifyMysqlError(err)
  }
}

/**
 * The columns a query returns, from the field packets of `SELECT * FROM (<sql>) AS rivet_q LIMIT 0`
 * (no row is read). Types are written as information_schema would write them on this server; what
 * field packets cannot carry stays generic: `enum` and `set` come without their values, and the
 * character set of every text column is the connection's (utf8mb4), whatever the source column's.
 */
export async function describeMysqlQuery(conn: Connection, sql: string): Promise<MysqlRawColumn[]> {
  const body = sql.trim().replace(/[;\s]+$/, '')
  try {
    const ctx = (await rows(conn, 'SELECT VERSION() AS v, @@lower_case_table_names AS lctn'))[0]!
    // the query on lines of its own: a trailing `-- comment` must not swallow the wrapper
    const [, fields] = await conn.query({ sql: `SELECT * FROM (\n${body}\n) AS rivet_q LIMIT 0` })
    const widths = writesDisplayWidths(String(ctx.v))
    const columns = (fields as FieldPacket[]).map((f) => mysqlFieldColumn(f, widths))
    const origins = await queryOrigins(conn, body, columns.length)
    const ignoreCase = Number(ctx.lctn) !== 0
    return columns.map((c, i) => (origins[i] === undefined ? c : { ...c, origin: origins[i], tableNamesIgnoreCase: ignoreCase }))
  } catch (err) {
    throw classifyMysqlError(err)
  }
}

/**
 * The table column behind each result column of a query, by position (undefined for expressions).
 * The derived table of the describe statement hides them, so they come from the column
 * definitions of the query prepared on its own (preparing runs nothing). A query the server will
 * not prepare, or whose shape differs, has no origins: `table.col` keys then match nothing.
 */
async function queryOrigins(conn: Connection, body: string, count: number): Promise<(ColumnOrigin | undefined)[]> {
  const none: (ColumnOrigin | undefined)[] = Array.from({ length: count }, () => undefined)
  let statement: { statement: { columns?: FieldPacket[] } } | undefined
  try {
    statement = (await conn.prepare(body)) as unknown as { statement: { columns?: FieldPacket[] } }
  } catch {
    return none
  } finally {
    // unprepare closes the statement and drops it from the driver's statement cache
    if (statement !== undefined) conn.unprepare(body)
  }
  const fields = statement.statement.columns ?? []
  if (fields.length !== count) return none
  return fields.map((f) => {
    const field = f as FieldPacket & { orgTable?: string; orgName?: string; schema?: string }
    if (!field.orgTable || !field.orgName || !field.schema) return undefined
    return { schema: field.schema, table: field.orgTable, column: field.orgName }
  })
}

/** Quote an identifier with backticks (a backtick inside is doubled); names are taken exactly as written. */
export function quoteMysqlIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`'
}

async function rows(conn: Connection, sql: string, values: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await conn.query<RowDataPacket[]>(sql, values)
  return result
}

function sameName(actual: unknown, wanted: string, exact: boolean): boolean {
  const a = String(actual)
  return exact ? a === wanted : a.toLowerCase() === wanted.toLowerCase()
}

function toRawColumn(r: RowDataPacket): MysqlRawColumn {
  const dataType = String(r.data_type).toLowerCase()
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
  let characterSet = r.charset === null ? null : String(r.charset)
  // information_schema leaves binary strings without a character set on MariaDB; name it as MySQL's collation does
  if (characterSet === null && BINARY_TYPES.has(dataType)) characterSet = 'binary'
  if (dataType === 'json') characterSet = 'utf8mb4'
  return {
    name: String(r.name),
    dataType,
    // the server writes COLUMN_TYPE in lower case already; enum/set values keep their own case
    columnType: String(r.column_type),
    nullable: r.nullable === 'YES',
    numericPrecision: num(r.num_precision),
    numericScale: num(r.num_scale),
    datetimePrecision: num(r.dt_precision),
    characterSet,
  }
}

async function markMariadbJson(conn: Connection, key: string[], columns: MysqlRawColumn[]): Promise<void> {
  let clauses: string[]
  try {
    clauses = (await rows(conn, JSON_CHECKS_SQL, key)).map((r) => String(r.clause))
  } catch {
    return // MariaDB before 10.2.22 has no CHECK_CONSTRAINTS table: JSON columns stay longtext
  }
  const jsonColumns = new Set<string>()
  for (const clause of clauses) {
    const match = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(clause.trim())
    if (match !== null) jsonColumns.add(match[1]!.replace(/``/g, '`'))
  }
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!
    if (c.dataType === 'longtext' && jsonColumns.has(c.name)) columns[i] = { ...c, dataType: 'json', columnType: 'json', characterSet: 'utf8mb4' }
  }
}

async function notFound(conn: Connection, schema: string, name: string): Promise<RivetError> {
  const schemas = (await rows(conn, 'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA')).map((r) => String(r.name))
  if (!schemas.includes(schema)) {
    const near = closestName(schema, schemas)
    return new RivetError('RIVET_SOURCE_NOT_FOUND', `database ${quoteMysqlIdent(schema)} was not found (looking for table ${quoteMysqlIdent(name)})`, {
      hint: near === null ? 'check the database name; it is case-sensitive on most Linux servers' : `did you mean database ${quoteMysqlIdent(near)}?`,
      details: { schema, name, suggestion: near },
    })
  }
  const tables = (await rows(conn, 'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [schema])).map((r) => String(r.name))
  const near = closestName(name, tables)
  return new RivetError('RIVET_SOURCE_NOT_FOUND', `table ${quoteMysqlIdent(name)} was not found in database ${quoteMysqlIdent(schema)}`, {
    hint: near === null ? 'check the table name; table names are case-sensitive on most Linux servers' : `did you mean ${quoteMysqlIdent(near)}? Table names are case-sensitive on most Linux servers.`,
    details: { schema, name, suggestion: near },
  })
}
