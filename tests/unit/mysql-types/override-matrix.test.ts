import type { Vector } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { BatchBuilder } from '../../../src/arrow/index.js'
import type { ColumnOverride } from '../../../src/config/index.js'
import { MysqlRowDecoder, mapMysqlColumns, type MysqlRawColumn } from '../../../src/source/mysql/index.js'
import { decimalAt, roundTrip } from '../arrow/helpers.js'
import { caught } from '../../helpers/errors.js'
import { col, packRow, type Wire } from './helpers.js'

/**
 * Every override kind on MySQL/MariaDB, each with values that fit (exported exactly) and values
 * that do not (refused, naming the row by its key, never rounded, cut or passed through). Wire
 * values are the text the server sends for the SELECT expression (FLOAT: `col * 1e0`).
 */

const utf8mb4 = { characterSet: 'utf8mb4' }
const SOURCES: Record<string, MysqlRawColumn> = {
  decimal: col('v', 'decimal', 'decimal(12,3)', { numericPrecision: 12, numericScale: 3 }),
  decimal0: col('v', 'decimal', 'decimal(20,0)', { numericPrecision: 20, numericScale: 0 }),
  decimal30: col('v', 'decimal', 'decimal(30,10)', { numericPrecision: 30, numericScale: 10 }),
  varchar: col('v', 'varchar', 'varchar(60)', utf8mb4),
  longtext: col('v', 'longtext', 'longtext', utf8mb4),
  float: col('v', 'float'),
  double: col('v', 'double'),
  bigint: col('v', 'bigint'),
  biu: col('v', 'bigint', 'bigint unsigned'),
  int: col('v', 'int'),
  bit64: col('v', 'bit', 'bit(64)', { numericPrecision: 64 }),
  binary16: col('v', 'binary', 'binary(16)', { characterSet: 'binary' }),
  datetime: col('v', 'datetime', 'datetime(6)'),
}

type Case = { source: keyof typeof SOURCES; override: ColumnOverride; decoder: string; fits: [Wire, unknown][]; misfits: [Wire, string][] }
const dec = (precision: number, scale: number): ColumnOverride => ({ kind: 'decimal', precision, scale })
const us = (iso: string) => BigInt(Date.parse(iso)) * 1000n
const days = (iso: string) => Date.parse(iso) / 86_400_000

const MATRIX: Case[] = [
  { source: 'decimal', override: dec(5, 2), decoder: 'mysql:decimal', fits: [['123.450', 12345n], ['-0.100', -10n]], misfits: [['123456.789', 'too many integer digits'], ['1.234', 'more than 2 fractional digits']] },
  { source: 'varchar', override: dec(5, 2), decoder: 'mysql:decimal', fits: [['12.5', 1250n]], misfits: [['12.345', 'more than 2 fractional digits'], ['twelve', 'is not a valid decimal(5,2)']] },
  // FLOAT 0.1 arrives as the exact double of the float32 (0.10000000149011612): its shortest float32 text 0.1 fits
  { source: 'float', override: dec(5, 2), decoder: 'mysql:float', fits: [['0.10000000149011612', 10n]], misfits: [['3.1415927410125732', 'more than 2 fractional digits']] },
  { source: 'double', override: dec(5, 2), decoder: 'mysql:decimal', fits: [['0.1', 10n]], misfits: [['0.30000000000000004', 'more than 2 fractional digits']] },
  { source: 'varchar', override: { kind: 'int64' }, decoder: 'mysql:int', fits: [['-9223372036854775808', -(2n ** 63n)], ['007', 7n]], misfits: [['9223372036854775808', 'outside the range of int64'], ['12.5', 'is not a valid int64'], [' 1', 'is not a valid int64']] },
  { source: 'biu', override: { kind: 'int64' }, decoder: 'mysql:int', fits: [['9223372036854775807', 2n ** 63n - 1n]], misfits: [['18446744073709551615', 'outside the range of int64']] },
  { source: 'decimal0', override: { kind: 'int64' }, decoder: 'mysql:int', fits: [['123', 123n]], misfits: [['99999999999999999999', 'outside the range of int64']] },
  { source: 'bit64', override: { kind: 'int64' }, decoder: 'mysql:bit', fits: [[new Uint8Array([0, 0, 0, 0, 0, 0, 1, 0]), 256n]], misfits: [[new Uint8Array(8).fill(0xff), 'above the int64 maximum']] },
  { source: 'bigint', override: { kind: 'float64' }, decoder: 'mysql:double-exact', fits: [['9007199254740992', 2 ** 53]], misfits: [['9007199254740993', 'it would be rounded to 9007199254740992']] },
  { source: 'decimal30', override: { kind: 'float64' }, decoder: 'mysql:double-exact', fits: [['1234.5678000000', 1234.5678]], misfits: [['0.1234567890123456789', 'it would be rounded to 0.12345678901234568']] },
  { source: 'int', override: { kind: 'float64' }, decoder: 'mysql:double', fits: [['-2147483648', -2147483648]], misfits: [] },
  { source: 'float', override: { kind: 'float64' }, decoder: 'mysql:float', fits: [['0.10000000149011612', 0.10000000149011612]], misfits: [] },
  { source: 'varchar', override: { kind: 'uuid' }, decoder: 'mysql:uuid', fits: [['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc999c0b4ef8bb6d6bb9bd380a11']], misfits: [['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1', 'is not a valid uuid']] },
  { source: 'binary16', override: { kind: 'uuid' }, decoder: 'mysql:uuid-bin', fits: [[Buffer.from('a0eebc999c0b4ef8bb6d6bb9bd380a11', 'hex'), 'a0eebc999c0b4ef8bb6d6bb9bd380a11']], misfits: [[new Uint8Array(15), 'is not a valid uuid']] },
  { source: 'longtext', override: { kind: 'json' }, decoder: 'mysql:json-text', fits: [['{"a": [1, 2.50]}', '{"a": [1, 2.50]}']], misfits: [['{"a": }', 'is not valid JSON'], ['', 'is not valid JSON']] },
  { source: 'datetime', override: { kind: 'date' }, decoder: 'mysql:date', fits: [['2024-05-06 00:00:00.000000', days('2024-05-06')]], misfits: [['2024-05-06 10:00:00.000000', 'has a time of day']] },
  { source: 'varchar', override: { kind: 'date' }, decoder: 'mysql:date', fits: [['2024-05-06', days('2024-05-06')]], misfits: [['2024-05-06 00:00:01', 'has a time of day'], ['2024-02-30', 'is not a calendar date'], ['May 6', 'is not a valid date']] },
  { source: 'varchar', override: { kind: 'timestamp' }, decoder: 'mysql:datetime', fits: [['2024-05-06 07:08:09.5', us('2024-05-06T07:08:09.500Z')]], misfits: [['2024-05-06T07:08:09+02:00', 'is not a valid timestamp'], ['2024-05-06 07:08:09.1234567', 'is not a valid timestamp']] },
  { source: 'int', override: { kind: 'bool' }, decoder: 'mysql:bool', fits: [['1', true], ['0', false]], misfits: [['2', 'is neither 0 nor 1']] },
  { source: 'float', override: { kind: 'text' }, decoder: 'mysql:text-float', fits: [['0.10000000149011612', '0.1'], ['3.1415927410125732', '3.1415927']], misfits: [] },
  { source: 'varchar', override: { kind: 'binary' }, decoder: 'mysql:binary', fits: [['ü', 'c3bc']], misfits: [] },
]

