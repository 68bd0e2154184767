import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parsePgUrl, redactUrl } from '../../../src/source/pg/wire/index.js'

describe('parsePgUrl', () => {
  it('parses a full URL with percent-encoded user and password', () => {
    expect(parsePgUrl('postgresql://us%40er:p%40ss%3Aw%2Fo%23rd@db.example.com:6543/my%20db?sslmode=require&application_name=etl')).toEqual({
      host: 'db.example.com', port: 6543, user: 'us@er', password: 'p@ss:w/o#rd', database: 'my db',
      applicationName: 'etl', tls: { mode: 'require' },
    })
  })

  it('defaults the port to 5432 and the database to the user', () => {
    expect(parsePgUrl('postgres://alice@localhost')).toEqual({ host: 'localhost', port: 5432, user: 'alice', database: 'alice' })
  })

  it('accepts a unix socket directory as ?host= or percent-encoded in the authority', () => {
    expect(parsePgUrl('postgresql:///test?host=/var/run/postgresql&user=postgres')).toMatchObject({ host: '/var/run/postgresql', user: 'postgres', database: 'test', port: 5432 })
    expect(parsePgUrl('postgresql://postgres@%2Ftmp%2Fpg:5433/test').host).toBe('/tmp/pg')
  })

  it('parses [ipv6] hosts', () => {
    expect(parsePgUrl('postgres://u@[::1]:5433/d')).toMatchObject({ host: '::1', port: 5433 })
    expect(parsePgUrl('postgres://u@[::1]/d')).toMatchObject({ host: '::1', port: 5432 })
  })

  it('lets query parameters override the authority, as libpq does', () => {
    expect(parsePgUrl('postgres://a:b@h/d?user=c&password=e&port=7000&dbname=f')).toMatchObject({ user: 'c', password: 'e', port: 7000, database: 'f' })
  })

  it('maps sslmode, connect_timeout and options', () => {
    const p = parsePgUrl('postgres://u@h/d?sslmode=verify-full&connect_timeout=5&options=-c%20search_path%3Dx')
    expect(p.tls).toEqual({ mode: 'verify-full' })
    expect(p.connectTimeoutMs).toBe(5000)
    expect(p.startupParams).toEqual({ options: '-c search_path=x' })
    expect(parsePgUrl('postgres://u@h/d?sslmode=allow').tls).toEqual({ mode: 'prefer' })
  })

  it('reads sslrootcert / sslcert / sslkey files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wire-url-'))
    writeFileSync(join(dir, 'ca.pem'), 'CA')
    const p = parsePgUrl(`postgres://u@h/d?sslmode=verify-ca&sslrootcert=${encodeURIComponent(join(dir, 'ca.pem'))}`)
    expect(p.tls?.mode).toBe('verify-ca')
    expect(p.tls?.ca?.toString()).toBe('CA')
    expect(() => parsePgUrl(`postgres://u@h/d?sslrootcert=${join(dir, 'missing.pem')}`)).toThrow(expect.objectContaining({ code: 'RIVET_CONFIG_FILE_UNREADABLE' }))
  })

  it.each([
    ['mysql://u:secret@h/d', /postgres:\/\//],
    ['u:secret@h/d', /postgres:\/\//],
    ['postgres://u:secret@h:99999/d', /port/],
    ['postgres://u:secret@h/d?sslmode=maybe', /sslmode/],
    ['postgres://u:secret@h/d?schema=public', /unsupported parameter "schema"/],
    ['postgres://u:secret@h1,h2/d', /several hosts/],
    ['postgres://u:sec%ZZret@h/d', /percent-encoding/],
  ])('rejects %s with RIVET_CONFIG_FORMAT, without the password', (url, why) => {
    let caught: unknown
    try {
      parsePgUrl(url)
    } catch (err) {
      caught = err
    }
    expect(caught).toMatchObject({ code: 'RIVET_CONFIG_FORMAT', message: expect.stringMatching(why) })
    expect(JSON.stringify(caught)).not.toContain('secret')
    expect((caught as Error).message).not.toContain('sec%ZZret')
  })
})

describe('redactUrl', () => {
  it.each([
    ['postgres://u:secret@h:5432/d', 'postgres://u:***@h:5432/d'],
    ['postgresql://u:p%40ss@h/d?sslmode=require', 'postgresql://u:***@h/d?sslmode=require'],
    ['postgres://u:pa@ss@h/d', 'postgres://u:***@h/d'],
    ['postgres://u@h/d', 'postgres://u@h/d'],
    ['postgres://h/d?user=u&password=secret&x=1', 'postgres://h/d?user=u&password=***&x=1'],
    ['not a url', 'not a url'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted)
  })
})
