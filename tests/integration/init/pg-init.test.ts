import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/index.js'
import { runInit, type InitResult } from '../../../src/init/index.js'
import { tempDir } from '../../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../../helpers/db.js'
import { rejection } from '../../helpers/errors.js'

const hasPg = await pgAvailable()
const SCHEMA = 'rivet_init_it'
const env = { TEST_PG: PG_URL }

/** runInit on the test schema, printing the config instead of writing it. */
function init(extra: Partial<Parameters<typeof runInit>[0]> = {}): Promise<InitResult> {
  return runInit({ sourceEnv: 'TEST_PG', env, schema: SCHEMA, output: '-', ...extra })
}

const exportOf = (r: InitResult, name: string) => {
  const e = r.exports.find((x) => x.name === name)
  if (e === undefined) throw new Error(`no export ${name} in ${r.exports.map((x) => x.name).join(', ')}`)
  return e
}

describe.skipIf(!hasPg)('rivet init on PostgreSQL (discovery and choices)', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
      await c.query(`DROP ROLE IF EXISTS rivet_init_it_reader`)
      await c.query(`CREATE SCHEMA ${SCHEMA}`)
      await c.query(`SET search_path = ${SCHEMA}`)
      await c.query(`CREATE TABLE big (id int PRIMARY KEY, v text)`)
      await c.query(`INSERT INTO big SELECT g, 'v' || g FROM generate_series(1, 120000) g`)
      await c.query(`CREATE TABLE cust (id int PRIMARY KEY, "updatedAt" timestamptz NOT NULL, email text)`)
      await c.query(`CREATE INDEX cust_updated ON cust ("updatedAt", id)`)
      await c.query(`INSERT INTO cust SELECT g, now(), 'e' FROM generate_series(1, 50) g`)
      await c.query(`CREATE TABLE partial_idx (id int PRIMARY KEY, updated_at timestamp)`)
      await c.query(`CREATE INDEX partial_idx_upd ON partial_idx (updated_at) WHERE id > 10`)
      await c.query(`CREATE TABLE nopk (a int, b text)`)
      await c.query(`INSERT INTO nopk SELECT g, 'x' FROM generate_series(1, 10) g`)
      await c.query(`CREATE TABLE bare (id int PRIMARY KEY, amount numeric, list numeric[], fine numeric(10,2), special numeric)`)
      await c.query(`INSERT INTO bare SELECT g, g * 1.25, ARRAY[g * 0.001], g, CASE WHEN g = 7 THEN 'NaN'::numeric ELSE g END FROM generate_series(1, 200) g`)
      await c.query(`CREATE TABLE odd (id int PRIMARY KEY, p point, r int4range, big numeric(100, 2))`)
      await c.query(`CREATE TABLE "Mixed Case" (id int PRIMARY KEY)`)
      await c.query(`CREATE TABLE parted (id int, at date NOT NULL) PARTITION BY RANGE (at)`)
      await c.query(`CREATE TABLE parted_2024 PARTITION OF parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`)
      await c.query(`CREATE VIEW a_view AS SELECT * FROM big`)
      await c.query(`ANALYZE big, cust, partial_idx, nopk, bare, odd, "Mixed Case", parted`)
      // created after ANALYZE: reltuples is -1, the estimate comes from EXPLAIN
      await c.query(`CREATE TABLE unanalyzed (id int PRIMARY KEY)`)
      await c.query(`CREATE ROLE rivet_init_it_reader LOGIN`)
      await c.query(`GRANT USAGE ON SCHEMA ${SCHEMA} TO rivet_init_it_reader`)
      await c.query(`GRANT SELECT ON big, nopk TO rivet_init_it_reader`)
    })
  })

  it('lists base tables (partitioned parents, not partitions or views) and chooses a mode for each', async () => {
    const r = await init()
    expect(r.scope).toBe(`schema ${SCHEMA}`)
    expect(r.exports.map((e) => e.name)).toEqual(['Mixed_Case', 'bare', 'big', 'cust', 'nopk', 'odd', 'parted', 'partial_idx', 'unanalyzed'])
    expect(exportOf(r, 'big')).toMatchObject({ mode: 'chunked', why: '~120k rows (pg_class.reltuples), integer primary key id: ranges of id read in parallel' })
    expect(exportOf(r, 'cust').mode).toBe('incremental')
    expect(exportOf(r, 'cust').why).toContain('updatedAt (timestamp with time zone) leads index cust_updated')
    expect(exportOf(r, 'partial_idx').why).toContain('updated_at is not the first column of any index')
    expect(exportOf(r, 'nopk')).toMatchObject({ mode: 'full', why: '~10 rows (pg_class.reltuples): small, read in one snapshot' })
    expect(exportOf(r, 'unanalyzed').why).toMatch(/\(EXPLAIN; never analyzed\)/)
    const config = parseConfig(r.text, { configPath: '/tmp/rivet.yaml', env: { RIVET_SOURCE_URL: PG_URL, TEST_PG: PG_URL } })
    expect(config.source.redactedUrl).toBe(PG_URL.replace(/:[^:@/]*@/, ':***@'))
    const big = config.exports.find((e) => e.name === 'big')!
    expect(big.chunked).toMatchObject({ column: 'id', strategy: 'range', parallel: 2, checkpoint: false })
    const cust = config.exports.find((e) => e.name === 'cust')!
    expect(cust.incremental?.cursorColumn).toBe('updatedAt')
    expect(cust.uniqueKey).toEqual(['id'])
    expect(config.exports.find((e) => e.name === 'Mixed_Case')!.table).toEqual({ schema: SCHEMA, name: 'Mixed Case' })
    expect(r.text).toContain('  url_env: TEST_PG\n')
  })

  it('measures bare numeric columns by reading small tables, and writes text where no decimal fits', async () => {
    const r = await init({ include: ['bare', 'odd'] })
    expect(exportOf(r, 'bare').overrides).toEqual(['amount: decimal(38,2)', 'list: decimal(38,3)', 'special: text'])
    expect(exportOf(r, 'odd').overrides).toEqual(['p: text', 'r: text', 'big: text'])
    expect(r.text).toContain('amount: "decimal(38,2)"   # numeric without precision or scale: decimal(38,2) holds every value in the table now (at most 3 integer and 2 fractional digits, over 200 values)')
    expect(r.text).toContain('special: text   # numeric without precision or scale holding NaN or Infinity')
    expect(r.text).toContain('big: text   # numeric(100,2) is wider than the 76 digits of decimal256: written as text')
    expect(r.text).toContain('p: text   # point has no exact output type: written as its text form')
  })

  it('uses pg_stats instead of reading the table above the scan limit', async () => {
    const r = await init({ include: ['bare'], numericScanMaxRows: 0 })
    const amount = r.text.split('\n').find((l) => l.includes('amount:'))!
    expect(amount).toContain('"decimal(38,9)"   # numeric without precision or scale: decimal(38,9) holds every value of the pg_stats sample (at most 3 integer and 2 fractional digits)')
    expect(exportOf(r, 'bare').overrides).toContain('special: text')
  })

  it('probes the key range of chunk candidates and pages a sparse key by rows', async () => {
    await withPg((c) => c.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.sparse AS SELECT g * 1000 AS id FROM generate_series(1, 120000) g`).then(() => c.query(`ALTER TABLE ${SCHEMA}.sparse ADD PRIMARY KEY (id); ANALYZE ${SCHEMA}.sparse`)))
    try {
      const r = await init({ include: ['sparse'] })
      expect(exportOf(r, 'sparse').why).toContain('runs of rows in id order read in parallel')
      expect(r.text).toContain('chunk_by_key: true   # the key is sparse (~120k rows over a span of 119999001 values)')
    } finally {
      await withPg((c) => c.query(`DROP TABLE ${SCHEMA}.sparse`))
    }
  })

  it('takes one table with --table (case kept when quoted), in any schema', async () => {
    const r = await init({ schema: undefined, table: `${SCHEMA}."Mixed Case"` })
    expect(r.scope).toBe(`table ${SCHEMA}."Mixed Case"`)
    expect(r.exports).toEqual([expect.objectContaining({ name: 'Mixed_Case', table: `${SCHEMA}.Mixed Case`, mode: 'full' })])
    expect(r.text).toContain(`table: '${SCHEMA}."Mixed Case"'`)
  })

  it('leaves out tables the user cannot read, and says so in the file', async () => {
    const url = PG_URL.replace(/\/\/[^@/]*@/, '//rivet_init_it_reader@')
    const r = await runInit({ source: url, schema: SCHEMA, include: ['big', 'nopk', 'cust'], output: '-' })
    expect(r.exports.map((e) => e.name)).toEqual(['big', 'nopk'])
    expect(r.skipped).toEqual([{ schema: SCHEMA, name: 'cust', reason: 'no SELECT privilege on it for this user' }])
    expect(r.text).toContain(`# left out: ${SCHEMA}.cust — no SELECT privilege on it for this user`)
  })

  it('writes the file, refuses to replace it without --force, and replaces it with --force', async () => {
    const dir = tempDir('rivet-init-')
    const path = join(dir, 'rivet.yaml')
    writeFileSync(path, 'keep me\n')
    const refused = await rejection(init({ output: 'rivet.yaml', cwd: dir, include: ['nopk'] }))
    expect(refused.code).toBe('RIVET_INIT_OUTPUT_EXISTS')
    expect(readFileSync(path, 'utf8')).toBe('keep me\n')
    const r = await init({ output: 'rivet.yaml', cwd: dir, include: ['nopk'], force: true })
    expect(r.path).toBe(path)
    expect(readFileSync(path, 'utf8')).toBe(r.text)
    const fresh = await init({ output: 'sub.yaml', cwd: dir, include: ['nopk'], format: 'csv' })
    expect(readFileSync(join(dir, 'sub.yaml'), 'utf8')).toContain('    format: csv\n')
    expect(fresh.path).toBe(join(dir, 'sub.yaml'))
    const missingDir = await rejection(init({ output: join(dir, 'no', 'such', 'dir.yaml'), include: ['nopk'] }))
    expect(missingDir.code).toBe('RIVET_INIT_WRITE')
    expect(existsSync(join(dir, 'no'))).toBe(false)
  })

  it.each([
    [{ schema: 'rivet_init_itt' }, 'RIVET_SOURCE_NOT_FOUND', 'schema "rivet_init_itt" was not found', 'did you mean --schema rivet_init_it?'],
    [{ include: ['nothing*'] }, 'RIVET_INIT_NO_TABLES', `schema "${SCHEMA}" has no base table to export (9 before --include/--exclude)`, undefined],
    [{ schema: undefined, table: `${SCHEMA}.nope` }, 'RIVET_SOURCE_NOT_FOUND', 'table "nope" was not found', undefined],
    [{ table: 'big', include: ['b*'] }, 'RIVET_USAGE', '--table names one table; it excludes --schema, --include', undefined],
  ] as const)('refuses %j with %s', async (options, code, message, hint) => {
    const err = await rejection(init(options))
    expect(err.code).toBe(code)
    expect(err.message).toContain(message)
    if (hint !== undefined) expect(err.hint).toBe(hint)
  })
})
