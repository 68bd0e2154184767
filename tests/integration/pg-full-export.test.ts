import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import Cursor from 'pg-cursor'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../helpers/db.js'
import { ensureMixedTable, mixedCanonicalSql } from '../helpers/fixtures.js'
import { readParquetExact } from '../helpers/parquet.js'

const hasPg = await pgAvailable()
const TABLE = 'public.it_mixed_1m'
const ROWS = 1_000_000

describe.skipIf(!hasPg)('rivet run: 1M-row mixed-type PostgreSQL table to Parquet', () => {
  let dir: string
  let run: Awaited<ReturnType<typeof runCli>>

  beforeAll(async () => {
    await withPg((c) => ensureMixedTable(c, TABLE, ROWS))
    dir = tempDir()
    const config = writeConfig(
      dir,
      `source:
  type: postgres
  url: ${PG_URL}
exports:
  - name: mixed
    table: ${TABLE}
    format: parquet
    compression: zstd
    destination: { type: local, path: "./out/{export}" }
`,
    )
    run = await runCli(['run', '-c', config, '--json'])
  }, 600_000)

  afterAll(() => undefined)

  it('completes with exit 0 and reports every row', () => {
    expect(run.stderr).not.toMatch(/\[RIVET_/)
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as { exports: { rows: number; files: { path: string; rows: number }[] }[] }
    expect(report.exports[0]!.rows).toBe(ROWS)
    expect(report.exports[0]!.files.reduce((n, f) => n + f.rows, 0)).toBe(ROWS)
  })

  it('writes values equal to the source, column by column, NULLs included', async () => {
    const files = readdirSync(join(dir, 'out', 'mixed')).filter((f) => f.endsWith('.parquet'))
    expect(files).toHaveLength(1)
    const { rows, metadata } = await readParquetExact(join(dir, 'out', 'mixed', files[0]!))
    expect(rows).toHaveLength(ROWS)
    const uidElement = metadata.schema.find((e) => e.name === 'uid')
    expect(uidElement?.logical_type?.type).toBe('UUID')
    expect(metadata.schema.find((e) => e.name === 'payload')?.logical_type?.type).toBe('JSON')
    rows.sort((a, b) => (BigInt(a.id as bigint) < BigInt(b.id as bigint) ? -1 : 1))
    let checked = 0
    await withPg(async (client) => {
      const cursor = client.query(new Cursor(mixedCanonicalSql(TABLE)))
      for (;;) {
        const batch = (await cursor.read(50_000)) as Record<string, unknown>[]
        if (batch.length === 0) break
        for (const src of batch) {
          const out = rows[checked++]!
          expect(canonical(out), `row ${src.id}`).toEqual(src)
        }
      }
      await cursor.close()
    })
    expect(checked).toBe(ROWS)
  }, 600_000)
})

/** The Parquet row in the server's canonical text forms (see mixedCanonicalSql). */
function canonical(row: Record<string, unknown>): Record<string, unknown> {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
  const hex = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : null)
  return {
    id: str(row.id),
    name: row.name ?? null,
    amount: row.amount ?? null,
    created_at: str(row.created_at),
    payload: row.payload ?? null,
    uid: row.uid ?? null,
    active: row.active ?? null,
    day: row.day ?? null,
    blob: hex(row.blob),
    tags: row.tags === null || row.tags === undefined ? null : JSON.stringify(row.tags),
  }
}
