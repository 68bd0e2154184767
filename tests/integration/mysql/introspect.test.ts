import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RowDataPacket } from 'mysql2/promise'
import { mysqlAvailable } from '../../helpers/db.js'
import {
  describeMysqlQuery,
  describeMysqlTable,
  openMysqlConnection,
  quoteMysqlIdent,
  type MysqlSession,
} from '../../../src/source/mysql/index.js'
import { writesDisplayWidths } from '../../../src/source/mysql/field-column.js'
import type { MysqlRawColumn } from '../../../src/source/mysql/mysql-raw-column.js'
import { mysqlTestParams, rejectionOf, withMysql } from './helpers.js'

const hasMysql = await mysqlAvailable()

const TABLE = 'rivet_it_conn_types'
const VIEW = 'rivet_it_conn_types_v'

const CREATE = `
CREATE TABLE ${TABLE} (
  id int unsigned NOT NULL,
  flag tinyint(1) NOT NULL,
  b1 bit(1),
  b12 bit(12),
  big_u bigint unsigned,
  dec_max decimal(65,30),
  f float,
  d double,
  day date,
  dt6 datetime(6),
  ts6 timestamp(6) NULL,
  t6 time(6),
  y year,
  c char(3),
  vc varchar(20) NOT NULL,
  tx text,
  e enum('a','B'),
  s set('x','Y'),
  bin4 binary(4),
  vbin varbinary(10),
  bl blob,
  j json,
  part smallint NOT NULL,
  PRIMARY KEY (part, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`

type Expected = Omit<MysqlRawColumn, 'name' | 'nullable' | 'numericPrecision' | 'numericScale' | 'datetimePrecision'> &
  Partial<Pick<MysqlRawColumn, 'nullable' | 'numericPrecision' | 'numericScale' | 'datetimePrecision'>>

/** What information_schema says (normalised by describeMysqlTable) for each column; `w` writes display widths. */
function expectedColumns(widths: boolean): Record<string, Expected> {
  const w = (withWidth: string, without: string) => (widths ? withWidth : without)
  const text = { characterSet: 'utf8mb4' }
  const none = { characterSet: null }
  return {
    id: { dataType: 'int', columnType: w('int(10) unsigned', 'int unsigned'), nullable: false, numericPrecision: 10, numericScale: 0, ...none },
    flag: { dataType: 'tinyint', columnType: 'tinyint(1)', nullable: false, numericPrecision: 3, numericScale: 0, ...none },
    b1: { dataType: 'bit', columnType: 'bit(1)', numericPrecision: 1, ...none },
    b12: { dataType: 'bit', columnType: 'bit(12)', numericPrecision: 12, ...none },
    big_u: { dataType: 'bigint', columnType: w('bigint(20) unsigned', 'bigint unsigned'), numericPrecision: 20, numericScale: 0, ...none },
    dec_max: { dataType: 'decimal', columnType: 'decimal(65,30)', numericPrecision: 65, numericScale: 30, ...none },
    f: { dataType: 'float', columnType: 'float', numericPrecision: 12, ...none },
    d: { dataType: 'double', columnType: 'double', numericPrecision: 22, ...none },
    day: { dataType: 'date', columnType: 'date', ...none },
    dt6: { dataType: 'datetime', columnType: 'datetime(6)', datetimePrecision: 6, ...none },
    ts6: { dataType: 'timestamp', columnType: 'timestamp(6)', datetimePrecision: 6, ...none },
    t6: { dataType: 'time', columnType: 'time(6)', datetimePrecision: 6, ...none },
    y: { dataType: 'year', columnType: w('year(4)', 'year'), ...none },
    c: { dataType: 'char', columnType: 'char(3)', ...text },
    vc: { dataType: 'varchar', columnType: 'varchar(20)', nullable: false, ...text },
    tx: { dataType: 'text', columnType: 'text', ...text },
    e: { dataType: 'enum', columnType: "enum('a','B')", ...text },
    s: { dataType: 'set', columnType: "set('x','Y')", ...text },
    bin4: { dataType: 'binary', columnType: 'binary(4)', characterSet: 'binary' },
    vbin: { dataType: 'varbinary', columnType: 'varbinary(10)', characterSet: 'binary' },
    bl: { dataType: 'blob', columnType: 'blob', characterSet: 'binary' },
    j: { dataType: 'json', columnType: 'json', characterSet: 'utf8mb4' },
    part: { dataType: 'smallint', columnType: w('smallint(6)', 'smallint'), nullable: false, numericPrecision: 5, numericScale: 0, ...none },
  }
}

