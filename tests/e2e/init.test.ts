/**
 * Acceptance of `rivet init`: against a schema of varied tables, the generated config runs with
 * `rivet run` as it is — exit 0, every export completed, every file present with the rows of its
 * table. Spawns the built CLI (build first: npx tsc -p tsconfig.json).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir, type CliResult } from '../helpers/cli.js'
import { MYSQL_URL, mysqlAvailable, PG_URL, pgAvailable, withPg } from '../helpers/db.js'
import { parquetRowCount, readParquetExact } from '../helpers/parquet.js'
import { withMysql } from '../integration/mysql/helpers.js'

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()
const SCHEMA = 'rivet_init_e2e'
const SECRET = 'init-e2e-s3cret'

interface RunJson {
  exitCode: number
  exports: { name: string; status: string; rows: number; files: { path: string; rows: number }[] }[]
}

/** Run the generated config and check the acceptance: exit 0, every export completed, files present with the expected rows. */
async function runGenerated(dir: string, env: NodeJS.ProcessEnv, expectedRows: Record<string, number>): Promise<RunJson> {
  const run = await runCli(['run', '-c', 'rivet.yaml', '--json', '-q'], { cwd: dir, env })
  expect(run.code, run.stderr).toBe(0)
  const report = JSON.parse(run.stdout) as RunJson
  expect(report.exitCode).toBe(0)
  expect(report.exports.map((e) => e.name).sort()).toEqual(Object.keys(expectedRows).sort())
  for (const e of report.exports) {
    expect(e.status, e.name).toBe('completed')
    expect(e.rows, e.name).toBe(expectedRows[e.name])
    expect(e.files.length, e.name).toBeGreaterThan(0)
    let rows = 0
    for (const f of e.files) {
      expect(existsSync(f.path), f.path).toBe(true)
      rows += parquetRowCount(f.path)
    }
    expect(rows, e.name).toBe(expectedRows[e.name])
    // sealed by the commit protocol: the folder of the export's files holds _SUCCESS
    expect(existsSync(join(dirname(e.files[0]!.path), '_SUCCESS')), e.name).toBe(true)
    expect(dirname(e.files[0]!.path)).toMatch(new RegExp(`/out/${e.name.replace(/\./g, '\\.')}/\\d{4}-\\d{2}-\\d{2}$`))
  }
  console.log(`rivet run: ${report.exports.map((e) => `${e.name} ${e.rows} rows/${e.files.length} file(s)`).join(', ')}`)
  return report
}

/** The `mode:` line of each export in the generated text, by export name. */
function modesOf(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  let name = ''
  for (const line of text.split('\n')) {
    const n = /^ {2}- name: (.+)$/.exec(line)
    if (n) name = n[1]!.replace(/^"|"$/g, '')
    const m = /^ {4}mode: (\w+)/.exec(line)
    if (m) out[name] = m[1]!
  }
  return out
}

function expectNoSecret(...texts: (string | CliResult)[]): void {
  for (const t of texts) {
    const all = typeof t === 'string' ? t : `${t.stdout}\n${t.stderr}`
    expect(all).not.toContain(SECRET)
  }
}

