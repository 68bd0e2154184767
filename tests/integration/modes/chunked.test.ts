import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../../helpers/db.js'
import { byKey, oneExportConfig, parquetFiles, readAllRows, type RunJson } from './helpers.js'

const hasPg = await pgAvailable()

/** A config with one export; `extra` is indented export keys. */
function config(dir: string, name: string, source: string, extra: string, url = PG_URL): string {
  return oneExportConfig(dir, 'postgres', url, name, source, extra)
}

describe.skipIf(!hasPg)('chunked mode on PostgreSQL', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      // 1M rows: ids 1..800,000 dense, then 200,000 ids 500 apart (a sparse region up to ~101M)
      await c.query('DROP TABLE IF EXISTS it_chunk_sparse')
      await c.query(`CREATE TABLE it_chunk_sparse AS
        SELECT id::int8 AS id, md5(id::text) AS v, (id % 7)::int AS k
        FROM (SELECT generate_series(1, 800000) AS id UNION ALL SELECT 1000000 + g * 500 FROM generate_series(1, 200000) g) s`)
      await c.query('ALTER TABLE it_chunk_sparse ADD PRIMARY KEY (id)')
      await c.query('ANALYZE it_chunk_sparse')
      // one row per hour over ten days, days 3-5 empty; a date column and a timestamptz column
      await c.query('DROP TABLE IF EXISTS it_chunk_days')
      await c.query(`CREATE TABLE it_chunk_days AS
        SELECT g AS id, ('2024-01-01'::timestamptz + g * interval '1 hour') AS at, ('2024-01-01'::timestamptz + g * interval '1 hour')::date AS day
        FROM generate_series(0, 239) g
        WHERE ('2024-01-01'::timestamptz + g * interval '1 hour')::date NOT BETWEEN '2024-01-03' AND '2024-01-05'`)
      await c.query('CREATE INDEX ON it_chunk_days (day)')
      await c.query('ANALYZE it_chunk_days')
      // a text primary key for keyset chunks
      await c.query('DROP TABLE IF EXISTS it_chunk_textkey')
      await c.query(`CREATE TABLE it_chunk_textkey AS SELECT 'key-' || md5(g::text) AS k, g AS n FROM generate_series(1, 50000) g`)
      await c.query('ALTER TABLE it_chunk_textkey ADD PRIMARY KEY (k)')
      await c.query('ANALYZE it_chunk_textkey')
    })
  }, 300_000)

  afterAll(async () => {
    await withPg(async (c) => {
      for (const t of ['it_chunk_sparse', 'it_chunk_days', 'it_chunk_textkey']) await c.query(`DROP TABLE IF EXISTS ${t}`)
    })
  })

  it('reads a 1M-row table with a sparse region in parallel chunks: every row exactly once, sparseness reported', async () => {
    const dir = tempDir()
    const cfg = config(dir, 'sparse', 'table: public.it_chunk_sparse', '    mode: chunked\n    chunk_size: 500000\n    parallel: 2')
    const run = await runCli(['run', '-c', cfg, '--json'])
    expect(run.stderr).not.toMatch(/\[RIVET_/)
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/chunking on the primary key id/)
    expect(run.stderr).toMatch(/id is sparse/)
    const report = JSON.parse(run.stdout) as RunJson
    expect(report.exports[0]!.rows, 'rows reported').toBe(1_000_000)
    expect(report.exports[0]!.stats?.parallel).toBe(2)
    const rows = byKey(await readAllRows(join(dir, 'out', 'sparse')), 'id')
    expect(rows.size, `rows in the files; stderr:\n${run.stderr.slice(-2000)}`).toBe(1_000_000)
    await withPg(async (c) => {
      const src = await c.query('SELECT id::text AS id, v, k FROM it_chunk_sparse')
      expect(src.rows.length, 'rows in the source table').toBe(1_000_000)
      for (const r of src.rows) {
        const out = rows.get(r.id)
        expect(out, `id ${r.id}`).toBeDefined()
        if (out!.v !== r.v || out!.k !== r.k) expect({ id: r.id, v: out!.v, k: out!.k }).toEqual(r)
      }
    })
    // empty chunks write no file: the dense region is 2 chunks, the sparse one ~200
    expect(parquetFiles(join(dir, 'out', 'sparse')).length).toBeLessThan(210)
  }, 600_000)

  it('chunk_by_days cuts a date column into day windows; empty days write nothing', async () => {
    const dir = tempDir()
    const cfg = config(dir, 'days', 'table: public.it_chunk_days', '    mode: chunked\n    chunk_column: day\n    chunk_by_days: 1\n    parallel: 2')
    const run = await runCli(['run', '-c', cfg, '--json'])
    expect(run.stderr).not.toMatch(/\[RIVET_/)
    expect(run.code).toBe(0)
    const files = parquetFiles(join(dir, 'out', 'days'))
    expect(files).toHaveLength(7) // ten days, three of them empty
    const rows = byKey(await readAllRows(join(dir, 'out', 'days')), 'id')
    await withPg(async (c) => {
      const src = await c.query('SELECT id FROM it_chunk_days ORDER BY id')
      expect([...rows.keys()].map(Number).sort((a, b) => a - b)).toEqual(src.rows.map((r) => r.id))
    })
  }, 120_000)

  it('chunk_by_days also works on a timestamptz column', async () => {
    const dir = tempDir()
    const cfg = config(dir, 'at', 'table: public.it_chunk_days', '    mode: chunked\n    chunk_column: at\n    chunk_by_days: 2')
    const run = await runCli(['run', '-c', cfg, '--json'])
    expect(run.code).toBe(0)
    const rows = byKey(await readAllRows(join(dir, 'out', 'at')), 'id')
    await withPg(async (c) => {
      const n = Number((await c.query('SELECT count(*) FROM it_chunk_days')).rows[0].count)
      expect(rows.size).toBe(n)
    })
  }, 120_000)

  it('chunk_by_key pages a text primary key: every key exactly once', async () => {
    const dir = tempDir()
    const cfg = config(dir, 'tk', 'table: public.it_chunk_textkey', '    mode: chunked\n    chunk_by_key: true\n    chunk_size: 7000\n    parallel: 2')
    const run = await runCli(['run', '-c', cfg, '--json'])
    expect(run.stderr).not.toMatch(/\[RIVET_/)
    expect(run.code, run.stdout.slice(0, 2000)).toBe(0)
    const report = JSON.parse(run.stdout) as RunJson
    expect(report.exports[0]!.stats?.chunks, run.stderr).toBe(8) // 50,000 keys in runs of 7,000
    const rows = byKey(await readAllRows(join(dir, 'out', 'tk')), 'k')
    await withPg(async (c) => {
      const src = await c.query('SELECT k, n FROM it_chunk_textkey')
      expect(rows.size).toBe(src.rows.length)
      for (const r of src.rows) expect(rows.get(r.k)?.n).toBe(r.n)
    })
  }, 120_000)

  it('reads a table smaller than one chunk in a single snapshot, and says so', async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS it_chunk_small')
      await c.query('CREATE TABLE it_chunk_small AS SELECT g::int8 AS id FROM generate_series(1, 5000) g')
      await c.query('ALTER TABLE it_chunk_small ADD PRIMARY KEY (id)')
      await c.query('ANALYZE it_chunk_small')
    })
    const dir = tempDir()
    const cfg = config(dir, 'small', 'table: public.it_chunk_small', '    mode: chunked\n    parallel: 2')
    const run = await runCli(['run', '-c', cfg, '--json'])
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/about 5000 rows, fewer than one chunk \(100000\): read in a single snapshot/)
    expect(parquetFiles(join(dir, 'out', 'small'))).toHaveLength(1)
    expect(byKey(await readAllRows(join(dir, 'out', 'small')), 'id').size).toBe(5000)
    await withPg((c) => c.query('DROP TABLE it_chunk_small'))
  }, 120_000)

  it('refuses a chunk column with NULLs, naming the column', async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS it_chunk_nulls')
      await c.query('CREATE TABLE it_chunk_nulls AS SELECT g AS id, CASE WHEN g % 10 = 0 THEN NULL ELSE g END AS c FROM generate_series(1, 200000) g')
      await c.query('ANALYZE it_chunk_nulls')
    })
    const dir = tempDir()
    const cfg = config(dir, 'nulls', 'table: public.it_chunk_nulls', '    mode: chunked\n    chunk_column: c\n    chunk_size: 10000')
    const run = await runCli(['run', '-c', cfg])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/\[RIVET_PLAN_CHUNK_NULLS\].*chunk column c holds NULLs/)
    expect(parquetFiles(dir)).toHaveLength(0)
    await withPg((c) => c.query('DROP TABLE it_chunk_nulls'))
  }, 120_000)
})
