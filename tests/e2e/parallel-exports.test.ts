import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultStatePath, openStateStore } from '../../src/state/index.js'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { createLimitedMysqlUser, createLimitedPgRole, csvIds, mysqlConnectionsOf, peakWhile, pgConnectionsOf, urlAs } from '../helpers/connection-budget.js'
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

const TABLES = { pe_big1: 200_000, pe_big2: 150_000, pe_small: 5_000 } as const

/** Three exports: two chunked ones that each want 4 readers, one full. */
function config(dir: string, type: 'postgres' | 'mysql', url: string): string {
  const exp = (name: keyof typeof TABLES, extra: string) =>
    `  - name: ${name}\n    table: ${name}\n    format: csv\n    compression: none\n${extra}    destination: { type: local, path: ./out/${name} }\n`
  const chunked = '    mode: chunked\n    chunk_column: id\n    chunk_count: 6\n    parallel: 4\n'
  return writeConfig(dir, `source:\n  type: ${type}\n  url: ${url}\nexports:\n${exp('pe_big1', chunked)}${exp('pe_big2', chunked)}${exp('pe_small', '')}`)
}

function expectOutputsEqualSource(dir: string, cfg: string): void {
  for (const [table, rows] of Object.entries(TABLES)) {
    const ids = csvIds(join(dir, 'out', table))
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
  beforeAll(() => createLimitedPgRole(USER, LIMIT, TABLES), 120_000)

  it(`three exports wanting 9 readers run at once within the role's CONNECTION LIMIT ${LIMIT}; every output equals its source`, async () => {
    const dir = tempDir('rivet-pe-')
    dirs.push(dir)
    const cfg = config(dir, 'postgres', urlAs(PG_URL, USER))
    const { result: run, peak } = await peakWhile(runCli(['run', '-c', cfg, '--parallel-exports']), pgConnectionsOf(USER))
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/running 3 exports at once: up to 3 reader\(s\)/)
    expect(peak, 'connections held by the account at the busiest moment').toBeGreaterThan(1)
    expect(peak).toBeLessThanOrEqual(LIMIT)
    expectOutputsEqualSource(dir, cfg)
  })
})

describe.skipIf(!hasMysql)('--parallel-exports on MariaDB (spawned CLI)', () => {
  beforeAll(() => createLimitedMysqlUser(USER, LIMIT, TABLES), 120_000)

  it(`three exports wanting 9 readers run at once within MAX_USER_CONNECTIONS ${LIMIT}; every output equals its source`, async () => {
    const dir = tempDir('rivet-pe-my-')
    dirs.push(dir)
    const cfg = config(dir, 'mysql', urlAs(MYSQL_URL, USER))
    const { result: run, peak } = await peakWhile(runCli(['run', '-c', cfg, '--parallel-exports']), mysqlConnectionsOf(USER))
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/running 3 exports at once: up to 3 reader\(s\)/)
    expect(peak).toBeGreaterThan(1)
    expect(peak).toBeLessThanOrEqual(LIMIT)
    expectOutputsEqualSource(dir, cfg)
  })
})
