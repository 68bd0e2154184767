import { describe, expect, it } from 'vitest'
import { caught } from '../../helpers/errors.js'
import { col, decode, decodeOne, unscaled, unscaledValues, values } from './helpers.js'

describe('MysqlRowDecoder: integers', () => {
  const cols = [
    col('ti', 'tinyint', 'tinyint(4)'),
    col('tiu', 'tinyint', 'tinyint(3) unsigned'),
    col('si', 'smallint', 'smallint(6)'),
    col('siu', 'smallint', 'smallint(5) unsigned'),
    col('mi', 'mediumint', 'mediumint(9)'),
    col('miu', 'mediumint', 'mediumint(8) unsigned'),
    col('i', 'int', 'int(11)'),
    col('iu', 'int', 'int(10) unsigned zerofill'),
    col('bi', 'bigint', 'bigint(20)'),
    col('biu', 'bigint', 'bigint(20) unsigned'),
    col('y', 'year', 'year(4)'),
  ]

  it('decodes the extremes of every signed and unsigned width exactly', () => {
    const { table, rows } = decode(cols, [
      ['-128', '0', '-32768', '0', '-8388608', '0', '-2147483648', '0000000000', '-9223372036854775808', '0', '1901'],
      ['127', '255', '32767', '65535', '8388607', '16777215', '2147483647', '4294967295', '9223372036854775807', '18446744073709551615', '2155'],
      ['-1', '7', '-2', '42', '-3', '99', '-4', '0000000042', '-9007199254740993', '9007199254740993', '0000'],
      ['0', '1', '0', '1', '0', '1', '0', '1', '1234567890123456', '12345678901234567', '2024'],
      [null, null, null, null, null, null, null, null, null, null, null],
    ])
    expect(rows).toBe(5)
    expect(values(table, 'ti')).toEqual([-128, 127, -1, 0, null])
    expect(values(table, 'tiu')).toEqual([0, 255, 7, 1, null])
    expect(values(table, 'si')).toEqual([-32768, 32767, -2, 0, null])
    expect(values(table, 'siu')).toEqual([0, 65535, 42, 1, null])
    expect(values(table, 'mi')).toEqual([-8388608, 8388607, -3, 0, null])
    expect(values(table, 'miu')).toEqual([0, 16777215, 99, 1, null])
    expect(values(table, 'i')).toEqual([-2147483648, 2147483647, -4, 0, null])
    expect(values(table, 'iu')).toEqual([0, 4294967295, 42, 1, null])
    expect(values(table, 'bi')).toEqual([-(2n ** 63n), 2n ** 63n - 1n, -(2n ** 53n) - 1n, 1234567890123456n, null])
    expect(values(table, 'biu')).toEqual([0n, 2n ** 64n - 1n, 2n ** 53n + 1n, 12345678901234567n, null])
    expect(values(table, 'y')).toEqual([1901, 2155, 0, 2024, null])
  })

  it('matches BigInt on random 64-bit values of every length', () => {
    let seed = 12345n
    const next = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n))
    const signed: bigint[] = []
    const unsigned: bigint[] = []
    for (let k = 0; k < 400; k++) {
      const bits = BigInt(k % 64) + 1n
      const u = next() >> (64n - bits)
      unsigned.push(u)
      signed.push(BigInt.asIntN(64, next()) >> (64n - bits))
    }
    const { table } = decode(
      [col('s', 'bigint'), col('u', 'bigint', 'bigint unsigned')],
      signed.map((s, i) => [s.toString(), unsigned[i].toString()]),
    )
    expect(values(table, 's')).toEqual(signed)
    expect(values(table, 'u')).toEqual(unsigned)
  })

  it.each([
    ['tinyint', 'tinyint(4)', '128'],
    ['tinyint', 'tinyint unsigned', '-1'],
    ['int', 'int unsigned', '4294967296'],
    ['bigint', 'bigint', '9223372036854775808'],
    ['bigint', 'bigint', '-9223372036854775809'],
    ['bigint', 'bigint unsigned', '18446744073709551616'],
    ['bigint', 'bigint unsigned', '-1'],
    ['bigint', 'bigint unsigned', '123456789012345678901234'],
  ])('refuses %s (%s) value %s as out of range', (dataType, columnType, value) => {
    const err = caught(() => decodeOne(col('n', dataType, columnType), value))
    expect(err.code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
    expect(err.message).toContain('"n"')
  })

  it.each([['12a'], [''], ['-'], ['1.5'], ['12345678901234567x']])('refuses malformed integer text %j', (value) => {
    expect(caught(() => decodeOne(col('n', 'bigint'), value)).code).toBe('RIVET_DATA_DECODE')
    expect(caught(() => decodeOne(col('n', 'int'), value)).code).toBe('RIVET_DATA_DECODE')
  })
})

