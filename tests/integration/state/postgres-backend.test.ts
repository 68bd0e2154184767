import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { openStateForConfig } from '../../../src/cli/state-access.js'
import {
  STATE_FILE_NAME, openConfiguredState, openExistingState, openPostgresStateStore, resolveStateTarget, type ExportLockHolder, type StateStore,
} from '../../../src/state/index.js'
import { runCli, tempDir, writeConfig } from '../../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../../helpers/db.js'
import { caught } from '../../helpers/errors.js'
import { runInput } from '../../unit/state/helpers.js'
import { StateChild } from './children.js'

// What only the PostgreSQL backend does: selection by RIVET_STATE_URL, connection errors without
// credentials, locks that follow the holder's connection, bounded waits, the CLI end to end.
const hasPg = await pgAvailable()
const PREFIX = `it_state_pg_${process.pid}`
const schemas: string[] = []
let counter = 0

/** The test server's URL with a new schema (dropped after the file), and optionally a password (trust auth ignores it). */
function schemaUrl(password?: string): string {
  const url = new URL(PG_URL)
  const schema = `${PREFIX}_${++counter}`
  schemas.push(schema)
  url.searchParams.set('schema', schema)
  if (password !== undefined) url.password = password
  return url.toString()
}

/** Acquire, retrying RIVET_EXPORT_LOCKED for a bounded while (up to 10 s). */
async function acquireOnceFree(store: StateStore, exportName: string, holder: ExportLockHolder): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return store.acquireExportLock(exportName, holder)
    } catch (err) {
      if (attempt >= 100 || (err as { code?: string }).code !== 'RIVET_EXPORT_LOCKED') throw err
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

const schemaOf = (url: string) => new URL(url).searchParams.get('schema')!
const schemaExists = (schema: string) => withPg(async (c) => (await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1)

describe('state selection (no server needed)', () => {
  it('uses the SQLite file next to the config unless RIVET_STATE_URL is set', () => {
    expect(resolveStateTarget('/etc/rivet/rivet.yaml', {})).toEqual({ kind: 'sqlite', path: `/etc/rivet/${STATE_FILE_NAME}`, location: `/etc/rivet/${STATE_FILE_NAME}` })
    expect(resolveStateTarget('/etc/rivet/rivet.yaml', { RIVET_STATE_URL: '  ' }).kind).toBe('sqlite')
    const target = resolveStateTarget('/etc/rivet/rivet.yaml', { RIVET_STATE_URL: 'postgresql://rivet:hunter2@db.internal:6432/ops?sslmode=require' })
    expect(target).toEqual({
      kind: 'postgres', url: 'postgresql://rivet:hunter2@db.internal:6432/ops?sslmode=require', location: 'postgresql://rivet@db.internal:6432/ops?sslmode=require&schema=rivet',
    })
  })

  it.each([
    ['not a URL', 'hunter2 is my password', /RIVET_STATE_URL is not a URL/],
    ['another scheme', 'mysql://root:hunter2@db/x', /scheme mysql:\/\/; the state can live in PostgreSQL only/],
    ['a bad schema name', 'postgres://u:hunter2@db/x?schema=Drop%20Table', /names schema "Drop Table"/],
    ['no host', 'postgres:///x?password=hunter2', /names no host/],
  ])('refuses %s as RIVET_CONFIG_FORMAT without echoing the password', (_case, url, message) => {
    const err = caught(() => openConfiguredState('/tmp/rivet.yaml', { RIVET_STATE_URL: url }))
    expect(err.code).toBe('RIVET_CONFIG_FORMAT')
    expect(err.message).toMatch(message)
    expect(err.hint).toMatch(/RIVET_STATE_URL/)
    expect(JSON.stringify(err.toJSON())).not.toContain('hunter2')
  })

  it('reports a server that refuses connections as RIVET_STATE_ERROR naming RIVET_STATE_URL, without the password', () => {
    // port 1 on the loopback address: nothing listens there
    const err = caught(() => openConfiguredState('/tmp/rivet.yaml', { RIVET_STATE_URL: 'postgres://rivet:hunter2@127.0.0.1:1/db' }))
    expect(err.code).toBe('RIVET_STATE_ERROR')
    expect(err.message).toMatch(/cannot connect to the state database postgres:\/\/rivet@127\.0\.0\.1:1\/db\?schema=rivet: .*ECONNREFUSED/)
    expect(err.hint).toMatch(/RIVET_STATE_URL/)
    expect(err.details).toMatchObject({ code: 'ECONNREFUSED' })
    expect(JSON.stringify(err.toJSON())).not.toContain('hunter2')
  })
})

describe.skipIf(!hasPg)('PostgreSQL state backend', () => {
  const open: StateStore[] = []
  const children: StateChild[] = []
  const track = <T extends StateStore | null>(store: T): T => {
    if (store !== null) open.push(store)
    return store
  }
  afterEach(async () => {
    vi.unstubAllEnvs()
    for (const child of children.splice(0)) await child.kill()
    for (const store of open.splice(0)) store.close()
  })
  afterAll(async () => {
    await withPg(async (c) => {
      for (const schema of schemas) await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await c.query('DROP TABLE IF EXISTS public.it_state_pg_src')
    })
  })

  it('describes itself without the password, and a wrong role is RIVET_STATE_ERROR without it either', () => {
    const store = track(openPostgresStateStore(schemaUrl('hunter2')))
    expect(store.describeLocation()).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:5432\/test\?schema=it_state_pg_/)
    expect(store.describeLocation()).not.toContain('hunter2')
    const wrong = new URL(schemaUrl('hunter2'))
    wrong.username = 'it_state_no_such_role'
    const err = caught(() => openPostgresStateStore(wrong.toString()))
    expect([err.code, err.details.sqlState]).toEqual(['RIVET_STATE_ERROR', '28000'])
    expect(JSON.stringify(err.toJSON())).not.toContain('hunter2')
  })

  it('creates nothing when a reading command finds no state, and reads the state once it exists', async () => {
    const url = schemaUrl()
    const dir = tempDir('rivet-state-pg-')
    const config = writeConfig(dir, 'source: { type: postgres, url: postgres://x@localhost/db }\nexports: []\n')
    vi.stubEnv('RIVET_STATE_URL', url)
    expect(openStateForConfig(config)).toBeNull()
    expect(openExistingState(config)).toBeNull()
    expect(await schemaExists(schemaOf(url))).toBe(false)
    track(openConfiguredState(config)).beginRun(runInput())
    expect(track(openStateForConfig(config))?.getRun('run-1')?.status).toBe('running')
    expect(existsSync(path.join(dir, STATE_FILE_NAME)), 'no SQLite file next to the config').toBe(false)
  })

  it('keeps schemas apart: state and export locks of one schema are invisible in another', () => {
    const [a, b] = [track(openPostgresStateStore(schemaUrl())), track(openPostgresStateStore(schemaUrl()))]
    a.beginRun(runInput())
    expect(b.getRun('run-1')).toBeUndefined()
    a.acquireExportLock('orders', { runId: 'run-1', pid: process.ppid, hostname: os.hostname() })
    b.acquireExportLock('orders', { runId: 'run-9', pid: process.ppid, hostname: os.hostname() })
    expect([a.getExportLock('orders')?.runId, b.getExportLock('orders')?.runId]).toEqual(['run-1', 'run-9'])
  })

  it('carries the SQLSTATE of a refused statement', () => {
    const store = track(openPostgresStateStore(schemaUrl()))
    store.beginRun(runInput())
    const err = caught(() => store.beginRun(runInput()))
    expect([err.code, err.details.sqlState, err.details.action]).toEqual(['RIVET_STATE_ERROR', '23505', 'begin run'])
  })

  it('gives a secret created meanwhile by another process precedence over the one it generated', () => {
    const url = schemaUrl()
    const [a, b] = [track(openPostgresStateStore(url)), track(openPostgresStateStore(url))]
    const value = a.ensureSecret('k', () => {
      // another store stores its value between our read and our insert
      expect(b.ensureSecret('k', () => 'from-b')).toBe('from-b')
      return 'from-a'
    })
    expect([value, a.getSecret('k'), b.getSecret('k')]).toEqual(['from-b', 'from-b', 'from-b'])
  })

  it('detects a dead holder from its closed connection, even one on another host', async () => {
    const url = schemaUrl()
    const store = track(openPostgresStateStore(url))
    // a holder on another host: the SQLite store could only presume it dead after a day
    const holder = new StateChild({ spec: { kind: 'postgres', url }, action: 'hold', exportName: 'orders', runId: 'remote', hostname: 'another-host' })
    children.push(holder)
    expect((await holder.next('held', 'error')).step).toBe('held')
    const taker = { runId: 'local', pid: process.pid, hostname: os.hostname() }
    expect(caught(() => store.acquireExportLock('orders', taker)).details).toMatchObject({ runId: 'remote', hostname: 'another-host' })
    await holder.kill()
    // the server ends the session when it reads the closed socket: a moment after the kill
    await acquireOnceFree(store, 'orders', taker)
    expect(store.getExportLock('orders')).toMatchObject({ runId: 'local', hostname: os.hostname() })
  })

  it('frees the lock when the holding store closes without releasing it', () => {
    const url = schemaUrl()
    const first = openPostgresStateStore(url)
    first.acquireExportLock('orders', { runId: 'first', pid: process.ppid, hostname: os.hostname() })
    const second = track(openPostgresStateStore(url))
    expect(caught(() => second.acquireExportLock('orders', { runId: 'second', pid: process.pid, hostname: os.hostname() })).code).toBe('RIVET_EXPORT_LOCKED')
    first.close()
    second.acquireExportLock('orders', { runId: 'second', pid: process.pid, hostname: os.hostname() })
    expect(second.getExportLock('orders')?.runId).toBe('second')
  })

  it('bounds every wait: a statement stuck behind a lock fails with RIVET_STATE_ERROR and the store stays closed', async () => {
    const url = schemaUrl()
    track(openPostgresStateStore(url)).close()
    const store = track(openPostgresStateStore(url, { timeoutMs: 1000 }))
    await withPg(async (c) => {
      await c.query('BEGIN')
      await c.query(`LOCK TABLE ${schemaOf(url)}.runs IN ACCESS EXCLUSIVE MODE`)
      try {
        const err = caught(() => store.getRun('run-1'))
        expect([err.code, err.message]).toEqual(['RIVET_STATE_ERROR', expect.stringMatching(/read run failed: no answer from the state database within 1 s/)])
      } finally {
        await c.query('ROLLBACK')
      }
    })
    expect(caught(() => store.getRun('run-1')).message).toMatch(/no answer/)
  })

  it('does not keep a process alive that exits without closing its store', async () => {
    const url = schemaUrl()
    const script = `const s = await import(${JSON.stringify(new URL('../../../dist/src/state/index.js', import.meta.url).href)});
      const store = s.openPostgresStateStore(${JSON.stringify(url)}); store.beginRun({ ...${JSON.stringify(runInput())}, startedAt: new Date() });
      console.log('opened')`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
    expect([code, out.trim()]).toEqual([0, 'opened'])
  })

  it('runs an export with the state in PostgreSQL: no state file, and the reading commands see the run', async () => {
    await withPg((c) => c.query(`DROP TABLE IF EXISTS public.it_state_pg_src;
      CREATE TABLE public.it_state_pg_src AS SELECT g AS id, 'row ' || g AS label FROM generate_series(1, 500) g`))
    const url = schemaUrl('hunter2')
    const dir = tempDir('rivet-state-pg-run-')
    const config = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n  - name: pg_state_src\n    table: public.it_state_pg_src\n    format: csv\n    destination: { type: local, path: "./out" }\n`)
    const env = { RIVET_STATE_URL: url }
    const run = await runCli(['run', '-c', config], { env })
    expect(run.code, run.stderr).toBe(0)
    expect(readdirSync(dir)).not.toContain(STATE_FILE_NAME)
    const metrics = await runCli(['metrics', '-c', config, '--json'], { env })
    const runs = (JSON.parse(metrics.stdout) as { runs: { exportName: string; status: string; rows: number }[] }).runs
    expect(runs.map((r) => [r.exportName, r.status, r.rows])).toEqual([['pg_state_src', 'completed', 500]])
    const rows = await withPg(async (c) => (await c.query(`SELECT status, rows FROM ${schemaOf(url)}.runs`)).rows)
    expect(rows).toEqual([{ status: 'completed', rows: '500' }])
    for (const output of [run, metrics]) expect(output.stdout + output.stderr).not.toContain('hunter2')

    const unreachable = await runCli(['metrics', '-c', config], { env: { RIVET_STATE_URL: 'postgres://rivet:hunter2@127.0.0.1:1/db' } })
    expect([unreachable.code, unreachable.stderr]).toEqual([1, expect.stringMatching(/RIVET_STATE_ERROR/)])
    expect(unreachable.stdout + unreachable.stderr).not.toContain('hunter2')
  })
})
