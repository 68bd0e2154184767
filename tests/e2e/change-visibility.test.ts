import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultStatePath, openStateStore } from '../../src/state/index.js'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { MYSQL_URL, PG_URL, mysqlAvailable, pgAvailable, withMysql, withPg } from '../helpers/db.js'

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()
const dirs: string[] = []

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  if (hasPg) await withPg((c) => c.query('DROP TABLE IF EXISTS cv_drift, cv_shape, cv_quality, cv_chunked'))
})

function testDir(): string {
  const dir = tempDir('rivet-cv-')
  dirs.push(dir)
  return dir
}

/** Data files (not manifests) under a folder. */
function dataFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('manifest') && f !== '_SUCCESS' && !f.startsWith('.')) : []
}

interface JournalJson {
  run: { runId: string; status: string; errorCode: string | null } | null
  events: { kind: string; message: string; data: Record<string, unknown> | null }[]
}

async function journal(cfg: string, exportName: string, kind?: string): Promise<JournalJson> {
  const r = await runCli(['journal', '-c', cfg, '-e', exportName, '--json', ...(kind ? ['--kind', kind] : [])])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as JournalJson
}

describe.skipIf(!hasPg)('schema drift policies (spawned CLI, PostgreSQL)', () => {
  const dir = hasPg ? testDir() : ''
  let cfg = ''
  const exportBlock = (policy: string) => `  - name: drift_${policy}
    table: public.cv_drift
    format: csv
    on_schema_drift: ${policy}
    destination: { type: local, path: ./out/${policy} }
`
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS cv_drift')
      await c.query('CREATE TABLE cv_drift (id int PRIMARY KEY, name text, amount numeric(10,2))')
      await c.query("INSERT INTO cv_drift SELECT g, 'n' || g, g * 1.5 FROM generate_series(1, 500) g")
    })
    cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n${['warn', 'continue', 'fail'].map(exportBlock).join('')}`)
    const first = await runCli(['run', '-c', cfg])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).not.toContain('schema drift')
  })

  for (const change of [
    { what: 'an added column', sql: 'ALTER TABLE cv_drift ADD COLUMN extra text', says: /column extra added/ },
    { what: 'a dropped column', sql: 'ALTER TABLE cv_drift DROP COLUMN name', says: /column name removed/ },
    { what: 'a retyped column', sql: 'ALTER TABLE cv_drift ALTER COLUMN amount TYPE numeric(14,4)', says: /column amount changed type/ },
  ]) {
    it(`${change.what}: warn logs a warning, continue notes it, fail exits 4 before writing a data file`, async () => {
      await withPg((c) => c.query(change.sql))
      const before = dataFiles(join(dir, 'out', 'fail'))
      const run = await runCli(['run', '-c', cfg])
      // the failing export decides the exit code; the other two complete
      expect(run.code, run.stderr).toBe(4)
      expect(run.stderr).toMatch(new RegExp(`export drift_warn: warning: schema drift since run \\S+: ${change.says.source}`))
      expect(run.stderr).toMatch(new RegExp(`export drift_continue: schema drift since run \\S+: ${change.says.source}`))
      expect(run.stderr).not.toMatch(/export drift_continue: warning: schema drift/)
      expect(run.stderr).toContain('RIVET_SCHEMA_DRIFT')
      expect(dataFiles(join(dir, 'out', 'fail')), 'no data file written by the failing export').toEqual(before)

      for (const policy of ['warn', 'continue', 'fail']) {
        const j = await journal(cfg, `drift_${policy}`, 'drift')
        expect(j.events, policy).toHaveLength(1)
        expect(j.events[0]!.message).toMatch(change.says)
        expect(j.events[0]!.data).toMatchObject({ policy })
        expect(j.run!.status).toBe(policy === 'fail' ? 'failed' : 'completed')
      }
      expect((await journal(cfg, 'drift_fail')).run!.errorCode).toBe('RIVET_SCHEMA_DRIFT')
      const state = openStateStore(defaultStatePath(cfg))
      try {
        // the drift is counted in the run statistics behind `rivet metrics`
        const last = state.listRuns({ exportName: 'drift_warn', limit: 1 })[0]!
        const drift = (last.stats as { schemaDrift?: Record<string, number> }).schemaDrift
        expect(drift).toBeDefined()
        expect(Object.values(drift!).reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
      } finally {
        state.close()
      }
    })
  }
})

describe.skipIf(!hasPg)('shape drift (spawned CLI, PostgreSQL)', () => {
  it('a text column whose largest value grows 5× raises the shape warning; growth below the factor does not', async () => {
    const dir = testDir()
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS cv_shape')
      await c.query("CREATE TABLE cv_shape (id int PRIMARY KEY, payload text, note text)")
      await c.query("INSERT INTO cv_shape SELECT g, repeat('x', 20), repeat('n', 20) FROM generate_series(1, 300) g")
    })
    const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n  - name: shape\n    table: public.cv_shape\n    format: parquet\n    destination: { type: local, path: ./out }\n`)
    expect((await runCli(['run', '-c', cfg])).code).toBe(0)
    // payload grows 5× (20 → 100 bytes), note 1.5× (20 → 30): only payload passes the default factor of 2
    await withPg((c) => c.query("UPDATE cv_shape SET payload = repeat('y', 100), note = repeat('m', 30) WHERE id = 7"))
    const run = await runCli(['run', '-c', cfg])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/export shape: warning: shape drift: the largest value of payload grew 5\.0× \(20 → 100 bytes/)
    expect(run.stderr).not.toMatch(/largest value of note/)
    const warnings = (await journal(cfg, 'shape', 'warning')).events.map((e) => e.message)
    expect(warnings.some((w) => w.includes('payload grew 5.0×'))).toBe(true)
    // the widths are kept per run: the next run compares with 100, and stays quiet
    const again = await runCli(['run', '-c', cfg])
    expect(again.stderr).not.toContain('shape drift')
  })
})