describe('MysqlRowDecoder: bool and bit', () => {
  it('reads tinyint(1) as 0/1 and refuses other integers with an int64 hint', () => {
    const { table } = decode([col('flag', 'tinyint', 'tinyint(1)')], [['0'], ['1'], [null]])
    expect(values(table, 'flag')).toEqual([false, true, null])
    const err = caught(() => decodeOne(col('flag', 'tinyint', 'tinyint(1)'), '2'))
    expect(err.code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
    expect(err.hint).toContain('int64')
    expect(values(decodeOne(col('flag', 'tinyint', 'tinyint(1)'), '-7', { flag: { kind: 'int64' } }).table, 'flag')).toEqual([-7n])
  })

  it('reads bit(1) bytes as bool and bit(12)/bit(64) big-endian bytes as integers', () => {
    const { table } = decode(
      [col('b1', 'bit', 'bit(1)', { numericPrecision: 1 }), col('b12', 'bit', 'bit(12)', { numericPrecision: 12 }), col('b64', 'bit', 'bit(64)', { numericPrecision: 64 })],
      [
        [new Uint8Array([1]), new Uint8Array([0x0a, 0xaa]), new Uint8Array(8).fill(0xff)],
        [new Uint8Array([0]), new Uint8Array([0x0f, 0xff]), new Uint8Array([0x80, 0, 0, 0, 0, 0, 0, 1])],
        [null, new Uint8Array([0, 0]), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])],
        [null, null, null],
      ],
    )
    expect(values(table, 'b1')).toEqual([true, false, null, null])
    expect(values(table, 'b12')).toEqual([0xaaan, 0xfffn, 0n, null])
    expect(values(table, 'b64')).toEqual([2n ** 64n - 1n, 2n ** 63n + 1n, 0x0102030405060708n, null])
  })

  it('refuses a bit(64) value above 2^63 - 1 under an int64 override, and malformed bit bytes', () => {
    const b64 = col('b', 'bit', 'bit(64)', { numericPrecision: 64 })
    expect(caught(() => decodeOne(b64, new Uint8Array([0x80, 0, 0, 0, 0, 0, 0, 0]), { b: { kind: 'int64' } })).code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
    expect(values(decodeOne(b64, new Uint8Array([0x7f, 0, 0, 0, 0, 0, 0, 0]), { b: { kind: 'int64' } }).table, 'b')).toEqual([0x7fn << 56n])
    expect(caught(() => decodeOne(col('b', 'bit', 'bit(1)'), new Uint8Array([2]))).code).toBe('RIVET_DATA_DECODE')
    expect(caught(() => decodeOne(col('b', 'bit', 'bit(12)', { numericPrecision: 12 }), new Uint8Array(9))).code).toBe('RIVET_DATA_DECODE')
  })
})

