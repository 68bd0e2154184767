import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig } from '../../helpers/cli.js'
import { MYSQL_URL, PG_URL, mysqlAvailable, pgAvailable, withPg } from '../../helpers/db.js'
import { readCsvOutput, readParquetOutput } from '../mysql-types/outputs.js'

/**
 * `columns:` overrides through the built CLI, on PostgreSQL and MariaDB alike: a value that does
 * not fit its override stops the run with exit 3, naming the row's key, and publishes no file;
 * values that fit are exported exactly; `table.col` keys give the same-named columns of two
 * joined tables their own overrides.
 */

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()

interface Engine {
  readonly name: string
  readonly type: 'postgres' | 'mysql'
  readonly url: string
  /** Run SQL statements (one per string). */
  readonly exec: (statements: readonly string[]) => Promise<void>
}

const PG: Engine = {
  name: 'PostgreSQL',
  type: 'postgres',
  url: PG_URL,
  exec: (statements) => withPg(async (c) => {
    for (const s of statements) await c.query(s)
  }),
}

const MYSQL: Engine = {
  name: 'MariaDB',
  type: 'mysql',
  url: MYSQL_URL,
  exec: async (statements) => {
    const conn = await mysql.createConnection({ uri: MYSQL_URL })
    try {
      for (const s of statements) await conn.query(s)
    } finally {
      await conn.end()
    }
  },
}

const ORDERS = 'ovfit_orders'
const REFUNDS = 'ovfit_refunds'

/** Rows 1 and 2 fit every override below; row 42 fits none. */
function setup(e: Engine): string[] {
  const text = e.type === 'postgres' ? 'text' : 'varchar(60)'
  const ts = e.type === 'postgres' ? 'timestamp' : 'datetime'
  return [
    `DROP TABLE IF EXISTS ${REFUNDS}`,
    `DROP TABLE IF EXISTS ${ORDERS}`,
    `CREATE TABLE ${ORDERS} (id int PRIMARY KEY, amount numeric(12,3), code ${text}, payload ${text}, seen ${ts}, note ${text})`,
    `INSERT INTO ${ORDERS} VALUES
       (1, 12.5, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2.50]}', '2024-01-02 00:00:00', 'SECRET-NOTE-1'),
       (2, -999.99, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', '[]', '1999-12-31 00:00:00', 'SECRET-NOTE-2'),
       (42, 123456.789, 'not-a-uuid', '{bad', '2024-01-02 10:00:00', 'SECRET-NOTE-42')`,
    `CREATE TABLE ${REFUNDS} (id int PRIMARY KEY, order_id int, amount numeric(12,3))`,
    `INSERT INTO ${REFUNDS} VALUES (7, 1, 2.5), (8, 2, 0.125)`,
  ]
}

/** A config with one export of `input` (a `table:` or `query:` line and mode keys) to uncompressed CSV and to Parquet. */
function config(e: Engine, dir: string, input: string, columns: string): string {
  const exp = (format: 'csv' | 'parquet') => `  - name: ov_${format}
    ${input}
    format: ${format}
${format === 'csv' ? '    compression: none\n' : ''}    columns: ${columns}
    destination: { type: local, path: "./out-${format}" }
`
  return writeConfig(dir, `source:\n  type: ${e.type}\n  url: ${e.url}\nexports:\n${exp('csv')}${exp('parquet')}`)
}

