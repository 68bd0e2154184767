import { readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import { decompress } from '@mongodb-js/zstd'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { MYSQL_URL, PG_URL, mysqlAvailable, pgAvailable, withPg, withMysql } from '../helpers/db.js'
import { readAllRows } from './modes/helpers.js'

const hasMysql = await mysqlAvailable()
const hasPg = hasMysql ? await pgAvailable() : false
const ROWS = 20_000

/** The shared helper, with times read as UTC. */
const withMysqlUtc = <T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> => withMysql(fn, { timezone: 'Z', multipleStatements: true })

/** The same logical rows, generated identically by both servers from the row number g. */
const MYSQL_DATASET = `
  SET time_zone = '+00:00';
  CREATE TABLE it_xengine (
    id BIGINT PRIMARY KEY, name VARCHAR(64) CHARACTER SET utf8mb4, amount DECIMAL(18,4), ts TIMESTAMP(6) NULL, d DATE,
    flag TINYINT(1), score DOUBLE, small SMALLINT, doc JSON
  );
  INSERT INTO it_xengine
  SELECT seq, IF(seq % 11 = 0, NULL, CONCAT('naïve – ', seq)), IF(seq % 13 = 0, NULL, (seq * 12345.6789) % 99999999.9999 - 5000),
         TIMESTAMPADD(MICROSECOND, seq * 1000003, '2001-02-03 04:05:06.000000'), DATE_ADD('1999-12-31', INTERVAL seq DAY),
         seq % 2 = 0, seq / 7e0, CAST(seq AS SIGNED) % 30000 - 15000, JSON_OBJECT('k', seq, 'tags', JSON_ARRAY('a', seq % 5))
  FROM seq_1_to_${ROWS}`

const PG_DATASET = `
  CREATE TABLE it_xengine (
    id bigint PRIMARY KEY, name varchar(64), amount numeric(18,4), ts timestamptz, d date,
    flag boolean, score double precision, small smallint, doc jsonb
  );
  INSERT INTO it_xengine
  SELECT g, CASE WHEN g % 11 = 0 THEN NULL ELSE 'naïve – ' || g END, CASE WHEN g % 13 = 0 THEN NULL ELSE (g * 12345.6789) % 99999999.9999 - 5000 END,
         '2001-02-03 04:05:06+00'::timestamptz + g * interval '1.000003 second', '1999-12-31'::date + g,
         g % 2 = 0, g / 7.0::float8, g % 30000 - 15000, jsonb_build_object('k', g, 'tags', jsonb_build_array('a', g % 5))
  FROM generate_series(1, ${ROWS}) g`

function config(dir: string, url: string, type: 'postgres' | 'mysql', format: 'parquet' | 'csv', name: string): string {
  return writeConfig(
    dir,
    `source:
  type: ${type}
  url: ${url}
exports:
  - name: x
    table: it_xengine
    format: ${format}
    destination: { type: local, path: "./out-${name}" }
`,
    `${name}.yaml`,
  )
}

/** A row with values in comparable forms (JSON parsed, decimals and int64 as text, timestamps in µs). */
function normalize(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(row)) {
    if (k === 'doc') out[k] = v === null ? null : JSON.parse(String(v))
    else if (typeof v === 'bigint') out[k] = v.toString()
    else if (v instanceof Date) out[k] = v.toISOString()
    else out[k] = v
  }
  return out
}