function decoderFor(c: Case) {
  const cols = [col('id', 'int'), { ...SOURCES[c.source]! }, col('secret', 'varchar', 'varchar(20)', utf8mb4)]
  const specs = mapMysqlColumns(cols, { v: c.override })
  const batch = new BatchBuilder(specs)
  return { specs, batch, decoder: new MysqlRowDecoder(specs, batch, undefined, { columns: [0], from: 'primary_key' }) }
}

function readBack(batch: BatchBuilder): unknown[] {
  const v = roundTrip(batch).getChild('v') as Vector
  return Array.from({ length: v.length }, (_, i) => {
    const type = String(v.type)
    if (type.startsWith('Decimal')) return decimalAt(v.data[0], i)
    const x = v.get(i)
    if (x instanceof Uint8Array) return Buffer.from(x).toString('hex')
    if (type.startsWith('Timestamp') || type.startsWith('Date')) return (v.data[0].values as ArrayLike<unknown>)[i]
    return x
  })
}

describe('MySQL overrides: a value that fits is exact, one that does not is refused naming its row', () => {
  it.each(MATRIX.map((c) => [`${c.source} -> ${c.override.kind === 'decimal' ? `decimal(${c.override.precision},${c.override.scale})` : c.override.kind}`, c] as const))('%s', (_, c) => {
    const { specs, batch, decoder } = decoderFor(c)
    expect(specs[1]!.decoder).toBe(c.decoder)
    for (const [wire] of c.fits) decoder.decodeRow(...packRow(['1', wire, 'SECRET-1']))
    if (c.fits.length > 0) expect(readBack(batch)).toEqual(c.fits.map(([, v]) => v))
    for (const [wire, why] of c.misfits) {
      const err = caught(() => decoderFor(c).decoder.decodeRow(...packRow(['42', wire, 'SECRET-2'])))
      expect(err.code, err.message).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
      expect(err.message).toContain(`row with primary key id=42: column "v" (override ${specs[1]!.override})`)
      expect(err.message).toContain(why)
      expect(err.message).not.toContain('SECRET')
      expect(err.details).toMatchObject({ column: 'v', override: specs[1]!.override, row: { primary_key: { id: '42' } } })
    }
  })

  it('names the row by its position without a key, and writes binary key values as hex', () => {
    const specs = mapMysqlColumns([col('k', 'varbinary', 'varbinary(4)', { characterSet: 'binary' }), col('v', 'varchar', 'varchar(10)', utf8mb4)], { v: { kind: 'int64' } })
    const keyed = new MysqlRowDecoder(specs, new BatchBuilder(specs), undefined, { columns: [0], from: 'unique_key' })
    expect(caught(() => keyed.decodeRow(...packRow([new Uint8Array([0, 255]), 'x']))).message).toMatch(/^row with unique_key k=0x00ff: column "v" \(override int64\): value "x" is not a valid int64$/)
    const unkeyed = new MysqlRowDecoder(specs, new BatchBuilder(specs))
    unkeyed.decodeRow(...packRow([null, '1']))
    const err = caught(() => unkeyed.decodeRow(...packRow([null, 'y'])))
    expect(err.message).toMatch(/^row 2 of the read \(the export has no unique_key, primary key or chunk column to name it by\): column "v"/)
    expect(err.hint).toContain('query:')
  })
})
