import { readFileSync } from 'node:fs'
import mysql from 'mysql2/promise'
import { parquetMetadata, type SchemaElement } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig, selectExports } from '../../../src/config/index.js'
import { runExports } from '../../../src/engine/index.js'
import type { ExportResult } from '../../../src/engine/index.js'
import { describeExportColumns } from '../../../src/preflight/describe-columns.js'
import { buildTypeReport, parquetTypeOf, strictViolations, typeFidelityError, typeReportExitCode, type ParquetColumnType } from '../../../src/preflight/type-report.js'
import { tempDir, writeConfig } from '../../helpers/cli.js'
import { MYSQL_URL, PG_URL, mysqlAvailable, pgAvailable, withPg } from '../../helpers/db.js'
import { readParquetExact } from '../../helpers/parquet.js'

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()

/** A config with one export per entry; `extra` is indented YAML added to the export. */
function config(type: 'postgres' | 'mysql', exportsYaml: Record<string, { table?: string; query?: string; extra?: string }>): string {
  const dir = tempDir('rivet-tr-')
  const body = Object.entries(exportsYaml)
    .map(([name, e]) => `  - name: ${name}\n    ${e.table !== undefined ? `table: ${e.table}` : `query: ${JSON.stringify(e.query)}`}\n    format: parquet\n    destination: { type: local, path: "./out/{export}" }\n${e.extra ?? ''}`)
    .join('')
  return writeConfig(dir, `source:\n  type: ${type}\n  url: ${type === 'postgres' ? PG_URL : MYSQL_URL}\nexports:\n${body}`)
}

async function describeExport(path: string, name: string) {
  const cfg = loadConfig(path)
  const [exp] = selectExports(cfg, [name])
  return describeExportColumns(cfg, exp!)
}

async function runOne(path: string, name: string): Promise<ExportResult> {
  const report = await runExports({ configPath: path, exports: [name] })
  return report.results[0]!
}

/** The Parquet type of every top-level column of a written file, read by an independent reader (hyparquet). */
function fileColumnTypes(file: string): Map<string, { type: ParquetColumnType; nullable: boolean }> {
  const bytes = readFileSync(file)
  const schema = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).schema
  const out = new Map<string, { type: ParquetColumnType; nullable: boolean }>()
  let pos = 1
  for (let i = 0; i < (schema[0]!.num_children ?? 0); i++) {
    const el = schema[pos]!
    if (el.num_children === undefined) {
      out.set(el.name, { type: leafType(el), nullable: el.repetition_type === 'OPTIONAL' })
      pos += 1
    } else {
      // three-level list: <name> (LIST) → repeated group `list` → `item`
      expect(el.logical_type?.type).toBe('LIST')
      const item = leafType(schema[pos + 2]!)
      out.set(el.name, { type: { physical: 'group', logical: `LIST<${item.logical === null ? item.physical : `${item.physical} / ${item.logical}`}>` }, nullable: el.repetition_type === 'OPTIONAL' })
      pos += 3
    }
  }
  return out
}

function leafType(el: SchemaElement): ParquetColumnType {
  const physical = el.type === 'FIXED_LEN_BYTE_ARRAY' ? `FIXED_LEN_BYTE_ARRAY(${el.type_length})` : String(el.type)
  const lt = el.logical_type
  if (lt === undefined) return { physical, logical: null }
  switch (lt.type) {
    case 'INTEGER':
      return { physical, logical: `INTEGER(${lt.bitWidth}, ${lt.isSigned ? 'signed' : 'unsigned'})` }
    case 'DECIMAL':
      return { physical, logical: `DECIMAL(${lt.precision},${lt.scale})` }
    case 'TIME':
    case 'TIMESTAMP':
      return { physical, logical: `${lt.type}(${lt.unit}, isAdjustedToUTC=${lt.isAdjustedToUTC})` }
    default:
      return { physical, logical: lt.type }
  }
}

