import xxhash from 'xxhash-addon'
import { describe, expect, it } from 'vitest'
import { BatchBuilder } from '../../../src/arrow/index.js'
import { MysqlRowDecoder, mapMysqlColumns, type MysqlRawColumn } from '../../../src/source/mysql/index.js'
import type { ColumnSpec } from '../../../src/types/index.js'
import { caught } from '../../helpers/errors.js'
import { roundTrip } from '../arrow/helpers.js'
import { col, decode, decodeOne, packRow, stored, unscaledValues, values, type Wire } from './helpers.js'

/** xxh3-64 of each field's int32 big-endian length (-1 for NULL) and bytes, read as a signed int64, computed here independently. */
function expectedHash(fields: Wire[]): bigint {
  const parts: Buffer[] = []
  for (const f of fields) {
    const bytes = f === null ? null : Buffer.from(f)
    const len = Buffer.alloc(4)
    len.writeInt32BE(bytes === null ? -1 : bytes.length)
    parts.push(len)
    if (bytes !== null) parts.push(bytes)
  }
  return xxhash.XXHash3.hash(Buffer.concat(parts)).readBigInt64BE(0)
}

const utf8mb4 = { characterSet: 'utf8mb4' }

describe('MysqlRowDecoder: text, binary, json, uuid', () => {
  it('copies UTF-8 text, enum labels and JSON text byte for byte', () => {
    const texts = ['héllo wörld ✓ 😀', '', 'a\u0000b', "it's \"quoted\"\n"]
    const { table } = decode(
      [col('s', 'varchar', 'varchar(64)', utf8mb4), col('e', 'enum', "enum('a','ü')", utf8mb4), col('j', 'json', 'json')],
      [...texts.map((t, i) => [t, i % 2 === 0 ? 'a' : 'ü', `{"k":[${i},"${'é'.repeat(i)}"]}`]), [null, null, null]],
    )
    expect(values(table, 's')).toEqual([...texts, null])
    expect(values(table, 'e')).toEqual(['a', 'ü', 'a', 'ü', null])
    expect(values(table, 'j')).toEqual(['{"k":[0,""]}', '{"k":[1,"é"]}', '{"k":[2,"éé"]}', '{"k":[3,"ééé"]}', null])
  })

  it('keeps binary values with 0x00 bytes, and empty ones, exactly', () => {
    const blobs = [new Uint8Array([0, 1, 0, 255]), new Uint8Array(0), new Uint8Array(16), Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)]
    const { table } = decode([col('b', 'blob'), col('vb', 'varchar', 'varchar(10)', { characterSet: 'binary' })], [...blobs.map((b) => [b, b]), [null, null]])
    const read = (name: string) => values(table, name).map((v) => (v === null ? null : Array.from(v as Uint8Array)))
    expect(read('b')).toEqual([...blobs.map((b) => Array.from(b)), null])
    expect(read('vb')).toEqual(read('b'))
  })

  it('reads MariaDB uuid text and binary(16) into 16-byte uuids', () => {
    const text = '0e1f2a3b-4c5d-4e6f-8a9b-aCBdeF012345'
    const bytes = [0x0e, 0x1f, 0x2a, 0x3b, 0x4c, 0x5d, 0x4e, 0x6f, 0x8a, 0x9b, 0xac, 0xbd, 0xef, 0x01, 0x23, 0x45]
    const { table } = decode([col('u', 'uuid'), col('b', 'binary', 'binary(16)')], [[text, new Uint8Array(bytes)], [null, null]], { b: { kind: 'uuid' } })
    const read = (name: string) => values(table, name).map((v) => (v === null ? null : Array.from(v as Uint8Array)))
    expect(read('u')).toEqual([bytes, null])
    expect(read('b')).toEqual([bytes, null])
    expect(caught(() => decodeOne(col('u', 'uuid'), '0e1f2a3b-4c5d-4e6f-8a9b-acbdef01234g')).code).toBe('RIVET_DATA_DECODE')
    expect(caught(() => decodeOne(col('u', 'uuid'), '0e1f2a3b4c5d4e6f8a9bacbdef012345')).code).toBe('RIVET_DATA_DECODE')
    // under an override, bytes that are no uuid do not fit the override
    expect(caught(() => decodeOne(col('b', 'binary', 'binary(16)'), new Uint8Array(15), { b: { kind: 'uuid' } })).code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
  })

  it('re-reads text under int64, float64, decimal, bool, json and binary overrides', () => {
    const { table } = decode(
      [col('a', 'varchar', 'varchar(30)', utf8mb4), col('b', 'int'), col('c', 'bigint'), col('d', 'longtext', 'longtext', utf8mb4), col('e', 'text', 'text', utf8mb4), col('f', 'smallint')],
      [['-9223372036854775808', '12345', '9007199254740992', '{"a": 1}', 'ü', '1']],
      { a: { kind: 'int64' }, b: { kind: 'decimal', precision: 12, scale: 3 }, c: { kind: 'float64' }, d: { kind: 'json' }, e: { kind: 'binary' }, f: { kind: 'bool' } },
    )
    expect(values(table, 'a')).toEqual([-(2n ** 63n)])
    expect(unscaledValues(table, 'b')).toEqual([12345000n])
    expect(values(table, 'c')).toEqual([9007199254740992])
    expect(values(table, 'd')).toEqual(['{"a": 1}'])
    expect(Array.from(values(table, 'e')[0] as Uint8Array)).toEqual([0xc3, 0xbc])
    expect(values(table, 'f')).toEqual([true])
    // 2^53 + 1 has no float64: refused rather than rounded to 2^53
    expect(caught(() => decodeOne(col('c', 'bigint'), '9007199254740993', { c: { kind: 'float64' } })).message).toContain('would be rounded to 9007199254740992')
  })
})

