import { join } from 'node:path'
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collect, runCli, spawnCli, tempDir } from '../../helpers/cli.js'
import { MYSQL_URL, mysqlAvailable, withMysql } from '../../helpers/db.js'
import { readParquetExact } from '../../helpers/parquet.js'
import { byKey, oneExportConfig, parquetFiles, readAllRows, type RunJson } from './helpers.js'

const hasMysql = await mysqlAvailable()
const USER = 'rivet_it_mylimit'
/** 2^53: above it a double cannot tell neighbouring integers apart. */
const BIG = 9007199254740992n

/** The shared helper, with times read as UTC. */
const withMysqlUtc = <T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> => withMysql(fn, { timezone: 'Z' })

/** A date (day number) or timestamp (µs) value read back from Parquet, in ms since the epoch. */
function toMs(v: unknown): number {
  if (typeof v === 'bigint') return Number(v / 1000n)
  if (typeof v === 'number') return v * 86_400_000
  throw new Error(`not a date or timestamp: ${String(v)}`)
}

function urlAs(user: string): string {
  const u = new URL(MYSQL_URL)
  u.username = user
  u.password = ''
  return u.toString()
}

/** A config with one export; `extra` is indented export keys. */
function config(dir: string, name: string, source: string, extra: string, url = MYSQL_URL): string {
  return oneExportConfig(dir, 'mysql', url, name, source, extra)
}