/** Every file under `dir` (recursively), relative names. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name)
}

for (const e of [PG, MYSQL]) {
  describe.skipIf(e === PG ? !hasPg : !hasMysql)(`${e.name}: overrides checked against the data`, () => {
    beforeAll(() => e.exec(setup(e)), 60_000)
    afterAll(() => e.exec([`DROP TABLE IF EXISTS ${REFUNDS}`, `DROP TABLE IF EXISTS ${ORDERS}`]))

    const MISFITS: [string, string, RegExp][] = [
      ['{ amount: "decimal(5,2)" }', 'amount', /column "amount" \(override decimal\(5,2\)\): value 123456\.789 does not fit decimal\(5,2\) \(too many integer digits\)/],
      ['{ code: uuid }', 'code', /column "code" \(override uuid\): value "not-a-uuid" is not (a UUID|a valid uuid)/],
      ['{ payload: json }', 'payload', /column "payload" \(override json\): value "\{bad" is not valid JSON/],
      ['{ seen: date }', 'seen', /column "seen" \(override date\): value "?2024-01-02[ T]10:00:00(\.000000)?"? has a time of day/],
      // MySQL takes int64 on decimal(p,0) only (refused before reading); text that is no integer is refused per value on both
      ['{ payload: int64 }', 'payload', /row with primary key id=1: column "payload" \(override int64\): value "\{\\"a\\": \[1, 2\.50\]\}" is not (an integer|a valid int64)/],
      ...(e.type === 'postgres' ? [['{ amount: int64 }', 'amount', /column "amount" \(override int64\): value "12\.500" has a fraction/] as [string, string, RegExp]] : []),
    ]

    it.each(MISFITS)('refuses a value that does not fit %s: exit 3, the row named by its primary key, no file published', async (columns, _col, message) => {
      const dir = tempDir('rivet-ovfit-')
      const run = await runCli(['run', '-c', config(e, dir, `table: ${ORDERS}`, columns)])
      expect(run.code, run.stderr).toBe(3)
      const errors = run.stderr.split('\n').filter((l) => l.startsWith('[RIVET_'))
      expect(errors).toHaveLength(2)
      for (const line of errors) {
        expect(line).toMatch(/^\[RIVET_DATA_VALUE_OUT_OF_RANGE\] row with primary key id=(42|1): /)
        expect(line).toMatch(message)
      }
      // only the key and the offending value are quoted, never another column's value
      expect(run.stderr).not.toContain('SECRET-NOTE')
      expect(run.stderr).toMatch(/hint: .*(query|override)/)
      expect(filesUnder(join(dir, 'out-csv'))).toEqual([])
      expect(filesUnder(join(dir, 'out-parquet'))).toEqual([])
    }, 60_000)

    it('exports values that fit exactly', async () => {
      const dir = tempDir('rivet-ovfit-')
      const columns = '{ amount: "decimal(6,2)", code: uuid, payload: json, seen: date }'
      const run = await runCli(['run', '-c', config(e, dir, `query: select * from ${ORDERS} where id < 3 order by id`, columns)])
      expect(run.code, run.stderr).toBe(0)
      const csv = readCsvOutput(join(dir, 'out-csv'))
      expect(csv.header).toEqual(['id', 'amount', 'code', 'payload', 'seen', 'note'])
      expect(csv.records.map((r) => r.slice(0, 5))).toEqual([
        ['1', '12.50', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2.50]}', '2024-01-02'],
        ['2', '-999.99', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', '[]', '1999-12-31'],
      ])
      const parquet = await readParquetOutput(join(dir, 'out-parquet'))
      expect(['amount', 'code', 'payload', 'seen'].map((c) => parquet.types.get(c)?.arrow)).toEqual(['Decimal128(6,2)', 'FixedSizeBinary[16] arrow.uuid', 'Utf8 arrow.json', 'Date32<DAY>'])
    }, 60_000)

    it('names a row of a query without a key by its position in the read', async () => {
      const dir = tempDir('rivet-ovfit-')
      const run = await runCli(['run', '-c', config(e, dir, `query: select id, code from ${ORDERS} order by id`, '{ code: uuid }')])
      expect(run.code, run.stderr).toBe(3)
      expect(run.stderr).toMatch(/\] row 3 of the read \(the export has no unique_key, primary key or chunk column to name it by\): column "code" \(override uuid\)/)
    }, 60_000)

    it('names the row by unique_key in an incremental query export, by the chunk column in a chunked one', async () => {
      const dir = tempDir('rivet-ovfit-')
      const incremental = `query: select id, code from ${ORDERS}\n    mode: incremental\n    cursor_column: id\n    unique_key: [id]`
      const run = await runCli(['run', '-c', config(e, dir, incremental, '{ code: uuid }')])
      expect(run.code, run.stderr).toBe(3)
      expect(run.stderr).toMatch(/\] row with unique_key id=42: column "code" \(override uuid\)/)
      const chunkDir = tempDir('rivet-ovfit-')
      const chunked = `query: select id, code from ${ORDERS}\n    mode: chunked\n    chunk_column: id\n    chunk_size: 10`
      const chunkRun = await runCli(['run', '-c', config(e, chunkDir, chunked, '{ code: uuid }')])
      expect(chunkRun.code, chunkRun.stderr).toBe(3)
      expect(chunkRun.stderr).toMatch(/\] row with chunk column id=42: column "code" \(override uuid\)/)
    }, 120_000)

    it('gives the same-named columns of two joined tables their own overrides with table.col keys', async () => {
      const dir = tempDir('rivet-ovfit-')
      const query = `query: select o.id, o.amount as order_amount, r.amount as refund_amount from ${ORDERS} o join ${REFUNDS} r on r.order_id = o.id order by o.id`
      const columns = `{ ${ORDERS}.amount: "decimal(8,3)", "${REFUNDS}.amount": text, amount: int64 }`
      const bad = await runCli(['run', '-c', config(e, dir, query, `{ ${ORDERS}.amount: "decimal(8,1)", missing_table.amount: text }`)])
      expect(bad.code, bad.stderr).toBe(1)
      expect(bad.stderr).toContain('RIVET_TYPE_OVERRIDE_INVALID')
      expect(bad.stderr).toMatch(new RegExp(`names table "missing_table", which is not part of the export: the export reads columns of \\w+\\.(${ORDERS}, \\w+\\.${REFUNDS}|${REFUNDS}, \\w+\\.${ORDERS})`))

      const good = tempDir('rivet-ovfit-')
      // a bare `amount` key names no result column: the join renames both, so it is reported
      const unknown = await runCli(['run', '-c', config(e, good, query, columns)])
      expect(unknown.code, unknown.stderr).toBe(1)
      expect(unknown.stderr).toContain('columns override "amount" names no column of the source')

      const dir2 = tempDir('rivet-ovfit-')
      const run = await runCli(['run', '-c', config(e, dir2, query, `{ ${ORDERS}.amount: "decimal(8,3)", "${REFUNDS}.amount": text }`)])
      expect(run.code, run.stderr).toBe(0)
      expect(readCsvOutput(join(dir2, 'out-csv')).records).toEqual([
        ['1', '12.500', '2.500'],
        ['2', '-999.990', '0.125'],
      ])
      const parquet = await readParquetOutput(join(dir2, 'out-parquet'))
      expect(parquet.types.get('order_amount')?.arrow).toBe('Decimal128(8,3)')
      expect(parquet.types.get('refund_amount')?.arrow).toBe('Utf8')
    }, 120_000)
  })
}
