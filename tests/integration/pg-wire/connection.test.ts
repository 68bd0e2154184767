import net from 'node:net'
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pgAvailable, withPg } from '../../helpers/db.js'
import { PgWireConnection } from '../../../src/source/pg/wire/index.js'
import { connectTest, rejectionOf, testParams } from './helpers.js'

const hasPg = await pgAvailable()

async function unusedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe.skipIf(!hasPg)('PgWireConnection against PostgreSQL', () => {
  let conn: PgWireConnection

  beforeAll(async () => {
    conn = await connectTest({ startupParams: { TimeZone: 'UTC', DateStyle: 'ISO, YMD' } })
  })
  afterAll(async () => {
    await conn?.close()
  })

  it('connects and reports the backend and its parameters', async () => {
    expect(conn.backendPid).toBeGreaterThan(0)
    expect(conn.serverParams.get('server_version')).toMatch(/^\d+/)
    expect(conn.serverParams.get('TimeZone')).toBe('UTC')
    expect(conn.serverParams.get('client_encoding')).toBe('UTF8')
    const { rows } = await conn.query("select pg_backend_pid()::text, current_setting('application_name')")
    expect(rows).toEqual([[String(conn.backendPid), 'rivet']])
  })

  it('returns text rows with NULLs, field descriptions and the command tag', async () => {
    const r = await conn.query("select 1::int4 as a, null::text as b, 'é'::text as c union all select 2, 'x', ''")
    expect(r.rows).toEqual([['1', null, 'é'], ['2', 'x', '']])
    expect(r.fields.map((f) => [f.name, f.typeOid, f.format])).toEqual([['a', 23, 0], ['b', 25, 0], ['c', 25, 0]])
    expect(r.command).toBe('SELECT 2')
  })

  it('returns the rows of the last row-returning statement of a multi-statement query', async () => {
    const r = await conn.query('select 1 as first; select 2 as second, 3 as third; set search_path = public')
    expect(r.rows).toEqual([['2', '3']])
    expect(r.fields.map((f) => f.name)).toEqual(['second', 'third'])
    expect(r.command).toBe('SET')
    const empty = await conn.query('')
    expect(empty.rows).toEqual([])
  })

  it('maps a missing table to RIVET_SOURCE_NOT_FOUND with the server fields, and stays usable', async () => {
    const err = await rejectionOf(conn.query('select * from wire_no_such_table'))
    expect(err.code).toBe('RIVET_SOURCE_NOT_FOUND')
    expect(err.message).toBe('PostgreSQL error 42P01: relation "wire_no_such_table" does not exist')
    expect(err.details).toMatchObject({ sqlstate: '42P01', position: '15', severity: 'ERROR' })
    expect((await conn.query('select 1')).rows).toEqual([['1']])
  })

  it('maps a syntax error to RIVET_SOURCE_QUERY, also in the extended protocol', async () => {
    expect((await rejectionOf(conn.query('selec 1'))).code).toBe('RIVET_SOURCE_QUERY')
    const err = await rejectionOf(conn.queryBinary('selec 1', () => undefined))
    expect(err.code).toBe('RIVET_SOURCE_QUERY')
    expect(err.details.sqlstate).toBe('42601')
    expect((await conn.query('select 2')).rows).toEqual([['2']])
  })

  it('maps statement_timeout to RIVET_SOURCE_TIMEOUT and stays usable', async () => {
    const err = await rejectionOf(conn.query('SET statement_timeout = 50; select pg_sleep(1)'))
    expect(err.code).toBe('RIVET_SOURCE_TIMEOUT')
    expect(err.details.sqlstate).toBe('57014')
    await conn.query('SET statement_timeout = 0')
    expect((await conn.query('select 3')).rows).toEqual([['3']])
  })

  it('cancel() interrupts a running pg_sleep', async () => {
    const started = Date.now()
    const sleeping = rejectionOf(conn.query('select pg_sleep(60)'))
    // wait (by polling the server, not by sleeping) until the statement runs
    await withPg(async (client) => {
      for (;;) {
        const r = await client.query("select 1 from pg_stat_activity where pid = $1 and state = 'active' and query like 'select pg_sleep%'", [conn.backendPid])
        if (r.rowCount === 1) return
      }
    })
    await conn.cancel()
    const err = await sleeping
    expect(err.code).toBe('RIVET_SOURCE_TIMEOUT')
    expect(err.details.sqlstate).toBe('57014')
    expect(Date.now() - started).toBeLessThan(30_000)
    expect((await conn.query('select 4')).rows).toEqual([['4']])
  })

  it('rejects a second call while one is running, and finishes the first', async () => {
    const first = conn.query('select 5')
    const second = await rejectionOf(conn.query('select 6'))
    expect(second.code).toBe('RIVET_INTERNAL')
    expect((await first).rows).toEqual([['5']])
  })

  it('passes notices to onNotice', async () => {
    const notices: string[] = []
    conn.onNotice = (n) => notices.push(`${n.severity}:${n.message}`)
    await conn.query("do $$ begin raise notice 'wire hello'; end $$")
    conn.onNotice = undefined
    expect(notices).toEqual(['NOTICE:wire hello'])
  })

  it('passes NOTIFY messages to onNotification', async () => {
    const got: string[] = []
    conn.onNotification = (n) => got.push(`${n.channel}:${n.payload}`)
    await conn.query('listen wire_chan')
    await conn.query("notify wire_chan, 'ping'")
    await conn.query('unlisten wire_chan')
    conn.onNotification = undefined
    expect(got).toEqual(['wire_chan:ping'])
  })
})

