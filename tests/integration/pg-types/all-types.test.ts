import type { Table } from 'apache-arrow'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PG_URL, pgAvailable } from '../../helpers/db.js'
import { CANON, listCanon, type Canon } from './canon.js'
import { dataOf, exportTable } from './copy-helpers.js'
import { connect } from './pg-client.js'
import type { ColumnSpec } from '../../../src/types/index.js'

/** One column of the table: its SQL type, the literals of rows 1..6 (row 2 is all NULL) and how to compare it. */
interface Col {
  readonly name: string
  readonly sqlType: string
  readonly values: readonly string[]
  readonly canon: Canon
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`
const lit = (type: string) => (vs: readonly string[]) => vs.map((v) => `${q(v)}::${type}`)
const NINES_55 = '9'.repeat(55)

const COLS: Col[] = [
  { name: 'c_bool', sqlType: 'bool', values: ['true', 'false', 'true', 'false', 'true'], canon: CANON.text },
  { name: 'c_int2', sqlType: 'int2', values: ['123', '32767', '-32768', '0', '-1'], canon: CANON.text },
  { name: 'c_int4', sqlType: 'int4', values: ['42', '2147483647', '-2147483648', '0', '-1'], canon: CANON.text },
  { name: 'c_int8', sqlType: 'int8', values: ['1', '9223372036854775807', '-9223372036854775808', '0', '-9007199254740993'], canon: CANON.text },
  { name: 'c_oid', sqlType: 'oid', values: ['12345', '4294967295', '0', '1', '2147483648'], canon: CANON.text },
  { name: 'c_float4', sqlType: 'float4', values: ['1.5', '3.4028235e38', '-Infinity', 'NaN', '-0'], canon: CANON.float4 },
  { name: 'c_float8', sqlType: 'float8', values: ['3.141592653589793', '1.7976931348623157e308', 'Infinity', 'NaN', '-0'], canon: CANON.float8 },
  { name: 'c_num18', sqlType: 'numeric(18,4)', values: ['12345.6789', '99999999999999.9999', '-99999999999999.9999', '0', '-0.0001'], canon: CANON.decimal },
  {
    name: 'c_num38',
    sqlType: 'numeric(38,10)',
    values: ['1.5', '9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999', '-0.0000000001', '1234567890123456789.0123456789'],
    canon: CANON.decimal,
  },
  { name: 'c_num60', sqlType: 'numeric(60,5)', values: ['1', `${NINES_55}.99999`, `-${NINES_55}.99999`, '-0.00001', '123456789012345678901234567890.12345'], canon: CANON.decimal },
  { name: 'c_numneg', sqlType: 'numeric(5,-2)', values: ['12300', '9999900', '-9999900', '0', '-200'], canon: CANON.decimal },
  { name: 'c_text', sqlType: 'text', values: ['hello', '', 'ünïcödé ✓ 😀 日本語', 'tab\there "q" \\ back', 'x'.repeat(5000)], canon: CANON.text },
  { name: 'c_varchar', sqlType: 'varchar(20)', values: ['abc', '', 'é', 'NULL', ' lead'], canon: CANON.text },
  { name: 'c_bpchar', sqlType: 'char(5)', values: ['ab', '', 'abcde', 'é', 'x'], canon: CANON.output },
  { name: 'c_name', sqlType: 'name', values: ['pg_class', '', 'Ünï', 'a b', 'n'], canon: CANON.text },
  { name: 'c_char', sqlType: '"char"', values: ['a', 'Z', '\\200', '', '~'], canon: CANON.text },
  { name: 'c_xml', sqlType: 'xml', values: ['<a>1</a>', '<b/>', '<c x="ü"/>', 'text only', '<d></d>'], canon: CANON.text },
  { name: 'c_bytea', sqlType: 'bytea', values: ['\\x00ff10', '\\x', `\\x${'ab'.repeat(100)}`, '\\x00', '\\xdeadbeef'], canon: CANON.bytea },
  { name: 'c_date', sqlType: 'date', values: ['2024-02-29', '0001-01-01', '4713-01-01 BC', '5874897-12-31', '1969-12-31'], canon: CANON.date },
  { name: 'c_time', sqlType: 'time', values: ['12:34:56.789012', '00:00:00', '23:59:59.999999', '24:00:00', '00:00:00.000001'], canon: CANON.micros },
  { name: 'c_timetz', sqlType: 'timetz', values: ['12:34:56.789+05:30', '00:00:00+00', '23:59:59.999999-15:59', '00:00:00+15:59', '12:00:00.5-03'], canon: CANON.timetz },
  {
    name: 'c_ts',
    sqlType: 'timestamp',
    values: ['2024-01-01 12:34:56.123456', '1900-01-01 00:00:00', '4713-01-01 00:00:00 BC', '294247-01-10 04:00:54.775807', '1969-12-31 23:59:59.999999'],
    canon: CANON.timestamp,
  },
  {
    name: 'c_tstz',
    sqlType: 'timestamptz',
    values: ['2024-01-01 12:34:56.123456+02', '1901-12-13 20:45:52+00', '4713-01-01 00:00:00+00 BC', '294247-01-10 04:00:54.775807+00', '2038-01-19 03:14:08.000001+00'],
    canon: CANON.timestamptz,
  },
  { name: 'c_uuid', sqlType: 'uuid', values: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '123e4567-e89b-12d3-a456-426614174000', '01234567-89ab-cdef-0123-456789abcdef'], canon: CANON.uuid },
  { name: 'c_json', sqlType: 'json', values: ['{"b": 1,  "a": [1,2]}', '[]', '"ü ✓"', 'null', '{"big": 123456789012345678901234567890}'], canon: CANON.text },
  { name: 'c_jsonb', sqlType: 'jsonb', values: ['{"b": 1,  "a": [1,2]}', '[]', '"ü ✓"', 'null', '{"big": 123456789012345678901234567890}'], canon: CANON.text },
  {
    name: 'c_interval',
    sqlType: 'interval',
    values: [
      '1 year 2 mons 3 days 04:05:06.5',
      '0',
      '178956970 years 7 mons 2147483647 days 2562047788:00:54.775807',
      '-178956970 years -8 mons -2147483648 days -2562047788:00:54.775807',
      '-1 day -00:00:00.5',
    ],
    canon: CANON.text,
  },
  { name: 'c_mood', sqlType: 'pgtypes_mood', values: ['happy', 'sad', 'ok', 'happy', 'sad'], canon: CANON.text },
  { name: 'c_inet', sqlType: 'inet', values: ['192.168.1.1', '10.0.0.0/8', '::1', '2001:db8::ff00:42:8329/64', '::ffff:1.2.3.4'], canon: CANON.output },
  { name: 'c_cidr', sqlType: 'cidr', values: ['10.0.0.0/8', '192.168.1.0/24', '2001:db8::/32', '::/0', '1.2.3.4/32'], canon: CANON.output },
  { name: 'c_mac', sqlType: 'macaddr', values: ['08:00:2b:01:02:03', 'ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00', '0a:0b:0c:0d:0e:0f', '12:34:56:78:9a:bc'], canon: CANON.text },
  { name: 'c_mac8', sqlType: 'macaddr8', values: ['08:00:2b:01:02:03:04:05', 'ff:ff:ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00:00:00', '0a:0b:0c:0d:0e:0f:10:11', '08:00:2b:ff:fe:01:02:03'], canon: CANON.text },
  { name: 'c_dom', sqlType: 'pgtypes_posint', values: ['1', '2147483647', '7', '8', '9'], canon: CANON.text },
  { name: 'c_domnum', sqlType: 'pgtypes_amount', values: ['1234567890.12', '-0.01', '0', '9999999999.99', '-9999999999.99'], canon: CANON.decimal },
  { name: 'a_int4', sqlType: 'int4[]', values: ['{1,NULL,3}', '{}', '{-2147483648,2147483647}', '{NULL}', '{5}'], canon: listCanon(CANON.text) },
  { name: 'a_text', sqlType: 'text[]', values: ['{"a","",NULL,"ü ✓","with,comma"}', '{}', '{"NULL"}', '{NULL,NULL}', '{"x"}'], canon: listCanon(CANON.text) },
  { name: 'a_num', sqlType: 'numeric(10,2)[]', values: ['{1.5,NULL,-99999999.99}', '{}', '{0}', '{0.01}', '{99999999.99}'], canon: listCanon(CANON.decimal) },
  { name: 'a_mood', sqlType: 'pgtypes_mood[]', values: ['{happy,NULL,sad}', '{}', '{ok}', '{NULL}', '{sad,sad}'], canon: listCanon(CANON.text) },
  { name: 'a_dom', sqlType: 'pgtypes_posint[]', values: ['{1,2}', '{}', '{2147483647}', '{NULL,3}', '{4}'], canon: listCanon(CANON.text) },
  { name: 'a_float8', sqlType: 'float8[]', values: ['{NaN,Infinity,-0,1.5}', '{}', '{-Infinity}', '{NULL}', '{5e-324}'], canon: listCanon(CANON.float8) },
  { name: 'a_uuid', sqlType: 'uuid[]', values: ['{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}', '{}', '{00000000-0000-0000-0000-000000000001}', '{NULL}', '{}'], canon: listCanon(CANON.uuid) },
  { name: 'a_bool', sqlType: 'bool[]', values: ['{t,NULL,f}', '{}', '{t}', '{f}', '{NULL}'], canon: listCanon(CANON.text) },
  { name: 'a_date', sqlType: 'date[]', values: ['{2024-01-01,NULL}', '{}', '{0001-01-01}', '{1970-01-01}', '{1969-12-31}'], canon: listCanon(CANON.date) },
]

/** Row values per row index: row 2 (index 1) is all NULL. */
function rowLiterals(rowIndex: number): string[] {
  return COLS.map((c) => {
    if (rowIndex === 1) return 'NULL'
    const v = c.values[rowIndex === 0 ? 0 : rowIndex - 1]
    return lit(c.sqlType)([v])[0]
  })
}
const ROWS = 6

const hasPg = await pgAvailable()

describe.skipIf(!hasPg)('PostgreSQL binary COPY of every mapped type', () => {
  let client: pg.Client
  let exported: { columns: ColumnSpec[]; table: Table }

  beforeAll(async () => {
    client = await connect(PG_URL)
    await client.query(`
      DROP TABLE IF EXISTS pgtypes_all;
      DROP DOMAIN IF EXISTS pgtypes_posint CASCADE;
      DROP DOMAIN IF EXISTS pgtypes_amount CASCADE;
      DROP TYPE IF EXISTS pgtypes_mood CASCADE;
      CREATE TYPE pgtypes_mood AS ENUM ('sad', 'ok', 'happy');
      CREATE DOMAIN pgtypes_posint AS int4 CHECK (VALUE > 0);
      CREATE DOMAIN pgtypes_amount AS numeric(12,2);
      CREATE TABLE pgtypes_all (id int4 PRIMARY KEY, ${COLS.map((c) => `${c.name} ${c.sqlType}`).join(', ')});`)
    for (let r = 0; r < ROWS; r++) {
      await client.query(`INSERT INTO pgtypes_all VALUES (${r + 1}, ${rowLiterals(r).join(', ')})`)
    }
    exported = await exportTable(client, { schema: null, name: 'pgtypes_all' }, { orderBy: 'id' })
  })

  afterAll(async () => {
    if (client === undefined) return
    await client.query('DROP TABLE IF EXISTS pgtypes_all; DROP DOMAIN IF EXISTS pgtypes_posint CASCADE; DROP DOMAIN IF EXISTS pgtypes_amount CASCADE; DROP TYPE IF EXISTS pgtypes_mood CASCADE')
    await client.end()
  })

  it('maps every column without errors and reads every row back', () => {
    expect(exported.columns.map((c) => c.name)).toEqual(['id', ...COLS.map((c) => c.name)])
    expect(exported.table.numRows).toBe(ROWS)
    expect(exported.columns.find((c) => c.name === 'c_num60')?.type).toEqual({ kind: 'decimal', precision: 60, scale: 5 })
    expect(exported.columns.find((c) => c.name === 'c_dom')?.decoder).toBe('int4')
    expect(exported.columns.find((c) => c.name === 'id')?.nullable).toBe(false)
  })

  it.each(COLS.map((c) => [c.name, c] as const))('%s: every value equals what the server returns as text', async (_name, col) => {
    await client.query('SET intervalstyle = iso_8601')
    const res = await client.query({ text: `SELECT ${col.canon.sql(col.name)} AS v FROM pgtypes_all ORDER BY id`, rowMode: 'array' })
    const server = res.rows.map((r) => (r[0] === null ? null : col.canon.server(String(r[0]))))
    const data = dataOf(exported.table, col.name)
    const ours = Array.from({ length: data.length }, (_, i) => (data.getValid(i) ? col.canon.arrow(data, i) : null))
    expect(ours).toEqual(server)
    expect(ours[1]).toBeNull()
  })

  it('interval, timetz, inet and macaddr renderings read back to the same values', async () => {
    for (const name of ['c_interval', 'c_timetz', 'c_inet', 'c_cidr', 'c_mac', 'c_mac8']) {
      const sqlType = COLS.find((c) => c.name === name)?.sqlType
      const data = dataOf(exported.table, name)
      const vector = exported.table.getChild(name)
      const texts = Array.from({ length: data.length }, (_, i) => (data.getValid(i) ? String(vector?.get(i)) : null))
      expect(texts.filter((t) => t !== null)).toHaveLength(ROWS - 1)
      // compare field-wise through the other interval style, so `1 mon` and `30 days` stay distinct
      await client.query('SET intervalstyle = postgres')
      const res = await client.query({
        text: `SELECT bool_and(($1::text[])[id]::${sqlType}::text IS NOT DISTINCT FROM ${name}::text) FROM pgtypes_all`,
        values: [texts],
        rowMode: 'array',
      })
      expect(res.rows[0][0], name).toBe(true)
    }
  })
})
