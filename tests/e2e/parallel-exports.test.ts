import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultStatePath, openStateStore } from '../../src/state/index.js'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { MYSQL_URL, PG_URL, mysqlAvailable, pgAvailable, withMysql, withPg } from '../helpers/db.js'

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()
/** The account every export runs as: it may hold this many connections, no more. */
const USER = 'rivet_pe_user'
const LIMIT = 3
const dirs: string[] = []

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  if (hasPg) {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS pe_big1, pe_big2, pe_small')
      await c.query(`DROP ROLE IF EXISTS ${USER}`)
    })
  }
  if (hasMysql) {
    await withMysql(async (c) => {
      await c.query('DROP TABLE IF EXISTS pe_big1, pe_big2, pe_small')
      await c.query(`DROP USER IF EXISTS '${USER}'@'%'`)
    })
  }
})

function urlAs(base: string, user: string): string {
  const u = new URL(base)
  u.username = user
  u.password = ''
  return u.toString()
}

const TABLES = { pe_big1: 200_000, pe_big2: 150_000, pe_small: 5_000 } as const

/** Three exports: two chunked ones that each want 4 readers, one full. */
function config(dir: string, type: 'postgres' | 'mysql', url: string): string {
  const exp = (name: keyof typeof TABLES, extra: string) =>
    `  - name: ${name}\n    table: ${name}\n    format: csv\n    compression: none\n${extra}    destination: { type: local, path: ./out/${name} }\n`
  const chunked = '    mode: chunked\n    chunk_column: id\n    chunk_count: 6\n    parallel: 4\n'
  return writeConfig(dir, `source:\n  type: ${type}\n  url: ${url}\nexports:\n${exp('pe_big1', chunked)}${exp('pe_big2', chunked)}${exp('pe_small', '')}`)
}

/** Every id of an export's CSV files (first column), in file order. */
function idsWritten(dir: string): number[] {
  const ids: number[] = []
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n').slice(1).filter((l) => l.length > 0)
    for (const line of lines) ids.push(Number(line.slice(0, line.indexOf(','))))
  }
  return ids
}

/** Run the config with --parallel-exports while sampling how many connections the account holds. */
async function runSampling(cfg: string, connections: () => Promise<number>): Promise<{ code: number | null; stderr: string; peak: number }> {
  const running = runCli(['run', '-c', cfg, '--parallel-exports'])
  let done = false
  void running.finally(() => (done = true))
  let peak = 0
  while (!done) {
    peak = Math.max(peak, await connections())
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const r = await running
  return { code: r.code, stderr: r.stderr, peak }
}

function expectOutputsEqualSource(dir: string, cfg: string): void {
  for (const [table, rows] of Object.entries(TABLES)) {
    const ids = idsWritten(join(dir, 'out', table)).sort((a, b) => a - b)
    expect(ids.length, table).toBe(rows)
    // ids are 1..rows in the source: each exactly once
    expect(ids.every((id, i) => id === i + 1), `${table}: every id exactly once`).toBe(true)
  }
  const state = openStateStore(defaultStatePath(cfg))
  try {
    // the exports ran at the same time: each started before another finished
    const runs = Object.keys(TABLES).map((name) => state.listRuns({ exportName: name, limit: 1 })[0]!)
    expect(runs.every((r) => r.status === 'completed')).toBe(true)
    const overlapping = runs.some((a) => runs.some((b) => a !== b && a.startedAt < b.finishedAt! && b.startedAt < a.finishedAt!))
    expect(overlapping, 'at least two exports overlapped in time').toBe(true)
  } finally {
    state.close()
  }
}

describe.skipIf(!hasPg)('--parallel-exports on PostgreSQL (spawned CLI)', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query(`DROP ROLE IF EXISTS ${USER}`)
      await c.query(`CREATE ROLE ${USER} LOGIN CONNECTION LIMIT ${LIMIT}`)
      for (const [table, rows] of Object.entries(TABLES)) {
        await c.query(`DROP TABLE IF EXISTS ${table}`)
        await c.query(`CREATE TABLE ${table} (id int PRIMARY KEY, label text)`)
        await c.query(`INSERT INTO ${table} SELECT g, md5(g::text) FROM generate_series(1, ${rows}) g`)
        await c.query(`GRANT SELECT ON ${table} TO ${USER}`)
      }
    })
  }, 120_000)

  it(`three exports wanting 9 readers run at once within the role's CONNECTION LIMIT ${LIMIT}; every output equals its source`, async () => {
    const dir = tempDir('rivet-pe-')
    dirs.push(dir)
    const cfg = config(dir, 'postgres', urlAs(PG_URL, USER))
    const run = await runSampling(cfg, () =>
      withPg(async (c) => Number((await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND backend_type = 'client backend'", [USER])).rows[0].n)),
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/running 3 exports at once: up to 3 reader\(s\)/)
    expect(run.peak, 'connections held by the account at the busiest moment').toBeGreaterThan(1)
    expect(run.peak).toBeLessThanOrEqual(LIMIT)
    expectOutputsEqualSource(dir, cfg)
  })
})

describe.skipIf(!hasMysql)('--parallel-exports on MariaDB (spawned CLI)', () => {
  beforeAll(async () => {
    await withMysql(async (c) => {
      await c.query(`DROP USER IF EXISTS '${USER}'@'%'`)
      await c.query(`CREATE USER '${USER}'@'%' WITH MAX_USER_CONNECTIONS ${LIMIT}`)
      for (const [table, rows] of Object.entries(TABLES)) {
        await c.query(`DROP TABLE IF EXISTS ${table}`)
        await c.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, label VARCHAR(40))`)
        await c.query(`INSERT INTO ${table} SELECT seq, MD5(seq) FROM seq_1_to_${rows}`)
        await c.query(`GRANT SELECT ON ${table} TO '${USER}'@'%'`)
      }
    })
  }, 120_000)

  it(`three exports wanting 9 readers run at once within MAX_USER_CONNECTIONS ${LIMIT}; every output equals its source`, async () => {
    const dir = tempDir('rivet-pe-my-')
    dirs.push(dir)
    const cfg = config(dir, 'mysql', urlAs(MYSQL_URL, USER))
    const run = await runSampling(cfg, () =>
      withMysql(async (c) => Number(((await c.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?', [USER]))[0] as { n: unknown }[])[0]!.n)),
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/running 3 exports at once: up to 3 reader\(s\)/)
    expect(run.peak).toBeGreaterThan(1)
    expect(run.peak).toBeLessThanOrEqual(LIMIT)
    expectOutputsEqualSource(dir, cfg)
  })
})