describe.skipIf(!hasPg)('PgWireConnection lifecycle', () => {
  it('fails every call with RIVET_SOURCE_CONNECTION_LOST once the backend is terminated', async () => {
    const conn = await connectTest()
    await withPg((client) => client.query('select pg_terminate_backend($1)', [conn.backendPid]))
    const err = await rejectionOf(conn.query('select 1'))
    expect(err.code).toBe('RIVET_SOURCE_CONNECTION_LOST')
    expect((await rejectionOf(conn.query('select 1'))).code).toBe('RIVET_SOURCE_CONNECTION_LOST')
    expect(conn.closed).toBe(true)
    await conn.close()
  })

  it('close() is idempotent and later calls reject', async () => {
    const conn = await connectTest()
    const pid = conn.backendPid
    await Promise.all([conn.close(), conn.close()])
    await conn.close()
    expect(conn.closed).toBe(true)
    expect((await rejectionOf(conn.query('select 1'))).code).toBe('RIVET_SOURCE_CONNECTION_LOST')
    // the backend saw Terminate and is gone
    const alive = await withPg((client) => client.query('select 1 from pg_stat_activity where pid = $1', [pid]))
    expect(alive.rowCount).toBe(0)
  })

  it('maps an unused port to RIVET_SOURCE_UNREACHABLE', async () => {
    const err = await rejectionOf(PgWireConnection.connect(testParams({ host: '127.0.0.1', port: await unusedPort(), password: 'wire-secret' })))
    expect(err.code).toBe('RIVET_SOURCE_UNREACHABLE')
    expect(err.details.errno).toBe('ECONNREFUSED')
    expect(JSON.stringify(err.toJSON())).not.toContain('wire-secret')
  })

  it('maps a missing database to RIVET_SOURCE_NOT_FOUND', async () => {
    const err = await rejectionOf(connectTest({ database: 'wire_no_such_db' }))
    expect(err.code).toBe('RIVET_SOURCE_NOT_FOUND')
    expect(err.details.sqlstate).toBe('3D000')
  })

  it.skipIf(!existsSync('/var/run/postgresql/.s.PGSQL.5432'))('connects over a unix socket', async () => {
    const conn = await connectTest({ host: '/var/run/postgresql', port: 5432 })
    const { rows } = await conn.query("select coalesce(inet_client_addr()::text, 'local')")
    expect(rows).toEqual([['local']])
    await conn.close()
  })

  it('with tls prefer, falls back to plain when the server has no TLS; require fails with RIVET_SOURCE_TLS', async () => {
    const ssl = await withPg(async (client) => (await client.query('show ssl')).rows[0].ssl)
    if (ssl === 'on') {
      const conn = await connectTest({ tls: { mode: 'require' } })
      expect((await conn.query('select ssl::text from pg_stat_ssl where pid = pg_backend_pid()')).rows).toEqual([['true']])
      return conn.close()
    }
    const conn = await connectTest({ tls: { mode: 'prefer' } })
    expect((await conn.query('select 1')).rows).toEqual([['1']])
    await conn.close()
    const err = await rejectionOf(connectTest({ tls: { mode: 'require' } }))
    expect(err.code).toBe('RIVET_SOURCE_TLS')
  })
})
