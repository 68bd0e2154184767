import { existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPlanSecret, signPlan } from '../../src/plan-file/index.js'
import type { PlanFile } from '../../src/plan-file/index.js'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import type { CliResult } from '../helpers/cli.js'
import { MYSQL_URL, mysqlAvailable, PG_URL, pgAvailable, withMysql, withPg } from '../helpers/db.js'
import { readParquetExact } from '../helpers/parquet.js'

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()

interface ReportFile { path: string; rows: number; bytes: number; xxh3: string }
interface RunJson { exitCode: number; exports: { name: string; status: string; rows: number; files: ReportFile[]; stats: { chunks?: number } | null }[] }

/** The same config text in two folders: one is planned and applied, the other run; outputs land beside each. */
function twin(yaml: string): { planned: string; ran: string } {
  return { planned: writeConfig(tempDir('rivet-pa-plan-'), yaml), ran: writeConfig(tempDir('rivet-pa-run-'), yaml) }
}

function ok(r: CliResult): RunJson {
  expect(r.stderr).not.toMatch(/\[RIVET_/)
  expect(r.code, r.stderr.slice(-2000)).toBe(0)
  return JSON.parse(r.stdout) as RunJson
}

/** The refusal's code from stderr, after checking the exit code. */
function refused(r: CliResult, code: string): void {
  expect(r.code, r.stderr).toBe(1)
  expect(r.stderr).toContain(`[${code}]`)
  expect(r.stderr).toMatch(/hint: .*rivet plan/)
  expect(r.stdout).toBe('')
}

/** Files of one export's report keyed by name with the run's timestamp taken out. */
function byStableName(files: readonly ReportFile[]): Map<string, ReportFile> {
  return new Map(files.map((f) => [basename(f.path).replace(/_\d{8}T\d{6}Z-[0-9a-f]{8}/, '_T'), f]))
}

function runCount(configPath: string): number {
  const statePath = join(configPath, '..', '.rivet_state.db')
  if (!existsSync(statePath)) return 0
  const db = new Database(statePath, { readonly: true })
  try {
    return (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n
  } finally {
    db.close()
  }
}

/** Rewrite a plan and sign it again with its state's secret, as only someone holding the state file can. */
function resign(planPath: string, configPath: string, edit: (plan: PlanFile) => PlanFile): void {
  const plan = JSON.parse(readFileSync(planPath, 'utf8')) as PlanFile
  writeFileSync(planPath, JSON.stringify(signPlan(edit(plan), readPlanSecret(configPath)!), null, 2))
}

/** Every Parquet file of `a` holds the same rows as its namesake in `b`. */
async function expectSameParquet(a: Map<string, ReportFile>, b: Map<string, ReportFile>): Promise<void> {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort())
  for (const [name, file] of a) {
    const other = b.get(name)!
    expect(file.rows, name).toBe(other.rows)
    expect((await readParquetExact(file.path)).rows, name).toEqual((await readParquetExact(other.path)).rows)
  }
}

describe.skipIf(!hasPg)('rivet plan / rivet apply (spawned CLI against the local PostgreSQL)', () => {
  const pgYaml = (exportsYaml: string) => `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n${exportsYaml}`
  const CHUNKED = `  - name: events
    table: public.pa_e2e
    mode: chunked
    chunk_size: 9000
    parallel: 3
    format: parquet
    destination: { type: local, path: "./out/{export}" }
`

  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS pa_e2e, pa_e2e_inc')
      await c.query(`CREATE TABLE pa_e2e AS SELECT g::int8 AS id, md5(g::text) AS v, (g * 1.25)::numeric(12,2) AS amount,
        '2026-01-01T00:00:00Z'::timestamptz + g * interval '1 second' AS at FROM generate_series(1, 60000) g`)
      await c.query('ALTER TABLE pa_e2e ADD PRIMARY KEY (id)')
      await c.query('ANALYZE pa_e2e')
      await c.query('CREATE TABLE pa_e2e_inc (id int PRIMARY KEY, updated_at timestamptz NOT NULL)')
      await c.query(`INSERT INTO pa_e2e_inc SELECT g, '2026-01-01T00:00:00Z'::timestamptz + g * interval '1 minute' FROM generate_series(1, 1000) g`)
    })
  }, 120_000)

  afterAll(async () => {
    await withPg((c) => c.query('DROP TABLE IF EXISTS pa_e2e, pa_e2e_inc'))
  })

  it('an untampered plan writes the same chunk files as `rivet run` of the same config', async () => {
    const cfg = twin(pgYaml(CHUNKED))
    const planPath = join(cfg.planned, '..', 'plan.json')
    const plan = await runCli(['plan', '-c', cfg.planned, '-o', planPath])
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stdout).toMatch(/events \(public\.pa_e2e\): chunked on id \(range\), 7 chunk\(s\), 3 in parallel · about 60,000 rows/)
    expect(plan.stdout).toContain(`chunk 6: "id" >= '54001'::bigint`)
    const applied = ok(await runCli(['apply', planPath, '--json'])).exports[0]!
    const ran = ok(await runCli(['run', '-c', cfg.ran, '--json'])).exports[0]!
    expect([applied.status, applied.rows, applied.stats?.chunks]).toEqual(['completed', 60_000, 7])
    expect([ran.rows, ran.stats?.chunks]).toEqual([60_000, 7])
    const a = byStableName(applied.files)
    expect([...a.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `events_T_chunk0000${i}.parquet`))
    expect([...a.values()].map((f) => f.rows)).toEqual([9000, 9000, 9000, 9000, 9000, 9000, 6000])
    await expectSameParquet(a, byStableName(ran.files))
    // recorded like a run: one completed chunked run in the planned config's state
    const db = new Database(join(cfg.planned, '..', '.rivet_state.db'), { readonly: true })
    expect(db.prepare('SELECT status, mode, rows FROM runs').all()).toEqual([{ status: 'completed', mode: 'chunked', rows: 60_000 }])
    db.close()
    console.log(`acceptance: PG parquet chunks rows ${[...a.values()].map((f) => f.rows).join('/')}, total ${applied.rows} (apply) = ${ran.rows} (run)`)
  }, 180_000)

  it('CSV with a fixed batch_size: the same xxh3 per file as `rivet run`, chunked and full', async () => {
    const cfg = twin(pgYaml(`  - name: csvchunks
    table: public.pa_e2e
    mode: chunked
    chunk_size: 20000
    format: csv
    compression: zstd
    tuning: { batch_size: 1000 }
    destination: { type: local, path: "./out/{export}" }
  - name: csvfull
    table: public.pa_e2e
    format: csv
    compression: gzip
    tuning: { batch_size: 1000 }
    destination: { type: local, path: "./out/{export}" }
`))
    const planPath = join(cfg.planned, '..', 'plan.json')
    const plan = await runCli(['plan', '-c', cfg.planned, '-o', planPath, '--json'])
    expect(plan.code, plan.stderr).toBe(0)
    expect((JSON.parse(plan.stdout) as PlanFile).exports.map((e) => [e.name, e.read.strategy, e.chunks?.ranges.length ?? null])).toEqual([['csvchunks', 'chunks', 3], ['csvfull', 'ctid', null]])
    const applied = ok(await runCli(['apply', planPath, '--json', '-q']))
    const ran = ok(await runCli(['run', '-c', cfg.ran, '--json', '-q']))
    const figures: string[] = []
    for (const i of [0, 1]) {
      const a = byStableName(applied.exports[i]!.files)
      const r = byStableName(ran.exports[i]!.files)
      expect([...a.keys()].sort()).toEqual([...r.keys()].sort())
      for (const [name, f] of a) {
        expect([name, f.rows, f.xxh3]).toEqual([name, r.get(name)!.rows, r.get(name)!.xxh3])
        figures.push(`${name} ${f.rows} rows xxh3 ${f.xxh3}`)
      }
    }
    expect(applied.exports.map((e) => e.rows)).toEqual([60_000, 60_000])
    console.log(`acceptance: CSV apply = run: ${figures.join('; ')}`)
  }, 180_000)

  it('a plan with one chunk bound or the table edited is refused with RIVET_PLAN_TAMPERED, writing nothing', async () => {
    const cfg = writeConfig(tempDir('rivet-pa-tamper-'), pgYaml(CHUNKED))
    const planPath = join(cfg, '..', 'plan.json')
    expect((await runCli(['plan', '-c', cfg, '-o', planPath])).code).toBe(0)
    const original = readFileSync(planPath, 'utf8')
    const bound = original.replace('"hi": "9001"', '"hi": "9002"')
    expect(bound).not.toBe(original)
    writeFileSync(planPath, bound)
    const r1 = await runCli(['apply', planPath])
    refused(r1, 'RIVET_PLAN_TAMPERED')
    expect(r1.stderr).toContain('does not match its signature')
    const table = original.replace('"table": "public.pa_e2e"', '"table": "public.pa_e2e_inc"')
    expect(table).not.toBe(original)
    writeFileSync(planPath, table)
    refused(await runCli(['apply', planPath, '--force']), 'RIVET_PLAN_TAMPERED')
    writeFileSync(planPath, original.slice(0, original.length / 2))
    refused(await runCli(['apply', planPath]), 'RIVET_PLAN_TAMPERED')
    expect(existsSync(join(cfg, '..', 'out')), 'no output folder').toBe(false)
    expect(runCount(cfg), 'no run recorded').toBe(0)
    // the untouched plan still applies
    writeFileSync(planPath, original)
    expect(ok(await runCli(['apply', planPath, '--json', '-q'])).exports[0]!.rows).toBe(60_000)
  }, 180_000)

  it('a plan older than 24 h is refused without --force and runs with it', async () => {
    const cfg = writeConfig(tempDir('rivet-pa-expired-'), pgYaml(CHUNKED))
    const planPath = join(cfg, '..', 'plan.json')
    expect((await runCli(['plan', '-c', cfg, '-o', planPath])).code).toBe(0)
    const dayAgo = new Date(Date.now() - 25 * 3_600_000).toISOString()
    resign(planPath, cfg, (plan) => ({ ...plan, created_at: dayAgo }))
    const r = await runCli(['apply', planPath])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/\[RIVET_PLAN_EXPIRED\] plan .* was made 25 h ago/)
    expect(r.stderr).toContain('--force')
    expect(existsSync(join(cfg, '..', 'out'))).toBe(false)
    expect(runCount(cfg)).toBe(0)
    const forced = await runCli(['apply', planPath, '--force', '--json'])
    expect(ok(forced).exports[0]!.rows).toBe(60_000)
    expect(forced.stderr).toContain('applied because of --force')
  }, 180_000)

  it('apply reads the plan’s chunk ranges, not ranges planned anew', async () => {
    const cfg = writeConfig(tempDir('rivet-pa-ranges-'), pgYaml(CHUNKED))
    const planPath = join(cfg, '..', 'plan.json')
    expect((await runCli(['plan', '-c', cfg, '-o', planPath])).code).toBe(0)
    // only a holder of the state file's secret can do this: two uneven chunks instead of seven
    resign(planPath, cfg, (plan) => ({
      ...plan,
      exports: plan.exports.map((e) => ({ ...e, chunks: { ...e.chunks!, ranges: [{ index: 0, lo: null, hi: '100', predicate: null }, { index: 1, lo: '100', hi: null, predicate: null }] } })),
    }))
    const applied = ok(await runCli(['apply', planPath, '--json', '-q'])).exports[0]!
    expect([applied.rows, applied.stats?.chunks]).toEqual([60_000, 2])
    expect(applied.files.map((f) => f.rows)).toEqual([99, 59_901])
  }, 120_000)

  it('a plan whose config changed is refused with RIVET_PLAN_STALE', async () => {
    const cfg = writeConfig(tempDir('rivet-pa-stale-'), pgYaml(CHUNKED))
    const planPath = join(cfg, '..', 'plan.json')
    expect((await runCli(['plan', '-c', cfg, '-o', planPath])).code).toBe(0)
    appendFileSync(cfg, '# a comment is a change too\n')
    refused(await runCli(['apply', planPath]), 'RIVET_PLAN_STALE')
    expect(runCount(cfg)).toBe(0)
  }, 60_000)

  it('an incremental plan reads after its cursor snapshot, and is refused once another run moved the cursor', async () => {
    const cfg = writeConfig(tempDir('rivet-pa-inc-'), pgYaml(`  - name: orders
    table: public.pa_e2e_inc
    mode: incremental
    cursor_column: updated_at
    format: parquet
    destination: { type: local, path: "./out" }
`))
    const planPath = join(cfg, '..', 'plan.json')
    expect(ok(await runCli(['run', '-c', cfg, '--json', '-q'])).exports[0]!.rows).toBe(1000)
    await withPg((c) => c.query(`INSERT INTO pa_e2e_inc SELECT g, '2026-03-01T00:00:00Z'::timestamptz + g * interval '1 minute' FROM generate_series(1001, 1100) g`))
    const plan = await runCli(['plan', '-c', cfg, '-o', planPath])
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stdout).toMatch(/cursor: 2026-01-01 16:40:00\+00 \(timestamp with time zone, stored by run \S+, 1 boundary key\(s\)\)/)
    const applied = ok(await runCli(['apply', planPath, '--json', '-q'])).exports[0]!
    expect(applied.rows).toBe(100)
    const ids = (await readParquetExact(applied.files[0]!.path)).rows.map((r) => Number(r.id)).sort((x, y) => x - y)
    expect([ids[0], ids[ids.length - 1], ids.length]).toEqual([1001, 1100, 100])
    // the apply moved the cursor itself: the same plan cannot run twice
    refused(await runCli(['apply', planPath]), 'RIVET_PLAN_CURSOR_MOVED')
    // a fresh plan, then another run moves the cursor before it is applied
    await withPg((c) => c.query(`INSERT INTO pa_e2e_inc VALUES (1101, '2026-04-01T00:00:00Z')`))
    expect((await runCli(['plan', '-c', cfg, '-o', planPath])).code).toBe(0)
    expect(ok(await runCli(['run', '-c', cfg, '--json', '-q'])).exports[0]!.rows).toBe(1)
    const before = runCount(cfg)
    const r = await runCli(['apply', planPath])
    refused(r, 'RIVET_PLAN_CURSOR_MOVED')
    expect(r.stderr).toMatch(/the plan was made at cursor 2026-03-01 18:20:00\+00 .*the state now holds cursor 2026-04-01 00:00:00\+00/)
    expect(runCount(cfg)).toBe(before)
  }, 180_000)
})

