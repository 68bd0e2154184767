import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PgWireConnection, type PgTlsOptions } from '../../../src/source/pg/wire/index.js'
import { startFakeServer } from './fake-server.js'
import { rejectionOf } from './helpers.js'

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** A self-signed certificate for the name pg.test (not for 127.0.0.1). */
function makeCert(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'wire-tls-'))
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=pg.test',
      '-addext', 'subjectAltName=DNS:pg.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' })
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe.skipIf(!hasOpenssl())('TLS modes against a scripted TLS server', () => {
  let server: Awaited<ReturnType<typeof startFakeServer>>
  let ca: Buffer

  beforeAll(async () => {
    const pair = makeCert()
    ca = pair.cert
    server = await startFakeServer(async (s) => {
      await s.startup()
      s.ready()
      const msg = await s.next()
      if (msg.type === 'Q') {
        // one text row saying whether this session is encrypted
        s.send('T', Buffer.concat([Buffer.from([0, 1]), Buffer.from('secure\0'), Buffer.alloc(18)]))
        const value = Buffer.from(String(s.secure))
        const len = Buffer.alloc(4)
        len.writeInt32BE(value.length)
        s.send('D', Buffer.concat([Buffer.from([0, 1]), len, value]))
        s.send('C', 'SELECT 1\0')
        s.send('Z', 'I')
        await s.next()
      }
    }, { tls: pair })
  })
  afterAll(async () => {
    await server?.close()
  })

  async function secureOver(tls: PgTlsOptions): Promise<string | null> {
    const conn = await PgWireConnection.connect({ host: '127.0.0.1', port: server.port, user: 'u', database: 'd', tls })
    try {
      return (await conn.query('select secure')).rows[0][0]
    } finally {
      await conn.close()
    }
  }

  it('prefer and require encrypt without verifying the certificate', async () => {
    expect(await secureOver({ mode: 'prefer' })).toBe('true')
    expect(await secureOver({ mode: 'require' })).toBe('true')
  })

  it('verify-ca accepts a certificate signed by the given CA whatever the host name', async () => {
    expect(await secureOver({ mode: 'verify-ca', ca })).toBe('true')
  })

  it('verify-ca without the CA fails with RIVET_SOURCE_TLS', async () => {
    const err = await rejectionOf(secureOver({ mode: 'verify-ca' }))
    expect(err.code).toBe('RIVET_SOURCE_TLS')
    expect(err.details.errno).toMatch(/SELF_SIGNED|CERT/)
  })

  it('verify-full checks the host name, or the given servername', async () => {
    const err = await rejectionOf(secureOver({ mode: 'verify-full', ca }))
    expect(err.code).toBe('RIVET_SOURCE_TLS')
    expect(err.details.errno).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
    expect(await secureOver({ mode: 'verify-full', ca, servername: 'pg.test' })).toBe('true')
  })

  it('disable never sends SSLRequest', async () => {
    expect(await secureOver({ mode: 'disable' })).toBe('false')
  })
})
