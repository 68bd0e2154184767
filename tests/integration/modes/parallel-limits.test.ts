import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collect, runCli, spawnCli, tempDir, writeConfig } from '../../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../../helpers/db.js'
import { byKey, readAllRows, type RunJson } from './helpers.js'

const hasPg = await pgAvailable()
const ROLE = 'rivet_it_limited'

function urlAs(user: string): string {
  const u = new URL(PG_URL)
  u.username = user
  u.password = ''
  return u.toString()
}

function chunkedConfig(dir: string, name: string, table: string, extra: string, url = PG_URL): string {
  return writeConfig(
    dir,
    `source:
  type: postgres
  url: ${url}
  application_name: ${name}
exports:
  - name: ${name}
    table: ${table}
    mode: chunked
    format: parquet
    destination: { type: local, path: "./out/{export}" }
${extra}
`,
  )
}

/** Highest number of this application's connections seen while `work` runs (polled every 5 ms). */
async function peakConnections(appName: string, work: Promise<unknown>): Promise<number> {
  const probe = new pg.Client({ connectionString: PG_URL })
  await probe.connect()
  let peak = 0
  let done = false
  void work.finally(() => (done = true))
  try {
    while (!done) {
      const r = await probe.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [appName])
      peak = Math.max(peak, r.rows[0].n)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  } finally {
    await probe.end()
  }
  return peak
}

