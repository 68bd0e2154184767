import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describePgQuery, describePgTable } from '../../../src/source/pg/introspect/index.js'
import { mapPgColumns } from '../../../src/source/pg/types/index.js'
import { PG_URL, pgAvailable } from '../../helpers/db.js'
import { dataOf, exportTable, getValue } from './copy-helpers.js'
import { connect } from './pg-client.js'
import { rejection } from '../../helpers/errors.js'


const hasPg = await pgAvailable()

describe.skipIf(!hasPg)('PostgreSQL introspection', () => {
  let client: pg.Client
  let createdCitext = false

  beforeAll(async () => {
    client = await connect(PG_URL)
    await client.query(`
      DROP SCHEMA IF EXISTS pgtypes_s CASCADE;
      DROP TABLE IF EXISTS pgtypes_orders, "pgtypes Mixed ""Case""", pgtypes_parts CASCADE;
      DROP VIEW IF EXISTS pgtypes_view;
      DROP DOMAIN IF EXISTS pgtypes_money2, pgtypes_money2_outer CASCADE;
      CREATE SCHEMA pgtypes_s;
      CREATE TABLE pgtypes_s.pgtypes_hidden (x int);
      CREATE DOMAIN pgtypes_money2 AS numeric(12,2);
      CREATE DOMAIN pgtypes_money2_outer AS pgtypes_money2;
      CREATE TABLE pgtypes_orders (region text, id int8, note varchar(10) NOT NULL, amt pgtypes_money2_outer, amts pgtypes_money2[], dropped int, PRIMARY KEY (region, id));
      ALTER TABLE pgtypes_orders DROP COLUMN dropped;
      INSERT INTO pgtypes_orders SELECT 'r' || (g % 3), g, 'n', g, ARRAY[g::numeric(12,2)] FROM generate_series(1, 500) g;
      ANALYZE pgtypes_orders;
      CREATE TABLE "pgtypes Mixed ""Case""" (v int);
      CREATE VIEW pgtypes_view AS SELECT id, note FROM pgtypes_orders;
      CREATE TABLE pgtypes_parts (id int, k int) PARTITION BY RANGE (k);
      CREATE TABLE pgtypes_parts_1 PARTITION OF pgtypes_parts FOR VALUES FROM (0) TO (100);
      CREATE TABLE pgtypes_parts_2 PARTITION OF pgtypes_parts FOR VALUES FROM (100) TO (200);
      INSERT INTO pgtypes_parts SELECT g, g % 200 FROM generate_series(1, 2000) g;
      ANALYZE pgtypes_parts;`)
    const ext = await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'citext'`)
    if (ext.rowCount === 0) {
      await client.query('CREATE EXTENSION IF NOT EXISTS citext')
      createdCitext = true
    }
    await client.query(`DROP TABLE IF EXISTS pgtypes_ci; CREATE TABLE pgtypes_ci (c citext); INSERT INTO pgtypes_ci VALUES ('MiXeD ü')`)
  })

  afterAll(async () => {
    if (client === undefined) return
    await client.query(`
      DROP SCHEMA IF EXISTS pgtypes_s CASCADE;
      DROP VIEW IF EXISTS pgtypes_view;
      DROP TABLE IF EXISTS pgtypes_orders, "pgtypes Mixed ""Case""", pgtypes_parts, pgtypes_ci CASCADE;
      DROP DOMAIN IF EXISTS pgtypes_money2_outer, pgtypes_money2 CASCADE;`)
    // another suite may have started using citext meanwhile: then it stays
    if (createdCitext) await client.query('DROP EXTENSION IF EXISTS citext').catch(() => undefined)
    await client.end()
  })

  it('describes a table: columns in order without dropped ones, domains resolved, primary key, size', async () => {
    const d = await describePgTable(client, { schema: null, name: 'pgtypes_orders' })
    expect(d).toMatchObject({ schema: 'public', name: 'pgtypes_orders', relkind: 'r', primaryKey: ['region', 'id'], estimatedRows: 500 })
    expect(d.pages).toBeGreaterThan(0)
    expect(d.columns.map((c) => c.name)).toEqual(['region', 'id', 'note', 'amt', 'amts'])
    expect(d.columns[2]).toMatchObject({ notNull: true, formattedType: 'character varying(10)', typname: 'varchar' })
    expect(d.columns[3]).toMatchObject({ typtype: 'd', typname: 'pgtypes_money2_outer', baseTypname: 'numeric' })
    expect(d.columns[4]).toMatchObject({ typcategory: 'A', elemTypname: 'numeric' })
    const specs = mapPgColumns(d.columns, {})
    expect(specs[3].type).toEqual({ kind: 'decimal', precision: 12, scale: 2 })
    expect(specs[4].type).toEqual({ kind: 'list', item: { kind: 'decimal', precision: 12, scale: 2 } })
  })

  it('honours search_path when no schema is given, and an explicit schema', async () => {
    expect((await rejection(describePgTable(client, { schema: null, name: 'pgtypes_hidden' }))).code).toBe('RIVET_SOURCE_NOT_FOUND')
    expect((await describePgTable(client, { schema: 'pgtypes_s', name: 'pgtypes_hidden' })).schema).toBe('pgtypes_s')
    await client.query('SET search_path = pgtypes_s, public')
    try {
      expect((await describePgTable(client, { schema: null, name: 'pgtypes_hidden' })).schema).toBe('pgtypes_s')
    } finally {
      await client.query('RESET search_path')
    }
  })

  it('quotes names exactly and suggests near misses', async () => {
    expect((await describePgTable(client, { schema: 'public', name: 'pgtypes Mixed "Case"' })).columns[0].name).toBe('v')
    const err = await rejection(describePgTable(client, { schema: null, name: 'PGTYPES_ORDERS' }))
    expect(err.code).toBe('RIVET_SOURCE_NOT_FOUND')
    expect(err.hint).toContain('"pgtypes_orders"')
    expect(err.details.suggestion).toBe('pgtypes_orders')
    const typo = await rejection(describePgTable(client, { schema: 'public', name: 'pgtypes_ordres' }))
    expect(typo.details.suggestion).toBe('pgtypes_orders')
    expect((await rejection(describePgTable(client, { schema: 'no_such_schema', name: 'x' }))).code).toBe('RIVET_SOURCE_NOT_FOUND')
  })

  it('describes views and partitioned tables, and refuses an index', async () => {
    const v = await describePgTable(client, { schema: null, name: 'pgtypes_view' })
    expect(v).toMatchObject({ relkind: 'v', primaryKey: null })
    const p = await describePgTable(client, { schema: null, name: 'pgtypes_parts' })
    expect(p.relkind).toBe('p')
    expect(p.estimatedRows).toBe(2000)
    expect(p.pages).toBeGreaterThan(0)
    const idx = await rejection(describePgTable(client, { schema: null, name: 'pgtypes_orders_pkey' }))
    expect(idx.message).toContain('an index')
  })

  it('maps citext to utf8 and exports it', async () => {
    const { columns, table } = await exportTable(client, { schema: null, name: 'pgtypes_ci' })
    expect(columns[0]).toMatchObject({ type: { kind: 'utf8' }, decoder: 'text' })
    expect(getValue(dataOf(table, 'c'), 0)).toBe('MiXeD ü')
  })

  it('describes a query: types with typmods, domains and arrays; nullability unknown', async () => {
    const cols = await describePgQuery(client, `SELECT id, amt, amount::numeric(10,3) AS n3, ARRAY[1,2] AS arr, now() AS at FROM pgtypes_orders CROSS JOIN (SELECT 1.5 AS amount) x -- trailing comment\n;`)
    expect(cols.map((c) => c.name)).toEqual(['id', 'amt', 'n3', 'arr', 'at'])
    expect(cols.every((c) => !c.notNull)).toBe(true)
    const specs = mapPgColumns(cols, {})
    expect(specs.map((s) => s.type)).toEqual([
      { kind: 'int', bits: 64, signed: true },
      { kind: 'decimal', precision: 12, scale: 2 },
      { kind: 'decimal', precision: 10, scale: 3 },
      { kind: 'list', item: { kind: 'int', bits: 32, signed: true } },
      { kind: 'timestamp', tz: 'UTC' },
    ])
    expect(cols[2].formattedType).toBe('numeric(10,3)')
    expect(specs[0].nullable).toBe(true)
  })

  it('knows the table column behind each query column, aliases and joins included', async () => {
    const cols = await describePgQuery(
      client,
      `SELECT o.id, o.amt AS order_amt, h.x AS hidden_x, o.id + 1 AS next_id FROM pgtypes_orders o CROSS JOIN pgtypes_s.pgtypes_hidden h -- joined`,
    )
    expect(cols.map((c) => c.origin)).toEqual([
      { schema: 'public', table: 'pgtypes_orders', column: 'id' },
      { schema: 'public', table: 'pgtypes_orders', column: 'amt' },
      { schema: 'pgtypes_s', table: 'pgtypes_hidden', column: 'x' },
      undefined,
    ])
    // schema.table.col wins over table.col over col; each column keeps its own override
    const specs = mapPgColumns(cols, { 'pgtypes_s.pgtypes_hidden.x': { kind: 'text' }, 'pgtypes_orders.amt': { kind: 'decimal', precision: 20, scale: 4 }, order_amt: { kind: 'text' }, 'pgtypes_orders.id': { kind: 'text' } })
    expect(specs.map((s) => s.override ?? null)).toEqual(['text', 'decimal(20,4)', 'text', null])
    const table = await describePgTable(client, { schema: null, name: 'pgtypes_orders' })
    expect(table.columns[0]!.origin).toEqual({ schema: 'public', table: 'pgtypes_orders', column: 'region' })
  })

  it('refuses duplicate column names and reports SQL errors', async () => {
    const dup = await rejection(describePgQuery(client, 'SELECT 1 AS a, 2 AS a, 3'))
    expect(dup.code).toBe('RIVET_SOURCE_QUERY')
    expect(dup.message).toContain('"a" (columns 1 and 2)')
    const bad = await rejection(describePgQuery(client, 'SELEC 1'))
    expect(bad.code).toBe('RIVET_SOURCE_QUERY')
    expect(bad.details.sqlstate).toBe('42601')
  })
})