describe.skipIf(!hasMysql)('MySQL/MariaDB source', () => {
  beforeAll(async () => {
    await withMysqlUtc(async (c) => {
      await c.query('DROP TABLE IF EXISTS it_xengine')
      await c.query(MYSQL_DATASET)
    })
    if (hasPg) {
      await withPg(async (c) => {
        await c.query('DROP TABLE IF EXISTS it_xengine')
        await c.query(PG_DATASET)
      })
    }
  }, 120_000)

  afterAll(async () => {
    await withMysqlUtc((c) => c.query('DROP TABLE IF EXISTS it_xengine'))
    if (hasPg) await withPg((c) => c.query('DROP TABLE IF EXISTS it_xengine'))
  })

  it('exports a table to Parquet in keyset pages, every value equal to the source', async () => {
    const dir = tempDir()
    const run = await runCli(['run', '-c', config(dir, MYSQL_URL, 'mysql', 'parquet', 'my'), '--json'])
    expect(run.stderr).not.toMatch(/\[RIVET_/)
    expect(run.code, run.stdout).toBe(0)
    const report = JSON.parse(run.stdout) as { exports: { rows: number; stats: { strategy: string; statements: number; maxStatementMs: number } }[] }
    expect(report.exports[0]!.rows).toBe(ROWS)
    expect(report.exports[0]!.stats.strategy).toBe('keyset')
    expect(report.exports[0]!.stats.statements).toBeGreaterThan(1)
    expect(report.exports[0]!.stats.maxStatementMs).toBeLessThan(1000)
    const rows = await readAllRows(join(dir, 'out-my'))
    expect(rows).toHaveLength(ROWS)
    const src = await withMysqlUtc(async (c) => {
      const [r] = await c.query('SELECT id, name, CAST(amount AS CHAR) AS amount, DATE_FORMAT(ts, "%Y-%m-%dT%H:%i:%s.%fZ") AS ts, CAST(d AS CHAR) AS d, flag, score, small, doc FROM it_xengine ORDER BY id')
      return r as Record<string, unknown>[]
    })
    const byId = new Map(rows.map((r) => [String(r.id), r]))
    for (const s of src) {
      const out = byId.get(String(s.id))!
      expect(out, `id ${s.id}`).toBeDefined()
      expect(out.name).toBe(s.name)
      expect(out.amount === null ? null : String(out.amount)).toBe(s.amount === null ? null : String(s.amount))
      expect(out.small).toBe(s.small)
      expect(out.flag).toBe(s.flag === null ? null : Number(s.flag) === 1)
      expect(out.score).toBe(Number(s.id) / 7) // the IEEE quotient the server computed (its text rendering may be 1 ulp off)
      expect(JSON.parse(String(out.doc))).toEqual(typeof s.doc === "string" ? JSON.parse(s.doc) : s.doc)
    }
  }, 180_000)

  it('exports the same table to CSV with the same values', async () => {
    const dir = tempDir()
    const run = await runCli(['run', '-c', config(dir, MYSQL_URL, 'mysql', 'csv', 'mycsv')])
    expect(run.code).toBe(0)
    const file = readdirSync(join(dir, 'out-mycsv')).find((f) => f.endsWith('.csv.zst'))!
    const text = Buffer.from(await decompress(readFileSync(join(dir, 'out-mycsv', file)))).toString('utf8')
    const lines = text.trimEnd().split('\n')
    expect(lines[0]).toBe('id,name,amount,ts,d,flag,score,small,doc')
    expect(lines).toHaveLength(ROWS + 1)
    expect(lines[1]).toMatch(/^1,naïve – 1,/)
  }, 180_000)

  it.skipIf(!hasPg)('the same logical dataset exported from PostgreSQL and from MariaDB is equal column by column', async () => {
    const dir = tempDir()
    const my = await runCli(['run', '-c', config(dir, MYSQL_URL, 'mysql', 'parquet', 'xmy')])
    const pg = await runCli(['run', '-c', config(dir, PG_URL, 'postgres', 'parquet', 'xpg')])
    expect(my.code, my.stderr).toBe(0)
    expect(pg.code, pg.stderr).toBe(0)
    const a = new Map((await readAllRows(join(dir, 'out-xmy'))).map((r) => [String(r.id), normalize(r)]))
    const b = new Map((await readAllRows(join(dir, 'out-xpg'))).map((r) => [String(r.id), normalize(r)]))
    expect(a.size).toBe(ROWS)
    expect(b.size).toBe(ROWS)
    for (const [id, row] of b) expect(a.get(id), `id ${id}`).toEqual(row)
  }, 180_000)
})

describe.skipIf(!hasMysql)('MySQL/MariaDB source: time_window', () => {
  beforeAll(async () => {
    await withMysqlUtc(async (c) => {
      await c.query('DROP TABLE IF EXISTS it_my_window')
      await c.query('CREATE TABLE it_my_window (id INT PRIMARY KEY, at DATETIME(6))')
      await c.query('INSERT INTO it_my_window SELECT seq, NOW(6) - INTERVAL seq * 6 HOUR FROM seq_0_to_39')
    })
  })

  afterAll(async () => {
    await withMysqlUtc((c) => c.query('DROP TABLE IF EXISTS it_my_window'))
  })

  it('time_window reads only the last days_window days', async () => {
    const dir = tempDir()
    const cfg = writeConfig(
      dir,
      `source:
  type: mysql
  url: ${MYSQL_URL}
exports:
  - name: w
    table: it_my_window
    mode: time_window
    time_column: at
    days_window: 3
    format: parquet
    destination: { type: local, path: "./out" }
`,
    )
    const run = await runCli(['run', '-c', cfg])
    expect(run.stderr).not.toMatch(/\[RIVET_/)
    expect(run.code).toBe(0)
    const ids = (await readAllRows(join(dir, 'out'))).map((r) => Number(r.id)).sort((a, b) => a - b)
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => i))
  }, 60_000)
})