describe.skipIf(!hasPg)('parallel chunk readers on PostgreSQL', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS it_par')
      await c.query(`CREATE TABLE it_par AS SELECT g::int8 AS id, repeat(md5(g::text), 4) AS v FROM generate_series(1, 300000) g`)
      await c.query('ALTER TABLE it_par ADD PRIMARY KEY (id)')
      await c.query('ANALYZE it_par')
      await c.query(`DROP ROLE IF EXISTS ${ROLE}`)
      await c.query(`CREATE ROLE ${ROLE} LOGIN CONNECTION LIMIT 2`)
      await c.query(`GRANT SELECT ON it_par TO ${ROLE}`)
      await c.query('CREATE OR REPLACE FUNCTION rivet_it_slow(i int8) RETURNS int8 LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.001); RETURN i; END $$')
    })
  }, 120_000)

  afterAll(async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS it_par')
      await c.query(`DROP ROLE IF EXISTS ${ROLE}`)
      await c.query('DROP FUNCTION IF EXISTS rivet_it_slow(int8)')
    })
  })

  it('a role with CONNECTION LIMIT 2 and parallel: 8 runs on at most 2 connections and says it clamped', async () => {
    const dir = tempDir()
    const cfg = chunkedConfig(dir, 'rivet_it_clamp', 'public.it_par', '    chunk_size: 10000\n    parallel: 8', urlAs(ROLE))
    const running = runCli(['run', '-c', cfg, '--json'])
    const peak = await peakConnections('rivet_it_clamp', running)
    const run = await running
    expect(run.stderr).not.toMatch(/\[RIVET_/)
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/parallel 8 clamped to 2: the source can spare 2 connection\(s\).*CONNECTION LIMIT 2/)
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThanOrEqual(2)
    const report = JSON.parse(run.stdout) as RunJson
    expect(report.exports[0]!.rows).toBe(300_000)
    expect(byKey(await readAllRows(join(dir, 'out')), 'id').size).toBe(300_000)
  }, 300_000)

  it('a slowed source drives the fetch size down so that no statement exceeds chunk_max_statement_s', async () => {
    const statsOf = async (where: string) => {
      const dir = tempDir()
      const cfg = writeConfig(
        dir,
        `source:
  type: postgres
  url: ${PG_URL}
exports:
  - name: slow
    query: "select id, v from it_par where id <= 6000${where}"
    mode: chunked
    chunk_column: id
    chunk_size: 3000
    chunk_max_statement_s: 1
    format: parquet
    destination: { type: local, path: "./out" }
`,
      )
      const run = await runCli(['run', '-c', cfg, '--json'])
      expect(run.stderr).not.toMatch(/\[RIVET_/)
      expect(run.code).toBe(0)
      const report = JSON.parse(run.stdout) as RunJson
      expect(report.exports[0]!.rows).toBe(6000)
      return report.exports[0]!.stats!
    }
    const fast = await statsOf('')
    // ~1 ms of pg_sleep per row
    const slow = await statsOf(' and rivet_it_slow(id) = id')
    expect(slow.maxStatementMs!).toBeLessThan(1000)
    // on the fast source the fetch size keeps doubling; on the slow one it stays near 150 ms of rows
    expect(fast.maxChunkSize!).toBeGreaterThanOrEqual(800)
    expect(slow.maxChunkSize!).toBeLessThanOrEqual(fast.maxChunkSize! / 4)
  }, 300_000)

  it('SIGKILL during a checkpointed parallel run, then --resume: output equals the source, completed chunks are not read again', async () => {
    const dir = tempDir()
    const cfg = chunkedConfig(dir, 'rivet_it_resume', 'public.it_par', '    chunk_size: 10000\n    parallel: 2\n    chunk_checkpoint: true\n    tuning: { throttle_ms: 100 }')
    const child = spawnCli(['run', '-c', cfg])
    const finished = collect(child)
    const statePath = join(dir, '.rivet_state.db')
    // wait until some chunks are completed, then kill without warning
    let completedBefore: { chunk_index: number; attempts: number }[] = []
    for (let i = 0; i < 600; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      try {
        const db = new Database(statePath, { readonly: true, fileMustExist: true })
        completedBefore = db.prepare("SELECT chunk_index, attempts FROM chunk_tasks WHERE status = 'completed' ORDER BY chunk_index").all() as typeof completedBefore
        db.close()
      } catch {
        continue
      }
      if (completedBefore.length >= 5) break
    }
    child.kill('SIGKILL')
    await finished
    expect(completedBefore.length).toBeGreaterThanOrEqual(5)
    expect(completedBefore.length).toBeLessThan(30)

    const resumed = await runCli(['run', '-c', cfg, '--resume', '--json'])
    expect(resumed.stderr).not.toMatch(/\[RIVET_/)
    expect(resumed.code).toBe(0)
    expect(resumed.stderr).toMatch(/resuming run/)
    const db = new Database(statePath, { readonly: true })
    const tasks = db.prepare('SELECT chunk_index, status, attempts FROM chunk_tasks ORDER BY chunk_index').all() as { chunk_index: number; status: string; attempts: number }[]
    const runs = db.prepare('SELECT run_id, status FROM runs').all() as { run_id: string; status: string }[]
    db.close()
    expect(runs).toHaveLength(1)
    expect(runs[0]!.status).toBe('completed')
    expect(tasks).toHaveLength(30)
    expect(tasks.every((t) => t.status === 'completed')).toBe(true)
    // the chunks completed before the kill were started exactly once: the resume did not read them
    for (const before of completedBefore) expect(tasks.find((t) => t.chunk_index === before.chunk_index)!.attempts).toBe(1)
    const rows = byKey(await readAllRows(join(dir, 'out')), 'id')
    expect(rows.size).toBe(300_000)
    await withPg(async (c) => {
      const src = await c.query('SELECT id::text AS id, v FROM it_par')
      for (const r of src.rows) expect(rows.get(r.id)?.v).toBe(r.v)
    })
    // nothing left to resume now
    const again = await runCli(['run', '-c', cfg, '--resume'])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/\[RIVET_RESUME_NOTHING\]/)
  }, 300_000)

  it('--resume refuses when the export changed since the interrupted run', async () => {
    const dir = tempDir()
    const cfg = chunkedConfig(dir, 'rivet_it_changed', 'public.it_par', '    chunk_size: 10000\n    chunk_checkpoint: true\n    tuning: { throttle_ms: 100 }')
    const child = spawnCli(['run', '-c', cfg])
    const finished = collect(child)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    child.kill('SIGKILL')
    await finished
    chunkedConfig(dir, 'rivet_it_changed', 'public.it_par', '    chunk_size: 20000\n    chunk_checkpoint: true')
    const resumed = await runCli(['run', '-c', cfg, '--resume'])
    expect(resumed.code).toBe(1)
    expect(resumed.stderr).toMatch(/\[RIVET_RESUME_PLAN_CHANGED\]/)
  }, 120_000)
})
