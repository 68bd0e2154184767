import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig, type CliResult } from '../../helpers/cli.js'
import { MYSQL_URL, mysqlAvailable } from '../../helpers/db.js'
import { parquetFiles } from '../modes/helpers.js'
import { COLS, ROWS, rowLiterals, type Col } from './columns.js'
import { readCsvOutput, readParquetOutput, textRows, withMysqlText, type ParquetOutput } from './outputs.js'

const hasMysql = await mysqlAvailable()
const TABLE = 'mysqltypes_all'
const quote = (name: string) => `\`${name}\``

/** A config exporting `table` to Parquet (./out-parquet) and to uncompressed CSV (./out-csv). */
function bothFormats(dir: string, table: string, columns = ''): string {
  const exp = (format: 'parquet' | 'csv') => `  - name: ${format}
    table: ${table}
    format: ${format}
${format === 'csv' ? '    compression: none\n' : ''}${columns === '' ? '' : `    columns: ${columns}\n`}    destination: { type: local, path: "./out-${format}" }
`
  return writeConfig(dir, `source:\n  type: mysql\n  url: ${MYSQL_URL}\nexports:\n${exp('parquet')}${exp('csv')}`)
}

/** Create `table` from a DDL body and rows of SQL literals, with zero dates allowed and the session in UTC. */
async function createTable(table: string, body: string, rows: readonly string[][]): Promise<void> {
  await withMysqlText(async (c) => {
    await c.query(`SET time_zone = '+00:00', sql_mode = ''`)
    await c.query(`DROP TABLE IF EXISTS ${table}`)
    await c.query(`CREATE TABLE ${table} (${body}) DEFAULT CHARSET = utf8mb4`)
    for (const [i, row] of rows.entries()) await c.query(`INSERT INTO ${table} VALUES (${i + 1}, ${row.join(', ')})`)
  })
}

async function dropTables(...tables: string[]): Promise<void> {
  await withMysqlText((c) => c.query(`DROP TABLE IF EXISTS ${tables.join(', ')}`))
}