describe.skipIf(!hasMysql)('MySQL/MariaDB source: incremental', () => {
  const BASE = "'2024-01-01 00:00:00'"

  beforeAll(async () => {
    await withMysqlUtc(async (c) => {
      await c.query('DROP TABLE IF EXISTS it_my_inc')
      await c.query('CREATE TABLE it_my_inc (id INT PRIMARY KEY, updated_at DATETIME(6) NOT NULL, v VARCHAR(40), KEY (updated_at))')
      // 1000 rows in groups of 100 sharing one updated_at: ties on every cursor value
      await c.query(`INSERT INTO it_my_inc SELECT seq, ${BASE} + INTERVAL ((seq - 1) DIV 100) HOUR, MD5(seq) FROM seq_1_to_1000`)
    })
  })

  afterAll(async () => {
    await withMysqlUtc((c) => c.query('DROP TABLE IF EXISTS it_my_inc'))
  })

  it('exports each change once: ties on the last cursor value, updates and inserts between runs', async () => {
    const dir = tempDir()
    const cfg = writeConfig(
      dir,
      `source:
  type: mysql
  url: ${MYSQL_URL}
exports:
  - name: inc
    table: it_my_inc
    mode: incremental
    cursor_column: updated_at
    format: parquet
    skip_empty: true
    destination: { type: local, path: "./out" }
`,
    )
    const once = async (): Promise<number[]> => {
      rmSync(join(dir, 'out'), { recursive: true, force: true })
      const run = await runCli(['run', '-c', cfg])
      expect(run.stderr).not.toMatch(/\[RIVET_/)
      expect(run.code).toBe(0)
      return (await readAllRows(join(dir, 'out'))).map((r) => Number(r.id)).sort((a, b) => a - b)
    }
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i)
    expect(await once()).toEqual(range(1, 1000))
    await withMysqlUtc(async (c) => {
      await c.query(`INSERT INTO it_my_inc SELECT seq, ${BASE} + INTERVAL 9 HOUR, 'late' FROM seq_1001_to_1050`)
      await c.query(`UPDATE it_my_inc SET updated_at = ${BASE} + INTERVAL 10 HOUR, v = 'updated' WHERE id BETWEEN 5 AND 9`)
      await c.query(`INSERT INTO it_my_inc SELECT seq, ${BASE} + INTERVAL 11 HOUR, 'new' FROM seq_1051_to_1060`)
    })
    expect(await once()).toEqual([...range(5, 9), ...range(1001, 1060)])
    expect(await once()).toEqual([])
  }, 120_000)
})
