import { beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { MYSQL_URL, PG_URL, mysqlAvailable, pgAvailable, withPg } from '../helpers/db.js'

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()

interface CheckJson {
  exit_code: number
  server: string
  warnings: string[]
  exports: {
    export: string
    verdict: string
    reasons: string[]
    explain: string | null
    index_hint: string | null
    estimated_rows: number
    strategy: string
    warnings: string[]
    memory: { estimate_mb: number; budget_mb: number }
    connections: { readers: number; available: number }
    recommended: { profile: string; parallel: number }
  }[]
}

async function check(type: 'postgres' | 'mysql', url: string, exportsYaml: string): Promise<{ code: number | null; report: CheckJson; text: string }> {
  const dir = tempDir('rivet-check-')
  const cfg = writeConfig(dir, `source:\n  type: ${type}\n  url: ${url}\nexports:\n${exportsYaml}`)
  const json = await runCli(['check', '-c', cfg, '--json'], { cwd: dir })
  const text = await runCli(['check', '-c', cfg], { cwd: dir })
  return { code: json.code, report: JSON.parse(json.stdout) as CheckJson, text: text.stdout }
}

const byName = (r: CheckJson, name: string) => r.exports.find((e) => e.export === name)!

describe.skipIf(!hasPg)('rivet check against PostgreSQL (1M-row tables)', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('drop table if exists ck_plain, ck_keyed, ck_sparse')
      await c.query(`create table ck_plain as select g as id, g % 97 as grp, now() - g * interval '1 second' as updated_at, md5(g::text) as payload from generate_series(1, 1000000) g`)
      await c.query('create table ck_keyed (like ck_plain)')
      await c.query('insert into ck_keyed select * from ck_plain')
      await c.query('alter table ck_keyed add primary key (id)')
      await c.query('create index ck_keyed_updated on ck_keyed (updated_at)')
      await c.query(`create table ck_sparse as select g * 1000 as id, 'x' as v from generate_series(1, 150000) g`)
      await c.query('alter table ck_sparse add primary key (id)')
      await c.query('analyze ck_plain; analyze ck_keyed; analyze ck_sparse')
    })
  }, 120_000)

  it('rates an unindexed chunk column Degraded with the index to create, an indexed one Efficient', async () => {
    const { code, report, text } = await check('postgres', PG_URL,
      '  - { name: plain, table: ck_plain, format: parquet, mode: chunked, chunk_column: id, parallel: 4, destination: { type: local, path: "./o/{export}" } }\n' +
      '  - { name: keyed, table: ck_keyed, format: parquet, mode: chunked, chunk_column: id, parallel: 4, destination: { type: local, path: "./o/{export}" } }\n')
    expect(code).toBe(0)
    const plain = byName(report, 'plain')
    expect(plain.verdict).toBe('Degraded')
    expect(plain.index_hint).toBe('CREATE INDEX CONCURRENTLY ON "public"."ck_plain" ("id");')
    expect(plain.explain).toContain('Seq Scan')
    expect(plain.estimated_rows).toBeGreaterThan(900_000)
    expect(plain.recommended).toMatchObject({ profile: 'safe', parallel: 1 })
    const keyed = byName(report, 'keyed')
    expect(keyed.verdict).toBe('Efficient')
    expect(keyed.reasons[0]).toContain('leads index ck_keyed_pkey')
    expect(keyed.explain).toMatch(/Index (Only )?Scan using ck_keyed_pkey/)
    expect(keyed.index_hint).toBeNull()
    expect(keyed.connections.readers).toBe(4)
    expect(text).toContain('export plain (chunked, "public"."ck_plain", ~1,000,000 rows)')
    expect(text).toContain('fix         CREATE INDEX CONCURRENTLY ON "public"."ck_plain" ("id");')
    expect(text.trim().split('\n').pop()).toBe('2 export(s): 1 efficient, 0 acceptable, 1 degraded, 0 unsafe')
  })

  it('judges incremental cursors by their index, and full table reads by page ranges', async () => {
    const { report } = await check('postgres', PG_URL,
      '  - { name: inc_plain, table: ck_plain, format: csv, mode: incremental, cursor_column: updated_at, destination: { type: local, path: "./o/{export}" } }\n' +
      '  - { name: inc_keyed, table: ck_keyed, format: csv, mode: incremental, cursor_column: updated_at, destination: { type: local, path: "./o/{export}" } }\n' +
      '  - { name: whole, table: ck_plain, format: csv, destination: { type: local, path: "./o/{export}" } }\n')
    expect(byName(report, 'inc_plain')).toMatchObject({ verdict: 'Degraded', index_hint: 'CREATE INDEX CONCURRENTLY ON "public"."ck_plain" ("updated_at");' })
    expect(byName(report, 'inc_keyed').verdict).toBe('Efficient')
    expect(byName(report, 'inc_keyed').explain).toContain('ck_keyed_updated')
    expect(byName(report, 'whole')).toMatchObject({ verdict: 'Efficient' })
    expect(byName(report, 'whole').explain).toContain('Tid Range Scan')
  })

  it('warns about a sparse key and names chunk_dense', async () => {
    const { report } = await check('postgres', PG_URL, '  - { name: sparse, table: ck_sparse, format: csv, mode: chunked, chunk_column: id, chunk_size: 10000, destination: { type: local, path: "./o/{export}" } }\n')
    const sparse = byName(report, 'sparse')
    expect(sparse.warnings.join('\n')).toMatch(/sparse key: ~150,000 rows over 149999001 values of id \(density 0\.001\).*chunk_dense: true/)
    expect(sparse.strategy).toMatch(/^~15000 value range/)
  })

  it('is Unsafe, and exits 1, when the memory estimate breaches tuning.memory_mb', async () => {
    const { code, report } = await check('postgres', PG_URL,
      '  - { name: greedy, table: ck_keyed, format: parquet, mode: chunked, chunk_column: id, parallel: 8, tuning: { memory_mb: 256, batch_size_memory_mb: 64 }, destination: { type: local, path: "./o/{export}" } }\n')
    expect(code).toBe(1)
    const greedy = byName(report, 'greedy')
    expect(greedy.verdict).toBe('Unsafe')
    expect(greedy.memory.estimate_mb).toBe(192 + 64 * 6 * 8)
    expect(greedy.reasons.join(' ')).toContain(`the memory estimate ${192 + 64 * 6 * 8} MiB exceeds tuning.memory_mb 256`)
  })

  it('reports an export that cannot run (missing table) as Unsafe with its error code', async () => {
    const { code, report } = await check('postgres', PG_URL, '  - { name: gone, table: ck_nowhere, format: csv, destination: { type: local, path: "./o/{export}" } }\n')
    expect(code).toBe(1)
    expect(byName(report, 'gone').verdict).toBe('Unsafe')
    expect(byName(report, 'gone').reasons[0]).toContain('RIVET_SOURCE_NOT_FOUND')
  })
})