/** describeExportColumns must give exactly the columns the run planned and the Parquet schema it wrote. */
async function expectDescribeMatchesRun(path: string, name: string): Promise<ExportResult> {
  const described = await describeExport(path, name)
  expect(described.unsupported).toEqual([])
  const result = await runOne(path, name)
  expect(result.error?.message ?? null).toBeNull()
  expect(described.columns).toEqual(result.columns)
  const written = fileColumnTypes(result.files[0]!.path)
  expect([...written.keys()]).toEqual(described.columns.map((c) => c.name))
  for (const c of described.columns) {
    expect({ column: c.name, ...written.get(c.name) }).toEqual({ column: c.name, type: parquetTypeOf(c.type), nullable: c.nullable })
  }
  return result
}

describe.skipIf(!hasPg)('type report against PostgreSQL', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS tr_pg_types, tr_pg_bare, tr_pg_odd; DROP TYPE IF EXISTS tr_mood')
      await c.query(`
        CREATE TYPE tr_mood AS ENUM ('sad', 'ok');
        CREATE TABLE tr_pg_types (
          id bigint PRIMARY KEY, small smallint, i integer, r real, dbl double precision, price numeric(12,2), wide numeric(40,5),
          huge numeric(76,0), name text, code varchar(8), ch char(3), raw bytea, uid uuid, doc json, docb jsonb, d date, t time,
          ts timestamp, tstz timestamptz, span interval, mood tr_mood, ints integer[], tags text[], ok boolean NOT NULL, addr inet
        );
        INSERT INTO tr_pg_types VALUES (1, -2, 3, 1.5, 2.25, 1234567890.12, 12345678901234567890123456789012345.12345, 10::numeric ^ 75,
          'naïve', 'abc', 'x', '\\x00ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a":1}', '{"b":[1,2]}', '2024-02-29', '12:34:56.789',
          '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+02', '1 year 2 mons 3 days 04:05:06.5', 'ok', '{1,NULL,3}', '{a,b}', true, '10.0.0.1');
        CREATE TABLE tr_pg_bare (id integer PRIMARY KEY, amount numeric, note text);
        INSERT INTO tr_pg_bare VALUES (1, 123456789.123456789, 'n');
        CREATE TABLE tr_pg_odd (id integer PRIMARY KEY, cash money, spot point, ok boolean);`)
    })
  })
  afterAll(async () => {
    await withPg((c) => c.query('DROP TABLE IF EXISTS tr_pg_types, tr_pg_bare, tr_pg_odd; DROP TYPE IF EXISTS tr_mood'))
  })

  it('describes every column (and the meta columns) exactly as rivet run writes them', async () => {
    const path = config('postgres', { types: { table: 'tr_pg_types', extra: '    meta_columns: { exported_at: true, row_hash: true }\n' } })
    const result = await expectDescribeMatchesRun(path, 'types')
    expect(result.columns.slice(-2).map((c) => c.name)).toEqual(['_rivet_exported_at', '_rivet_row_hash'])
    const report = buildTypeReport(result.columns, [], { target: 'bigquery', exportName: 'types' })
    const fidelity = Object.fromEntries(report.columns.map((c) => [c.name, c.fidelity]))
    expect(Object.entries(fidelity).filter(([, f]) => f !== 'exact').map(([n]) => n)).toEqual(['span', 'mood', 'addr'])
    const bq = Object.fromEntries(report.columns.map((c) => [c.name, c.bigquery!]))
    expect(bq.price).toMatchObject({ loaded: 'NUMERIC', expected: 'NUMERIC' })
    expect(bq.wide).toMatchObject({ loaded: 'NUMERIC', expected: 'BIGNUMERIC', loss: false })
    expect(bq.huge).toMatchObject({ expected: 'STRING', loss: true })
    expect(bq.ts).toMatchObject({ loaded: 'TIMESTAMP', expected: 'DATETIME', recovery: 'DATETIME(`ts`)' })
    expect(bq.tstz).toMatchObject({ loaded: 'TIMESTAMP', expected: 'TIMESTAMP', recovery: null })
    expect(bq.uid!.loaded).toBe('BYTES')
    expect(bq.docb!.recovery).toBe('PARSE_JSON(SAFE_CONVERT_BYTES_TO_STRING(`docb`))')
    expect(bq.ints!.expected).toBe('ARRAY<INT64>')
    // numeric(76,0) has no BigQuery number: the only column --strict --target bigquery refuses
    expect(strictViolations(report).map((c) => c.name)).toEqual(['huge'])
    expect(typeReportExitCode(buildTypeReport(result.columns, [], { target: null }), { strict: true })).toBe(0)
  })

  it('a clean table (int, text, timestamptz, numeric(12,2), date, bool) passes --strict --target bigquery', async () => {
    await withPg((c) => c.query('DROP TABLE IF EXISTS tr_pg_clean; CREATE TABLE tr_pg_clean (id integer PRIMARY KEY, name text, at timestamptz, price numeric(12,2), day date, ok boolean)'))
    try {
      const { columns, unsupported } = await describeExport(config('postgres', { clean: { table: 'tr_pg_clean' } }), 'clean')
      const report = buildTypeReport(columns, unsupported, { target: 'bigquery', exportName: 'clean' })
      expect(report.counts).toEqual({ exact: 6, compatible: 0, lossy: 0, unsupported: 0 })
      expect(typeReportExitCode([report], { strict: true })).toBe(0)
    } finally {
      await withPg((c) => c.query('DROP TABLE IF EXISTS tr_pg_clean'))
    }
  })

  it('a bare numeric is reported unsupported in place, with the override to add, and fails --strict --target bigquery', async () => {
    const path = config('postgres', { bare: { table: 'tr_pg_bare' } })
    const { columns, unsupported } = await describeExport(path, 'bare')
    expect(columns.map((c) => c.name)).toEqual(['id', 'note'])
    expect(unsupported).toEqual([expect.objectContaining({ name: 'amount', sourceType: 'numeric', position: 1, code: 'RIVET_TYPE_NUMERIC_UNBOUNDED', hint: expect.stringContaining('"amount": "decimal(38,9)"') })])
    const report = buildTypeReport(columns, unsupported, { target: 'bigquery', exportName: 'bare' })
    expect(report.columns.map((c) => `${c.name}:${c.fidelity}`)).toEqual(['id:exact', 'amount:unsupported', 'note:exact'])
    expect(typeReportExitCode([report], { strict: true })).toBe(1)
    expect(typeFidelityError([report], { strict: true })!.items.map((i) => i.path)).toEqual(['bare.amount'])
    // and rivet run does refuse it, with the code the report names
    const run = await runOne(path, 'bare')
    expect(run.status).toBe('failed')
    expect(run.error?.code).toBe('RIVET_TYPE_NUMERIC_UNBOUNDED')
  })

  it('a decimal(38,9) override makes it exact and NUMERIC; a text override compatible', async () => {
    const path = config('postgres', {
      fixed: { table: 'tr_pg_bare', extra: '    columns: { amount: "decimal(38,9)" }\n' },
      text: { table: 'tr_pg_bare', extra: '    columns: { amount: text }\n' },
    })
    const fixed = await expectDescribeMatchesRun(path, 'fixed')
    const report = buildTypeReport(fixed.columns, [], { target: 'bigquery', exportName: 'fixed' })
    expect(report.columns[1]).toMatchObject({ name: 'amount', fidelity: 'exact', rivetType: 'decimal(38,9)', parquet: { physical: 'FIXED_LEN_BYTE_ARRAY(16)', logical: 'DECIMAL(38,9)' } })
    expect(report.columns[1]!.bigquery).toMatchObject({ loaded: 'NUMERIC', expected: 'NUMERIC', loss: false })
    expect(typeReportExitCode(report, { strict: true })).toBe(0)
    const rows = (await readParquetExact(fixed.files[0]!.path)).rows
    expect(rows[0]!.amount).toBe('123456789.123456789')
    const text = await describeExport(path, 'text')
    const amount = buildTypeReport(text.columns, text.unsupported, { target: 'bigquery' }).columns[1]!
    expect(amount).toMatchObject({ fidelity: 'compatible', rivetType: 'utf8', bigquery: { loaded: 'STRING', expected: 'BIGNUMERIC', recovery: 'SAFE_CAST(`amount` AS BIGNUMERIC)' } })
  })

  it('query exports: described from the result columns, refused ones in place', async () => {
    const path = config('postgres', {
      q: { query: 'SELECT id, note, amount FROM tr_pg_bare' },
      qfixed: { query: 'SELECT id, amount::numeric(20,9) AS amount, note FROM tr_pg_bare' },
    })
    const q = await describeExport(path, 'q')
    expect(q.columns.map((c) => c.name)).toEqual(['id', 'note'])
    expect(q.unsupported.map((u) => [u.name, u.position, u.code])).toEqual([['amount', 2, 'RIVET_TYPE_NUMERIC_UNBOUNDED']])
    const fixed = await expectDescribeMatchesRun(path, 'qfixed')
    expect(fixed.columns.map((c) => `${c.name}:${c.sourceType}`)).toEqual(['id:integer', 'amount:numeric(20,9)', 'note:text'])
  })

  it('other refused types and override keys naming no column are listed without failing the report', async () => {
    const path = config('postgres', { odd: { table: 'tr_pg_odd', extra: '    columns: { amout: "decimal(10,2)" }\n' } })
    const { columns, unsupported } = await describeExport(path, 'odd')
    expect(columns.map((c) => c.name)).toEqual(['id', 'ok'])
    expect(unsupported.map((u) => [u.name, u.sourceType, u.position, u.code])).toEqual([
      ['cash', 'money', 1, 'RIVET_TYPE_UNSUPPORTED'],
      ['spot', 'point', 2, 'RIVET_TYPE_UNSUPPORTED'],
      ['amout', '(no such column)', 4, 'RIVET_TYPE_OVERRIDE_INVALID'],
    ])
    expect(unsupported[0]!.hint).toContain('"cash": text')
    const report = buildTypeReport(columns, unsupported, { target: null, exportName: 'odd' })
    expect(report.columns.map((c) => c.name)).toEqual(['id', 'cash', 'spot', 'ok', 'amout'])
    expect(report.counts).toEqual({ exact: 2, compatible: 0, lossy: 0, unsupported: 3 })
  })
})