describe.skipIf(!hasPg)('quality gates (spawned CLI, PostgreSQL)', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS cv_quality, cv_chunked')
      // code is unique except one pair; email is NULL in 10% of the rows
      await c.query('CREATE TABLE cv_quality (id int PRIMARY KEY, code text, email text)')
      await c.query("INSERT INTO cv_quality SELECT g, 'c' || g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'u' || g || '@x' END FROM generate_series(1, 2000) g")
      await c.query("UPDATE cv_quality SET code = 'c1' WHERE id = 2000")
      // chunked: ids 1..8000 in 4 chunks; code duplicates across the first and the last chunk;
      // email NULL in 40% of the first chunk only (10% overall)
      await c.query('CREATE TABLE cv_chunked (id int PRIMARY KEY, code text, email text)')
      await c.query("INSERT INTO cv_chunked SELECT g, 'k' || g, CASE WHEN g <= 2000 AND g % 5 < 2 THEN NULL ELSE 'e' || g END FROM generate_series(1, 8000) g")
    })
  })

  const config = (dir: string, table: string, quality: string, extra = '') =>
    writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n  - name: q\n    table: public.${table}\n    format: csv\n${extra}    destination: { type: local, path: ./out }\n    quality:\n${quality}`)

  it('a duplicate key fails unique_columns: exit 3, nothing published, the run failed', async () => {
    const dir = testDir()
    const cfg = config(dir, 'cv_quality', '      unique_columns: [id, code]\n      unique_max_entries: 100000\n')
    const run = await runCli(['run', '-c', cfg])
    expect(run.code, run.stderr).toBe(3)
    expect(run.stderr).toContain('RIVET_QUALITY_FAILED')
    expect(run.stderr).toMatch(/code.*1 duplicate/)
    expect(dataFiles(join(dir, 'out'))).toEqual([])
    expect(existsSync(join(dir, 'out', '_SUCCESS'))).toBe(false)
    const j = await journal(cfg, 'q', 'quality')
    expect(j.run!.errorCode).toBe('RIVET_QUALITY_FAILED')
    expect(j.events.map((e) => [(e.data as { columns?: string[] }).columns?.join(','), (e.data as { status: string }).status])).toEqual([
      ['id', 'passed'],
      ['code', 'failed'],
    ])
  })

  it('a NULL ratio above null_ratio_max fails; one at or below passes; row count bounds are checked', async () => {
    const dir = testDir()
    const failing = config(dir, 'cv_quality', '      null_ratio_max: { email: 0.05 }\n')
    const run = await runCli(['run', '-c', failing])
    expect(run.code, run.stderr).toBe(3)
    expect(run.stderr).toMatch(/email.*10(\.0)?%/)
    expect(dataFiles(join(dir, 'out'))).toEqual([])

    const passing = testDir()
    const ok = await runCli(['run', '-c', config(passing, 'cv_quality', '      null_ratio_max: { email: 0.1 }\n      row_count_min: 2000\n      row_count_max: 2000\n')])
    expect(ok.code, ok.stderr).toBe(0)
    expect(dataFiles(join(passing, 'out'))).toHaveLength(1)

    const tooFew = testDir()
    const few = await runCli(['run', '-c', config(tooFew, 'cv_quality', '      row_count_min: 2001\n')])
    expect(few.code).toBe(3)
    expect(few.stderr).toMatch(/row_count_min/)
  })

  it('chunked: the gates aggregate across chunks — a duplicate split between two chunks fails, a NULL share high in one chunk only passes', async () => {
    await withPg((c) => c.query("UPDATE cv_chunked SET code = 'k1' WHERE id = 8000"))
    const chunked = '    mode: chunked\n    chunk_column: id\n    chunk_count: 4\n    parallel: 2\n    chunk_checkpoint: true\n'
    const dir = testDir()
    const dup = await runCli(['run', '-c', config(dir, 'cv_chunked', '      unique_columns: [code]\n      unique_max_entries: 100000\n', chunked)])
    expect(dup.code, dup.stderr).toBe(3)
    expect(dup.stderr).toContain('RIVET_QUALITY_FAILED')
    expect(dup.stderr).not.toContain('--resume')
    const state = openStateStore(defaultStatePath(join(dir, 'rivet.yaml')))
    try {
      // every chunk was read (each alone is duplicate-free), and the run was not sealed
      expect(state.listChunkTasks({}).map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed'])
      expect(state.listRuns({ exportName: 'q' })[0]!.status).toBe('failed')
    } finally {
      state.close()
    }
    expect(existsSync(join(dir, 'out', '_SUCCESS'))).toBe(false)

    // 40% NULLs in the first chunk, 10% overall: a 0.15 ceiling judged on the whole run passes
    const nulls = testDir()
    const ok = await runCli(['run', '-c', config(nulls, 'cv_chunked', '      null_ratio_max: { email: 0.15 }\n      row_count_min: 8000\n', chunked)])
    expect(ok.code, ok.stderr).toBe(0)
    expect(existsSync(join(nulls, 'out', '_SUCCESS'))).toBe(true)
    const strict = testDir()
    const over = await runCli(['run', '-c', config(strict, 'cv_chunked', '      null_ratio_max: { email: 0.05 }\n', chunked)])
    expect(over.code).toBe(3)
  })

  it('a unique check that reaches unique_max_entries stops with a warning instead of failing', async () => {
    const dir = testDir()
    const cfg = config(dir, 'cv_quality', '      unique_columns: [id]\n      unique_max_entries: 100\n')
    const run = await runCli(['run', '-c', cfg])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/warning: quality check not concluded/)
    const unbounded = await runCli(['run', '-c', config(testDir(), 'cv_quality', '      unique_columns: [id]\n')])
    expect(unbounded.code, unbounded.stderr).toBe(0)
    expect(unbounded.stderr).toMatch(/warning: quality\.unique_columns is set without unique_max_entries/)
  })
})

describe.skipIf(!hasMysql)('drift and quality on MariaDB (spawned CLI)', () => {
  afterAll(async () => {
    if (hasMysql) await withMysql((c) => c.query('DROP TABLE IF EXISTS cv_my'))
  })

  it('drift under warn and fail, a 5× wider text column, and a duplicate split across chunks', async () => {
    await withMysql(async (c) => {
      await c.query('DROP TABLE IF EXISTS cv_my')
      await c.query('CREATE TABLE cv_my (id INT PRIMARY KEY, code VARCHAR(40), payload TEXT)')
      await c.query("INSERT INTO cv_my (id, code, payload) SELECT seq, CONCAT('k', seq), REPEAT('x', 20) FROM seq_1_to_4000")
    })
    const dir = testDir()
    const exportOf = (name: string, extra: string) => `  - name: ${name}\n    table: cv_my\n    format: csv\n${extra}    destination: { type: local, path: ./out/${name} }\n`
    const cfg = writeConfig(dir, `source:\n  type: mysql\n  url: ${MYSQL_URL}\nexports:\n` +
      exportOf('my_warn', '    on_schema_drift: warn\n') + exportOf('my_fail', '    on_schema_drift: fail\n') +
      exportOf('my_unique', '    mode: chunked\n    chunk_column: id\n    chunk_count: 4\n    parallel: 2\n    quality:\n      unique_columns: [code]\n      unique_max_entries: 100000\n'))
    const first = await runCli(['run', '-c', cfg])
    expect(first.code, first.stderr).toBe(0)

    await withMysql(async (c) => {
      await c.query('ALTER TABLE cv_my ADD COLUMN extra INT')
      await c.query("UPDATE cv_my SET payload = REPEAT('y', 100), code = 'k1' WHERE id = 4000")
    })
    const before = dataFiles(join(dir, 'out', 'my_fail'))
    const run = await runCli(['run', '-c', cfg])
    expect(run.code, run.stderr).toBe(4)
    expect(run.stderr).toMatch(/export my_warn: warning: schema drift since run \S+: column extra added/)
    expect(run.stderr).toMatch(/export my_warn: warning: shape drift: the largest value of payload grew 5\.0×/)
    expect(run.stderr).toContain('RIVET_SCHEMA_DRIFT')
    expect(dataFiles(join(dir, 'out', 'my_fail'))).toEqual(before)
    // the duplicate of k1 sits in the last chunk, its twin in the first
    expect(run.stderr).toMatch(/RIVET_QUALITY_FAILED[^\n]*code: 1 duplicate key/)
    expect((await journal(cfg, 'my_unique')).run!.errorCode).toBe('RIVET_QUALITY_FAILED')
    expect((await journal(cfg, 'my_fail')).run!.errorCode).toBe('RIVET_SCHEMA_DRIFT')
  })
})
