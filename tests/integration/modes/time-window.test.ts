import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig } from '../../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../../helpers/db.js'
import { readAllRows } from './helpers.js'

const hasPg = await pgAvailable()

function config(dir: string, keys: string): string {
  return writeConfig(
    dir,
    `source:
  type: postgres
  url: ${PG_URL}
exports:
  - name: tw
    table: public.it_window
    mode: time_window
${keys}
    format: parquet
    destination: { type: local, path: "./out" }
`,
  )
}

describe.skipIf(!hasPg)('time_window mode on PostgreSQL', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS it_window')
      // one row per 6 hours over the last 10 days: `at` as timestamptz, `epoch` as unix seconds
      await c.query(`CREATE TABLE it_window AS
        SELECT g AS id, now() - g * interval '6 hours' AS at, extract(epoch FROM now() - g * interval '6 hours')::int8 AS epoch
        FROM generate_series(0, 39) g`)
    })
  })

  afterAll(async () => {
    await withPg((c) => c.query('DROP TABLE IF EXISTS it_window'))
  })

  it('reads only the rows of the last days_window days (timestamp column)', async () => {
    const dir = tempDir()
    const run = await runCli(['run', '-c', config(dir, '    time_column: at\n    days_window: 3')])
    expect(run.stderr).not.toMatch(/\[RIVET_/)
    expect(run.code).toBe(0)
    const ids = (await readAllRows(join(dir, 'out'))).map((r) => Number(r.id)).sort((a, b) => a - b)
    // rows 0..11 are less than 3 days old (row 12 is exactly 72 hours old, a little older by now)
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => i))
  }, 60_000)

  it('reads only the rows of the last days_window days (unix seconds column)', async () => {
    const dir = tempDir()
    const run = await runCli(['run', '-c', config(dir, '    time_column: epoch\n    time_column_type: unix\n    days_window: 5')])
    expect(run.code).toBe(0)
    const ids = (await readAllRows(join(dir, 'out'))).map((r) => Number(r.id)).sort((a, b) => a - b)
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i))
  }, 60_000)
})