describe.skipIf(!hasPg)('rivet check --type-report --target bigquery --strict (PostgreSQL)', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query('drop table if exists ck_tr_clean, ck_tr_bare')
      await c.query('create table ck_tr_clean (id int primary key, name text, at timestamptz, amount numeric(12,2), d date, ok bool)')
      await c.query('create table ck_tr_bare (id int primary key, amount numeric)')
    })
  })

  const run = async (exportsYaml: string, extra: string[] = []) => {
    const dir = tempDir('rivet-check-tr-')
    const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n${exportsYaml}`)
    return runCli(['check', '-c', cfg, '--type-report', '--target', 'bigquery', '--strict', ...extra], { cwd: dir })
  }

  it('exits 0 on a clean table and prints every column with its BigQuery type', async () => {
    const r = await run('  - { name: clean, table: ck_tr_clean, format: parquet, destination: { type: local, path: "./o" } }\n')
    expect(r.code, r.stdout + r.stderr).toBe(0)
    for (const column of ['id', 'name', 'at', 'amount', 'd', 'ok']) expect(r.stdout).toContain(column)
    expect(r.stdout).toContain('NUMERIC')
  })

  it('exits 1 with RIVET_TYPE_FIDELITY on a bare numeric, and 0 once the column has an override', async () => {
    const bare = await run('  - { name: bare, table: ck_tr_bare, format: parquet, destination: { type: local, path: "./o" } }\n')
    expect(bare.code).toBe(1)
    expect(bare.stderr).toContain('[RIVET_TYPE_FIDELITY]')
    expect(bare.stderr).toContain('bare.amount')
    const fixed = await run('  - { name: bare, table: ck_tr_bare, format: parquet, columns: { amount: "decimal(38,9)" }, destination: { type: local, path: "./o" } }\n')
    expect(fixed.code, fixed.stderr).toBe(0)
  })

  it('refuses --strict without --type-report', async () => {
    const dir = tempDir('rivet-check-tr-')
    const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n  - { name: clean, table: ck_tr_clean, format: parquet, destination: { type: local, path: "./o" } }\n`)
    const r = await runCli(['check', '-c', cfg, '--strict'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('[RIVET_USAGE] --target and --strict apply to --type-report')
  })
})