describe.skipIf(!hasMysql)('rivet plan / rivet apply on MySQL/MariaDB (chunked)', () => {
  beforeAll(async () => {
    await withMysql(async (c) => {
      await c.query('DROP TABLE IF EXISTS pa_e2e_my')
      await c.query('CREATE TABLE pa_e2e_my (id BIGINT PRIMARY KEY, v CHAR(32) NOT NULL, amount DECIMAL(12,2) NOT NULL)')
      await c.query('INSERT INTO pa_e2e_my SELECT seq, MD5(seq), seq * 1.25 FROM seq_1_to_30000')
      await c.query('ANALYZE TABLE pa_e2e_my')
    })
  }, 60_000)

  afterAll(async () => {
    await withMysql((c) => c.query('DROP TABLE IF EXISTS pa_e2e_my'))
  })

  it('an untampered plan writes the same chunk files as `rivet run`; a tampered one is refused', async () => {
    const cfg = twin(`source:\n  type: mysql\n  url: ${MYSQL_URL}\nexports:
  - name: my
    table: pa_e2e_my
    mode: chunked
    chunk_size: 7000
    parallel: 2
    format: parquet
    destination: { type: local, path: "./out/{export}" }
`)
    const planPath = join(cfg.planned, '..', 'plan.json')
    const plan = await runCli(['plan', '-c', cfg.planned, '-o', planPath])
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stdout).toContain('chunk 1: `id` >= 7001 AND `id` < 14001')
    const original = readFileSync(planPath, 'utf8')
    writeFileSync(planPath, original.replace('"lo": "7001"', '"lo": "7000"'))
    refused(await runCli(['apply', planPath]), 'RIVET_PLAN_TAMPERED')
    expect(runCount(cfg.planned)).toBe(0)
    writeFileSync(planPath, original)
    const applied = ok(await runCli(['apply', planPath, '--json', '-q'])).exports[0]!
    const ran = ok(await runCli(['run', '-c', cfg.ran, '--json', '-q'])).exports[0]!
    const a = byStableName(applied.files)
    expect([applied.rows, applied.stats?.chunks, a.size]).toEqual([30_000, 5, 5])
    expect([...a.values()].map((f) => f.rows)).toEqual([7000, 7000, 7000, 7000, 2000])
    await expectSameParquet(a, byStableName(ran.files))
    console.log(`acceptance: MySQL parquet chunks rows ${[...a.values()].map((f) => f.rows).join('/')}, total ${applied.rows} (apply) = ${ran.rows} (run)`)
  }, 180_000)
})