/** Run and expect success; returns the JSON report of the one export. */
async function runOk(cfg: string, args: string[] = []): Promise<{ report: RunJson['exports'][number]; stderr: string }> {
  const run = await runCli(['run', '-c', cfg, '--json', ...args])
  expect(run.stderr).not.toMatch(/\[RIVET_/)
  expect(run.code, run.stderr.slice(-2000)).toBe(0)
  return { report: (JSON.parse(run.stdout) as RunJson).exports[0]!, stderr: run.stderr }
}

/** Every source row (id -> columns as text) equals its output row, and nothing else was written. */
async function expectEqualToSource(outDir: string, sql: string): Promise<void> {
  const rows = byKey(await readAllRows(outDir), 'id')
  const src = await withMysqlUtc(async (c) => (await c.query(sql))[0] as Record<string, unknown>[])
  expect(rows.size, 'rows in the files').toBe(src.length)
  for (const s of src) {
    const out = rows.get(String(s.id))
    expect(out, `id ${s.id}`).toBeDefined()
    for (const [k, v] of Object.entries(s)) {
      const got = out![k]
      const text = got === null ? null : String(got)
      if (text !== (v === null ? null : String(v))) expect({ id: s.id, [k]: text }).toEqual({ id: s.id, [k]: v })
    }
  }
}

describe.skipIf(!hasMysql)('chunked mode on MySQL/MariaDB', () => {
  beforeAll(async () => {
    await withMysqlUtc(async (c) => {
      await c.query("SET time_zone = '+00:00'")
      // 400,000 rows: ids 1..300,000 dense, then 100,000 ids 1,000 apart; a date column with an index
      await c.query('DROP TABLE IF EXISTS it_mychunk')
      await c.query(`CREATE TABLE it_mychunk (id BIGINT PRIMARY KEY, v CHAR(32), d DATE NOT NULL, at TIMESTAMP(6) NOT NULL, k INT, KEY (d), KEY (at))`)
      await c.query(`INSERT INTO it_mychunk
        SELECT id, MD5(id), DATE_ADD('2024-01-01', INTERVAL (id MOD 90) DAY), TIMESTAMPADD(SECOND, (id MOD 500000) * 7, '2024-03-01 00:00:00'), id MOD 7
        FROM (SELECT seq AS id FROM seq_1_to_300000 UNION ALL SELECT 1000000 + seq * 1000 FROM seq_1_to_100000) s`)
      await c.query('ANALYZE TABLE it_mychunk')
      // keys beyond 2^53, where a quoted bound would compare as a double
      await c.query('DROP TABLE IF EXISTS it_mychunk_big')
      await c.query('CREATE TABLE it_mychunk_big (id BIGINT UNSIGNED PRIMARY KEY, v INT)')
      await c.query(`INSERT INTO it_mychunk_big SELECT ${BIG} + seq, seq FROM seq_0_to_29999`)
      await c.query('ANALYZE TABLE it_mychunk_big')
      // a case-insensitive text key: bounds must compare in the column's collation
      await c.query('DROP TABLE IF EXISTS it_mychunk_text')
      await c.query('CREATE TABLE it_mychunk_text (id VARCHAR(40) COLLATE utf8mb4_unicode_ci PRIMARY KEY, n INT)')
      await c.query(`INSERT INTO it_mychunk_text SELECT CONCAT(IF(seq MOD 2 = 0, 'Key-', 'key-'), MD5(seq)), seq FROM seq_1_to_50000`)
      await c.query('ANALYZE TABLE it_mychunk_text')
      await c.query(`DROP USER IF EXISTS '${USER}'@'%'`)
      await c.query(`CREATE USER '${USER}'@'%' WITH MAX_USER_CONNECTIONS 2`)
      await c.query(`GRANT SELECT ON it_mychunk TO '${USER}'@'%'`)
    })
  }, 300_000)

  afterAll(async () => {
    await withMysqlUtc(async (c) => {
      for (const t of ['it_mychunk', 'it_mychunk_big', 'it_mychunk_text', 'it_mychunk_nulls']) await c.query(`DROP TABLE IF EXISTS ${t}`)
      await c.query(`DROP USER IF EXISTS '${USER}'@'%'`)
    })
  })

  it('reads integer ranges of the primary key in parallel: every row exactly once, short statements, sparseness reported', async () => {
    const dir = tempDir()
    const { report, stderr } = await runOk(config(dir, 'ranges', 'table: it_mychunk', '    mode: chunked\n    chunk_size: 100000\n    parallel: 2'))
    expect(stderr).toMatch(/chunking on the primary key id/)
    expect(stderr).toMatch(/id is sparse/)
    expect(report.rows).toBe(400_000)
    expect(report.stats?.parallel).toBe(2)
    expect(report.stats?.maxStatementMs).toBeLessThan(1000)
    // ids 1..300,000 fill chunks 0-3; the sparse region 1,001,000..101,000,000 holds the rest
    expect(parquetFiles(join(dir, 'out', 'ranges')).length).toBeGreaterThan(4)
    await expectEqualToSource(join(dir, 'out', 'ranges'), 'SELECT id, v, k FROM it_mychunk')
  }, 300_000)

  it('chunk_by_days cuts a DATE column and a TIMESTAMP column into day windows', async () => {
    for (const column of ['d', 'at']) {
      const dir = tempDir()
      const { report, stderr } = await runOk(config(dir, 'days', 'table: it_mychunk', `    mode: chunked\n    chunk_column: ${column}\n    chunk_by_days: 7\n    parallel: 2`))
      expect(report.rows).toBe(400_000)
      expect(stderr).toMatch(new RegExp(`\\d+ chunk\\(s\\) on ${column}, 2 in parallel`))
      const rows = byKey(await readAllRows(join(dir, 'out', 'days')), 'id')
      expect(rows.size).toBe(400_000)
      // each file holds one window: its values span less than 7 days
      for (const file of parquetFiles(join(dir, 'out', 'days'))) {
        const ms = (await readParquetExact(file)).rows.map((r) => toMs(r[column]))
        expect(Math.max(...ms) - Math.min(...ms), file).toBeLessThan(7 * 86_400_000)
      }
    }
  }, 300_000)

  it('chunk_dense cuts a non-unique column by rows, paging each chunk by (column, key)', async () => {
    const dir = tempDir()
    const { report, stderr } = await runOk(config(dir, 'dense', 'table: it_mychunk', '    mode: chunked\n    chunk_column: d\n    chunk_dense: true\n    chunk_size: 60000'))
    expect(report.rows).toBe(400_000)
    expect(report.stats?.chunks).toBeGreaterThanOrEqual(6)
    expect(stderr).toMatch(/chunk\(s\) on d/)
    await expectEqualToSource(join(dir, 'out', 'dense'), 'SELECT id, v, k FROM it_mychunk')
  }, 300_000)

  it('keys above 2^53 page and chunk exactly (bounds are compared as integers, not doubles)', async () => {
    const full = tempDir()
    const a = await runOk(config(full, 'big', 'table: it_mychunk_big', '    mode: full'))
    expect(a.report.rows).toBe(30_000)
    // several keyset pages, each bounded by the previous page's last key
    expect((a.report.stats as { statements?: number } | undefined)?.statements).toBeGreaterThan(3)
    await expectEqualToSource(join(full, 'out', 'big'), 'SELECT CAST(id AS CHAR) AS id, v FROM it_mychunk_big')
    const chunked = tempDir()
    const b = await runOk(config(chunked, 'big', 'table: it_mychunk_big', '    mode: chunked\n    chunk_count: 7\n    parallel: 2'))
    expect(b.report.rows).toBe(30_000)
    expect(b.report.stats?.chunks).toBe(7)
    await expectEqualToSource(join(chunked, 'out', 'big'), 'SELECT CAST(id AS CHAR) AS id, v FROM it_mychunk_big')
  }, 300_000)

  it('chunk_by_key pages a case-insensitive text primary key: every key exactly once', async () => {
    const dir = tempDir()
    const { report } = await runOk(config(dir, 'text', 'table: it_mychunk_text', '    mode: chunked\n    chunk_by_key: true\n    chunk_size: 7000\n    parallel: 2'))
    expect(report.rows).toBe(50_000)
    expect(report.stats?.chunks).toBeGreaterThanOrEqual(7)
    await expectEqualToSource(join(dir, 'out', 'text'), 'SELECT id, n FROM it_mychunk_text')
  }, 300_000)

  it('an account with MAX_USER_CONNECTIONS 2 and parallel: 8 reads on at most 2 connections and says it clamped', async () => {
    const dir = tempDir()
    const cfg = config(dir, 'clamp', 'table: it_mychunk', '    mode: chunked\n    chunk_size: 20000\n    parallel: 8', urlAs(USER))
    const running = runCli(['run', '-c', cfg, '--json'])
    let peak = 0
    let done = false
    void running.finally(() => (done = true))
    await withMysqlUtc(async (c) => {
      while (!done) {
        const [r] = await c.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?', [USER])
        peak = Math.max(peak, Number((r as { n: unknown }[])[0]!.n))
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })
    const run = await running
    expect(run.stderr).not.toMatch(/\[RIVET_/)
    expect(run.code, run.stderr.slice(-3000)).toBe(0)
    expect(run.stderr).toMatch(/parallel 8 clamped to 2: the source can spare 2 connection\(s\).*max_user_connections 2/)
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThanOrEqual(2)
    expect((JSON.parse(run.stdout) as RunJson).exports[0]!.rows).toBe(400_000)
  }, 300_000)

  it('SIGKILL during a checkpointed parallel run, then --resume: output equals the source, completed chunks are not read again', async () => {
    const dir = tempDir()
    const cfg = config(dir, 'resume', 'table: it_mychunk', '    mode: chunked\n    chunk_column: d\n    chunk_by_days: 3\n    parallel: 2\n    chunk_checkpoint: true\n    tuning: { throttle_ms: 100 }')
    const child = spawnCli(['run', '-c', cfg])
    const finished = collect(child)
    const statePath = join(dir, '.rivet_state.db')
    let completedBefore: { chunk_index: number }[] = []
    for (let i = 0; i < 600 && completedBefore.length < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      try {
        const db = new Database(statePath, { readonly: true, fileMustExist: true })
        completedBefore = db.prepare("SELECT chunk_index FROM chunk_tasks WHERE status = 'completed'").all() as typeof completedBefore
        db.close()
      } catch {
        // the state file is not there yet
      }
    }
    child.kill('SIGKILL')
    await finished
    expect(completedBefore.length).toBeGreaterThanOrEqual(4)
    const { stderr } = await runOk(cfg, ['--resume'])
    expect(stderr).toMatch(/resuming run/)
    const db = new Database(statePath, { readonly: true })
    const tasks = db.prepare('SELECT chunk_index, status, attempts FROM chunk_tasks').all() as { chunk_index: number; status: string; attempts: number }[]
    db.close()
    expect(tasks.length).toBe(30)
    expect(tasks.every((t) => t.status === 'completed')).toBe(true)
    for (const before of completedBefore) expect(tasks.find((t) => t.chunk_index === before.chunk_index)!.attempts).toBe(1)
    await expectEqualToSource(join(dir, 'out', 'resume'), 'SELECT id, v, k FROM it_mychunk')
  }, 300_000)

  it('refuses a chunk column with NULLs and a binary chunk column before writing anything', async () => {
    await withMysqlUtc(async (c) => {
      await c.query('DROP TABLE IF EXISTS it_mychunk_nulls')
      await c.query('CREATE TABLE it_mychunk_nulls (id INT PRIMARY KEY, c INT, b VARBINARY(8))')
      await c.query('INSERT INTO it_mychunk_nulls SELECT seq, IF(seq = 50, NULL, seq), UNHEX(HEX(seq)) FROM seq_1_to_200000')
    })
    const dir = tempDir()
    const nulls = await runCli(['run', '-c', config(dir, 'nulls', 'table: it_mychunk_nulls', '    mode: chunked\n    chunk_column: c\n    chunk_size: 50000')])
    expect(nulls.code).toBe(1)
    expect(nulls.stderr).toMatch(/\[RIVET_PLAN_CHUNK_NULLS\].*chunk column c holds NULLs/)
    const binary = await runCli(['run', '-c', config(dir, 'binary', 'table: it_mychunk_nulls', '    mode: chunked\n    chunk_column: b\n    chunk_dense: true\n    chunk_size: 50000')])
    expect(binary.code).toBe(1)
    expect(binary.stderr).toMatch(/\[RIVET_PLAN_CHUNK_COLUMN\].*chunk column b cannot carry chunks/)
    expect(parquetFiles(dir)).toHaveLength(0)
  }, 120_000)

  it('reads a table smaller than one chunk in a single snapshot, and says so', async () => {
    const dir = tempDir()
    const { report, stderr } = await runOk(config(dir, 'small', 'table: it_mychunk_big', '    mode: chunked\n    chunk_size: 100000'))
    expect(stderr).toMatch(/fewer than one chunk \(100000\): read in a single snapshot/)
    expect(report.rows).toBe(30_000)
    expect(report.stats?.chunks).toBeUndefined()
  }, 120_000)
})
