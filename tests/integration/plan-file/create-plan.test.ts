import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RivetError } from '../../../src/errors/index.js'
import { planIntegerRanges } from '../../../src/plan/index.js'
import { createPlan, readPlanFile, verifyPlan, writePlanFile } from '../../../src/plan-file/index.js'
import type { PlanFile } from '../../../src/plan-file/index.js'
import { defaultStatePath, openStateStore } from '../../../src/state/index.js'
import { tempDir, writeConfig } from '../../helpers/cli.js'
import { MYSQL_URL, mysqlAvailable, PG_URL, pgAvailable, withMysql, withPg } from '../../helpers/db.js'

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()
const ROLE = 'rivet_pa_limited'

function urlAs(base: string, user: string, password = ''): string {
  const u = new URL(base)
  u.username = user
  u.password = password
  return u.toString()
}

function config(url: string, type: 'postgres' | 'mysql', exportsYaml: string): string {
  return writeConfig(tempDir('rivet-plan-it-'), `source:\n  type: ${type}\n  url: ${url}\nexports:\n${exportsYaml}`)
}

async function refusal(promise: Promise<unknown>): Promise<RivetError> {
  const err = await promise.then(() => null, (e: unknown) => e)
  if (!(err instanceof RivetError)) throw new Error(`expected a RivetError, got ${String(err)}`)
  return err
}

describe.skipIf(!hasPg)('createPlan against PostgreSQL', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS pa_it_events, pa_it_small, pa_it_orders')
      // ids 1..20,000 then 10 ids from 1,000,000 on (sparse): the range plan must reach the real max
      await c.query(`CREATE TABLE pa_it_events AS SELECT g::int8 AS id, md5(g::text) AS code FROM generate_series(1, 20000) g
        UNION ALL SELECT 1000000 + g, md5(g::text) FROM generate_series(0, 9) g`)
      await c.query('ALTER TABLE pa_it_events ADD PRIMARY KEY (id)')
      await c.query('ANALYZE pa_it_events')
      await c.query('CREATE TABLE pa_it_small (id int PRIMARY KEY, v text)')
      await c.query("INSERT INTO pa_it_small SELECT g, 'v' || g FROM generate_series(1, 50) g")
      await c.query('ANALYZE pa_it_small')
      await c.query(`CREATE TABLE pa_it_orders (id int PRIMARY KEY, updated_at timestamptz NOT NULL)`)
      await c.query(`INSERT INTO pa_it_orders SELECT g, '2026-01-01T00:00:00Z'::timestamptz + g * interval '1 minute' FROM generate_series(1, 3000) g`)
      await c.query('ANALYZE pa_it_orders')
      await c.query(`DROP ROLE IF EXISTS ${ROLE}`)
      await c.query(`CREATE ROLE ${ROLE} LOGIN CONNECTION LIMIT 2`)
      await c.query(`GRANT SELECT ON pa_it_events, pa_it_small, pa_it_orders TO ${ROLE}`)
    })
  }, 120_000)

  afterAll(async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS pa_it_events, pa_it_small, pa_it_orders')
      await c.query(`DROP ROLE IF EXISTS ${ROLE}`)
    })
  })

  it('records the exact range chunks, the clamped readers and the planner’s warning', async () => {
    const cfg = config(urlAs(PG_URL, ROLE, 'hunter2-not-a-real-one'), 'postgres', `  - name: events
    table: public.pa_it_events
    mode: chunked
    chunk_size: 5000
    parallel: 8
    format: parquet
    destination: { type: local, path: "./out/{export}/{date}" }
`)
    const plan = await createPlan({ configPath: cfg })
    const e = plan.exports[0]!
    expect(e.chunks).not.toBeNull()
    const expected = planIntegerRanges('events', 1n, 1_000_009n, 5000n)
    expect(e.chunks!.ranges.map(({ index, lo, hi }) => ({ index, lo, hi }))).toEqual(expected)
    expect(e.chunks!.ranges).toHaveLength(201)
    expect(e.chunks!.ranges[1]!.predicate).toBe(`"id" >= '5001'::bigint AND "id" < '10001'::bigint`)
    expect(e.chunks!.ranges[0]!.predicate).toBe(`"id" < '5001'::bigint`)
    expect([e.chunks!.column, e.chunks!.column_type, e.chunks!.strategy, e.chunks!.parallel, e.chunks!.parallel_requested]).toEqual(['id', 'bigint', 'range', 2, 8])
    expect(e.estimated_rows).toBe(20_010)
    expect(e.read).toEqual({ strategy: 'chunks', statement: null, page_key: null })
    expect(e.diagnostics).toEqual(expect.arrayContaining([expect.stringMatching(/^parallel 8 clamped to 2: .*CONNECTION LIMIT 2/), expect.stringMatching(/sparse/)]))
    expect(e.output.destination).toEqual({ type: 'local', path: expect.stringMatching(/\/out\/\{export\}\/\{date\}$/) })
    expect(plan.source).toEqual({ type: 'postgres', host: new URL(PG_URL).hostname, database: new URL(PG_URL).pathname.slice(1) })
    // no credential anywhere in the file
    const path = writePlanFile(`${cfg}.plan.json`, plan)
    const text = readFileSync(path, 'utf8')
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain(ROLE)
    expect(verifyPlan(readPlanFile(path)).planned.get('events')?.chunks).toEqual({ column: 'id', parallel: 2, ranges: expected })
  }, 60_000)

  it('records a chunked table smaller than one chunk as the single-snapshot read it gets', async () => {
    const cfg = config(PG_URL, 'postgres', `  - name: small
    table: public.pa_it_small
    mode: chunked
    chunk_size: 1000
    format: csv
    destination: { type: local, path: "./out" }
`)
    const e = (await createPlan({ configPath: cfg })).exports[0]!
    expect(e.chunks).toBeNull()
    expect(e.read.strategy).toBe('ctid')
    expect(e.read.statement).toBe('SELECT "id", "v" FROM "public"."pa_it_small"')
    expect(e.estimated_rows).toBe(50)
    expect(e.diagnostics).toEqual(expect.arrayContaining([expect.stringMatching(/about 50 rows, fewer than one chunk \(1000\)/)]))
  }, 60_000)

  it('records the cursor snapshot of an incremental export and the predicate it implies', async () => {
    const cfg = config(PG_URL, 'postgres', `  - name: orders
    table: public.pa_it_orders
    mode: incremental
    cursor_column: updated_at
    format: parquet
    destination: { type: local, path: "./out" }
  - name: by_query
    query: "select id from pa_it_orders where id % 2 = 0"
    format: parquet
    destination: { type: local, path: "./q" }
`)
    const first = await createPlan({ configPath: cfg })
    expect(first.exports[0]!.incremental).toEqual({ cursor_column: 'updated_at', cursor_type: 'timestamp with time zone', cursor: null, tie: 'first-run', predicate: null })
    expect(first.exports[0]!.estimated_rows).toBe(3000)
    expect(first.exports[1]!.read).toEqual({ strategy: 'cursor', statement: 'select id from pa_it_orders where id % 2 = 0', page_key: null })
    // a completed run stored a cursor at row 2,500 with its key
    const state = openStateStore(defaultStatePath(cfg))
    state.beginRun({ runId: 'r1', exportName: 'orders', startedAt: new Date(), pid: process.pid, hostname: 'h', rivetVersion: '0', configPath: cfg, format: 'parquet', compression: 'zstd', mode: 'incremental' })
    state.completeRun('r1', { rows: 2500, bytes: 1, filesCount: 1, durationMs: 1, peakRssBytes: 1, finishedAt: new Date() }, {
      cursor: { value: '2026-01-02 17:40:00+00', type: 'timestamp with time zone', boundaryKeys: [['2500']], boundaryComplete: true },
    })
    state.close()
    const second = (await createPlan({ configPath: cfg, exports: ['orders'] })).exports
    expect(second.map((e) => e.name)).toEqual(['orders'])
    const inc = second[0]!.incremental!
    expect(inc.cursor).toEqual({ value: '2026-01-02 17:40:00+00', type: 'timestamp with time zone', boundary_keys: [['2500']], boundary_complete: true, run_id: 'r1', updated_at: expect.any(String) })
    expect(inc.tie).toBe('exclude-exported-keys')
    const last = `'2026-01-02 17:40:00+00'::timestamp with time zone`
    expect(inc.predicate).toBe(`("updated_at" > ${last} OR ("updated_at" = ${last} AND NOT COALESCE(("id"::text) IN (('2500')), false)))`)
    expect(second[0]!.read.statement).toBe(`SELECT "id", "updated_at" FROM "public"."pa_it_orders" WHERE ${inc.predicate}`)
    // the planner's estimate of the 500 rows after the cursor, not the table's 3,000
    expect(second[0]!.estimated_rows).toBeGreaterThan(300)
    expect(second[0]!.estimated_rows).toBeLessThan(800)
  }, 60_000)

  it('refuses what `rivet run` refuses, before writing a plan', async () => {
    const cfg = config(PG_URL, 'postgres', `  - name: a
    table: public.pa_it_small
    format: csv
    destination: { type: stdout }
  - name: b
    table: public.pa_it_small
    format: csv
    destination: { type: local, path: "./b" }
`)
    expect((await refusal(createPlan({ configPath: cfg }))).code).toBe('RIVET_CONFIG_CONFLICT')
    const unknown = await refusal(createPlan({ configPath: cfg, exports: ['bb'] }))
    expect([unknown.code, unknown.message]).toEqual(['RIVET_EXPORT_NOT_FOUND', expect.stringMatching(/did you mean/)])
    expect((await refusal(createPlan({ configPath: `${cfg}.missing` }))).code).toBe('RIVET_CONFIG_NOT_FOUND')
  }, 60_000)
})

