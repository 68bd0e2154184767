import { connect } from 'node:net'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer, type DemoServer } from '../../../src/demo/index.js'
import { RawWireClient, errorFields, frontendMessage, parseMessage, terminateMessage } from './raw-wire-client.js'

// a waiting connection is refused after this long; generous so a loaded machine does not trip it
const WAIT_TIMEOUT_MS = 3000

let server: DemoServer
const lines: string[] = []

const client = (extra: pg.ClientConfig = {}): pg.Client => {
  const c = new pg.Client({ connectionString: server.url, ...extra })
  c.on('error', () => undefined)
  return c
}

async function scalar(c: pg.Client, sql: string): Promise<unknown> {
  const { rows } = await c.query(sql)
  return Object.values(rows[0] as Record<string, unknown>)[0]
}

describe('demo server (PGlite over TCP)', () => {
  beforeAll(async () => {
    server = await startDemoServer({ log: (line) => lines.push(line), waitTimeoutMs: WAIT_TIMEOUT_MS })
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('listens on 127.0.0.1 at an ephemeral port and names it in the URL', () => {
    expect(server.port).toBeGreaterThan(0)
    expect(server.url).toBe(`postgresql://postgres@127.0.0.1:${server.port}/postgres`)
    expect(lines.some((l) => l.includes('ready on 127.0.0.1'))).toBe(true)
  })

  it('accepts any user and database name; the session is always postgres/postgres', async () => {
    const c = client({ connectionString: `postgresql://someone:secret@127.0.0.1:${server.port}/shopdb` })
    await c.connect()
    const { rows } = await c.query('select current_user as u, current_database() as d, version() as v')
    await c.end()
    expect(rows[0]).toMatchObject({ u: 'postgres', d: 'postgres' })
    expect(rows[0].v).toMatch(/^PostgreSQL 18/)
  })

  it('serves sequential connections', async () => {
    for (let i = 0; i < 5; i++) {
      const c = client()
      await c.connect()
      expect(await scalar(c, `select ${i} + 1 as n`)).toBe(i + 1)
      await c.end()
    }
  })

  it('makes a second concurrent connection wait until the first closes', async () => {
    const events: string[] = []
    const first = client()
    await first.connect()
    const second = client()
    const secondReady = second.connect().then(() => events.push('second connected'))
    // round trips on the first connection give the second every chance to be served if it were not queued
    for (let i = 0; i < 10; i++) await first.query('select pg_sleep(0.01)')
    events.push('first done')
    await first.end()
    await secondReady
    expect(await scalar(second, 'select 42 as n')).toBe(42)
    await second.end()
    expect(events).toEqual(['first done', 'second connected'])
    expect(lines.some((l) => /waits: the demo database serves one connection at a time/.test(l))).toBe(true)
  })

  it('refuses a connection that waited longer than waitTimeoutMs with SQLSTATE 53300', async () => {
    const holder = client()
    await holder.connect()
    const waiter = client()
    const error = await waiter.connect().then(() => null, (err: unknown) => err as { code?: string; message: string })
    expect(error?.code).toBe('53300')
    expect(error?.message).toMatch(/one connection at a time/)
    expect(await scalar(holder, 'select 1 as n')).toBe(1) // the open connection is unaffected
    await holder.end()
  })

  it('admits the next connection as soon as a client sent Terminate, without waiting for the close', async () => {
    for (let i = 0; i < 30; i++) {
      const { client: raw, messages } = await RawWireClient.start(server.port, { user: 'postgres', database: 'postgres' })
      expect(messages.at(-1)?.type).toBe('Z')
      expect((await raw.query(`select ${i}`)).rows).toEqual([[String(i)]])
      raw.socket.end(terminateMessage())
      raw.socket.destroy() // reconnect at once, the way a worker that finished a chunk would
    }
  })

  it('applies startup parameters, which PGlite alone ignores, and reports them', async () => {
    const { client: raw, messages } = await RawWireClient.start(server.port, {
      user: 'postgres',
      database: 'postgres',
      application_name: 'rivet-demo-test',
      TimeZone: 'America/New_York',
      DateStyle: 'ISO, DMY',
      client_encoding: 'UTF8',
      extra_float_digits: '3',
    })
    const reported = new Map(messages.filter((m) => m.type === 'S').map((m) => m.body.toString('utf8').split('\0').slice(0, 2) as [string, string]))
    expect(reported.get('TimeZone')).toBe('America/New_York')
    expect(reported.get('DateStyle')).toBe('ISO, DMY')
    const { rows } = await raw.query(`select current_setting('application_name'), current_setting('extra_float_digits'), current_setting('TimeZone')`)
    expect(rows).toEqual([['rivet-demo-test', '3', 'America/New_York']])
    raw.send(terminateMessage())
    await raw.untilClosed()

    const c = client({ options: '-c TimeZone=Asia/Tokyo -c statement_timeout=5s' })
    await c.connect()
    expect(await scalar(c, `select current_setting('TimeZone')`)).toBe('Asia/Tokyo')
    expect(await scalar(c, `select current_setting('statement_timeout')`)).toBe('5s')
    await c.end()
  })

  it('refuses an invalid startup parameter with a FATAL error, then serves the next client', async () => {
    const bad = client({ options: '-c TimeZone=Mars/Olympus_Mons' })
    const error = await bad.connect().then(() => null, (err: unknown) => err as { code?: string })
    expect(error?.code).toBe('22023')
    const good = client()
    await good.connect()
    expect(await scalar(good, `select current_setting('TimeZone')`)).toBe('UTC')
    await good.end()
  })

  it('gives each connection a clean session: no transaction, settings, statements, cursors or temp tables left over', async () => {
    const { client: raw } = await RawWireClient.start(server.port, { user: 'postgres', database: 'postgres' })
    for (const sql of [
      'create table demo_leftover (id int)',
      `set TimeZone = 'Asia/Tokyo'`,
      'prepare demo_stmt as select 1',
      'declare demo_held cursor with hold for select 1',
      'create temp table demo_temp (id int)',
      'begin',
      'insert into demo_leftover values (1)',
      'create table demo_uncommitted (id int)',
    ]) {
      expect((await raw.query(sql)).error).toBeUndefined()
    }
    raw.socket.destroy() // vanish mid-transaction, without Terminate

    const c = client()
    await c.connect()
    const { rows } = await c.query(`select current_setting('TimeZone') as tz,
      (select count(*)::int from pg_prepared_statements) as statements,
      (select count(*)::int from pg_cursors) as cursors,
      to_regclass('demo_temp') is null as no_temp,
      to_regclass('demo_uncommitted') is null as no_uncommitted,
      (select count(*)::int from demo_leftover) as leftover_rows`)
    expect(rows[0]).toEqual({ tz: 'UTC', statements: 0, cursors: 0, no_temp: true, no_uncommitted: true, leftover_rows: 0 })
    await c.query('drop table demo_leftover')
    await c.end()
  })

  it('recovers when a client vanished in the middle of an extended-protocol exchange', async () => {
    const { client: raw } = await RawWireClient.start(server.port, { user: 'postgres', database: 'postgres' })
    // a failing Parse puts the backend into "skip until Sync"; the client then disappears
    raw.send(Buffer.concat([parseMessage('select * from no_such_table'), frontendMessage('H')]))
    const reply = await new Promise<Buffer>((resolve) => raw.socket.once('data', resolve))
    expect(reply.toString('latin1')).toContain('42P01')
    raw.socket.destroy()

    const c = client()
    await c.connect()
    expect(await scalar(c, 'select 7 as n')).toBe(7)
    expect((await c.query('select $1::int + 1 as n', [1])).rows[0].n).toBe(2)
    await c.end()
  })

  it('answers SSLRequest with N, so a TLS-preferring client can retry in clear', async () => {
    const tls = client({ ssl: { rejectUnauthorized: false } })
    await expect(tls.connect()).rejects.toThrow(/does not support SSL/)
    const plain = client()
    await plain.connect()
    expect(await scalar(plain, 'select 1 as n')).toBe(1)
    await plain.end()
  })

  it('closes a CancelRequest connection at once, even while another connection is open', async () => {
    const open = client()
    await open.connect()
    const raw = await RawWireClient.open(server.port)
    const cancel = Buffer.alloc(16)
    cancel.writeInt32BE(16, 0)
    cancel.writeInt32BE(80877102, 4)
    raw.send(cancel)
    await raw.untilClosed()
    expect(await scalar(open, 'select 1 as n')).toBe(1)
    await open.end()
  })

  it('refuses an unsupported protocol version with a FATAL error', async () => {
    const raw = await RawWireClient.open(server.port)
    const packet = Buffer.from([0, 0, 0, 8, 0, 2, 0, 0]) // protocol 2.0
    raw.send(packet)
    const messages = await raw.untilReady()
    expect(messages.map((m) => m.type)).toEqual(['E'])
    expect(errorFields(messages[0].body).C).toBe('0A000')
  })

  it('stop() closes every connection and the port', async () => {
    const open = client()
    await open.connect()
    const ended = new Promise<void>((resolve) => open.once('end', () => resolve()))
    await server.stop()
    await ended
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => resolve('connected'))
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
    })
    expect(refused).toBe('ECONNREFUSED')
    await server.stop() // idempotent
  })
})
