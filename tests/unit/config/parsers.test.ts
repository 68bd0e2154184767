import { describe, expect, it } from 'vitest'
import { parseColumnOverride, parseConnectionUrl, parseSize, parseTableName } from '../../../src/config/index.js'
import { closest, editDistance } from '../../../src/config/did-you-mean.js'
import { expandString } from '../../../src/config/interpolate.js'
import { checkPathTemplate } from '../../../src/config/path-template.js'

describe('parseSize', () => {
  it.each([
    [1048576, 1048576], ['512MB', 512_000_000], ['512mb', 512_000_000], ['1 KiB', 1024], ['2GiB', 2 * 1024 ** 3],
    ['1.5GB', 1_500_000_000], ['100', 100], ['7B', 7],
  ])('%s → %s', (input, bytes) => expect(parseSize(input)).toBe(bytes))

  it.each(['12XB', 'MB', '-5MB', '1e6', '', 'ten MB'])('rejects %j', (input) => expect(parseSize(input)).toBeNull())
  it('rejects fractional and negative byte counts', () => {
    expect(parseSize(1.5)).toBeNull()
    expect(parseSize(-1)).toBeNull()
  })
})

describe('parseTableName', () => {
  it('folds unquoted parts for postgres only', () => {
    expect(parseTableName('Public.Orders', 'postgres')).toEqual({ schema: 'public', name: 'orders' })
    expect(parseTableName('Public.Orders', 'mysql')).toEqual({ schema: 'Public', name: 'Orders' })
  })

  it('keeps quoted parts, dots and doubled quotes', () => {
    expect(parseTableName('"My Schema"."My.Table"', 'postgres')).toEqual({ schema: 'My Schema', name: 'My.Table' })
    expect(parseTableName('"a""b"', 'postgres')).toEqual({ schema: null, name: 'a"b' })
    expect(parseTableName('`Shop`.`Order Items`', 'mysql')).toEqual({ schema: 'Shop', name: 'Order Items' })
    expect(parseTableName('sales."Q1"', 'postgres')).toEqual({ schema: 'sales', name: 'Q1' })
  })

  it.each(['', 'a.b.c', 'a.', '.b', '"open', 'my table', '"a"x'])('rejects %j', (input) => {
    expect(parseTableName(input, 'postgres')).toHaveProperty('error')
  })
})

describe('parseColumnOverride', () => {
  it('parses decimal and simple kinds', () => {
    expect(parseColumnOverride('decimal(18,2)')).toEqual({ kind: 'decimal', precision: 18, scale: 2 })
    expect(parseColumnOverride(' Decimal( 38 , 9 ) ')).toEqual({ kind: 'decimal', precision: 38, scale: 9 })
    expect(parseColumnOverride('decimal(10)')).toEqual({ kind: 'decimal', precision: 10, scale: 0 })
    expect(parseColumnOverride('TIMESTAMP_TZ')).toEqual({ kind: 'timestamp_tz' })
  })

  it.each(['decimal(0,0)', 'decimal(77,2)', 'decimal(4,5)', 'decimal(18,', 'varchar', 'decimal(a,b)'])('rejects %j', (input) => {
    expect(parseColumnOverride(input)).toHaveProperty('error')
  })
})

describe('parseConnectionUrl', () => {
  it('reads every part and redacts the password', () => {
    expect(parseConnectionUrl('postgresql://u%20x:p%40ss@db:6000/shop?sslmode=verify-ca&application_name=etl')).toEqual({
      type: 'postgres', scheme: 'postgresql', host: 'db', port: 6000, user: 'u x', password: 'p@ss', database: 'shop',
      sslmode: 'verify-ca', applicationName: 'etl', redacted: 'postgresql://u%20x:***@db:6000/shop?sslmode=verify-ca&application_name=etl',
    })
  })

  it('maps mariadb to mysql and applies default ports', () => {
    expect(parseConnectionUrl('mariadb://u@h/d')).toMatchObject({ type: 'mysql', port: 3306 })
    expect(parseConnectionUrl('postgres://u@h/d')).toMatchObject({ type: 'postgres', port: 5432 })
  })

  it('decodes a Unix socket directory given as the host', () => {
    expect(parseConnectionUrl('postgresql://u@%2Fvar%2Frun%2Fpostgresql/d')).toMatchObject({ host: '/var/run/postgresql' })
  })

  it.each([
    ['http://u@h/d', 'must start with'],
    ['postgresql://h/d', 'no user name'],
    ['postgresql://u@h', 'no database name'],
    ['postgresql://u@h/d?sslmode=maybe', 'unsupported sslmode'],
    ['postgresql://u@h/d?foo=1', "unsupported query parameter 'foo'"],
    ['postgresql://u@h:0/d', 'invalid port'],
    ['not a url', 'not a valid URL'],
  ])('rejects %s', (url, reason) => {
    const parsed = parseConnectionUrl(url)
    expect('error' in parsed && parsed.error).toContain(reason)
  })
})

describe('expandString', () => {
  const env = { A: 'alpha', EMPTY: '' }
  it.each([
    ['${A}-x', 'alpha-x'],
    ['${B:-beta}', 'beta'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY}', ''],
    ['cost $$5 and $1', 'cost $5 and $1'],
    ['$${A}', '${A}'],
    ['${B:-}', ''],
  ])('%s → %s', (input, output) => expect(expandString(input, env)).toMatchObject({ value: output }))

  it('lists every missing variable once', () => {
    expect(expandString('${X}/${Y}/${X}', env)).toEqual({ missing: ['X', 'Y'] })
  })

  it('rejects bad references', () => {
    expect(expandString('${A', env)).toHaveProperty('syntax')
    expect(expandString('${1A}', env)).toHaveProperty('syntax')
  })
})

describe('did-you-mean', () => {
  it('measures edits with adjacent swaps as one', () => {
    expect(editDistance('parquett', 'parquet')).toBe(1)
    expect(editDistance('fromat', 'format')).toBe(1)
    expect(editDistance('abc', 'xyz')).toBe(3)
  })

  it('suggests only close candidates', () => {
    expect(closest('chunk_colum', ['columns', 'compression', 'query_file'])).toBeNull()
    expect(closest('compresion', ['columns', 'compression'])).toBe('compression')
    expect(closest('CSV', ['parquet', 'csv'])).toBe('csv')
  })
})

describe('checkPathTemplate', () => {
  it('accepts known placeholders and rejects others', () => {
    expect(checkPathTemplate('./out/{export}/{date}')).toBeNull()
    expect(checkPathTemplate('./out/{table}')).toContain('{table} is not a known placeholder')
    expect(checkPathTemplate('./out/{export')).toContain('unbalanced')
    expect(checkPathTemplate('./out/}')).toContain('unbalanced')
    expect(checkPathTemplate('  ')).toContain('empty')
  })
})
