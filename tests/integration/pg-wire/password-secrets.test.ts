import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pgAvailable } from '../../helpers/db.js'
import { md5PasswordHash, scramKeys, type PgWireConnection } from '../../../src/source/pg/wire/index.js'
import { connectTest } from './helpers.js'

const hasPg = await pgAvailable()
const MD5_PASSWORD = 'wire md5 pw'
const SCRAM_PASSWORD = 'wire scräm \ufb01 pw' // non-ASCII, with a ligature that SASLprep (NFKC) rewrites

/*
 * pg_hba.conf here trusts every connection, so the server never asks for a password. Instead the
 * hashes the client computes are checked against the secrets the server stored for real roles.
 */
describe.skipIf(!hasPg)('password hashing matches the secrets PostgreSQL stores', () => {
  let conn: PgWireConnection

  beforeAll(async () => {
    conn = await connectTest()
    await conn.query('drop role if exists wire_md5; drop role if exists wire_scram')
    await conn.query(`set password_encryption = 'md5'; create role wire_md5 login password '${MD5_PASSWORD}'`)
    await conn.query(`set password_encryption = 'scram-sha-256'; create role wire_scram login password '${SCRAM_PASSWORD}'`)
  })
  afterAll(async () => {
    await conn?.query('drop role if exists wire_md5; drop role if exists wire_scram').catch(() => undefined)
    await conn?.close()
  })

  async function secretOf(role: string): Promise<string> {
    const { rows } = await conn.query(`select rolpassword from pg_authid where rolname = '${role}'`)
    return rows[0][0] as string
  }

  it('md5: the salted answer is built on the stored md5(password + user)', async () => {
    const stored = await secretOf('wire_md5')
    expect(stored).toMatch(/^md5[0-9a-f]{32}$/)
    const salt = Buffer.from([0xde, 0xad, 0xbe, 0xef])
    const expected = 'md5' + createHash('md5').update(stored.slice(3)).update(salt).digest('hex')
    expect(md5PasswordHash('wire_md5', MD5_PASSWORD, salt)).toBe(expected)
  })

  it('scram: StoredKey and ServerKey derived from the password equal the stored ones', async () => {
    const stored = await secretOf('wire_scram')
    const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(stored)
    expect(m).not.toBeNull()
    const [, iterations, salt, storedKey, serverKey] = m!
    const keys = scramKeys(SCRAM_PASSWORD, Buffer.from(salt, 'base64'), Number(iterations))
    expect(keys.storedKey.toString('base64')).toBe(storedKey)
    expect(keys.serverKey.toString('base64')).toBe(serverKey)
  })
})
