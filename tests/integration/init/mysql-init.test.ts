import { beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/index.js'
import { runInit, type InitResult } from '../../../src/init/index.js'
import { MYSQL_URL, mysqlAvailable } from '../../helpers/db.js'
import { rejection } from '../../helpers/errors.js'
import { withMysql } from '../mysql/helpers.js'

const hasMysql = await mysqlAvailable()
const DB = 'rivet_init_it'
/** The test server's URL pointed at the test database. */
const DB_URL = MYSQL_URL.replace(/\/[^/?]*(\?|$)/, `/${DB}$1`)

const exportOf = (r: InitResult, name: string) => {
  const e = r.exports.find((x) => x.name === name)
  if (e === undefined) throw new Error(`no export ${name} in ${r.exports.map((x) => x.name).join(', ')}`)
  return e
}

describe.skipIf(!hasMysql)('rivet init on MySQL/MariaDB (discovery and choices)', () => {
  beforeAll(async () => {
    await withMysql(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${DB}`)
      await c.query(`CREATE DATABASE ${DB}`)
      await c.query(`USE ${DB}`)
      await c.query(`CREATE TABLE big (id INT UNSIGNED PRIMARY KEY, v VARCHAR(20))`)
      await c.query(`INSERT INTO big SELECT seq, CONCAT('v', seq) FROM seq_1_to_120000`)
      await c.query(`CREATE TABLE cust (id INT PRIMARY KEY, updated_at DATETIME(3) NULL, KEY by_updated (updated_at))`)
      await c.query(`INSERT INTO cust SELECT seq, NOW(3) FROM seq_1_to_40`)
      await c.query(`CREATE TABLE keyed (code VARCHAR(10) NOT NULL, modified_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, UNIQUE KEY u_code (code), KEY by_mod (modified_at))`)
      await c.query(`INSERT INTO keyed (code) VALUES ('a'), ('b')`)
      await c.query("CREATE TABLE `lines` (order_id INT, line_no INT, PRIMARY KEY (order_id, line_no))")
      await c.query(`CREATE TABLE geo (id INT PRIMARY KEY, pos POINT, area POLYGON)`)
      await c.query('CREATE TABLE `Order` (id INT PRIMARY KEY, `select` VARCHAR(5))')
      await c.query(`CREATE VIEW v_big AS SELECT * FROM big`)
      await c.query('ANALYZE TABLE big, cust, keyed, `lines`, geo, `Order`')
    })
  })

  it('lists the base tables of the URL database and chooses a mode for each', async () => {
    const r = await runInit({ source: DB_URL, output: '-' })
    expect(r.scope).toBe(`database ${DB}`)
    expect(r.exports.map((e) => e.name)).toEqual(['Order', 'big', 'cust', 'geo', 'keyed', 'lines'])
    expect(exportOf(r, 'big').mode).toBe('chunked')
    expect(exportOf(r, 'big').why).toMatch(/^~1[0-9]{2}k rows \(EXPLAIN\), integer primary key id: ranges of id read in parallel$/)
    expect(exportOf(r, 'cust')).toMatchObject({ mode: 'incremental', why: expect.stringContaining('updated_at (datetime(3)) leads index by_updated') })
    expect(exportOf(r, 'keyed')).toMatchObject({ mode: 'incremental', why: expect.stringContaining('modified_at (timestamp) leads index by_mod') })
    expect(exportOf(r, 'lines').mode).toBe('full')
    expect(exportOf(r, 'geo').overrides).toEqual(['pos: text', 'area: text'])
    expect(r.text).toContain('pos: text   # point has no exact output type: written as WKT text')
    // the nullable cursor is named; the NOT NULL one is not
    expect(r.text).toContain('cursor_column: updated_at   # nullable: rows whose updated_at is NULL are exported by the first run only\n')
    expect(r.text).toContain('cursor_column: modified_at\n')
    expect(r.text).toContain('unique_key: [code]   # tie-breaker: rows sharing the last modified_at value are told apart by unique index u_code')
    const config = parseConfig(r.text, { configPath: '/tmp/rivet.yaml', env: { RIVET_SOURCE_URL: DB_URL } })
    // tables of the URL's database stay unqualified, so the file follows the URL
    expect(config.exports.map((e) => e.table)).toEqual(['Order', 'big', 'cust', 'geo', 'keyed', 'lines'].map((name) => ({ schema: null, name })))
    expect(config.source.type).toBe('mysql')
  })

  it('qualifies the tables of another database given with --schema, and filters them', async () => {
    const r = await runInit({ source: MYSQL_URL, schema: DB, include: ['*e*'], exclude: ['geo'], output: '-' })
    expect(r.exports.map((e) => [e.name, e.table])).toEqual([['Order', `${DB}.Order`], ['keyed', `${DB}.keyed`], ['lines', `${DB}.lines`]])
    expect(r.text).toContain(`table: ${DB}.Order\n`)
  })

  it('takes one table with --table', async () => {
    const r = await runInit({ source: DB_URL, table: 'Order', output: '-' })
    expect(r.exports).toEqual([expect.objectContaining({ name: 'Order', mode: 'full' })])
  })

  it.each([
    [{ schema: 'rivet_init_itx' }, 'RIVET_SOURCE_NOT_FOUND', 'database `rivet_init_itx` was not found'],
    [{ schema: DB, include: ['zzz'] }, 'RIVET_INIT_NO_TABLES', `database \`${DB}\` has no base table to export (6 before --include/--exclude)`],
    [{ table: 'nope' }, 'RIVET_SOURCE_NOT_FOUND', 'table `nope` was not found'],
  ] as const)('refuses %j with %s', async (options, code, message) => {
    const err = await rejection(runInit({ source: DB_URL, output: '-', ...options }))
    expect(err.code).toBe(code)
    expect(err.message).toContain(message)
  })
})
