import { connect } from 'node:net'
import pg from 'pg'
import copyStreams from 'pg-copy-streams'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedCounts, seedDemo, startDemoServer, type DemoServer, type SeedDemoResult } from '../../../src/demo/index.js'

let server: DemoServer
let seeded: SeedDemoResult

async function withClient<T>(fn: (c: pg.Client) => Promise<T>, config: pg.ClientConfig = {}): Promise<T> {
  const c = new pg.Client({ connectionString: server.url, ...config })
  c.on('error', () => undefined)
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

/** A text fingerprint of every row of every demo table. */
async function fingerprint(c: pg.Client): Promise<string[]> {
  const out: string[] = []
  for (const { name } of seeded.tables) {
    const { rows } = await c.query(`select md5(string_agg(t::text, '|' order by t.id)) as h from ${name} t`)
    out.push(`${name}:${rows[0].h}`)
  }
  return out
}

describe('demo seed (embedded PostgreSQL)', () => {
  beforeAll(async () => {
    const t0 = performance.now()
    server = await startDemoServer()
    const t1 = performance.now()
    seeded = await seedDemo(server.url)
    const t2 = performance.now()
    const rows = seeded.tables.reduce((sum, t) => sum + t.rows, 0)
    const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20)
    console.log(`demo: start ${Math.round(t1 - t0)} ms, seed ${Math.round(t2 - t1)} ms for ${rows} rows, RSS ${rssMb} MiB`)
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('creates the five shop tables with their exact row counts, over 100k rows in total', async () => {
    expect(seeded.tables.map((t) => t.name)).toEqual(['shop.customers', 'shop.products', 'shop.orders', 'shop.order_items', 'shop.events'])
    const counts = await withClient(async (c) => {
      const out: Record<string, number> = {}
      for (const { name } of seeded.tables) out[name] = Number((await c.query(`select count(*) as n from ${name}`)).rows[0].n)
      return out
    })
    expect(seeded.tables.map((t) => counts[t.name])).toEqual(seeded.tables.map((t) => t.rows))
    expect(counts['shop.customers']).toBe(10_000)
    expect(counts['shop.products']).toBe(1_000)
    expect(counts['shop.orders']).toBe(50_000)
    expect(counts['shop.events']).toBe(5_000)
    expect(counts['shop.order_items']).toBeGreaterThan(90_000)
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(100_000)
  })

  it('covers every column type Rivet maps, and no unconstrained numeric', async () => {
    const columns = await withClient(async (c) => {
      const { rows } = await c.query(`
        select c.udt_name, c.data_type, c.domain_name, c.numeric_precision, c.numeric_scale, t.typtype
        from information_schema.columns c
        join pg_type t on t.typname = c.udt_name and t.typnamespace = (select oid from pg_namespace where nspname = c.udt_schema)
        where c.table_schema = 'shop'`)
      return rows as { udt_name: string; data_type: string; domain_name: string | null; numeric_precision: number | null; numeric_scale: number | null; typtype: string }[]
    })
    const udts = new Set(columns.map((c) => c.udt_name))
    const wanted = ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'bool', 'text', 'varchar', 'bpchar', 'bytea', 'date', 'time', 'timetz',
      'timestamp', 'timestamptz', 'uuid', 'json', 'jsonb', 'interval', '_int4', '_text', 'inet']
    expect(wanted.filter((t) => !udts.has(t))).toEqual([])
    expect(columns.some((c) => c.typtype === 'e')).toBe(true) // an enum
    expect(columns.some((c) => c.domain_name !== null)).toBe(true) // a domain
    expect(columns.some((c) => c.data_type === 'numeric' && c.numeric_precision === 40 && c.numeric_scale === 8)).toBe(true)
    expect(columns.filter((c) => c.data_type === 'numeric' && c.numeric_precision === null)).toEqual([])
  })

  it('gives every table a primary key', async () => {
    const withPk = await withClient(async (c) =>
      (await c.query(`select table_name from information_schema.table_constraints where table_schema = 'shop' and constraint_type = 'PRIMARY KEY'`)).rows.map((r) => r.table_name),
    )
    expect(withPk.sort()).toEqual(['customers', 'events', 'order_items', 'orders', 'products'])
  })

  it('holds the edge values: non-finite floats, pre-1970 instants, NULL array items, 32-digit decimals, NULLs in every nullable column', async () => {
    await withClient(async (c) => {
      const one = async (sql: string): Promise<unknown> => Object.values((await c.query(sql)).rows[0])[0]
      expect(await one(`select count(*)::int from shop.products where weight_kg = 'NaN'`)).toBeGreaterThan(0)
      expect(await one(`select count(*)::int from shop.products where weight_kg = 'Infinity'`)).toBe(1)
      expect(await one(`select array_agg(distinct score::text order by score::text) from shop.events where score in ('NaN', 'Infinity', '-Infinity')`)).toEqual(['-Infinity', 'Infinity', 'NaN'])
      expect(await one(`select count(*)::int from shop.customers where member_since < '1970-01-01'`)).toBeGreaterThan(100)
      expect(await one(`select count(*)::int from shop.products where array_position(dimensions_mm, null) is not null`)).toBeGreaterThan(0)
      expect(await one(`select count(*)::int from shop.customers where array_position(interests, null) is not null`)).toBeGreaterThan(0)
      expect(await one(`select max(length(trunc(abs(lifetime_points))::text))::int from shop.customers`)).toBe(32)
      expect(await one(`select count(*)::int from shop.orders where total <> round(subtotal * (1 - coalesce(discount_pct, 0) / 100), 2) + shipping_fee`)).toBe(0)
      const nullable = (await c.query(`select table_name, column_name from information_schema.columns where table_schema = 'shop' and is_nullable = 'YES'`)).rows
      expect(nullable.length).toBeGreaterThan(30)
      const without: string[] = []
      for (const { table_name, column_name } of nullable) {
        if ((await one(`select count(*)::int from shop.${table_name} where ${column_name} is null`)) === 0) without.push(`${table_name}.${column_name}`)
      }
      expect(without).toEqual([])
    })
  })

  it("serves Rivet's extraction sequence over two sequential connections: catalog, then COPY binary by ctid ranges and a binary cursor", async () => {
    // 1st connection: catalog introspection with node-postgres (extended protocol with a parameter)
    const { columns, expected } = await withClient(async (c) => {
      const cols = await c.query(`select a.attname, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
        where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`, ['shop.order_items'])
      const n = Number((await c.query('select count(*) as n from shop.order_items')).rows[0].n)
      return { columns: cols.rows.map((r) => r.attname as string), expected: n }
    })
    expect(columns).toContain('unit_price')

    // 2nd connection: the extraction session, with the startup parameters Rivet's wire client sends
    const extract = new pg.Client({ connectionString: server.url })
    const startupConf = { user: 'postgres', database: 'postgres', application_name: 'rivet', TimeZone: 'UTC', DateStyle: 'ISO, MDY', client_encoding: 'UTF8', extra_float_digits: '3' }
    ;(extract as unknown as { getStartupConf: () => object }).getStartupConf = () => startupConf
    await extract.connect()
    try {
      expect((await extract.query(`select current_setting('extra_float_digits') as v`)).rows[0].v).toBe('3')
      await extract.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      await extract.query(`SET LOCAL statement_timeout = '300s'`)
      const size = (await extract.query(`SELECT pg_relation_size('shop.order_items'::regclass) AS bytes, current_setting('block_size')::int AS block`)).rows[0]
      const pages = Math.ceil(Number(size.bytes) / size.block)
      expect(pages).toBeGreaterThan(100)
      const chunkPages = Math.ceil(pages / 7)
      let copied = 0
      for (let from = 0; from < pages; from += chunkPages) {
        const sql = `COPY (SELECT ${columns.join(', ')} FROM shop.order_items WHERE ctid >= '(${from},0)'::tid AND ctid < '(${from + chunkPages},0)'::tid) TO STDOUT (FORMAT binary)`
        const stream = extract.query(copyStreams.to(sql))
        const chunks: Buffer[] = []
        for await (const chunk of stream) chunks.push(chunk as Buffer)
        const data = Buffer.concat(chunks)
        expect(data.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0') // binary COPY signature
        expect(data.readInt16BE(data.length - 2)).toBe(-1) // file trailer
        copied += stream.rowCount ?? 0
      }
      expect(copied).toBe(expected)

      await extract.query('DECLARE c NO SCROLL CURSOR FOR SELECT id, occurred_at, score, payload FROM shop.events ORDER BY occurred_at')
      let fetched = 0
      for (;;) {
        // extended protocol (Parse/Bind/Describe/Execute/Sync) asking for binary results
        // (`binary` is a node-postgres query option its type definitions lack)
        const config = { text: 'FETCH FORWARD 1000 FROM c', binary: true, queryMode: 'extended' } as pg.QueryConfig
        const page = await extract.query(config)
        if (page.rowCount === 0) break
        fetched += page.rowCount ?? 0
        expect(page.fields.map((f) => f.format)).toEqual(['binary', 'binary', 'binary', 'binary'])
      }
      expect(fetched).toBe(5_000)
      await extract.query('COMMIT')
    } finally {
      await extract.end() // sends Terminate
    }
    // a third connection right after proves the Terminate released the session
    expect(await withClient(async (c) => (await c.query('select count(*)::int as n from shop.events')).rows[0].n)).toBe(5_000)
  })

  it('is deterministic: seeding again replaces the schema with identical data', async () => {
    const before = await withClient(fingerprint)
    const again = await seedDemo(server.url)
    expect(again).toEqual(seeded)
    expect(await withClient(fingerprint)).toEqual(before)
  })

  it('rejects a scale outside (0, 100]', () => {
    expect(() => seedCounts(0)).toThrow(/scale/)
    expect(() => seedCounts(Number.NaN)).toThrow(/scale/)
    expect(seedCounts(0.1)).toEqual({ customers: 1_000, products: 100, orders: 5_000, events: 500 })
  })

  it('stop() closes the port', async () => {
    await server.stop()
    const result = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => resolve('connected'))
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
    })
    expect(result).toBe('ECONNREFUSED')
  })
})
