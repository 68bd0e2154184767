import { join } from 'node:path'
import xxhash from 'xxhash-addon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig } from '../../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../../helpers/db.js'
import { readAllRows } from './helpers.js'

const hasPg = await pgAvailable()

function config(dir: string, meta: string, name = 'rivet.yaml'): string {
  return writeConfig(
    dir,
    `source:
  type: postgres
  url: ${PG_URL}
exports:
  - name: meta
    table: public.it_meta
    format: parquet
    meta_columns: ${meta}
    destination: { type: local, path: "./out-${name.replace('.yaml', '')}" }
`,
    name,
  )
}

/** The expected hash: xxh3-64 of each field's int32 length and binary bytes, as a signed int64. */
function expectedHash(fields: (Buffer | null)[]): bigint {
  const parts: Buffer[] = []
  for (const f of fields) {
    const len = Buffer.alloc(4)
    len.writeInt32BE(f === null ? -1 : f.length)
    parts.push(len)
    if (f !== null) parts.push(f)
  }
  return xxhash.XXHash3.hash(Buffer.concat(parts)).readBigInt64BE(0)
}

describe.skipIf(!hasPg)('meta columns on PostgreSQL', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS it_meta')
      await c.query(`CREATE TABLE it_meta AS SELECT g::int8 AS id, CASE WHEN g % 5 = 0 THEN NULL ELSE 'value ' || g END AS v, (g * 1.5)::numeric(12,2) AS n FROM generate_series(1, 2000) g`)
    })
  })

  afterAll(async () => {
    await withPg((c) => c.query('DROP TABLE IF EXISTS it_meta'))
  })

  it('adds _rivet_exported_at (the run start, UTC) and _rivet_row_hash (xxh3 of the row as read)', async () => {
    const dir = tempDir()
    const before = Date.now()
    const run = await runCli(['run', '-c', config(dir, '{ exported_at: true, row_hash: true }')])
    expect(run.stderr).not.toMatch(/\[RIVET_/)
    expect(run.code).toBe(0)
    const rows = await readAllRows(join(dir, 'out-rivet'))
    expect(rows).toHaveLength(2000)
    const stamps = new Set(rows.map((r) => String(r._rivet_exported_at)))
    expect(stamps.size).toBe(1)
    const us = Number(rows[0]!._rivet_exported_at)
    expect(us / 1000).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000)
    expect(us / 1000).toBeLessThanOrEqual(Date.now())
    await withPg(async (c) => {
      const src = await c.query('SELECT id::text AS id, int8send(id) AS a, textsend(v) AS b, numeric_send(n) AS c FROM it_meta')
      const byId = new Map(rows.map((r) => [String(r.id), r]))
      for (const s of src.rows) expect(BigInt(byId.get(s.id)!._rivet_row_hash as bigint), `id ${s.id}`).toBe(expectedHash([s.a, s.b, s.c]))
    })
  }, 120_000)

  it('row_hash over listed columns ignores the others, and is the same on the next run', async () => {
    const dir = tempDir()
    const first = await runCli(['run', '-c', config(dir, '{ row_hash: [id, v] }', 'a.yaml')])
    expect(first.code).toBe(0)
    await withPg((c) => c.query('UPDATE it_meta SET n = n + 1 WHERE id = 7'))
    await withPg((c) => c.query("UPDATE it_meta SET v = 'changed' WHERE id = 8"))
    const second = await runCli(['run', '-c', config(dir, '{ row_hash: [id, v] }', 'b.yaml')])
    expect(second.code).toBe(0)
    const a = new Map((await readAllRows(join(dir, 'out-a'))).map((r) => [String(r.id), r._rivet_row_hash]))
    const b = new Map((await readAllRows(join(dir, 'out-b'))).map((r) => [String(r.id), r._rivet_row_hash]))
    expect(a.get('7')).toBe(b.get('7')) // n is not hashed
    expect(a.get('8')).not.toBe(b.get('8'))
    expect(a.get('9')).toBe(b.get('9'))
    expect(a.get('1')).not.toBe(a.get('2'))
    const rows = await readAllRows(join(dir, 'out-a'))
    expect(Object.keys(rows[0]!)).not.toContain('_rivet_exported_at')
  }, 120_000)

  it('refuses a row_hash column the table does not have', async () => {
    const dir = tempDir()
    const run = await runCli(['run', '-c', config(dir, '{ row_hash: [id, nope] }')])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/\[RIVET_PLAN_UNKNOWN_COLUMN\].*meta_columns\.row_hash names column "nope"/)
  }, 60_000)
})
