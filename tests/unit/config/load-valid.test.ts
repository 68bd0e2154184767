import { afterAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { EXAMPLE_CONFIG, loadConfig, parseConfig, TUNING_PROFILES, type ResolvedConfig } from '../../../src/config/index.js'
import { captureError, ORDERS_EXPORT, tempDir } from './helpers.js'

const tmp = tempDir()
afterAll(() => tmp.remove())

const CONFIG_PATH = '/etc/rivet/project/rivet.yaml'
const parse = (text: string, env: NodeJS.ProcessEnv = {}): ResolvedConfig => parseConfig(text, { configPath: CONFIG_PATH, env })
const pgSource = (extra = ''): string => `source:\n  type: postgres\n  url: postgresql://rivet@db.internal:5432/shop\n${extra}exports:\n${ORDERS_EXPORT}`

describe('defaults', () => {
  it('fills every default of a minimal config', () => {
    const config = parse(pgSource())
    expect(config.configPath).toBe(CONFIG_PATH)
    expect(config.configDir).toBe('/etc/rivet/project')
    expect(config.source.connection).toEqual({
      host: 'db.internal',
      port: 5432,
      user: 'rivet',
      database: 'shop',
      tls: { mode: 'prefer' },
      applicationName: 'rivet',
    })
    expect(config.source.redactedUrl).toBe('postgresql://rivet@db.internal:5432/shop')
    expect(config.exports).toHaveLength(1)
    expect(config.exports[0]).toEqual({
      name: 'orders',
      table: { schema: 'public', name: 'orders' },
      query: null,
      mode: 'full',
      incremental: null,
      uniqueKey: null,
      chunked: null,
      timeWindow: null,
      chunkMaxStatementS: 1,
      metaColumns: { exportedAt: false, rowHash: null },
      format: 'parquet',
      compression: 'zstd',
      compressionLevel: null,
      maxFileSizeBytes: null,
      skipEmpty: false,
      destination: { type: 'local', path: '/etc/rivet/project/out' },
      columns: {},
      tuning: { profile: 'balanced', batchSize: null, ...TUNING_PROFILES.balanced, memoryMb: 512 },
      schemaDrift: 'warn',
      shapeDriftWarnFactor: 2,
      quality: null,
    })
  })

  it('uses the balanced profile values documented in docs/configuration.md', () => {
    expect(parse(pgSource()).source.tuning).toEqual({
      profile: 'balanced', batchSize: null, batchSizeMemoryMb: 4, statementTimeoutS: 120, lockTimeoutS: 5,
      maxRetries: 3, retryBackoffMs: 2000, memoryMb: 512, throttleMs: 0,
    })
  })

  it('returns a deeply frozen result', () => {
    const config = parse(pgSource())
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.exports)).toBe(true)
    expect(Object.isFrozen(config.exports[0].tuning)).toBe(true)
    expect(Object.isFrozen(config.source.connection.tls)).toBe(true)
    expect(() => { (config.exports[0] as { name: string }).name = 'x' }).toThrow(TypeError)
  })
})

describe('tuning layers', () => {
  it('applies profile defaults, then source keys, then export keys', () => {
    const config = parse(`source:
  type: postgres
  url: postgresql://rivet@db.internal/shop
  tuning: { profile: safe, statement_timeout_s: 600, memory_mb: 2048 }
exports:
  - name: a
    table: a
    format: parquet
    destination: { type: local, path: ./out/a }
  - name: b
    table: b
    format: csv
    destination: { type: local, path: ./out/b }
    tuning: { profile: fast, batch_size: 5000, max_retries: 0 }
`)
    expect(config.source.tuning).toEqual({
      profile: 'safe', batchSize: null, batchSizeMemoryMb: 4, statementTimeoutS: 600, lockTimeoutS: 2,
      maxRetries: 5, retryBackoffMs: 5000, memoryMb: 2048, throttleMs: 50,
    })
    expect(config.exports[0].tuning).toEqual(config.source.tuning)
    // export profile fast fills the keys nobody set; the source's explicit keys still win over it
    expect(config.exports[1].tuning).toEqual({
      profile: 'fast', batchSize: 5000, batchSizeMemoryMb: 16, statementTimeoutS: 600, lockTimeoutS: 10,
      maxRetries: 0, retryBackoffMs: 1000, memoryMb: 2048, throttleMs: 0,
    })
  })
})