describe.skipIf(!hasMysql)('createPlan against MySQL/MariaDB', () => {

  beforeAll(async () => {
    await withMysql(async (c) => {
      await c.query('DROP TABLE IF EXISTS pa_it_my')
      await c.query('CREATE TABLE pa_it_my (id BIGINT PRIMARY KEY, code VARCHAR(40) NOT NULL, UNIQUE KEY (code))')
      await c.query("INSERT INTO pa_it_my SELECT seq, CONCAT('k', LPAD(seq, 6, '0')) FROM seq_1_to_9000")
      await c.query('ANALYZE TABLE pa_it_my')
    })
  }, 60_000)

  afterAll(async () => {
    await withMysql((c) => c.query('DROP TABLE IF EXISTS pa_it_my'))
  })

  it('records keyset chunks on a text key with bounds written as MySQL literals', async () => {
    const cfg = config(MYSQL_URL, 'mysql', `  - name: my
    table: pa_it_my
    mode: chunked
    chunk_column: code
    chunk_by_key: true
    chunk_size: 2000
    format: parquet
    destination: { type: local, path: "./out" }
`)
    const plan: PlanFile = await createPlan({ configPath: cfg })
    const c = plan.exports[0]!.chunks!
    expect([c.strategy, c.column, c.ranges.length]).toEqual(['keyset', 'code', 5])
    expect(c.ranges.map((r) => r.lo)).toEqual([null, 'k002001', 'k004001', 'k006001', 'k008001'])
    expect(c.ranges[1]!.predicate).toBe("`code` >= 'k002001' AND `code` < 'k004001'")
    expect(plan.source.type).toBe('mysql')
  }, 60_000)
})