async function withMysql<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ uri: MYSQL_URL, multipleStatements: true })
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

describe.skipIf(!hasMysql)('type report against MariaDB', () => {
  beforeAll(async () => {
    await withMysql((c) =>
      c.query(`
        DROP TABLE IF EXISTS tr_my_types, tr_my_geo;
        CREATE TABLE tr_my_types (
          id BIGINT PRIMARY KEY, big BIGINT UNSIGNED, i INT, ti TINYINT, tu TINYINT UNSIGNED, flag TINYINT(1), yr YEAR, d DECIMAL(18,4),
          wide DECIMAL(65,30), dbl DOUBLE, f FLOAT, name VARCHAR(20), e ENUM('a','b'), js JSON, dt DATETIME(6), ts TIMESTAMP(6) NULL,
          dd DATE, t TIME(6), bin VARBINARY(10), b8 BIT(8), u UUID
        );
        INSERT INTO tr_my_types VALUES (1, 18446744073709551615, -3, -4, 250, 1, 2024, 12345678901234.5678, 1.5, 2.5, 0.5, 'naïve', 'b',
          '{"k":[1,2]}', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.654321', '2024-02-29', '12:34:56.5', X'00ff', b'101',
          'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
        CREATE TABLE tr_my_geo (id INT PRIMARY KEY, g GEOMETRY, big BIGINT UNSIGNED);
        INSERT INTO tr_my_geo VALUES (1, ST_GeomFromText('POINT(1 2)'), 7);`),
    )
  })
  afterAll(async () => {
    await withMysql((c) => c.query('DROP TABLE IF EXISTS tr_my_types, tr_my_geo'))
  })

  it('describes every column exactly as rivet run writes them', async () => {
    const path = config('mysql', { types: { table: 'tr_my_types', extra: '    meta_columns: { exported_at: true }\n' } })
    const result = await expectDescribeMatchesRun(path, 'types')
    const report = buildTypeReport(result.columns, [], { target: 'bigquery', exportName: 'types' })
    const row = (name: string) => report.columns.find((c) => c.name === name)!
    expect(row('big')).toMatchObject({ rivetType: 'uint64', fidelity: 'exact', parquet: { physical: 'INT64', logical: 'INTEGER(64, unsigned)' }, bigquery: { loaded: 'INT64', expected: 'NUMERIC', loss: true } })
    expect(row('js')).toMatchObject({ rivetType: 'json', bigquery: { loaded: 'BYTES', expected: 'JSON' } })
    expect(row('dt').bigquery).toMatchObject({ loaded: 'TIMESTAMP', expected: 'DATETIME' })
    expect(row('ts').bigquery).toMatchObject({ loaded: 'TIMESTAMP', expected: 'TIMESTAMP' })
    expect(row('wide').bigquery).toMatchObject({ loaded: 'NUMERIC', expected: 'BIGNUMERIC', loss: false })
    expect(row('e').fidelity).toBe('compatible')
    // bigint unsigned is exact in the file but overflows a BigQuery INT64: only --target bigquery refuses it
    expect(strictViolations(report).map((c) => c.name)).toEqual(['big'])
    expect(typeReportExitCode(report, { strict: true })).toBe(1)
    expect(typeFidelityError(report, { strict: true })!.items[0]!.path).toBe('types.big')
    expect(typeReportExitCode(buildTypeReport(result.columns, [], { target: null }), { strict: true })).toBe(0)
    const rows = (await readParquetExact(result.files[0]!.path)).rows
    expect(rows[0]!.big).toBe(18446744073709551615n)
  })

  it('a decimal(20,0) override on bigint unsigned loads as NUMERIC and passes --strict --target bigquery', async () => {
    const path = config('mysql', { fixed: { table: 'tr_my_types', extra: '    columns: { big: "decimal(20,0)" }\n' } })
    const result = await expectDescribeMatchesRun(path, 'fixed')
    const report = buildTypeReport(result.columns, [], { target: 'bigquery', exportName: 'fixed' })
    // compatible: the integer text is re-read as a decimal (every value kept)
    expect(report.columns[1]).toMatchObject({ name: 'big', fidelity: 'compatible', rivetType: 'decimal(20,0)', bigquery: { loaded: 'NUMERIC', expected: 'NUMERIC', loss: false } })
    expect(typeReportExitCode(report, { strict: true })).toBe(0)
    expect((await readParquetExact(result.files[0]!.path)).rows[0]!.big).toBe('18446744073709551615')
  })

  it('geometry is unsupported (with the ST_AsText hint) until overridden to text', async () => {
    const path = config('mysql', { geo: { table: 'tr_my_geo' }, wkt: { table: 'tr_my_geo', extra: '    columns: { g: text }\n' } })
    const geo = await describeExport(path, 'geo')
    expect(geo.columns.map((c) => c.name)).toEqual(['id', 'big'])
    expect(geo.unsupported).toEqual([expect.objectContaining({ name: 'g', sourceType: 'geometry', position: 1, code: 'RIVET_TYPE_UNSUPPORTED', hint: expect.stringContaining('ST_AsText(`g`)') })])
    const report = buildTypeReport(geo.columns, geo.unsupported, { target: 'bigquery', exportName: 'geo' })
    expect(strictViolations(report).map((c) => c.name)).toEqual(['g', 'big'])
    expect((await runOne(path, 'geo')).error?.code).toBe('RIVET_TYPE_UNSUPPORTED')
    const wkt = await expectDescribeMatchesRun(path, 'wkt')
    await expectDescribeMatchesRun(config('mysql', { q: { query: 'SELECT id, big, ST_AsText(g) AS g FROM tr_my_geo' } }), 'q')
    expect(buildTypeReport(wkt.columns, [], { target: null }).columns[1]).toMatchObject({ name: 'g', fidelity: 'compatible', rivetType: 'utf8' })
  })
})