describe('MysqlRowDecoder: rows', () => {
  const every = [
    col('flag', 'tinyint', 'tinyint(1)'),
    col('b1', 'bit', 'bit(1)'),
    col('b12', 'bit', 'bit(12)', { numericPrecision: 12 }),
    col('i', 'int'),
    col('biu', 'bigint', 'bigint unsigned'),
    col('y', 'year'),
    col('dec', 'decimal', 'decimal(65,30)', { numericPrecision: 65, numericScale: 30 }),
    col('f', 'float'),
    col('d', 'double'),
    col('dt', 'date'),
    col('dtm', 'datetime', 'datetime(6)'),
    col('ts', 'timestamp', 'timestamp(6)'),
    col('tm', 'time'),
    col('s', 'varchar', 'varchar(10)', utf8mb4),
    col('en', 'set', "set('x')", utf8mb4),
    col('bin', 'varbinary', 'varbinary(10)'),
    col('j', 'json'),
    col('u', 'uuid'),
  ]

  it('takes NULL in every column type, and calls endRow once per row', () => {
    const { table, rows } = decode(every, [every.map(() => null), every.map(() => null)])
    expect(rows).toBe(2)
    expect(table.numRows).toBe(2)
    for (const c of every) expect(values(table, c.name), c.name).toEqual([null, null])
  })

  it('refuses a row with the wrong number of values', () => {
    const specs = mapMysqlColumns([col('a', 'int'), col('b', 'int')])
    const decoder = new MysqlRowDecoder(specs, new BatchBuilder(specs))
    expect(caught(() => decoder.decodeRow(...packRow(['1']))).code).toBe('RIVET_SOURCE_PROTOCOL')
  })

  it('quotes exactly the offending value in decode errors, whatever surrounds it in the packet', () => {
    const message = (c: MysqlRawColumn, v: string) => caught(() => decode([col('id', 'int'), c, col('z', 'int')], [['1', v, '2']])).message
    // no key in the plan: the row is named by its position in the read
    const row = 'row 1 of the read (the export has no unique_key, primary key or chunk column to name it by)'
    expect(message(col('n', 'bigint'), '12a')).toBe(`${row}: column "n": malformed bigint value "12a"`)
    expect(message(col('d', 'decimal', 'decimal(10,2)', { numericPrecision: 10, numericScale: 2 }), '1.2.3')).toBe(`${row}: column "d": malformed decimal value "1.2.3"`)
    expect(message(col('d', 'decimal', 'decimal(10,2)', { numericPrecision: 10, numericScale: 2 }), '1.005')).toContain('value 1.005 does not fit decimal(10,2)')
    expect(message(col('t', 'datetime'), '2024-01-01 10:00')).toBe(`${row}: column "t": malformed datetime value "2024-01-01 10:00"`)
    expect(message(col('t', 'time'), '24:00:00')).toContain('value 24:00:00 is outside')
    expect(message(col('u', 'uuid'), 'é-not-a-uuid')).toBe(`${row}: column "u": malformed uuid value "é-not-a-uuid"`)
  })

  it('refuses a decoder id that cannot fill the column type', () => {
    const bad: ColumnSpec[] = [{ name: 'x', type: { kind: 'utf8' }, nullable: true, sourceType: 'int', decoder: 'mysql:int', fidelity: 'exact' }]
    expect(caught(() => new MysqlRowDecoder(bad, new BatchBuilder(bad))).code).toBe('RIVET_INTERNAL')
    const unknown: ColumnSpec[] = [{ ...bad[0], decoder: 'text' }]
    expect(caught(() => new MysqlRowDecoder(unknown, new BatchBuilder(unknown))).code).toBe('RIVET_INTERNAL')
  })

  it('fills the run-time and row-hash meta columns; the hash tells NULL from empty and follows the values', () => {
    const source = mapMysqlColumns([col('id', 'int'), col('s', 'varchar', 'varchar(5)', utf8mb4)])
    const meta: ColumnSpec[] = [
      { name: '_rivet_exported_at', type: { kind: 'timestamp', tz: 'UTC' }, nullable: false, sourceType: 'rivet', decoder: 'meta', fidelity: 'exact' },
      { name: '_rivet_row_hash', type: { kind: 'int', bits: 64, signed: true }, nullable: false, sourceType: 'rivet', decoder: 'meta', fidelity: 'exact' },
    ]
    const batch = new BatchBuilder([...source, ...meta])
    const decoder = new MysqlRowDecoder(source, batch, { exportedAtUs: 1_700_000_000_000_000, rowHash: [1] })
    for (const row of [['1', 'a'], ['2', 'a'], ['3', ''], ['4', null]]) decoder.decodeRow(...packRow(row))
    const table = roundTrip(batch)
    expect(stored(table, '_rivet_exported_at')).toEqual(Array(4).fill(1_700_000_000_000_000n))
    const hashes = values(table, '_rivet_row_hash') as bigint[]
    expect(hashes[0]).toBe(hashes[1])
    expect(new Set(hashes).size).toBe(3)
  })

  it('hashes each field as its int32 big-endian length (-1 for NULL) then its bytes, over all or the listed fields', () => {
    const source = mapMysqlColumns([col('id', 'int'), col('s', 'varchar', 'varchar(200)', utf8mb4), col('b', 'blob')])
    const rows: Wire[][] = [
      ['1', 'a', new Uint8Array([0, 255])],
      ['2', '', null],
      ['3', null, new Uint8Array(0)],
      ['4', 'é'.repeat(70), Uint8Array.from({ length: 100 }, (_, i) => i)],
    ]
    const hashesOf = (rowHash: 'all' | number[]) => {
      const meta: ColumnSpec = { name: '_rivet_row_hash', type: { kind: 'int', bits: 64, signed: true }, nullable: false, sourceType: 'rivet', decoder: 'meta', fidelity: 'exact' }
      const batch = new BatchBuilder([...source, meta])
      const decoder = new MysqlRowDecoder(source, batch, { exportedAtUs: null, rowHash })
      for (const row of rows) decoder.decodeRow(...packRow(row))
      return values(roundTrip(batch), '_rivet_row_hash')
    }
    expect(hashesOf('all')).toEqual(rows.map((r) => expectedHash(r)))
    expect(hashesOf([2, 0])).toEqual(rows.map((r) => expectedHash([r[2], r[0]])))
  })

  it('decodes consecutive batches with fresh buffers', () => {
    const specs = mapMysqlColumns([col('i', 'bigint'), col('s', 'text', 'text', utf8mb4)])
    const batch = new BatchBuilder(specs)
    const decoder = new MysqlRowDecoder(specs, batch)
    decoder.decodeRow(...packRow(['1', 'one']))
    const first = roundTrip(batch)
    decoder.decodeRow(...packRow(['2', 'two']))
    decoder.decodeRow(...packRow([null, 'three']))
    const second = roundTrip(batch)
    expect(values(first, 'i')).toEqual([1n])
    expect(values(second, 'i')).toEqual([2n, null])
    expect(values(second, 's')).toEqual(['two', 'three'])
  })
})
