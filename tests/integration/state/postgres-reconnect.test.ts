import { spawn, type ChildProcess } from 'node:child_process'
import os from 'node:os'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { openPostgresStateStore, type StateStore } from '../../../src/state/index.js'
import { PG_URL, pgAvailable, withPg } from '../../helpers/db.js'
import { caught } from '../../helpers/errors.js'
import { fileInput, runInput } from '../../unit/state/helpers.js'

// The PostgreSQL state store reopens a dropped connection, re-takes its run locks on the new session,
// and refuses to write for a lock another process took over meanwhile.
const hasPg = await pgAvailable()
const PREFIX = `it_state_pgre_${process.pid}`
const schemas: string[] = []
let counter = 0

/** A URL on a new schema (dropped after the file) whose sessions carry their own application_name. */
function storeUrl(schema = `${PREFIX}_${++counter}`, base = PG_URL): { url: string; app: string; schema: string } {
  if (!schemas.includes(schema)) schemas.push(schema)
  const app = `${PREFIX}_app_${++counter}`
  const url = new URL(base)
  url.searchParams.set('schema', schema)
  url.searchParams.set('application_name', app)
  return { url: url.toString(), app, schema }
}

const backendsOf = (app: string) =>
  withPg(async (c) => (await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [app])).rows.map((r) => r.pid))

/** End the sessions of `app` on the server and wait until they are gone (the client's socket is closed by then). */
async function terminate(app: string): Promise<number[]> {
  const pids = await withPg(async (c) =>
    // the filter runs before the select list: only the store's sessions are ended
    (await c.query<{ pid: number }>('SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app])).rows.map((r) => r.pid),
  )
  for (let i = 0; i < 100 && (await backendsOf(app)).length > 0; i++) await sleep(50)
  // let the store's worker thread read the closed socket: the drop happens while the store is idle
  await sleep(200)
  return pids
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A TCP forwarder to the test server in a child process: killing it is a server that goes away and refuses connections. */
class ForwarderProcess {
  private child: ChildProcess | null = null
  port = 0

  async start(): Promise<void> {
    const upstream = new URL(PG_URL)
    const script = `const net = require('node:net')
      const server = net.createServer((c) => {
        const u = net.connect(${Number(upstream.port || 5432)}, ${JSON.stringify(upstream.hostname)})
        c.pipe(u); u.pipe(c)
        for (const [a, b] of [[c, u], [u, c]]) { a.on('error', () => b.destroy()); a.on('close', () => b.destroy()) }
      })
      server.listen(${this.port}, '127.0.0.1', () => console.log(server.address().port))`
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    this.child = child
    this.port = await new Promise<number>((resolve, reject) => {
      child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())))
      child.once('exit', (code) => reject(new Error(`forwarder exited with ${code}`)))
    })
  }

  async stop(): Promise<void> {
    const child = this.child
    if (child === null || child.exitCode !== null) return
    this.child = null
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }
}

/**
 * In a child process (this thread blocks inside store calls): lock `table` of the schema, say so,
 * end the sessions of `app` after `ms` (a statement of theirs is then waiting on the lock), then unlock.
 */
async function lockThenTerminate(schema: string, table: string, app: string, ms: number): Promise<ChildProcess> {
  const script = `const pg = require('pg')
    const c = new pg.Client({ connectionString: ${JSON.stringify(PG_URL)} })
    ;(async () => {
      await c.connect(); await c.query('BEGIN'); await c.query('LOCK TABLE ${schema}.${table} IN ACCESS EXCLUSIVE MODE')
      console.log('locked')
      await new Promise((r) => setTimeout(r, ${ms}))
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [${JSON.stringify(app)}])
      await new Promise((r) => setTimeout(r, 300))
      await c.query('ROLLBACK'); await c.end()
    })()`
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve())
    child.once('exit', (code) => reject(new Error(`locker exited with ${code}`)))
  })
  return child
}

const exited = (child: ChildProcess) => (child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve)))