function withDefaults(e: Expected): Omit<MysqlRawColumn, 'name'> {
  return { nullable: true, numericPrecision: null, numericScale: null, datetimePrecision: null, ...e }
}

describe.skipIf(!hasMysql)('describeMysqlTable / describeMysqlQuery', () => {
  let session: MysqlSession
  let widths: boolean
  let database: string

  beforeAll(async () => {
    await withMysql(async (c) => {
      await c.query(`DROP VIEW IF EXISTS ${VIEW}`)
      await c.query(`DROP TABLE IF EXISTS ${TABLE}`)
      await c.query(CREATE)
      await c.query(`INSERT INTO ${TABLE} (id, flag, vc, part) VALUES (1, 1, 'x', 1), (2, 0, 'y', 1)`)
      await c.query(`CREATE VIEW ${VIEW} AS SELECT id, vc FROM ${TABLE}`)
    })
    session = await openMysqlConnection(mysqlTestParams())
    const [rows] = await session.connection.query<RowDataPacket[]>('SELECT VERSION() AS v, DATABASE() AS db')
    widths = writesDisplayWidths(String(rows[0]!.v))
    database = String(rows[0]!.db)
  })
  afterAll(async () => {
    await session?.close()
    await withMysql(async (c) => {
      await c.query(`DROP VIEW IF EXISTS ${VIEW}`)
      await c.query(`DROP TABLE IF EXISTS ${TABLE}`)
    })
  })

  it('describes every common column type, the primary key in key order, and the table', async () => {
    const t = await describeMysqlTable(session.connection, { schema: null, name: TABLE })
    expect(t.schema).toBe(database)
    expect(t.name).toBe(TABLE)
    expect(t.isView).toBe(false)
    expect(t.engine).toBe('InnoDB')
    expect(t.estimatedRows).toBeGreaterThanOrEqual(0)
    expect(t.dataBytes).toBeGreaterThan(0)
    expect(t.primaryKey).toEqual(['part', 'id'])
    const expected = expectedColumns(widths)
    expect(t.columns.map((c) => c.name)).toEqual(Object.keys(expected))
    for (const col of t.columns) {
      expect({ name: col.name, ...col }).toEqual({
        name: col.name,
        ...withDefaults(expected[col.name]!),
        // where `table.col` override keys look
        origin: { schema: database, table: TABLE, column: col.name },
        tableNamesIgnoreCase: expect.any(Boolean),
      })
    }
  })

  it('finds the table with an explicit schema too', async () => {
    const t = await describeMysqlTable(session.connection, { schema: database, name: TABLE })
    expect(t.columns).toHaveLength(23)
  })

  it('describes a view', async () => {
    const v = await describeMysqlTable(session.connection, { schema: null, name: VIEW })
    expect(v.isView).toBe(true)
    expect(v.engine).toBeNull()
    expect(v.estimatedRows).toBe(-1)
    expect(v.primaryKey).toBeNull()
    expect(v.columns.map((c) => [c.name, c.columnType])).toEqual([
      ['id', widths ? 'int(10) unsigned' : 'int unsigned'],
      ['vc', 'varchar(20)'],
    ])
  })

  it('describes a query over the same table with matching types (enum and set without their values)', async () => {
    const table = await describeMysqlTable(session.connection, { schema: null, name: TABLE })
    const query = await describeMysqlQuery(session.connection, `SELECT * FROM ${TABLE} WHERE id > 0 -- every row\n;  `)
    expect(query.map((c) => c.name)).toEqual(table.columns.map((c) => c.name))
    for (let i = 0; i < query.length; i++) {
      const fromTable = table.columns[i]!
      const columnType = fromTable.dataType === 'enum' || fromTable.dataType === 'set' ? fromTable.dataType : fromTable.columnType
      // origins included: each query column is read straight from the table's column of the same name
      expect(query[i]).toEqual({ ...fromTable, columnType })
    }
    expect(query[0]!.origin).toEqual({ schema: database, table: TABLE, column: query[0]!.name })
  })

  it('describes query expressions as a table made from them would be', async () => {
    const cols = await describeMysqlQuery(
      session.connection,
      "SELECT id + 1 AS n, 'ab' AS s, CAST(1.5 AS DECIMAL(10,2)) AS d, NULL AS z, CAST('2024-01-01 00:00:00.123' AS DATETIME(3)) AS t, UNHEX('ff') AS h FROM " + TABLE,
    )
    const byName = Object.fromEntries(cols.map((c) => [c.name, c]))
    expect(byName.n).toMatchObject({ dataType: 'bigint', nullable: false })
    expect(byName.n!.columnType).toMatch(/^bigint(\(\d+\))? unsigned$/)
    expect(byName.s).toMatchObject({ dataType: 'varchar', columnType: 'varchar(2)', characterSet: 'utf8mb4' })
    expect(byName.d).toMatchObject({ dataType: 'decimal', columnType: 'decimal(10,2)', numericPrecision: 10, numericScale: 2 })
    expect(byName.z).toMatchObject({ dataType: 'binary', columnType: 'binary(0)', nullable: true })
    expect(byName.t).toMatchObject({ dataType: 'datetime', columnType: 'datetime(3)', datetimePrecision: 3 })
    expect(byName.h).toMatchObject({ dataType: 'varbinary', characterSet: 'binary' })
    // expressions are read from no table column
    expect(cols.map((c) => c.origin)).toEqual(cols.map(() => undefined))
  })

  it('reports duplicate output names and syntax errors as RIVET_SOURCE_QUERY', async () => {
    const dup = await rejectionOf(describeMysqlQuery(session.connection, `SELECT id, id FROM ${TABLE}`))
    expect(dup.code).toBe('RIVET_SOURCE_QUERY')
    expect(dup.details.errno).toBe(1060)
    expect(dup.hint).toMatch(/unique alias/)
    const syntax = await rejectionOf(describeMysqlQuery(session.connection, `SELEC id FROM ${TABLE}`))
    expect(syntax.code).toBe('RIVET_SOURCE_QUERY')
    expect(syntax.details.errno).toBe(1064)
  })

  it('reports a missing table with the closest name of the database', async () => {
    const typo = await rejectionOf(describeMysqlTable(session.connection, { schema: null, name: 'rivet_it_conn_tipes' }))
    expect(typo.code).toBe('RIVET_SOURCE_NOT_FOUND')
    expect(typo.message).toBe(`table \`rivet_it_conn_tipes\` was not found in database \`${database}\``)
    expect(typo.hint).toBe(`did you mean \`${TABLE}\`? Table names are case-sensitive on most Linux servers.`)
    expect(typo.details).toMatchObject({ schema: database, name: 'rivet_it_conn_tipes', suggestion: TABLE })
    const far = await rejectionOf(describeMysqlTable(session.connection, { schema: null, name: 'zzzzqqqq_nothing_like_it' }))
    expect(far.details.suggestion).toBeNull()
    expect(far.hint).toMatch(/check the table name/)
  })

  it('reports a missing database with the closest database name', async () => {
    const err = await rejectionOf(describeMysqlTable(session.connection, { schema: `${database}x`, name: TABLE }))
    expect(err.code).toBe('RIVET_SOURCE_NOT_FOUND')
    expect(err.message).toContain(`database \`${database}x\` was not found`)
    expect(err.details.suggestion).toBe(database)
  })

  it('compares names exactly on a case-sensitive server', async () => {
    const [rows] = await session.connection.query<RowDataPacket[]>('SELECT @@lower_case_table_names AS l')
    const upper = describeMysqlTable(session.connection, { schema: null, name: TABLE.toUpperCase() })
    if (Number(rows[0]!.l) === 0) {
      const err = await rejectionOf(upper)
      expect(err.code).toBe('RIVET_SOURCE_NOT_FOUND')
      expect(err.details.suggestion).toBe(TABLE)
    } else {
      expect((await upper).name).toBe(TABLE)
    }
  })

  it('quotes identifiers with backticks', () => {
    expect(quoteMysqlIdent('plain')).toBe('`plain`')
    expect(quoteMysqlIdent('we`ird')).toBe('`we``ird`')
  })
})
