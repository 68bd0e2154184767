import { describe, expect, it } from 'vitest'
import { DEFAULT_URL_ENV, resolveInitSource, sourceComments } from '../../../src/init/index.js'
import { caught } from '../../helpers/errors.js'

const SECRET = 'pa:ss@w/rd'
const URL_WITH_PASSWORD = `postgresql://reader:${encodeURIComponent(SECRET)}@db.internal:5432/shop?sslmode=require`

describe('resolveInitSource', () => {
  it('takes the URL from --source, names RIVET_SOURCE_URL and keeps the password out of every text', () => {
    const source = resolveInitSource({ source: URL_WITH_PASSWORD, env: {} })
    expect(source).toMatchObject({ type: 'postgres', urlEnv: DEFAULT_URL_ENV, fromEnv: false, hasPassword: true })
    expect(source.connection).toMatchObject({ host: 'db.internal', port: 5432, user: 'reader', password: SECRET, database: 'shop', tls: { mode: 'require' } })
    expect(source.redactedUrl).toBe('postgresql://reader:***@db.internal:5432/shop?sslmode=require')
    const comments = sourceComments(source).join('\n')
    expect(comments).toContain(`export RIVET_SOURCE_URL='postgresql://reader:***@db.internal:5432/shop?sslmode=require'   (with the password in place of ***)`)
    expect(comments).not.toContain(encodeURIComponent(SECRET))
    expect(comments).not.toContain(SECRET)
  })

  it('takes the URL from --source-env and names that variable', () => {
    const source = resolveInitSource({ sourceEnv: 'SHOP_DB', env: { SHOP_DB: ' mariadb://root@127.0.0.1:3306/shop ' } })
    expect(source).toMatchObject({ type: 'mysql', urlEnv: 'SHOP_DB', fromEnv: true, hasPassword: false, url: 'mariadb://root@127.0.0.1:3306/shop' })
    expect(sourceComments(source)).toEqual(['the connection URL is read from SHOP_DB when rivet runs; this file holds no password'])
  })

  it.each([
    [{}, 'RIVET_USAGE', 'needs the source'],
    [{ source: 'postgres://a@b/c', sourceEnv: 'X' }, 'RIVET_USAGE', 'exclude each other'],
    [{ sourceEnv: 'postgres://a@b/c' }, 'RIVET_USAGE', 'name of an environment variable'],
    [{ sourceEnv: 'NOT_SET_ANYWHERE' }, 'RIVET_CONFIG_ENV_MISSING', 'NOT_SET_ANYWHERE, which is not set'],
    [{ source: `oracle://u:${encodeURIComponent(SECRET)}@h/db` }, 'RIVET_CONFIG_FORMAT', 'must start with postgres://'],
    [{ source: `postgres://u:${encodeURIComponent(SECRET)}@h` }, 'RIVET_CONFIG_FORMAT', 'no database name'],
  ] as const)('refuses %j with %s', (options, code, text) => {
    const err = caught(() => resolveInitSource({ ...options, env: {} }))
    expect(err.code).toBe(code)
    expect(err.message).toContain(text)
    expect(err.message).not.toContain(SECRET)
    expect(err.message).not.toContain(encodeURIComponent(SECRET))
  })
})