describe('MysqlRowDecoder: decimals', () => {
  const max65 = '9'.repeat(35) + '.' + '9'.repeat(30)
  const tiny65 = '0.' + '0'.repeat(29) + '1'

  it('decodes decimal(65,30) extremes, negatives and zero exactly', () => {
    const texts = [max65, '-' + max65, tiny65, '-' + tiny65, '0.' + '0'.repeat(30), '-12345678901234567890.123456789012345678901234567890', '1.' + '0'.repeat(30)]
    const { table } = decode([col('d', 'decimal', 'decimal(65,30)', { numericPrecision: 65, numericScale: 30 })], [...texts.map((t) => [t]), [null]])
    expect(unscaledValues(table, 'd')).toEqual([...texts.map((t) => unscaled(t, 30)), null])
  })

  it('decodes small decimals on the fast path, zero-padded and short-fraction forms included', () => {
    const { table } = decode(
      [col('a', 'decimal', 'decimal(18,4)', { numericPrecision: 18, numericScale: 4 }), col('b', 'decimal', 'decimal(10,0) unsigned zerofill', { numericPrecision: 10, numericScale: 0 })],
      [
        ['-12.3400', '0000000042'],
        ['99999999999999.9999', '9999999999'],
        ['-0.0001', '0'],
        ['12.5', '4294967296'],
      ],
    )
    expect(unscaledValues(table, 'a')).toEqual([-123400n, 999999999999999999n, -1n, 125000n])
    expect(unscaledValues(table, 'b')).toEqual([42n, 9999999999n, 0n, 4294967296n])
  })

  it('reads float text with exponents exactly under a decimal override, and refuses what would round', () => {
    const d = col('x', 'double')
    const dec = { x: { kind: 'decimal' as const, precision: 30, scale: 10 } }
    const { table } = decode([d], [['1.5e-7'], ['-2.5E3'], ['1e19'], ['0.1']], dec)
    expect(unscaledValues(table, 'x')).toEqual([1500n, -25000000000000n, 10n ** 29n, 1000000000n])
    expect(caught(() => decodeOne(d, '1e-11', dec)).code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
    expect(caught(() => decodeOne(d, '1e20', dec)).code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
  })

  it.each([['1.005'], ['123456789.00'], ['-100000000']])('refuses %s in decimal(10,2) rather than rounding it', (v) => {
    const err = caught(() => decodeOne(col('amount', 'varchar', 'varchar(20)'), v, { amount: { kind: 'decimal', precision: 10, scale: 2 } }))
    expect(err.code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
    expect(err.message).toContain(v)
    expect(err.hint).toContain('columns:')
  })

  it.each([['abc'], [''], ['.'], ['1.2.3'], ['1e'], ['--1']])('refuses malformed decimal text %j', (v) => {
    expect(caught(() => decodeOne(col('d', 'decimal', 'decimal(10,2)'), v)).code).toBe('RIVET_DATA_DECODE')
  })
})

describe('MysqlRowDecoder: floats', () => {
  it('reads FLOAT from its double rendering exactly and DOUBLE as printed, specials included', () => {
    const { table } = decode(
      [col('f', 'float'), col('d', 'double')],
      [
        ['3.1415927410125732', '1.7976931348623157e308'],
        ['-0', '-0'],
        ['3.4028234663852886e38', '5e-324'],
        ['1.401298464324817e-45', '-2.2250738585072014e-308'],
        ['0.10000000149011612', '0.1'],
        ['16777216', '1.2345678901234568e20'],
        ['1e-7', '1e-7'],
        [null, null],
      ],
    )
    const f = values(table, 'f') as (number | null)[]
    expect(f).toEqual([Math.fround(Math.PI), -0, 3.4028234663852886e38, Math.fround(1.4e-45), Math.fround(0.1), 16777216, Math.fround(1e-7), null])
    expect(Object.is(f[1], -0)).toBe(true)
    const d = values(table, 'd') as (number | null)[]
    expect(d).toEqual([Number.MAX_VALUE, -0, Number.MIN_VALUE, -2.2250738585072014e-308, 0.1, 1.2345678901234568e20, 1e-7, null])
    expect(Object.is(d[1], -0)).toBe(true)
  })

  it.each([['abc'], [''], [' 1'], ['0x10'], ['Infinity'], ['1,5']])('refuses malformed float text %j', (v) => {
    expect(caught(() => decodeOne(col('d', 'double'), v)).code).toBe('RIVET_DATA_DECODE')
  })
})
