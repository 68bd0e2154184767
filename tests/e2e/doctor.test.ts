import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { MYSQL_URL, PG_URL, mysqlAvailable, pgAvailable, withPg } from '../helpers/db.js'
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js'

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()

interface DoctorJson {
  ok: boolean
  exitCode: number
  checks: { subject: string; status: string; message: string; error?: { code: string; hint: string } }[]
}

const pgUrlAs = (user: string) => {
  const url = new URL(PG_URL)
  url.username = user
  url.password = ''
  return url.toString()
}

describe.skipIf(!hasPg)('rivet doctor (spawned CLI) against PostgreSQL', () => {
  let s3: S3TestServer
  beforeAll(async () => {
    s3 = await startS3Server(['doctor'])
    await withPg(async (c) => {
      await c.query('drop table if exists doc_ok, doc_secret')
      await c.query('create table doc_ok (id int primary key, name text, amount numeric(10,2))')
      await c.query('create table doc_secret (id int)')
      await c.query(`do $$ begin if not exists (select from pg_roles where rolname = 'rivet_doc_reader') then create role rivet_doc_reader login; end if; end $$`)
      await c.query('grant select on doc_ok to rivet_doc_reader')
      await c.query('revoke all on doc_secret from rivet_doc_reader')
    })
  })
  afterAll(async () => {
    await s3?.close()
  })

  it('passes every check of a sound config, local and S3', async () => {
    const dir = tempDir('rivet-doctor-')
    const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n` +
      `  - { name: local_one, table: doc_ok, format: parquet, destination: { type: local, path: "./out/{export}" } }\n` +
      `  - { name: s3_one, table: doc_ok, format: csv, destination: { type: s3, bucket: doctor, prefix: "x/{export}", endpoint: "${s3.endpoint}", access_key_env: DOC_KEY, secret_key_env: DOC_SECRET } }\n`)
    const r = await runCli(['doctor', '-c', cfg, '--json'], { cwd: dir, env: { DOC_KEY: s3.accessKeyId, DOC_SECRET: s3.secretAccessKey } })
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as DoctorJson
    expect(report.ok).toBe(true)
    expect(report.checks.map((c) => [c.subject, c.status])).toEqual([
      ['config', 'ok'], ['state', 'ok'], ['source', 'ok'], ['local_one', 'ok'], ['local_one', 'ok'], ['s3_one', 'ok'], ['s3_one', 'ok'],
    ])
    expect(report.checks[2]!.message).toMatch(/^PostgreSQL \d+/)
    expect(report.checks[3]!.message).toBe('table "public"."doc_ok" readable: 3 column(s)')
    expect(report.checks[6]!.message).toMatch(/^destination s3:\/\/doctor\/x\/s3_one\/: wrote s3:\/\/doctor\/x\/s3_one\/\.rivet-doctor\/probe-.+, read it back, removed it$/)
    const text = await runCli(['doctor', '-c', cfg], { cwd: dir, env: { DOC_KEY: s3.accessKeyId, DOC_SECRET: s3.secretAccessKey } })
    expect(text.stdout.trim().split('\n').pop()).toBe('7 passed, 0 failed')
  })

  it('reports a missing table, a table without SELECT and an unwritable destination, each with its code and hint', async () => {
    const dir = tempDir('rivet-doctor-')
    const blocked = join(dir, 'blocked')
    mkdirSync(blocked)
    writeFileSync(join(blocked, 'out'), 'a file where a directory should be')
    const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${pgUrlAs('rivet_doc_reader')}\nexports:\n` +
      `  - { name: missing, table: doc_nowhere, format: csv, destination: { type: local, path: "./out/{export}" } }\n` +
      `  - { name: secret, table: doc_secret, format: csv, destination: { type: local, path: "./out/{export}" } }\n` +
      `  - { name: blocked, table: doc_ok, format: csv, destination: { type: local, path: "./blocked/out/{export}" } }\n`)
    const r = await runCli(['doctor', '-c', cfg, '--json'], { cwd: dir })
    const report = JSON.parse(r.stdout) as DoctorJson
    expect(r.code).toBe(2) // the destination failure is retryable; the highest exit class wins
    const failures = report.checks.filter((c) => c.status === 'fail').map((c) => [c.subject, c.error!.code])
    expect(failures).toEqual([['missing', 'RIVET_SOURCE_NOT_FOUND'], ['secret', 'RIVET_SOURCE_PERMISSION'], ['blocked', 'RIVET_DEST_WRITE']])
    for (const c of report.checks.filter((x) => x.status === 'fail')) expect(c.error!.hint.length).toBeGreaterThan(10)
    expect(report.checks.find((c) => c.subject === 'blocked' && c.status === 'ok')?.message).toContain('readable')
  })

  it('skips the table checks when the source is unreachable, and still probes the destinations', async () => {
    const dir = tempDir('rivet-doctor-')
    const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: postgresql://postgres@127.0.0.1:1/test\nexports:\n` +
      `  - { name: one, table: doc_ok, format: csv, destination: { type: local, path: "./out/{export}" } }\n`)
    const r = await runCli(['doctor', '-c', cfg, '--json'], { cwd: dir })
    const report = JSON.parse(r.stdout) as DoctorJson
    expect(r.code).toBe(2)
    expect(report.checks.map((c) => [c.subject, c.status, c.error?.code])).toEqual([
      ['config', 'ok', undefined], ['state', 'ok', undefined], ['source', 'fail', 'RIVET_SOURCE_UNREACHABLE'], ['one', 'skip', undefined], ['one', 'ok', undefined],
    ])
  })

  it('stops at an invalid config with exit 1', async () => {
    const dir = tempDir('rivet-doctor-')
    const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n  - { name: x, table: doc_ok, format: xml, destination: { type: local, path: ./o } }\n`)
    const r = await runCli(['doctor', '-c', cfg], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('FAIL  config  [RIVET_CONFIG_INVALID]')
    expect(r.stdout.trim().split('\n').pop()).toBe('0 passed, 1 failed')
  })
})

describe.skipIf(!hasMysql)('rivet doctor against MariaDB', () => {
  it('reports the server and each table readable', async () => {
    const { default: mysql } = await import('mysql2/promise')
    const conn = await mysql.createConnection(MYSQL_URL)
    await conn.query('drop table if exists doc_my')
    await conn.query('create table doc_my (id int primary key, v varchar(10))')
    await conn.end()
    const dir = tempDir('rivet-doctor-')
    const cfg = writeConfig(dir, `source:\n  type: mysql\n  url: ${MYSQL_URL}\nexports:\n  - { name: my, table: doc_my, format: parquet, destination: { type: local, path: "./out/{export}" } }\n`)
    const r = await runCli(['doctor', '-c', cfg, '--json'], { cwd: dir })
    expect(r.code, r.stdout).toBe(0)
    const report = JSON.parse(r.stdout) as DoctorJson
    expect(report.checks[2]!.message).toMatch(/^MariaDB \d+\.\d+/)
    expect(report.checks[3]!.message).toBe('table `test`.`doc_my` readable: 2 column(s)')
  })
})
