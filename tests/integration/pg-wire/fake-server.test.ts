import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { PgWireConnection, type PgConnectParams } from '../../../src/source/pg/wire/index.js'
import { startFakeServer, type FakeSession } from './fake-server.js'
import { rejectionOf } from './helpers.js'

const PASSWORD = 'wire-Sécret-42'
let stop: (() => Promise<void>) | null = null
afterEach(async () => {
  await stop?.()
  stop = null
})

async function serve(script: (s: FakeSession) => Promise<void>, options?: Parameters<typeof startFakeServer>[1]) {
  const server = await startFakeServer(script, options)
  stop = server.close
  return server
}

function params(port: number, extra: Partial<PgConnectParams> = {}): PgConnectParams {
  return { host: '127.0.0.1', port, user: 'wire_user', database: 'db', password: PASSWORD, tls: { mode: 'disable' }, ...extra }
}

/** Assert the error is `code` and that the password appears nowhere in it. */
function expectSafe(err: any, code: string): void {
  expect(err.code).toBe(code)
  expect(JSON.stringify({ ...err.toJSON(), stack: err.stack })).not.toContain(PASSWORD)
}

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest()

/** The server side of SCRAM-SHA-256, written out from RFC 5802 independently of the client code. */
async function scramServer(s: FakeSession, password: string, tamperSignature = false): Promise<boolean> {
  s.auth(10, 'SCRAM-SHA-256\0\0')
  const first = await s.next()
  const mechEnd = first.body.indexOf(0)
  expect(first.body.toString('utf8', 0, mechEnd)).toBe('SCRAM-SHA-256')
  const clientFirst = first.body.subarray(mechEnd + 5).toString('utf8')
  expect(clientFirst.startsWith('n,,')).toBe(true)
  const clientFirstBare = clientFirst.slice(3)
  const clientNonce = /r=([^,]+)/.exec(clientFirstBare)![1]
  const salt = randomBytes(16)
  const serverFirst = `r=${clientNonce}srv${randomBytes(8).toString('base64')},s=${salt.toString('base64')},i=4096`
  s.auth(11, serverFirst)
  const clientFinal = (await s.next()).body.toString('utf8')
  const withoutProof = clientFinal.slice(0, clientFinal.indexOf(',p='))
  const proof = Buffer.from(clientFinal.slice(clientFinal.indexOf(',p=') + 3), 'base64')
  const salted = pbkdf2Sync(password, salt, 4096, 32, 'sha256')
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest()
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`
  const signature = hmac(storedKey, authMessage)
  const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]))
  const ok = createHash('sha256').update(clientKey).digest().equals(storedKey)
  if (!ok) {
    s.error('FATAL', '28P01', 'password authentication failed for user "wire_user"')
    s.socket.end()
    return false
  }
  const serverSignature = hmac(hmac(salted, 'Server Key'), tamperSignature ? 'x' : authMessage)
  s.auth(12, `v=${serverSignature.toString('base64')}`)
  return true
}

describe('authentication against a scripted server', () => {
  it('sends the startup parameters, application_name rivet and client_encoding UTF8 by default', async () => {
    let seen: Record<string, string> = {}
    const server = await serve(async (s) => {
      seen = await s.startup()
      s.ready()
    })
    const conn = await PgWireConnection.connect(params(server.port, { startupParams: { TimeZone: 'UTC' } }))
    expect(seen).toEqual({ user: 'wire_user', database: 'db', application_name: 'rivet', client_encoding: 'UTF8', TimeZone: 'UTC' })
    expect(conn.backendPid).toBe(4242)
    expect(conn.serverParams.get('server_version')).toBe('99.0')
    await conn.close()
  })

  it('answers a cleartext password request', async () => {
    let got = ''
    const server = await serve(async (s) => {
      await s.startup()
      s.auth(3)
      const msg = await s.next()
      got = msg.body.toString('utf8', 0, msg.body.length - 1)
      s.ready()
    })
    const conn = await PgWireConnection.connect(params(server.port))
    expect(got).toBe(PASSWORD)
    await conn.close()
  })

  it('answers an MD5 password request with md5(md5(password + user) + salt)', async () => {
    let got = ''
    const salt = Buffer.from([9, 8, 7, 6])
    const server = await serve(async (s) => {
      await s.startup()
      s.auth(5, salt)
      const msg = await s.next()
      got = msg.body.toString('utf8', 0, msg.body.length - 1)
      s.ready()
    })
    const conn = await PgWireConnection.connect(params(server.port))
    const inner = createHash('md5').update(PASSWORD + 'wire_user').digest('hex')
    expect(got).toBe('md5' + createHash('md5').update(inner).update(salt).digest('hex'))
    await conn.close()
  })

  it('completes SCRAM-SHA-256 with a server that checks the proof', async () => {
    let verified = false
    const server = await serve(async (s) => {
      await s.startup()
      verified = await scramServer(s, PASSWORD)
      s.ready()
    })
    const conn = await PgWireConnection.connect(params(server.port))
    expect(verified).toBe(true)
    await conn.close()
  })

  it('maps a rejected SCRAM password to RIVET_SOURCE_AUTH without leaking it', async () => {
    const server = await serve(async (s) => {
      await s.startup()
      await scramServer(s, 'the-real-password')
    })
    const err = await rejectionOf(PgWireConnection.connect(params(server.port)))
    expectSafe(err, 'RIVET_SOURCE_AUTH')
    expect(err.details.sqlstate).toBe('28P01')
    expect(err.message).toContain('password authentication failed')
  })

  it('refuses a server whose SCRAM signature is wrong', async () => {
    const server = await serve(async (s) => {
      await s.startup()
      if (await scramServer(s, PASSWORD, true)) s.ready()
    })
    const err = await rejectionOf(PgWireConnection.connect(params(server.port)))
    expectSafe(err, 'RIVET_SOURCE_AUTH')
    expect(err.message).toMatch(/signature/)
  })

  it.each([
    [7, 'GSSAPI'],
    [9, 'SSPI'],
    [2, 'Kerberos V5'],
  ])('names unsupported method %i (%s) in RIVET_SOURCE_AUTH', async (method, name) => {
    const server = await serve(async (s) => {
      await s.startup()
      s.auth(method)
      await s.next()
    })
    const err = await rejectionOf(PgWireConnection.connect(params(server.port)))
    expectSafe(err, 'RIVET_SOURCE_AUTH')
    expect(err.message).toContain(name)
  })

  it('refuses SASL without SCRAM-SHA-256 and a password request without a password', async () => {
    const server = await serve(async (s) => {
      await s.startup()
      if (s === server.sessions[0]) s.auth(10, 'SCRAM-SHA-256-PLUS\0\0')
      else s.auth(5, Buffer.from([1, 2, 3, 4]))
      await s.next()
    })
    const sasl = await rejectionOf(PgWireConnection.connect(params(server.port)))
    expectSafe(sasl, 'RIVET_SOURCE_AUTH')
    expect(sasl.message).toContain('SCRAM-SHA-256-PLUS')
    const noPassword = await rejectionOf(PgWireConnection.connect(params(server.port, { password: undefined })))
    expect(noPassword.code).toBe('RIVET_SOURCE_AUTH')
    expect(noPassword.message).toMatch(/MD5 .*no password/)
  })
})

describe('connection failures against a scripted server', () => {
  it('times out a server that never answers with RIVET_SOURCE_UNREACHABLE', async () => {
    const server = await serve(async (s) => {
      await s.startup()
    })
    const err = await rejectionOf(PgWireConnection.connect(params(server.port, { connectTimeoutMs: 200 })))
    expectSafe(err, 'RIVET_SOURCE_UNREACHABLE')
    expect(err.message).toMatch(/timed out after 200 ms/)
  })

  it('aborts connecting when the signal fires', async () => {
    const controller = new AbortController()
    const server = await serve(async (s) => {
      await s.startup()
      controller.abort()
    })
    const err = await rejectionOf(PgWireConnection.connect(params(server.port), controller.signal))
    expect(err.code).toBe('RIVET_CANCELLED')
    const already = await rejectionOf(PgWireConnection.connect(params(server.port), AbortSignal.abort()))
    expect(already.code).toBe('RIVET_CANCELLED')
  })

  it('fails the running and every later call when the server drops the socket mid-result', async () => {
    const server = await serve(async (s) => {
      await s.startup()
      s.ready()
      await s.next()
      s.send('T', Buffer.from([0, 0]))
      s.socket.destroy()
    })
    const conn = await PgWireConnection.connect(params(server.port))
    const err = await rejectionOf(conn.query('select 1'))
    expectSafe(err, 'RIVET_SOURCE_CONNECTION_LOST')
    expect(conn.closed).toBe(true)
    expect(await rejectionOf(conn.query('select 1'))).toBe(err)
    await conn.close()
  })

  it('maps a malformed message to RIVET_SOURCE_PROTOCOL', async () => {
    const server = await serve(async (s) => {
      await s.startup()
      s.ready()
      await s.next()
      s.socket.write(Buffer.from([0x44, 0, 0, 0, 1]))
    })
    const conn = await PgWireConnection.connect(params(server.port))
    expect((await rejectionOf(conn.query('select 1'))).code).toBe('RIVET_SOURCE_PROTOCOL')
    expect(conn.closed).toBe(true)
  })

  it('refuses bytes piggy-backed on the SSLRequest answer (CVE-2021-23214)', async () => {
    const server = await serve(async (s) => {
      await s.startup()
    }, { sslAnswer: Buffer.from('SZ') })
    const err = await rejectionOf(PgWireConnection.connect(params(server.port, { tls: { mode: 'prefer' } })))
    expect(err.code).toBe('RIVET_SOURCE_PROTOCOL')
  })

  it('maps a FATAL error while idle (admin shutdown) to RIVET_SOURCE_CONNECTION_LOST', async () => {
    const server = await serve(async (s) => {
      await s.startup()
      s.ready()
      s.error('FATAL', '57P01', 'terminating connection due to administrator command')
      s.socket.end()
    })
    const conn = await PgWireConnection.connect(params(server.port))
    await new Promise<void>((resolve) => {
      const check = (): void => (conn.closed ? resolve() : void setImmediate(check))
      check()
    })
    const err = await rejectionOf(conn.query('select 1'))
    expect(err.code).toBe('RIVET_SOURCE_CONNECTION_LOST')
    expect(err.details.sqlstate).toBe('57P01')
  })
})