describe.skipIf(!hasMysql)('MySQL/MariaDB: every column type round-trips to Parquet and CSV', () => {
  let run: CliResult
  let parquet: ParquetOutput
  let csv: { header: string[]; records: (string | null)[][] }
  /** Per column, the canonical form of each row's value as the server renders it, by id order. */
  const server = new Map<string, (string | null)[]>()
  /** Per column, information_schema's COLUMN_TYPE. */
  const columnTypes = new Map<string, string>()

  beforeAll(async () => {
    await createTable(
      TABLE,
      `id int PRIMARY KEY, ${COLS.map((c) => `${quote(c.name)} ${c.sqlType}`).join(', ')}`,
      Array.from({ length: ROWS }, (_, r) => rowLiterals(r)),
    )
    const dir = tempDir()
    run = await runCli(['run', '-c', bothFormats(dir, TABLE)])
    if (run.code !== 0) throw new Error(`the export failed:\n${run.stderr}`)
    parquet = await readParquetOutput(join(dir, 'out-parquet'))
    csv = readCsvOutput(join(dir, 'out-csv'))
    await withMysqlText(async (c) => {
      const select = COLS.map((col) => `${col.canon.sql(quote(col.name))} AS ${quote(col.name)}`).join(', ')
      const rows = await textRows(c, `SELECT ${select} FROM ${TABLE} ORDER BY id`)
      COLS.forEach((col, k) => server.set(col.name, rows.map((row) => (row[k] === null ? null : col.canon.server(row[k]!)))))
      const types = await textRows(c, `SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${TABLE}'`)
      for (const [name, type] of types) columnTypes.set(name!, type!)
    })
  }, 120_000)

  afterAll(() => dropTables(TABLE))

  it('exports every row of every column to both formats', () => {
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).not.toMatch(/\[RIVET_/)
    const names = ['id', ...COLS.map((c) => c.name)]
    expect([...parquet.types.keys()]).toEqual(names)
    expect(parquet.rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6])
    expect(csv.header).toEqual(names)
    expect(csv.records.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6'])
    expect(parquet.types.get('id')).toMatchObject({ arrow: 'Int32', arrowNullable: false, repetition: 'REQUIRED' })
  })

  it('writes zero dates as NULL and warns with their count per column, in both exports', async () => {
    const zeroColumns = COLS.filter((c) => c.name.startsWith('z_'))
    const counts = await withMysqlText((c) =>
      textRows(c, `SELECT ${zeroColumns.map((col) => `SUM(MONTH(${quote(col.name)}) = 0 OR DAY(${quote(col.name)}) = 0)`).join(', ')} FROM ${TABLE}`),
    )
    for (const [k, col] of zeroColumns.entries()) {
      const count = Number(counts[0]![k])
      expect(count, col.name).toBeGreaterThan(0)
      for (const name of ['parquet', 'csv']) {
        expect(run.stderr).toContain(`export ${name}: warning: ${count} zero date(s) in column ${col.name} were written as NULL`)
      }
    }
    expect(run.stderr.match(/zero date\(s\)/g)).toHaveLength(2 * zeroColumns.length)
    // NOT NULL in the source, yet NULL where the source has zero dates: the output column must be nullable
    expect(parquet.types.get('z_date_nn')).toMatchObject({ arrowNullable: true, repetition: 'OPTIONAL' })
    expect(parquet.rows.map((r) => r.z_date_nn === null)).toEqual([false, true, true, false, true, true])
  })

  const byName = COLS.map((c) => [c.name, c] as const)

  it.each(byName)('%s: Arrow and Parquet types follow the documented mapping', (_name, col: Col) => {
    const types = parquet.types.get(col.name)
    expect(types?.arrow).toBe(col.arrow)
    expect(types?.parquet).toBe(col.parquet)
    // MariaDB's JSON is a longtext with a json_valid check: Rivet recognizes it and names it json
    expect(types?.sourceType).toBe(col.sqlType === 'json' ? 'json' : columnTypes.get(col.name))
    expect(types?.arrowNullable).toBe(true)
  })

  it.each(byName)('%s: every Parquet value equals the server value', (_name, col: Col) => {
    const expected = server.get(col.name)!
    const ours = parquet.rows.map((r) => (r[col.name] === null ? null : col.canon.parquet(r[col.name])))
    expect(ours).toEqual(expected)
    if (col.nullRow === undefined) expect(ours[1]).toBeNull()
    expect(expected.filter((v) => v !== null).length, 'non-NULL values compared').toBeGreaterThan(0)
  })

  it.each(byName)('%s: every CSV field equals the server value', (_name, col: Col) => {
    const at = csv.header.indexOf(col.name)
    const ours = csv.records.map((r) => (r[at] === null ? null : col.canon.csv(r[at]!)))
    expect(ours).toEqual(server.get(col.name))
  })
})