describe.skipIf(!hasPg)('rivet init → rivet run on PostgreSQL (acceptance)', () => {
  const expectedRows: Record<string, number> = {
    country: 5, order_status: 3, events: 200_000, customers: 5_000, audit_log: 1_000, measurements: 3_000, places: 2,
    order_lines: 900, sessions: 300, empty_table: 0, Order: 2, 'line_items.v2': 1, products: 100, sparse_ids: 120_000,
  }

  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
      await c.query(`CREATE SCHEMA ${SCHEMA}`)
      await c.query(`SET search_path = ${SCHEMA}`)
      // small lookup tables
      await c.query(`CREATE TABLE country (code char(2) PRIMARY KEY, name text NOT NULL)`)
      await c.query(`INSERT INTO country VALUES ('FR','France'),('DE','Germany'),('IT','Italy'),('ES','Spain'),('NL','Netherlands')`)
      await c.query(`CREATE TABLE order_status (id smallint PRIMARY KEY, label text)`)
      await c.query(`INSERT INTO order_status VALUES (1,'new'),(2,'paid'),(3,'shipped')`)
      // 200k rows with an integer key
      await c.query(`CREATE TABLE events (id bigint PRIMARY KEY, kind text, payload jsonb, created_at timestamptz NOT NULL)`)
      await c.query(`INSERT INTO events SELECT g, 'k' || (g % 7), jsonb_build_object('g', g), timestamptz '2024-01-01' + g * interval '1 second' FROM generate_series(1, 200000) g`)
      // updated_at with an index
      await c.query(`CREATE TABLE customers (id int PRIMARY KEY, email text, updated_at timestamptz NOT NULL)`)
      await c.query(`CREATE INDEX customers_updated_at_idx ON customers (updated_at)`)
      await c.query(`INSERT INTO customers SELECT g, 'c' || g || '@x.test', timestamptz '2024-01-01' + (g / 10) * interval '1 minute' FROM generate_series(1, 5000) g`)
      // no primary key
      await c.query(`CREATE TABLE audit_log (at timestamptz, message text)`)
      await c.query(`INSERT INTO audit_log SELECT timestamptz '2024-06-01' + g * interval '1 hour', 'm' || g FROM generate_series(1, 1000) g`)
      // bare numeric (scalar and array)
      await c.query(`CREATE TABLE measurements (id int PRIMARY KEY, reading numeric, total numeric(12,2), readings numeric[])`)
      await c.query(`INSERT INTO measurements SELECT g, g * 1.125, g * 0.5, ARRAY[g * 0.01, g] FROM generate_series(1, 3000) g`)
      // types Rivet cannot write as they are
      await c.query(`CREATE TABLE places (id int PRIMARY KEY, location point, span int4range, area circle)`)
      await c.query(`INSERT INTO places VALUES (1, point(1.5, 2), int4range(1, 5), circle(point(0, 0), 1)), (2, NULL, NULL, NULL)`)
      // composite primary key
      await c.query(`CREATE TABLE order_lines (order_id int, line_no int, qty int, PRIMARY KEY (order_id, line_no))`)
      await c.query(`INSERT INTO order_lines SELECT g / 3, g % 3, g FROM generate_series(1, 900) g`)
      // uuid primary key
      await c.query(`CREATE TABLE sessions (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), started_at timestamptz)`)
      await c.query(`INSERT INTO sessions (started_at) SELECT timestamptz '2024-01-01' + g * interval '1 day' FROM generate_series(1, 300) g`)
      // empty
      await c.query(`CREATE TABLE empty_table (id int PRIMARY KEY, note text)`)
      // reserved word and mixed case, odd column names
      await c.query(`CREATE TABLE "Order" (id int PRIMARY KEY, "Total Amount" numeric(10,2), "select" text, "price$usd" numeric)`)
      await c.query(`INSERT INTO "Order" VALUES (1, 10.5, 'a', 1.25), (2, NULL, 'b', NULL)`)
      await c.query(`CREATE TABLE "line items.v2" (id int PRIMARY KEY, "qty:#" int)`)
      await c.query(`INSERT INTO "line items.v2" VALUES (1, 2)`)
      // updated-at-like column without an index
      await c.query(`CREATE TABLE products (id int PRIMARY KEY, name text, modified_at timestamp)`)
      await c.query(`INSERT INTO products SELECT g, 'p' || g, timestamp '2024-01-01' FROM generate_series(1, 100) g`)
      // a sparse integer key
      await c.query(`CREATE TABLE sparse_ids (id bigint PRIMARY KEY, v int)`)
      await c.query(`INSERT INTO sparse_ids SELECT g::bigint * 1000, g FROM generate_series(1, 120000) g`)
      const tables = ['country', 'order_status', 'events', 'customers', 'audit_log', 'measurements', 'places', 'order_lines', 'sessions', 'empty_table', '"Order"', '"line items.v2"', 'products', 'sparse_ids']
      await c.query(`ANALYZE ${tables.join(', ')}`)
    })
  })

  it('generates a config from --source URL that rivet run completes without edits, and never writes the password', async () => {
    const dir = tempDir('rivet-init-e2e-')
    const url = PG_URL.replace(/\/\/([^:@/]+)(:[^@]*)?@/, `//$1:${SECRET}@`)
    const init = await runCli(['init', '--source', url, '--schema', SCHEMA], { cwd: dir })
    expect(init.code, init.stderr).toBe(0)
    console.log(init.stdout)
    const text = readFileSync(join(dir, 'rivet.yaml'), 'utf8')
    expectNoSecret(text, init)
    expect(text).toContain('  url_env: RIVET_SOURCE_URL\n')
    expect(text).toContain(':***@')
    expect(init.stdout).toContain('wrote rivet.yaml: 14 exports (2 chunked, 1 incremental, 11 full), 6 column overrides')
    const modes = modesOf(text)
    expect(modes).toEqual({
      country: 'full', order_status: 'full', events: 'chunked', customers: 'incremental', audit_log: 'full', measurements: 'full', places: 'full',
      order_lines: 'full', sessions: 'full', empty_table: 'full', Order: 'full', 'line_items.v2': 'full', products: 'full', sparse_ids: 'chunked',
    })
    expect(text).toContain('    mode: chunked   # ~200k rows (pg_class.reltuples), integer primary key id: ranges of id read in parallel\n')
    expect(text).toMatch(/ {4}mode: incremental {3}# ~5k rows \(pg_class\.reltuples\); updated_at \(timestamp with time zone\) leads index customers_updated_at_idx/)
    expect(text).toContain("    unique_key: [id]   # tie-breaker")
    expect(text).toContain('      reading: "decimal(38,3)"   # numeric without precision or scale')
    expect(text).toContain('      location: text   # point has no exact output type')
    expect(text).toContain(`    table: '${SCHEMA}."Order"'\n`)

    // the acceptance: the file runs as generated
    await runGenerated(dir, { RIVET_SOURCE_URL: PG_URL }, expectedRows)

    // and the values survive: the derived decimal, the text overrides, the odd names
    const file = (name: string) => {
      const folder = join(dir, 'out', name)
      const day = readdirSync(folder)[0]!
      return join(folder, day, readdirSync(join(folder, day)).find((f) => f.endsWith('.parquet'))!)
    }
    const measurements = (await readParquetExact(file('measurements'))).rows.sort((a, b) => Number(a.id) - Number(b.id))
    expect(measurements[2]).toMatchObject({ id: 3, reading: '3.375', total: '1.50' })
    const places = (await readParquetExact(file('places'))).rows.sort((a, b) => Number(a.id) - Number(b.id))
    expect(places[0]).toMatchObject({ location: '(1.5,2)', span: '[1,5)', area: '<(0,0),1>' })
    const order = (await readParquetExact(file('Order'))).rows.sort((a, b) => Number(a.id) - Number(b.id))
    expect(order[0]).toMatchObject({ 'Total Amount': '10.50', select: 'a', 'price$usd': '1.25' })

    // the incremental export reads only what changed since
    await withPg((c) => c.query(`UPDATE ${SCHEMA}.customers SET updated_at = now() WHERE id IN (1, 2, 3)`))
    const again = await runCli(['run', '-c', 'rivet.yaml', '-e', 'customers', '--json', '-q'], { cwd: dir, env: { RIVET_SOURCE_URL: PG_URL } })
    expect(again.code, again.stderr).toBe(0)
    expect((JSON.parse(again.stdout) as RunJson).exports[0]).toMatchObject({ name: 'customers', status: 'completed', rows: 3 })
  })

  it('names the variable of --source-env, prints with -o -, refuses to replace a file and replaces it with --force', async () => {
    const dir = tempDir('rivet-init-e2e-')
    const env = { SHOP_DB: PG_URL }
    const printed = await runCli(['init', '--source-env', 'SHOP_DB', '--schema', SCHEMA, '--include', 'c*', '--exclude', 'customers', '-o', '-', '--format', 'csv'], { cwd: dir, env })
    expect(printed.code, printed.stderr).toBe(0)
    expect(printed.stdout).toContain('  url_env: SHOP_DB\n')
    expect(printed.stdout).toContain('  - name: country\n')
    expect(printed.stdout).not.toContain('name: customers')
    expect(printed.stdout).toContain('    format: csv\n')
    expect(printed.stderr).toContain('printed 1 export (1 full), 0 column overrides')
    expect(existsSync(join(dir, 'rivet.yaml'))).toBe(false)

    writeFileSync(join(dir, 'rivet.yaml'), 'mine\n')
    const refused = await runCli(['init', '--source-env', 'SHOP_DB', '--schema', SCHEMA], { cwd: dir, env })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('[RIVET_INIT_OUTPUT_EXISTS]')
    expect(readFileSync(join(dir, 'rivet.yaml'), 'utf8')).toBe('mine\n')

    const forced = await runCli(['init', '--source-env', 'SHOP_DB', '--table', `${SCHEMA}.order_lines`, '--force'], { cwd: dir, env })
    expect(forced.code, forced.stderr).toBe(0)
    expect(readFileSync(join(dir, 'rivet.yaml'), 'utf8')).toContain(`    table: ${SCHEMA}.order_lines\n`)
    await runGenerated(dir, env, { order_lines: 900 })
  })

  it.each([
    [[], 'RIVET_USAGE'],
    [['--source-env', 'RIVET_INIT_E2E_UNSET'], 'RIVET_CONFIG_ENV_MISSING'],
    [['--source', `postgres://u:${SECRET}@127.0.0.1:1/db`], 'RIVET_SOURCE_UNREACHABLE'],
    [['--source-env', 'SHOP_DB', '--schema', SCHEMA, '--format', 'xml'], 'RIVET_USAGE'],
  ])('exits 1 or 2 with a code for %j, never printing the password', async (args, code) => {
    const r = await runCli(['init', ...args], { cwd: tempDir('rivet-init-e2e-'), env: { SHOP_DB: PG_URL } })
    expect(r.code).toBe(code === 'RIVET_SOURCE_UNREACHABLE' ? 2 : 1)
    expect(r.stderr).toContain(`[${code}]`)
    expectNoSecret(r)
  })
})