describe('environment interpolation', () => {
  it('expands ${VAR}, ${VAR:-default} and $$ in every string, and fills numbers and booleans', () => {
    const env = { DB_HOST: 'db.prod', DB_PORT: '6543', DB_USER: 'reader', SKIP: 'true', EMPTY: '' }
    const config = parse(`source:
  type: postgres
  host: \${DB_HOST}
  port: \${DB_PORT}
  user: \${DB_USER}
  database: \${DB_NAME:-analytics}
  application_name: rivet-\${EMPTY:-nightly}
exports:
  - name: orders
    query: select price * 2 as "$$double" from t
    format: parquet
    skip_empty: \${SKIP}
    destination: { type: local, path: "./out/\${DB_HOST}/{export}" }
`, env)
    expect(config.source.connection).toMatchObject({ host: 'db.prod', port: 6543, user: 'reader', database: 'analytics', applicationName: 'rivet-nightly' })
    expect(config.exports[0].query).toBe('select price * 2 as "$double" from t')
    expect(config.exports[0].skipEmpty).toBe(true)
    expect(config.exports[0].destination.path).toBe('/etc/rivet/project/out/db.prod/{export}')
  })

  it('keeps a lone $ and a literal numeric port as they are', () => {
    const config = parse(pgSource().replace('table: public.orders', 'query: select $1::int'), {})
    expect(config.exports[0].query).toBe('select $1::int')
  })
})

describe('connection forms', () => {
  it('reads the URL from url_env', () => {
    const config = parse(`source:\n  type: mysql\n  url_env: SHOP_DB\nexports:\n${ORDERS_EXPORT}`, { SHOP_DB: 'mariadb://app:pa%24%24@10.0.0.5/shop' })
    expect(config.source.type).toBe('mysql')
    expect(config.source.connection).toMatchObject({ host: '10.0.0.5', port: 3306, user: 'app', password: 'pa$$', database: 'shop' })
    expect(config.source.redactedUrl).toBe('mariadb://app:***@10.0.0.5/shop')
  })

  it('reads the URL from url_file relative to the config file, ignoring surrounding whitespace', () => {
    tmp.write('proj/secrets/db-url', '  postgresql://etl:s3cret@db:5433/warehouse?sslmode=verify-full&application_name=nightly\n\n')
    const file = tmp.write('proj/rivet.yaml', `source:\n  type: postgres\n  url_file: ./secrets/db-url\nexports:\n${ORDERS_EXPORT}`)
    const config = loadConfig(file, { env: {} })
    expect(config.source.connection).toEqual({
      host: 'db', port: 5433, user: 'etl', password: 's3cret', database: 'warehouse',
      tls: { mode: 'verify-full' }, applicationName: 'nightly',
    })
    expect(config.source.redactedUrl).toBe('postgresql://etl:***@db:5433/warehouse?sslmode=verify-full&application_name=nightly')
    expect(config.exports[0].destination.path).toBe(join(tmp.dir, 'proj', 'out'))
  })

  it('percent-decodes user, password and database, and unwraps IPv6 hosts', () => {
    const config = parse(pgSource().replace('postgresql://rivet@db.internal:5432/shop', 'postgres://us%40er:p%3Aw%2Fd%23@[::1]:5432/my%20db'))
    expect(config.source.connection).toMatchObject({ host: '::1', user: 'us@er', password: 'p:w/d#', database: 'my db' })
    expect(config.source.redactedUrl).toBe('postgres://us%40er:***@[::1]:5432/my%20db')
  })

  it('builds the connection from structured keys with password_env', () => {
    const config = parse(`source:
  type: mysql
  host: mysql.internal
  user: etl
  password_env: MYSQL_PW
  database: shop
  tls: { mode: verify-ca, ca_file: ./certs/ca.pem }
exports:
${ORDERS_EXPORT}`, { MYSQL_PW: 'pw' })
    expect(config.source.connection).toEqual({
      host: 'mysql.internal', port: 3306, user: 'etl', password: 'pw', database: 'shop',
      tls: { mode: 'verify-ca', caFile: '/etc/rivet/project/certs/ca.pem' }, applicationName: 'rivet',
    })
    expect(config.source.redactedUrl).toBe('mysql://etl:***@mysql.internal:3306/shop')
  })

  it('accepts a sslmode that agrees with tls.mode and resolves client certificate paths', () => {
    const config = parse(pgSource('  tls: { mode: require, cert_file: c.pem, key_file: /abs/k.pem }\n').replace('/shop', '/shop?sslmode=require'))
    expect(config.source.connection.tls).toEqual({ mode: 'require', certFile: '/etc/rivet/project/c.pem', keyFile: '/abs/k.pem' })
  })
})