describe.skipIf(!hasPg)('PostgreSQL state store: reconnecting', () => {
  const open: StateStore[] = []
  const forwarders: ForwarderProcess[] = []
  const track = <T extends StateStore>(store: T): T => {
    open.push(store)
    return store
  }
  afterEach(async () => {
    for (const store of open.splice(0)) store.close()
    for (const forwarder of forwarders.splice(0)) await forwarder.stop()
  })
  afterAll(async () => {
    await withPg(async (c) => {
      for (const schema of schemas) await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    })
  })

  it('reopens a connection the server ended, and keeps what was written before and after', async () => {
    const { url, app } = storeUrl()
    const store = track(openPostgresStateStore(url))
    store.beginRun(runInput())
    store.recordPendingFiles('run-1', [fileInput(1)])
    const [before] = await terminate(app)
    expect(before).toBeGreaterThan(0)
    // a lone write and a batch, each on a dropped connection
    store.recordPendingFiles('run-1', [fileInput(2)])
    await terminate(app)
    store.completeRun('run-1', { finishedAt: new Date(), rows: 300, bytes: 3000, filesCount: 2, durationMs: 5, peakRssBytes: 1, stats: {} })
    expect(store.getRun('run-1')).toMatchObject({ status: 'completed', rows: 300 })
    expect(store.listFiles({ runId: 'run-1' }).map((f) => [f.partIndex, f.committed]).sort()).toEqual([[1, true], [2, true]])
    const after = await backendsOf(app)
    expect(after).toHaveLength(1)
    expect(after[0]).not.toBe(before)
  })

  it('re-runs a read and an uncommitted batch that the drop interrupted, but not a lone write', async () => {
    const { url, app, schema } = storeUrl()
    const store = track(openPostgresStateStore(url))
    store.beginRun(runInput())
    store.recordPendingFiles('run-1', [fileInput(1)])

    // a read waiting on the lock when its session ends: sent again on the new session
    let locker = await lockThenTerminate(schema, 'runs', app, 300)
    expect(store.getRun('run-1')?.status).toBe('running')
    await exited(locker)

    // a batch ended before its COMMIT was sent (its second statement waits on the lock): sent again
    locker = await lockThenTerminate(schema, 'runs', app, 300)
    store.completeRun('run-1', { finishedAt: new Date(), rows: 100, bytes: 1000, filesCount: 1, durationMs: 5, peakRssBytes: 1, stats: {} })
    await exited(locker)
    expect(store.getRun('run-1')?.status).toBe('completed')
    expect(store.listFiles({ runId: 'run-1' }).map((f) => f.committed)).toEqual([true])

    // a lone write may have been applied: it fails, and the next call works on a new session
    locker = await lockThenTerminate(schema, 'runs', app, 300)
    const err = caught(() => store.beginRun(runInput({ runId: 'run-2' })))
    await exited(locker)
    expect(err.code).toBe('RIVET_STATE_ERROR')
    expect(err.message).toMatch(/begin run failed: the state connection was lost: .*may or may not have taken effect/)
    expect(store.getRun('run-2')).toBeUndefined()
    store.beginRun(runInput({ runId: 'run-2' }))
    expect(store.listRuns().map((r) => r.runId).sort()).toEqual(['run-1', 'run-2'])
  })

  it('re-takes a held run lock on the new session: another store still finds the export locked', async () => {
    const first = storeUrl()
    const a = track(openPostgresStateStore(first.url))
    const b = track(openPostgresStateStore(storeUrl(first.schema).url))
    a.beginRun(runInput({ runId: 'run-a' }))
    a.acquireExportLock('orders', { runId: 'run-a', pid: process.pid, hostname: os.hostname() })
    await terminate(first.app)
    // the first call after the drop reconnects and re-takes the lock before it runs
    expect(a.getRun('run-a')?.status).toBe('running')
    const err = caught(() => b.acquireExportLock('orders', { runId: 'run-b', pid: process.ppid, hostname: os.hostname() }))
    expect([err.code, err.details.runId]).toEqual(['RIVET_EXPORT_LOCKED', 'run-a'])
    // and it still writes under its lock
    a.appendEvent('run-a', 'orders', { kind: 'note', message: 'after the reconnect' })
    expect(a.listEvents({ runId: 'run-a' }).map((e) => e.message)).toEqual(['after the reconnect'])
    a.releaseExportLock('orders', 'run-a')
    b.acquireExportLock('orders', { runId: 'run-b', pid: process.ppid, hostname: os.hostname() })
    expect(b.getExportLock('orders')?.runId).toBe('run-b')
  })

  it('stops writing for a lock another store took over while it was disconnected, and leaves the new holder alone', async () => {
    const first = storeUrl()
    const a = track(openPostgresStateStore(first.url))
    const b = track(openPostgresStateStore(storeUrl(first.schema).url))
    a.beginRun(runInput({ runId: 'run-a' }))
    a.acquireExportLock('orders', { runId: 'run-a', pid: process.pid, hostname: os.hostname() })
    await terminate(first.app)
    // the advisory lock died with a's session: b takes the export over
    b.acquireExportLock('orders', { runId: 'run-b', pid: process.ppid, hostname: os.hostname() })

    const err = caught(() => a.completeRun('run-a', { finishedAt: new Date(), rows: 1, bytes: 1, filesCount: 0, durationMs: 1, peakRssBytes: 1, stats: {} }))
    expect(err.code).toBe('RIVET_EXPORT_LOCKED')
    expect(err.message).toMatch(/run lock of export orders \(run run-a\) was lost .*run run-b .*has taken it over/)
    expect(err.details).toMatchObject({ exportName: 'orders', runId: 'run-a', holderRunId: 'run-b' })
    expect(caught(() => a.appendEvent('run-a', 'orders', { kind: 'note', message: 'late' })).code).toBe('RIVET_EXPORT_LOCKED')
    expect(caught(() => a.resetExport('orders', { cursor: true, chunks: true })).code).toBe('RIVET_EXPORT_LOCKED')
    // reads still work; nothing was written for run-a
    expect(a.getRun('run-a')?.status).toBe('running')
    expect(a.listEvents({ runId: 'run-a' })).toEqual([])

    a.releaseExportLock('orders', 'run-a')
    expect(b.getExportLock('orders')?.runId).toBe('run-b')
    // b still holds the advisory lock: a third store is refused
    const c = track(openPostgresStateStore(storeUrl(first.schema).url))
    expect(caught(() => c.acquireExportLock('orders', { runId: 'run-c', pid: process.ppid, hostname: 'another-host' })).details).toMatchObject({ runId: 'run-b' })
  })

  it('fails with RIVET_STATE_ERROR when the server refuses connections beyond the retry window, and recovers once it is back', async () => {
    const forwarder = new ForwarderProcess()
    forwarders.push(forwarder)
    await forwarder.start()
    const direct = new URL(PG_URL)
    direct.port = String(forwarder.port)
    direct.password = 'hunter2'
    const { url } = storeUrl(undefined, direct.toString())
    const store = track(openPostgresStateStore(url))
    store.beginRun(runInput())
    await forwarder.stop()
    await sleep(200)

    const started = Date.now()
    const err = caught(() => store.getRun('run-1'))
    expect(err.code).toBe('RIVET_STATE_ERROR')
    expect(err.message).toMatch(/cannot connect to the state database postgres:\/\/postgres@127\.0\.0\.1:\d+\/.* \(read run\): the connection was lost .* and 3 attempts to reopen it failed: .*ECONNREFUSED/)
    expect(err.hint).toMatch(/RIVET_STATE_URL/)
    expect(JSON.stringify(err.toJSON())).not.toContain('hunter2')
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900)

    // the server is back on the same address: the next call reconnects
    await forwarder.start()
    expect(store.getRun('run-1')?.status).toBe('running')
  })
})
