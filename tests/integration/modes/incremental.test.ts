import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig } from '../../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../../helpers/db.js'
import { readAllRows, type RunJson } from './helpers.js'

const hasPg = await pgAvailable()
const BASE = "'2024-01-01 00:00:00+00'::timestamptz"

/** Run the export, return the ids it wrote (sorted) and the run report; the output folder is emptied first. */
async function runOnce(dir: string, cfg: string): Promise<{ ids: number[]; report: RunJson; stderr: string }> {
  rmSync(join(dir, 'out'), { recursive: true, force: true })
  const run = await runCli(['run', '-c', cfg, '--json'])
  expect(run.stderr).not.toMatch(/\[RIVET_/)
  expect(run.code, run.stdout).toBe(0)
  const rows = await readAllRows(join(dir, 'out'))
  return { ids: rows.map((r) => Number(r.id)).sort((a, b) => a - b), report: JSON.parse(run.stdout) as RunJson, stderr: run.stderr }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

function incrementalConfig(dir: string, table: string, extra = ''): string {
  return writeConfig(
    dir,
    `source:
  type: postgres
  url: ${PG_URL}
exports:
  - name: inc
    table: ${table}
    mode: incremental
    cursor_column: updated_at
    format: parquet
    skip_empty: true
    destination: { type: local, path: "./out" }
${extra}
`,
  )
}

describe.skipIf(!hasPg)('incremental mode on PostgreSQL', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS it_inc, it_inc_nokey, it_inc_coalesce')
      // 1000 rows in groups of 100 sharing one updated_at: ties on every cursor value
      await c.query(`CREATE TABLE it_inc (id int PRIMARY KEY, updated_at timestamptz NOT NULL, v text)`)
      await c.query(`INSERT INTO it_inc SELECT g, ${BASE} + ((g - 1) / 100) * interval '1 hour', md5(g::text) FROM generate_series(1, 1000) g`)
      await c.query('CREATE INDEX ON it_inc (updated_at)')
      await c.query(`CREATE TABLE it_inc_nokey (id int, updated_at timestamptz, v text)`)
      await c.query(`INSERT INTO it_inc_nokey SELECT g, ${BASE} + ((g - 1) / 100) * interval '1 hour', md5(g::text) FROM generate_series(1, 300) g`)
      await c.query(`CREATE TABLE it_inc_coalesce (id int PRIMARY KEY, updated_at timestamptz, created_at timestamptz NOT NULL)`)
      await c.query(`INSERT INTO it_inc_coalesce SELECT g, CASE WHEN g % 2 = 0 THEN ${BASE} + g * interval '1 minute' END, ${BASE} + g * interval '1 minute' FROM generate_series(1, 100) g`)
    })
  }, 60_000)

  afterAll(async () => {
    await withPg((c) => c.query('DROP TABLE IF EXISTS it_inc, it_inc_nokey, it_inc_coalesce'))
  })

  it('exports each change once: ties on the last cursor value, updates and inserts between runs', async () => {
    const dir = tempDir()
    const cfg = incrementalConfig(dir, 'public.it_inc')
    const first = await runOnce(dir, cfg)
    expect(first.ids).toEqual(range(1, 1000))
    expect(first.stderr).toMatch(/no cursor yet/)

    await withPg(async (c) => {
      // late rows that tie on the last exported value (ids 901..1000 already carry it)
      await c.query(`INSERT INTO it_inc SELECT g, ${BASE} + interval '9 hours', 'late' FROM generate_series(1001, 1050) g`)
      // updates move old rows past the cursor; new rows beyond it
      await c.query(`UPDATE it_inc SET updated_at = ${BASE} + interval '10 hours', v = 'updated' WHERE id BETWEEN 5 AND 9`)
      await c.query(`INSERT INTO it_inc SELECT g, ${BASE} + interval '11 hours', 'new' FROM generate_series(1051, 1060) g`)
    })
    const second = await runOnce(dir, cfg)
    expect(second.ids).toEqual([...range(5, 9), ...range(1001, 1060)])
    expect(second.stderr).toMatch(/skipped by key/)

    const third = await runOnce(dir, cfg)
    expect(third.ids).toEqual([])
    expect(third.report.exports[0]!.rows).toBe(0)

    await withPg((c) => c.query(`UPDATE it_inc SET updated_at = ${BASE} + interval '11 hours', v = 'tie again' WHERE id = 1`))
    const fourth = await runOnce(dir, cfg)
    expect(fourth.ids).toEqual([1])
  }, 120_000)

  it('the cursor only moves when the run completes: a failed run changes nothing', async () => {
    const dir = tempDir()
    const cfg = incrementalConfig(dir, 'public.it_inc')
    await runOnce(dir, cfg)
    // a destination that cannot be written makes the run fail after reading
    const bad = writeConfig(
      dir,
      `source:
  type: postgres
  url: ${PG_URL}
exports:
  - name: inc
    table: public.it_inc
    mode: incremental
    cursor_column: updated_at
    format: parquet
    destination: { type: local, path: "/proc/rivet-cannot-write" }
`,
      'bad.yaml',
    )
    await withPg((c) => c.query(`UPDATE it_inc SET updated_at = ${BASE} + interval '12 hours' WHERE id = 2`))
    const failed = await runCli(['run', '-c', bad])
    expect(failed.code).not.toBe(0)
    const after = await runOnce(dir, cfg)
    expect(after.ids).toEqual([2])
  }, 120_000)

  it('without a unique key the boundary value is read again (at-least-once), never skipped', async () => {
    const dir = tempDir()
    const cfg = incrementalConfig(dir, 'public.it_inc_nokey')
    expect((await runOnce(dir, cfg)).ids).toEqual(range(1, 300))
    await withPg((c) => c.query(`INSERT INTO it_inc_nokey VALUES (301, ${BASE} + interval '2 hours', 'tie')`))
    const second = await runOnce(dir, cfg)
    // rows 201..300 carry the last value: read again alongside the new tie
    expect(second.ids).toEqual(range(201, 301))
    expect(second.stderr).toMatch(/at-least-once/)
  }, 120_000)

  it('cursor_overlap re-reads a window below the cursor', async () => {
    const dir = tempDir()
    const cfg = incrementalConfig(dir, 'public.it_inc_nokey', '    unique_key: [id]\n    cursor_overlap: "1h"')
    await runOnce(dir, cfg)
    const second = await runOnce(dir, cfg)
    // everything from one hour below the last value: ids 101..301
    expect(second.ids).toEqual(range(101, 301))
  }, 120_000)

  it('coalesce mode falls back to a second column where the cursor column is NULL', async () => {
    const dir = tempDir()
    const cfg = writeConfig(
      dir,
      `source:
  type: postgres
  url: ${PG_URL}
exports:
  - name: inc
    table: public.it_inc_coalesce
    mode: incremental
    cursor_column: updated_at
    cursor_fallback_column: created_at
    incremental_cursor_mode: coalesce
    format: parquet
    skip_empty: true
    destination: { type: local, path: "./out" }
`,
    )
    expect((await runOnce(dir, cfg)).ids).toEqual(range(1, 100))
    await withPg(async (c) => {
      await c.query(`INSERT INTO it_inc_coalesce VALUES (101, NULL, ${BASE} + interval '200 minutes')`)
      await c.query(`UPDATE it_inc_coalesce SET updated_at = ${BASE} + interval '300 minutes' WHERE id = 3`)
    })
    expect((await runOnce(dir, cfg)).ids).toEqual([3, 101])
  }, 120_000)

  it('rivet state reset clears the cursor: the next run reads every row again', async () => {
    const dir = tempDir()
    const cfg = incrementalConfig(dir, 'public.it_inc_nokey')
    await runOnce(dir, cfg)
    const reset = await runCli(['state', 'reset', '-c', cfg, '-e', 'inc'])
    expect(reset.code).toBe(0)
    const again = await runOnce(dir, cfg)
    expect(again.ids.length).toBeGreaterThanOrEqual(301)
  }, 120_000)
})
