import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ScramSha256Client, md5PasswordHash, saslPrep, scramKeys } from '../../../src/source/pg/wire/index.js'

// RFC 7677 section 3: user "user", password "pencil"
const RFC = {
  nonce: 'rOprNGfwEbeRWgbNEkqO',
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
}

describe('SCRAM-SHA-256', () => {
  it('reproduces the RFC 7677 test vector', () => {
    const scram = new ScramSha256Client('pencil', { user: 'user', nonce: RFC.nonce })
    expect(scram.clientFirstMessage()).toBe(RFC.clientFirst)
    expect(scram.clientFinalMessage(RFC.serverFirst)).toBe(RFC.clientFinal)
    expect(() => scram.verifyServerFinal(RFC.serverFinal)).not.toThrow()
  })

  it('sends an empty user name by default (the server takes it from the startup packet)', () => {
    expect(new ScramSha256Client('x', { nonce: 'abc' }).clientFirstMessage()).toBe('n,,n=,r=abc')
  })

  it('rejects a server signature computed from another password', () => {
    const scram = new ScramSha256Client('not-pencil', { user: 'user', nonce: RFC.nonce })
    scram.clientFinalMessage(RFC.serverFirst)
    expect(() => scram.verifyServerFinal(RFC.serverFinal)).toThrow(expect.objectContaining({ code: 'RIVET_SOURCE_AUTH' }))
  })

  it('rejects a server nonce that does not extend the client nonce', () => {
    const scram = new ScramSha256Client('pencil', { nonce: 'abc' })
    expect(() => scram.clientFinalMessage('r=xyz123,s=AAAA,i=4096')).toThrow(expect.objectContaining({ code: 'RIVET_SOURCE_AUTH' }))
  })

  it('reports a server-side e= error as an auth error', () => {
    const scram = new ScramSha256Client('pencil', { user: 'user', nonce: RFC.nonce })
    scram.clientFinalMessage(RFC.serverFirst)
    expect(() => scram.verifyServerFinal('e=invalid-proof')).toThrow(/invalid-proof/)
  })

  it('rejects a malformed server-first-message', () => {
    const scram = new ScramSha256Client('pencil', { nonce: 'abc' })
    expect(() => scram.clientFinalMessage('r=abcdef,i=0')).toThrow(expect.objectContaining({ code: 'RIVET_SOURCE_AUTH' }))
  })

  it('derives the keys the server stores', () => {
    const keys = scramKeys('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096)
    expect(keys.storedKey).toHaveLength(32)
    expect(keys.serverKey).toHaveLength(32)
    expect(keys.storedKey.equals(createHash('sha256').update(keys.clientKey).digest())).toBe(true)
  })
})

describe('saslPrep', () => {
  it('leaves ASCII alone and normalises the rest', () => {
    expect(saslPrep('pencil')).toBe('pencil')
    expect(saslPrep('a\u00a0b')).toBe('a b') // non-ASCII space
    expect(saslPrep('a\u00adb')).toBe('ab') // soft hyphen maps to nothing
    expect(saslPrep('\ufb01')).toBe('fi') // NFKC
  })
})

describe('md5PasswordHash', () => {
  it('builds md5(md5(password + user) + salt) on the well-known postgres/postgres hash', () => {
    // pg_authid stores md5 || md5('postgres' || 'postgres') = md53175bce1d3201d16594cebf9d7eb3f9d
    const salt = Buffer.from([0x01, 0x02, 0x03, 0x04])
    const expected = 'md5' + createHash('md5').update('3175bce1d3201d16594cebf9d7eb3f9d').update(salt).digest('hex')
    expect(md5PasswordHash('postgres', 'postgres', salt)).toBe(expected)
  })

  it('depends on the salt', () => {
    const a = md5PasswordHash('u', 'p', Buffer.from([1, 2, 3, 4]))
    const b = md5PasswordHash('u', 'p', Buffer.from([1, 2, 3, 5]))
    expect(a).toMatch(/^md5[0-9a-f]{32}$/)
    expect(a).not.toBe(b)
  })
})
