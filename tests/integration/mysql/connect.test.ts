import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RowDataPacket } from 'mysql2/promise'
import { mysqlAvailable } from '../../helpers/db.js'
import { classifyMysqlError, openMysqlConnection, type MysqlSession } from '../../../src/source/mysql/index.js'
import { mysqlTestParams, rejectionOf, withMysql } from './helpers.js'

const hasMysql = await mysqlAvailable()

async function sslCipher(session: MysqlSession): Promise<string> {
  const [rows] = await session.connection.query<RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
  return String(rows[0]?.Value ?? '')
}

/** A TCP server that accepts connections and never says anything (no MySQL handshake). */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => sockets.add(s))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

describe.skipIf(!hasMysql)('openMysqlConnection against MySQL/MariaDB', () => {
  let serverHasTls = false

  beforeAll(async () => {
    serverHasTls = await withMysql(async (c) => {
      const [rows] = await c.query<RowDataPacket[]>('SELECT @@have_ssl AS s')
      return rows[0]?.s === 'YES'
    })
  })

  it('connects without TLS (disable) with utf8mb4 and exact text values', async () => {
    const session = await openMysqlConnection(mysqlTestParams())
    try {
      expect(session.tls).toBe(false)
      expect(session.endpoint).toMatch(/:\d+$/)
      expect(await sslCipher(session)).toBe('')
      const [rows] = await session.connection.query<RowDataPacket[]>(
        "SELECT @@character_set_client AS cs, @@character_set_results AS rs, CAST(9223372036854775807 AS SIGNED) AS big, CAST(1.50 AS DECIMAL(10,2)) AS d, DATE('2024-01-02') AS dt, TIMESTAMP('2024-01-02 03:04:05.678') AS ts, JSON_OBJECT('a', 1) AS j",
      )
      expect(rows[0]).toMatchObject({ cs: 'utf8mb4', rs: 'utf8mb4', big: '9223372036854775807', d: '1.50', dt: '2024-01-02', ts: '2024-01-02 03:04:05.678' })
      expect(typeof rows[0]!.j).toBe('string')
      expect(JSON.parse(rows[0]!.j)).toEqual({ a: 1 })
    } finally {
      await session.close()
    }
  })

  it('sends the application name as the program_name connection attribute', async () => {
    const session = await openMysqlConnection(mysqlTestParams({ applicationName: 'rivet-attr-test' }))
    try {
      expect(session.connection.config.connectAttributes).toMatchObject({ program_name: 'rivet-attr-test' })
      const [ps] = await session.connection.query<RowDataPacket[]>('SELECT @@performance_schema AS on_')
      if (Number(ps[0]!.on_) === 1) {
        const [rows] = await session.connection.query<RowDataPacket[]>(
          "SELECT ATTR_VALUE AS v FROM performance_schema.session_connect_attrs WHERE PROCESSLIST_ID = CONNECTION_ID() AND ATTR_NAME = 'program_name'",
        )
        expect(rows[0]?.v).toBe('rivet-attr-test')
      }
    } finally {
      await session.close()
    }
  })

  it('refuses multiple statements in one query', async () => {
    const session = await openMysqlConnection(mysqlTestParams())
    try {
      const err = await rejectionOf(session.connection.query('SELECT 1; SELECT 2'))
      expect(err.errno).toBe(1064)
    } finally {
      await session.close()
    }
  })

  it('prefer: uses TLS when the server offers it, and falls back to plain when it does not', async () => {
    const session = await openMysqlConnection(mysqlTestParams({ tls: { mode: 'prefer' } }))
    try {
      expect(session.tls).toBe(serverHasTls)
      expect((await sslCipher(session)) !== '').toBe(serverHasTls)
    } finally {
      await session.close()
    }
  })

  it('require: encrypts when the server has TLS, else fails with RIVET_SOURCE_TLS', async () => {
    const attempt = openMysqlConnection(mysqlTestParams({ tls: { mode: 'require' } }))
    if (serverHasTls) {
      const session = await attempt
      try {
        expect(session.tls).toBe(true)
        expect(await sslCipher(session)).not.toBe('')
      } finally {
        await session.close()
      }
    } else {
      const err = await rejectionOf(attempt)
      expect(err.code).toBe('RIVET_SOURCE_TLS')
      expect(err.message).toMatch(/^TLS failed with MySQL at .+: Server does not support secure connection$/)
      expect(err.hint).toMatch(/does not offer TLS/)
    }
  })

  it.each(['verify-ca', 'verify-full'] as const)('%s: connects verified, or fails with RIVET_SOURCE_TLS', async (mode) => {
    const result = await openMysqlConnection(mysqlTestParams({ tls: { mode } })).then(
      (session) => ({ session }),
      (err: unknown) => ({ err: err as { code: string } }),
    )
    if ('session' in result) {
      // only a server whose certificate a system CA signed gets here
      expect(serverHasTls).toBe(true)
      expect(await sslCipher(result.session)).not.toBe('')
      await result.session.close()
    } else {
      expect(result.err.code).toBe('RIVET_SOURCE_TLS')
    }
  })

  it('reports a wrong password as RIVET_SOURCE_AUTH without repeating it', async () => {
    const password = 'not-the-Secret-0451'
    const err = await rejectionOf(openMysqlConnection(mysqlTestParams({ password })))
    expect(err.code).toBe('RIVET_SOURCE_AUTH')
    expect(err.details).toMatchObject({ errno: 1045, sqlState: '28000' })
    expect(err.message).toMatch(/^MySQL error 1045 \(28000\): Access denied for user/)
    expect(JSON.stringify(err.toJSON())).not.toContain(password)
  })

  it('reports an unknown database as RIVET_SOURCE_NOT_FOUND', async () => {
    const err = await rejectionOf(openMysqlConnection(mysqlTestParams({ database: 'rivet_no_such_db' })))
    expect(err.code).toBe('RIVET_SOURCE_NOT_FOUND')
    expect(err.details).toMatchObject({ errno: 1049 })
  })

  it('reports a closed port as RIVET_SOURCE_UNREACHABLE (retryable)', async () => {
    const probe = net.createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as net.AddressInfo).port
    await new Promise((resolve) => probe.close(resolve))
    const err = await rejectionOf(openMysqlConnection(mysqlTestParams({ host: '127.0.0.1', port })))
    expect(err.code).toBe('RIVET_SOURCE_UNREACHABLE')
    expect(err.retryable).toBe(true)
    expect(err.message).toContain(`cannot reach MySQL at 127.0.0.1:${port}`)
  })

  it('gives up after connectTimeoutMs when the server never answers', async () => {
    const silent = await silentServer()
    try {
      const t0 = Date.now()
      const err = await rejectionOf(openMysqlConnection(mysqlTestParams({ host: '127.0.0.1', port: silent.port, connectTimeoutMs: 300 })))
      expect(err.code).toBe('RIVET_SOURCE_UNREACHABLE')
      expect(Date.now() - t0).toBeLessThan(3_000)
    } finally {
      await silent.close()
    }
  })

  it('stops connecting when the signal aborts', async () => {
    const silent = await silentServer()
    try {
      const controller = new AbortController()
      const attempt = openMysqlConnection(mysqlTestParams({ host: '127.0.0.1', port: silent.port, connectTimeoutMs: 30_000 }), { signal: controller.signal })
      setTimeout(() => controller.abort(), 50)
      const t0 = Date.now()
      const err = await rejectionOf(attempt)
      expect(err.code).toBe('RIVET_CANCELLED')
      expect(Date.now() - t0).toBeLessThan(3_000)
      const already = await rejectionOf(openMysqlConnection(mysqlTestParams(), { signal: AbortSignal.abort() }))
      expect(already.code).toBe('RIVET_CANCELLED')
    } finally {
      await silent.close()
    }
  })

  it('closes once, and a second close is harmless', async () => {
    const session = await openMysqlConnection(mysqlTestParams())
    await session.close()
    await session.close()
    const err = await rejectionOf(session.connection.query('SELECT 1'))
    expect(String(err.message)).toMatch(/closed state/)
  })
})

describe.skipIf(!hasMysql)('a dropped MySQL connection', () => {
  let session: MysqlSession
  beforeAll(async () => {
    session = await openMysqlConnection(mysqlTestParams())
  })
  afterAll(async () => {
    await session?.close()
  })

  it('does not crash the process when the server kills it, and the next query fails as connection lost', async () => {
    const [rows] = await session.connection.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id')
    await withMysql((c) => c.query(`KILL ${Number(rows[0]!.id)}`))
    await new Promise((resolve) => setTimeout(resolve, 200))
    const err = classifyMysqlError(await rejectionOf(session.connection.query('SELECT 1')))
    expect(err.code).toBe('RIVET_SOURCE_CONNECTION_LOST')
  })
})
