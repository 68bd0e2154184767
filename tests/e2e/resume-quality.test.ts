import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../helpers/db.js'

const hasPg = await pgAvailable()
const dirs: string[] = []

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  if (hasPg) await withPg((c) => c.query('DROP TABLE IF EXISTS rq_rows'))
})

interface SummaryJson {
  exports: { name: string; status: string; rows: number; error: { code: string } | null; summary: { quality: { check: string; status: string; message: string }[] } }[]
}

/**
 * 4,000 rows in 4 chunks of 1,000 by id. Only the first chunk has NULLs in v: 600 of its 1,000
 * rows, 15 % of the whole table. A run killed after its first two chunks and resumed reads only
 * chunks 2 and 3, which have none: the NULL check sees 15 % only if it counts the chunks read
 * before the interruption.
 */
function config(dir: string, nullRatioMax: number): string {
  return writeConfig(
    dir,
    `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n  - name: rq\n    table: rq_rows\n    mode: chunked\n    chunk_column: id\n    chunk_count: 4\n    parallel: 1\n    chunk_checkpoint: true\n` +
      `    format: csv\n    compression: none\n    destination: { type: local, path: ./out }\n    quality:\n      null_ratio_max: { v: ${nullRatioMax} }\n      unique_columns: [id]\n`,
  )
}

/** Run, killed while publishing chunk 2 (chunks 0 and 1 are complete), then resumed. */
async function killAndResume(nullRatioMax: number): Promise<{ code: number | null; stderr: string; report: SummaryJson['exports'][number] }> {
  const dir = tempDir('rivet-rq-')
  dirs.push(dir)
  const cfg = config(dir, nullRatioMax)
  const killed = await runCli(['run', '-c', cfg], { env: { RIVET_TEST_PANIC_AT: 'after_chunk_file:2' } })
  expect(killed.signal, killed.stderr).toBe('SIGKILL')
  const resumed = await runCli(['run', '-c', cfg, '--resume', '--json'])
  const report = (JSON.parse(resumed.stdout) as SummaryJson).exports[0]!
  return { code: resumed.code, stderr: resumed.stderr, report }
}

describe.skipIf(!hasPg)('quality checks of a resumed chunked run (spawned CLI, PostgreSQL)', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS rq_rows')
      await c.query('CREATE TABLE rq_rows (id int PRIMARY KEY, v text)')
      await c.query(`INSERT INTO rq_rows SELECT g, CASE WHEN g <= 600 THEN NULL ELSE 'x' || g END FROM generate_series(1, 4000) g`)
    })
  })

  it('counts the NULLs of the chunks read before the interruption: 15 % overall fails a 10 % ceiling', async () => {
    const { code, report } = await killAndResume(0.1)
    expect(code).toBe(3)
    expect(report.error?.code).toBe('RIVET_QUALITY_FAILED')
    const nulls = report.summary.quality.find((q) => q.check === 'null_ratio_max')!
    expect(nulls.status).toBe('failed')
    expect(nulls.message).toContain('600 of 4,000 rows')
  })

  it('passes a 20 % ceiling over every chunk, and says the unique check could not be judged', async () => {
    const { code, stderr, report } = await killAndResume(0.2)
    expect(code, stderr).toBe(0)
    expect(report).toMatchObject({ status: 'completed', rows: 4000 })
    const byCheck = Object.fromEntries(report.summary.quality.map((q) => [q.check, q]))
    expect(byCheck.null_ratio_max).toMatchObject({ status: 'passed' })
    expect(byCheck.null_ratio_max!.message).toContain('600 of 4,000 rows')
    expect(byCheck.unique_columns).toMatchObject({ status: 'skipped' })
    expect(byCheck.unique_columns!.message).toMatch(/row keys of the chunks read before the interruption are not kept/)
  })
})