describe('exports', () => {
  it('folds unquoted table names on PostgreSQL and keeps quoted ones', () => {
    const config = parse(`source:\n  type: postgres\n  url: postgresql://r@h/d\nexports:
  - { name: a, table: Sales.Orders, format: parquet, destination: { type: local, path: "o/{export}" } }
  - { name: b, table: '"My Schema"."My.Table"', format: parquet, destination: { type: local, path: "o/{export}" } }
  - { name: c, table: Customers, format: parquet, destination: { type: local, path: "o/{export}" } }
`)
    expect(config.exports.map((e) => e.table)).toEqual([
      { schema: 'sales', name: 'orders' },
      { schema: 'My Schema', name: 'My.Table' },
      { schema: null, name: 'customers' },
    ])
  })

  it('keeps MySQL table names as written', () => {
    const config = parse(`source:\n  type: mysql\n  url: mysql://r@h/d\nexports:\n  - { name: a, table: Shop.Orders, format: csv, destination: { type: local, path: "o/{export}" } }\n`)
    expect(config.exports[0].table).toEqual({ schema: 'Shop', name: 'Orders' })
  })

  it('resolves query_file relative to the config file and strips one trailing semicolon', () => {
    tmp.write('q/sql/orders.sql', '\nselect *\nfrom orders;\n')
    const file = tmp.write('q/rivet.yaml', `source:\n  type: postgres\n  url: postgresql://r@h/d\nexports:
  - name: orders
    query_file: sql/orders.sql
    format: csv
    compression: gzip
    compression_level: 9
    max_file_size: 512MB
    skip_empty: true
    destination: { type: local, path: "../exports/{export}/{date}" }
    columns: { amount: "decimal(18,2)", id: " INT64 ", big: "DECIMAL(76)", payload: json }
`)
    const exp = loadConfig(file, { env: {} }).exports[0]
    expect(exp).toMatchObject({
      table: null, query: 'select *\nfrom orders', format: 'csv', compression: 'gzip', compressionLevel: 9,
      maxFileSizeBytes: 512_000_000, skipEmpty: true,
      destination: { type: 'local', path: join(tmp.dir, 'exports', '{export}', '{date}') },
    })
    expect(exp.columns).toEqual({
      amount: { kind: 'decimal', precision: 18, scale: 2 },
      id: { kind: 'int64' },
      big: { kind: 'decimal', precision: 76, scale: 0 },
      payload: { kind: 'json' },
    })
  })

  it('reads sizes in binary units and plain bytes', () => {
    const sizes = ['1GiB', '1.5 MiB', 2097152, '3MB'].map((s) => parse(pgSource().replace('format: parquet', `format: parquet\n    max_file_size: ${JSON.stringify(s)}`)).exports[0].maxFileSizeBytes)
    expect(sizes).toEqual([1024 ** 3, 1.5 * 1024 ** 2, 2097152, 3_000_000])
  })
})

describe('loadConfig', () => {
  it('throws RIVET_CONFIG_NOT_FOUND for a missing file', () => {
    const err = captureError(() => loadConfig(join(tmp.dir, 'nope.yaml')))
    expect(err.code).toBe('RIVET_CONFIG_NOT_FOUND')
    expect(err.message).toContain('does not exist')
  })

  it('loads the example shown in docs/configuration.md', () => {
    tmp.write('example/sql/big_customers.sql', 'select * from customers where spend > 1000')
    const file = tmp.write('example/rivet.yaml', EXAMPLE_CONFIG)
    const config = loadConfig(file, { env: { DATABASE_URL: 'postgresql://rivet:x@db/shop' } })
    expect(config.exports.map((e) => e.name)).toEqual(['orders', 'big_customers', 'events', 'order_lines'])
    expect(config.exports.map((e) => e.mode)).toEqual(['full', 'full', 'incremental', 'chunked'])
    expect(config.source.tuning.profile).toBe('safe')
    expect(config.exports[1].tuning.batchSize).toBe(10000)
  })
})

describe('YAML problems', () => {
  it('reports a duplicate key as RIVET_CONFIG_YAML with its line', () => {
    const err = captureError(() => parse(`source:\n  type: postgres\n  type: mysql\n`))
    expect(err.code).toBe('RIVET_CONFIG_YAML')
    expect(err.details.line).toBe(3)
    expect(err.message).toMatch(/rivet\.yaml:3:\d+: /)
  })

  it('hints at quoting when braces break a flow mapping', () => {
    const err = captureError(() => parse(pgSource().replace('path: ./out', 'path: ./out/{export}')))
    expect(err.code).toBe('RIVET_CONFIG_YAML')
    expect(err.hint).toContain('quote values')
  })
})
