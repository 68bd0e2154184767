/** Secrets (passwords, URLs) must never reach an error message, hint or serialised error. */
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig, parseConfig } from '../../../src/config/index.js'
import { captureError, ORDERS_EXPORT, tempDir } from './helpers.js'

const MARKER = 'Pw-MARKER-9f3e'
const tmp = tempDir()
afterAll(() => tmp.remove())

function expectNoSecret(fn: () => unknown): void {
  const err = captureError(fn)
  const everything = JSON.stringify({ json: err.toJSON(), message: err.message, hint: err.hint, stack: err.stack, items: err.items })
  expect(everything).not.toContain(MARKER)
  expect(everything).not.toContain(encodeURIComponent(MARKER))
}

const config = (sourceLines: string): string => `source:\n${sourceLines}exports:\n${ORDERS_EXPORT}`

describe('secrets never appear in errors', () => {
  it.each([
    ['scheme mismatch', `  type: mysql\n  url: postgresql://etl:${MARKER}@db/shop\n`],
    ['unsupported URL parameter', `  type: postgres\n  url: postgresql://etl:${MARKER}@db/shop?connect_timeout=3\n`],
    ['URL without host', `  type: postgres\n  url: postgresql://etl:${MARKER}@/shop\n`],
    ['not a URL', `  type: postgres\n  url: ${MARKER} at db\n`],
    ['bad percent-encoding', `  type: postgres\n  url: postgresql://etl:${MARKER}%zz@db/shop\n`],
    ['password of the wrong type', `  type: postgres\n  host: db\n  user: etl\n  database: shop\n  password: [${MARKER}]\n`],
    ['password next to password_env', `  type: postgres\n  host: db\n  user: etl\n  database: shop\n  password: ${MARKER}\n  password_env: PW\n`],
    ['password next to url', `  type: postgres\n  url: postgresql://etl:${MARKER}@db/shop\n  password: ${MARKER}\n`],
    ['misspelled password key', `  type: postgres\n  host: db\n  user: etl\n  database: shop\n  pasword: ${MARKER}\n`],
    ['missing variable next to a secret', `  type: postgres\n  url: postgresql://etl:${MARKER}@\${NOT_SET_HOST}/shop\n`],
  ])('%s', (_name, source) => {
    expectNoSecret(() => parseConfig(config(source), { configPath: '/tmp/rivet.yaml', env: {} }))
  })

  it('in a URL taken from url_env', () => {
    expectNoSecret(() => parseConfig(config('  type: mysql\n  url_env: DB_URL\n'), { configPath: '/tmp/rivet.yaml', env: { DB_URL: `postgresql://etl:${MARKER}@db/shop` } }))
  })

  it('in a URL taken from url_file', () => {
    tmp.write('s/url', `mysql://etl:${MARKER}@db/shop?sslmode=sometimes`)
    const file = tmp.write('s/rivet.yaml', config('  type: mysql\n  url_file: url\n'))
    expectNoSecret(() => loadConfig(file, { env: {} }))
  })

  it('in a value interpolated from the environment', () => {
    expectNoSecret(() => parseConfig(config('  type: postgres\n  url: ${DB_URL}?connect_timeout=1\n'), { configPath: '/tmp/rivet.yaml', env: { DB_URL: `postgresql://etl:${MARKER}@db/shop` } }))
  })

  it('in a YAML syntax error on the line of the password', () => {
    expectNoSecret(() => parseConfig(`source:\n  type: postgres\n  password: ${MARKER}: x\n`, { configPath: '/tmp/rivet.yaml', env: {} }))
  })

  it('while the resolved config does carry the password and a redacted URL', () => {
    const resolved = parseConfig(config(`  type: postgres\n  url: postgresql://etl:${MARKER}@db/shop\n`), { configPath: '/tmp/rivet.yaml', env: {} })
    expect(resolved.source.connection.password).toBe(MARKER)
    expect(resolved.source.redactedUrl).toBe('postgresql://etl:***@db/shop')
  })
})