describe.skipIf(!hasMysql)('rivet init → rivet run on MariaDB (acceptance)', () => {
  const DB = 'rivet_init_e2e'
  const url = MYSQL_URL.replace(/\/[^/?]*(\?|$)/, `/${DB}$1`)
  const expectedRows: Record<string, number> = { country: 3, events: 150_000, customers: 2_000, audit_log: 500, places: 2, lines: 600, Order: 2, empty_table: 0 }

  beforeAll(async () => {
    await withMysql(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${DB}`)
      await c.query(`CREATE DATABASE ${DB}`)
      await c.query(`USE ${DB}`)
      await c.query(`CREATE TABLE country (code CHAR(2) PRIMARY KEY, name VARCHAR(50) NOT NULL)`)
      await c.query(`INSERT INTO country VALUES ('FR','France'),('DE','Germany'),('IT','Italy')`)
      await c.query(`CREATE TABLE events (id BIGINT UNSIGNED PRIMARY KEY, kind VARCHAR(10), created_at DATETIME(6) NOT NULL)`)
      await c.query(`INSERT INTO events SELECT seq, CONCAT('k', seq % 7), TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_150000`)
      await c.query(`CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(100), updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, KEY idx_customers_updated (updated_at))`)
      await c.query(`INSERT INTO customers SELECT seq, CONCAT('c', seq), TIMESTAMP'2024-01-01 00:00:00' + INTERVAL (seq DIV 10) MINUTE FROM seq_1_to_2000`)
      await c.query(`CREATE TABLE audit_log (at DATETIME, message TEXT)`)
      await c.query(`INSERT INTO audit_log SELECT TIMESTAMP'2024-06-01 00:00:00' + INTERVAL seq HOUR, CONCAT('m', seq) FROM seq_1_to_500`)
      await c.query(`CREATE TABLE places (id INT PRIMARY KEY, location POINT, shape GEOMETRY)`)
      await c.query(`INSERT INTO places VALUES (1, POINT(1, 2), ST_GeomFromText('LINESTRING(0 0,1 1)')), (2, NULL, NULL)`)
      await c.query('CREATE TABLE `lines` (order_id INT, line_no INT, qty INT, amount DECIMAL(12,2), PRIMARY KEY (order_id, line_no))')
      await c.query('INSERT INTO `lines` SELECT seq DIV 3, seq MOD 3, seq, seq * 1.5 FROM seq_1_to_600')
      await c.query('CREATE TABLE `Order` (id INT PRIMARY KEY, `Total Amount` DECIMAL(10,2), `select` VARCHAR(10))')
      await c.query("INSERT INTO `Order` VALUES (1, 10.5, 'a'), (2, NULL, 'b')")
      await c.query(`CREATE TABLE empty_table (id INT PRIMARY KEY, note TEXT)`)
      await c.query('ANALYZE TABLE country, events, customers, audit_log, places, `lines`, `Order`, empty_table')
    })
  })

  it('generates a config that rivet run completes without edits', async () => {
    const dir = tempDir('rivet-init-e2e-')
    const env = { SHOP_DB: url }
    const init = await runCli(['init', '--source-env', 'SHOP_DB'], { cwd: dir, env })
    expect(init.code, init.stderr).toBe(0)
    console.log(init.stdout)
    const text = readFileSync(join(dir, 'rivet.yaml'), 'utf8')
    expect(text).toContain('  type: mysql\n  url_env: SHOP_DB\n')
    expect(modesOf(text)).toEqual({ country: 'full', events: 'chunked', customers: 'incremental', audit_log: 'full', places: 'full', lines: 'full', Order: 'full', empty_table: 'full' })
    expect(text).toContain('      location: text   # point has no exact output type: written as WKT text')
    await runGenerated(dir, env, expectedRows)
    const folder = join(dir, 'out', 'places')
    const day = readdirSync(folder)[0]!
    const places = (await readParquetExact(join(folder, day, readdirSync(join(folder, day)).find((f) => f.endsWith('.parquet'))!))).rows
    expect(places.find((r) => Number(r.id) === 1)).toMatchObject({ location: 'POINT(1 2)', shape: 'LINESTRING(0 0,1 1)' })
  })
})
