import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RivetError } from '../../../src/errors/index.js'
import { describePgTable } from '../../../src/source/pg/introspect/index.js'
import { mapPgColumns } from '../../../src/source/pg/types/index.js'
import { PG_URL, pgAvailable } from '../../helpers/db.js'
import { dataOf, decimalAt, exportTable, getValue } from './copy-helpers.js'
import { connect } from './pg-client.js'
import { rejection } from '../../helpers/errors.js'


const hasPg = await pgAvailable()

describe.skipIf(!hasPg)('PostgreSQL data errors and overrides', () => {
  let client: pg.Client
  const table = (name: string) => ({ schema: null, name })

  beforeAll(async () => {
    client = await connect(PG_URL)
    await client.query(`
      DROP TABLE IF EXISTS pgtypes_multidim, pgtypes_inf_ts, pgtypes_inf_date, pgtypes_far_ts, pgtypes_bare, pgtypes_unsupported, pgtypes_numnan;
      DROP TYPE IF EXISTS pgtypes_pair;
      CREATE TYPE pgtypes_pair AS (a int, b text);
      CREATE TABLE pgtypes_multidim (id int, a int4[]);
      INSERT INTO pgtypes_multidim VALUES (1, '{1,2}'), (2, '{{1,2},{3,4}}');
      CREATE TABLE pgtypes_inf_ts (id int, t timestamptz);
      INSERT INTO pgtypes_inf_ts VALUES (1, now()), (2, 'infinity');
      CREATE TABLE pgtypes_inf_date (id int, d date);
      INSERT INTO pgtypes_inf_date VALUES (1, '-infinity');
      CREATE TABLE pgtypes_far_ts (id int, t timestamp);
      INSERT INTO pgtypes_far_ts VALUES (1, '294276-12-31 23:59:59');
      CREATE TABLE pgtypes_bare (id int, amount numeric, ratio numeric, tags numeric[]);
      INSERT INTO pgtypes_bare VALUES (1, 12345678901234.5678, 0.5, '{1.25,NULL}'), (2, -0.0001, NULL, '{}');
      CREATE TABLE pgtypes_numnan (id int, amount numeric);
      INSERT INTO pgtypes_numnan VALUES (1, 1), (2, 'NaN');
      CREATE TABLE pgtypes_unsupported (id int, m money, p point, r int4range, v tsvector, b bit(3), c pgtypes_pair, n numeric, mr int4multirange);`)
  })

  afterAll(async () => {
    if (client === undefined) return
    await client.query(
      'DROP TABLE IF EXISTS pgtypes_multidim, pgtypes_inf_ts, pgtypes_inf_date, pgtypes_far_ts, pgtypes_bare, pgtypes_unsupported, pgtypes_numnan; DROP TYPE IF EXISTS pgtypes_pair',
    )
    await client.end()
  })

  it('refuses a multi-dimensional array value naming the column', async () => {
    const err = await rejection(exportTable(client, table('pgtypes_multidim'), { orderBy: 'id' }))
    expect(err.code).toBe('RIVET_DATA_ARRAY_DIMENSIONS')
    expect(err.message).toContain('"a"')
    expect(err.message).toContain('2-dimensional')
  })

  it('refuses infinite timestamps and dates with a hint to cast', async () => {
    const ts = await rejection(exportTable(client, table('pgtypes_inf_ts'), { orderBy: 'id' }))
    expect(ts.code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
    expect(ts.message).toContain('column "t" holds infinity')
    // the decoder names the row; without a key in the plan, by its position in the read
    expect(ts.message).toMatch(/^row 2 of the read/)
    expect(ts.hint).toContain('isfinite')
    const d = await rejection(exportTable(client, table('pgtypes_inf_date')))
    expect(d.code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
    expect(d.message).toContain('-infinity')
  })

  it('refuses a timestamp beyond the int64 microsecond range', async () => {
    const err = await rejection(exportTable(client, table('pgtypes_far_ts')))
    expect(err.code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
    expect(err.message).toContain('294247')
  })

  it('reports bare numeric columns as RIVET_TYPE_NUMERIC_UNBOUNDED', async () => {
    const desc = await describePgTable(client, table('pgtypes_bare'))
    let err: unknown
    try {
      mapPgColumns(desc.columns, {})
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(RivetError)
    expect((err as RivetError).code).toBe('RIVET_TYPE_NUMERIC_UNBOUNDED')
    expect((err as RivetError).items.map((i) => i.path)).toEqual(['amount', 'ratio', 'tags'])
  })

  it('decodes bare numeric exactly with a decimal override and as exact text with a text override', async () => {
    const { table: t, columns } = await exportTable(client, table('pgtypes_bare'), {
      orderBy: 'id',
      overrides: { amount: { kind: 'decimal', precision: 20, scale: 4 }, ratio: { kind: 'text' }, tags: { kind: 'decimal', precision: 10, scale: 2 } },
    })
    expect(columns.map((c) => c.decoder)).toEqual(['int4', 'numeric', 'cast:text', 'array'])
    const amount = dataOf(t, 'amount')
    expect([decimalAt(amount, 0), decimalAt(amount, 1)]).toEqual([123456789012345678n, -1n])
    expect([getValue(dataOf(t, 'ratio'), 0), getValue(dataOf(t, 'ratio'), 1)]).toEqual(['0.5', null])
    const tags = dataOf(t, 'tags')
    expect(decimalAt(tags.children[0], 0)).toBe(125n)
    expect(tags.children[0].getValid(1)).toBe(false)
  })

  it('refuses a value the decimal override would have to round, naming the column', async () => {
    const err = await rejection(exportTable(client, table('pgtypes_bare'), { orderBy: 'id', overrides: { amount: { kind: 'decimal', precision: 20, scale: 2 }, ratio: { kind: 'text' }, tags: { kind: 'text' } } }))
    expect(err.code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
    expect(err.message).toContain('"amount"')
    expect(err.message).toContain('12345678901234.5678')
  })

  it('refuses NaN in a decimal column as RIVET_DATA_NON_FINITE', async () => {
    const err = await rejection(exportTable(client, table('pgtypes_numnan'), { orderBy: 'id', overrides: { amount: { kind: 'decimal', precision: 10, scale: 0 } } }))
    expect(err.code).toBe('RIVET_DATA_NON_FINITE')
    expect(err.message).toContain('column "amount" (override decimal(10,0)) holds NaN')
  })

  it('reports every unsupported column of a table in one error', async () => {
    const desc = await describePgTable(client, table('pgtypes_unsupported'))
    let err: RivetError | undefined
    try {
      mapPgColumns(desc.columns, {})
    } catch (e) {
      err = e as RivetError
    }
    expect(err?.code).toBe('RIVET_TYPE_UNSUPPORTED')
    expect(err?.items.map((i) => [i.path, i.code])).toEqual([
      ['m', 'RIVET_TYPE_UNSUPPORTED'],
      ['p', 'RIVET_TYPE_UNSUPPORTED'],
      ['r', 'RIVET_TYPE_UNSUPPORTED'],
      ['v', 'RIVET_TYPE_UNSUPPORTED'],
      ['b', 'RIVET_TYPE_UNSUPPORTED'],
      ['c', 'RIVET_TYPE_UNSUPPORTED'],
      ['n', 'RIVET_TYPE_NUMERIC_UNBOUNDED'],
      ['mr', 'RIVET_TYPE_UNSUPPORTED'],
    ])
    expect(err?.items[4].message).toContain('bit(3)')
    expect(err?.items[5].message).toContain('pgtypes_pair')
  })

  it('applies every simple override kind (a cast where it cannot fail, a checked conversion elsewhere)', async () => {
    await client.query(`
      DROP TABLE IF EXISTS pgtypes_casts;
      CREATE TABLE pgtypes_casts (i int4, ts timestamp, j text, u text, b int4, by text, d timestamp, f text, t int8);
      INSERT INTO pgtypes_casts VALUES (7, '2024-05-06 07:08:09', '{"a": 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1, 'a\\x41', '2024-05-06 00:00:00', '2.5', 9007199254740993)`)
    try {
      const { table: t, columns } = await exportTable(client, table('pgtypes_casts'), {
        overrides: {
          i: { kind: 'int64' },
          ts: { kind: 'timestamp_tz' },
          j: { kind: 'json' },
          u: { kind: 'uuid' },
          b: { kind: 'bool' },
          by: { kind: 'binary' },
          d: { kind: 'date' },
          f: { kind: 'float64' },
          t: { kind: 'int64' },
        },
      })
      expect(columns.map((c) => c.decoder)).toEqual(['cast:int8', 'cast:timestamptz', 'via:text', 'via:text', 'via:int4', 'text', 'via:timestamp', 'via:text', 'int8'])
      expect(getValue(dataOf(t, 'i'), 0)).toBe(7n)
      expect((dataOf(t, 'ts').values as BigInt64Array)[0]).toBe(BigInt(Date.UTC(2024, 4, 6, 7, 8, 9)) * 1000n)
      expect(getValue(dataOf(t, 'j'), 0)).toBe('{"a": 1}')
      expect(Buffer.from(getValue(dataOf(t, 'u'), 0) as Uint8Array).toString('hex')).toBe('a0eebc999c0b4ef8bb6d6bb9bd380a11')
      expect(getValue(dataOf(t, 'b'), 0)).toBe(true)
      // text under a binary override is its UTF-8 bytes: a backslash is not read as an escape
      expect(Buffer.from(getValue(dataOf(t, 'by'), 0) as Uint8Array).toString('latin1')).toBe('a\\x41')
      expect((dataOf(t, 'd').values as Int32Array)[0]).toBe(Date.UTC(2024, 4, 6) / 86_400_000)
      expect(getValue(dataOf(t, 'f'), 0)).toBe(2.5)
      expect(getValue(dataOf(t, 't'), 0)).toBe(9007199254740993n)
    } finally {
      await client.query('DROP TABLE IF EXISTS pgtypes_casts')
    }
  })

  it('exports unsupported columns through text and decimal overrides (cast in the SELECT)', async () => {
    await client.query(`INSERT INTO pgtypes_unsupported VALUES (1, '12.34', '(1,2)', '[1,5)', 'a fat cat', B'101', ROW(1, 'x'), 1.5, '{[1,3)}')`)
    const { table: t } = await exportTable(client, table('pgtypes_unsupported'), {
      overrides: { m: { kind: 'decimal', precision: 18, scale: 2 }, p: { kind: 'text' }, r: { kind: 'text' }, v: { kind: 'text' }, b: { kind: 'text' }, c: { kind: 'text' }, n: { kind: 'float64' }, mr: { kind: 'text' } },
    })
    expect(decimalAt(dataOf(t, 'm'), 0)).toBe(1234n)
    expect(['p', 'r', 'v', 'b', 'c', 'mr'].map((c) => getValue(dataOf(t, c), 0))).toEqual(['(1,2)', '[1,5)', "'a' 'cat' 'fat'", '101', '(1,x)', '{[1,3)}'])
    expect(getValue(dataOf(t, 'n'), 0)).toBe(1.5)
  })
})