describe.skipIf(!hasMysql)('MySQL/MariaDB: values and types outside the natural mapping', () => {
  const TIME_TABLE = 'mysqltypes_wide_time'
  const GEO_TABLE = 'mysqltypes_geometry'
  const BOOL_TABLE = 'mysqltypes_bool_range'

  beforeAll(async () => {
    await createTable(TIME_TABLE, 'id int PRIMARY KEY, t time(6)', [["'12:00:00'"], ["'-838:59:59'"], ["'838:59:59.999999'"], ["'24:00:00'"], ["'-00:00:00.000001'"], ['NULL']])
    await createTable(GEO_TABLE, 'id int PRIMARY KEY, g geometry, p point', [
      ['POINT(1, 2)', 'POINT(-1.5, 1e10)'],
      ["ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')", 'NULL'],
      ["ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))')", 'POINT(0, 0)'],
    ])
    await createTable(BOOL_TABLE, 'id int PRIMARY KEY, b tinyint(1)', [['1'], ['2'], ['-128'], ['127'], ['0']])
  }, 60_000)

  afterAll(() => dropTables(TIME_TABLE, GEO_TABLE, BOOL_TABLE))

  /**
   * Run both exports and expect each to stop with `code` (exit class `exit`) and a message matching
   * `message`, before any data file is written.
   */
  async function expectRefused(table: string, code: string, exit: number, message: RegExp): Promise<string> {
    const dir = tempDir()
    const run = await runCli(['run', '-c', bothFormats(dir, table)])
    expect(run.code, run.stderr).toBe(exit)
    const errors = run.stderr.split('\n').filter((line) => line.startsWith('['))
    expect(errors).toHaveLength(2)
    for (const line of errors) expect(line).toMatch(new RegExp(`^\\[${code}\\] ${message.source}`))
    expect(parquetFiles(dir)).toEqual([])
    expect(existsSync(join(dir, 'out-csv')) ? readdirSync(join(dir, 'out-csv')) : []).toEqual([])
    return run.stderr
  }

  /** Run both exports with a `columns:` override and return each format's values of `columns`, by id. */
  async function exportWith(table: string, overrides: string, columns: readonly string[]): Promise<{ parquet: unknown[][]; csv: (string | null)[][] }> {
    const dir = tempDir()
    const run = await runCli(['run', '-c', bothFormats(dir, table, overrides)])
    expect(run.code, run.stderr).toBe(0)
    const parquet = await readParquetOutput(join(dir, 'out-parquet'))
    const csv = readCsvOutput(join(dir, 'out-csv'))
    return {
      parquet: parquet.rows.map((r) => columns.map((c) => r[c])),
      csv: csv.records.map((r) => columns.map((c) => r[csv.header.indexOf(c)]!)),
    }
  }

  it('TIME values outside one day stop the export; a text override keeps them as the server prints them', async () => {
    await expectRefused(TIME_TABLE, 'RIVET_DATA_VALUE_OUT_OF_RANGE', 3, /row with primary key id=2: column "t": value -838:59:59\.000000 is outside/)
    const out = await exportWith(TIME_TABLE, '{ t: text }', ['t'])
    const server = await withMysqlText((c) => textRows(c, `SELECT CAST(t AS CHAR) FROM ${TIME_TABLE} ORDER BY id`))
    expect(server.map((r) => r[0])).toEqual(['12:00:00.000000', '-838:59:59.000000', '838:59:59.999999', '24:00:00.000000', '-00:00:00.000001', null])
    expect(out.parquet).toEqual(server)
    expect(out.csv).toEqual(server)
  }, 60_000)

  it('geometry columns are refused before anything is written; a text override gives WKT', async () => {
    const stderr = await expectRefused(GEO_TABLE, 'RIVET_TYPE_UNSUPPORTED', 1, /2 columns that cannot be exported as they are: g, p$/)
    expect(stderr).toContain('ST_AsText(`g`)')
    const out = await exportWith(GEO_TABLE, '{ g: text, p: text }', ['g', 'p'])
    const server = await withMysqlText((c) => textRows(c, `SELECT ST_AsText(g), ST_AsText(p) FROM ${GEO_TABLE} ORDER BY id`))
    expect(server[0]).toEqual(['POINT(1 2)', 'POINT(-1.5 10000000000)'])
    expect(out.parquet).toEqual(server)
    expect(out.csv).toEqual(server)
  }, 60_000)

  it('tinyint(1) values other than 0 and 1 stop the export; an int64 override keeps them', async () => {
    await expectRefused(BOOL_TABLE, 'RIVET_DATA_VALUE_OUT_OF_RANGE', 3, /row with primary key id=2: column "b": value 2 is neither 0 nor 1/)
    const out = await exportWith(BOOL_TABLE, '{ b: int64 }', ['b'])
    expect(out.parquet).toEqual([[1n], [2n], [-128n], [127n], [0n]])
    expect(out.csv).toEqual([['1'], ['2'], ['-128'], ['127'], ['0']])
  }, 60_000)
})