describe.skipIf(!hasMysql)('rivet check against MariaDB', () => {
  beforeAll(async () => {
    const { default: mysql } = await import('mysql2/promise')
    const conn = await mysql.createConnection(MYSQL_URL)
    await conn.query('drop table if exists ck_my_plain, ck_my_keyed')
    await conn.query('create table ck_my_plain (id int not null, grp int, payload varchar(40))')
    await conn.query('insert into ck_my_plain select seq, seq % 97, md5(seq) from seq_1_to_300000')
    await conn.query('create table ck_my_keyed (id int primary key, grp int, payload varchar(40))')
    await conn.query('insert into ck_my_keyed select * from ck_my_plain')
    await conn.query('analyze table ck_my_plain, ck_my_keyed')
    await conn.end()
  }, 120_000)

  it('fails --type-report --target bigquery --strict on a bigint unsigned column', async () => {
    const { default: mysql } = await import('mysql2/promise')
    const conn = await mysql.createConnection(MYSQL_URL)
    await conn.query('drop table if exists ck_my_unsigned')
    await conn.query('create table ck_my_unsigned (id int primary key, big bigint unsigned)')
    await conn.end()
    const dir = tempDir('rivet-check-tr-')
    const cfg = writeConfig(dir, `source:\n  type: mysql\n  url: ${MYSQL_URL}\nexports:\n  - { name: unsigned, table: ck_my_unsigned, format: parquet, destination: { type: local, path: "./o" } }\n`)
    const r = await runCli(['check', '-c', cfg, '--type-report', '--target', 'bigquery', '--strict'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('unsigned.big')
  })

  it('rates an unindexed chunk column Degraded with the ALTER TABLE to run, an indexed one Efficient', async () => {
    const { report } = await check('mysql', MYSQL_URL,
      '  - { name: plain, table: ck_my_plain, format: parquet, mode: chunked, chunk_column: id, parallel: 2, destination: { type: local, path: "./o/{export}" } }\n' +
      '  - { name: keyed, table: ck_my_keyed, format: parquet, mode: chunked, chunk_column: id, parallel: 2, destination: { type: local, path: "./o/{export}" } }\n')
    expect(report.server).toMatch(/^MariaDB /)
    expect(byName(report, 'plain')).toMatchObject({ verdict: 'Degraded', index_hint: 'ALTER TABLE `test`.`ck_my_plain` ADD INDEX (`id`), ALGORITHM=INPLACE, LOCK=NONE;' })
    expect(byName(report, 'plain').explain).toContain('type=ALL')
    expect(byName(report, 'keyed').verdict).toBe('Efficient')
    expect(byName(report, 'keyed').explain).toContain('key=PRIMARY')
  })
})
