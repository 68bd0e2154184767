import { describe, expect, it } from 'vitest'
import { BatchBuilder, type FixedWidthBuilder } from '../../../src/arrow/index.js'
import { appendMicros, daysFromCivil } from '../../../src/source/mysql/decode/index.js'
import { caught } from '../../helpers/errors.js'
import { roundTrip } from '../arrow/helpers.js'
import { col, decode, decodeOne, stored, utcDays, utcMicros } from './helpers.js'

describe('MysqlRowDecoder: dates and timestamps', () => {
  it('decodes dates from 1000-01-01 to 9999-12-31 as days since 1970', () => {
    const texts = ['1000-01-01', '9999-12-31', '1970-01-01', '1969-12-31', '2000-02-29', '1900-03-01', '0000-01-01', '0001-01-01']
    const { table } = decode([col('d', 'date')], [...texts.map((t) => [t]), [null]])
    const expected = texts.map((t) => utcDays(Number(t.slice(0, 4)), Number(t.slice(5, 7)), Number(t.slice(8, 10))))
    expect(stored(table, 'd')).toEqual([...expected, null])
    expect(expected.slice(0, 2)).toEqual([-354285, 2932896])
  })

  it('decodes datetime(6) and timestamp(6) with fractions, before 1970 and at the range ends', () => {
    const rows: [string, bigint][] = [
      ['1970-01-01 00:00:00', 0n],
      ['1969-12-31 23:59:59.999999', -1n],
      ['1000-01-01 00:00:00.000001', utcMicros(1000, 1, 1, 0, 0, 0, 1)],
      ['9999-12-31 23:59:59.999999', utcMicros(9999, 12, 31, 23, 59, 59, 999999)],
      ['1900-03-01 12:00:00.5', utcMicros(1900, 3, 1, 12, 0, 0, 500000)],
      ['2024-02-29 12:34:56.789', utcMicros(2024, 2, 29, 12, 34, 56, 789000)],
      ['2038-01-19 03:14:07.123456', utcMicros(2038, 1, 19, 3, 14, 7, 123456)],
      ['1685-01-01 00:00:00.000001', utcMicros(1685, 1, 1, 0, 0, 0, 1)],
      ['2256-01-01 00:00:00.000001', utcMicros(2256, 1, 1, 0, 0, 0, 1)],
    ]
    const cols = [col('dt', 'datetime', 'datetime(6)'), col('ts', 'timestamp', 'timestamp(6)')]
    const { table } = decode(cols, [...rows.map(([t]) => [t, t]), [null, null]])
    const expected = [...rows.map(([, us]) => us), null]
    expect(stored(table, 'dt')).toEqual(expected)
    expect(stored(table, 'ts')).toEqual(expected)
    expect(String(table.schema.fields[1].type)).toContain('UTC')
  })

  it('writes zero dates as NULL and counts them per column, NOT NULL columns included', () => {
    const cols = [col('d', 'date', 'date', { nullable: false }), col('dt', 'datetime'), col('ts', 'timestamp')]
    const { table, decoder, rows } = decode(cols, [
      ['0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00'],
      ['2024-00-10', '2024-05-00 10:00:00', '2024-05-01 10:00:00'],
      ['2024-05-00', '2024-01-01 00:00:00', null],
      ['2024-05-01', null, '0000-00-00 00:00:00.000000'],
    ])
    expect(rows).toBe(4)
    expect(stored(table, 'd')).toEqual([null, null, null, utcDays(2024, 5, 1)])
    expect(stored(table, 'dt')).toEqual([null, null, utcMicros(2024, 1, 1), null])
    expect(stored(table, 'ts')).toEqual([null, utcMicros(2024, 5, 1, 10), null, null])
    expect(Object.fromEntries(decoder.zeroDates)).toEqual({ d: 3, dt: 2, ts: 2 })
  })

  it('refuses dates that are not calendar dates instead of moving them to another day', () => {
    for (const v of ['2023-02-29', '2024-02-30', '2024-13-01', '2024-04-31']) {
      const err = caught(() => decodeOne(col('d', 'date'), v))
      expect(err.code, v).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
      expect(err.hint).toContain('text')
    }
  })

  it.each([['2024-1-01'], ['2024/01/01'], ['20240101'], ['2024-01-01 25:00:00'], ['2024-01-01 10:00'], ['2024-01-01 10:00:00.'], ['2024-01-01 10:00:00.1234567']])(
    'refuses malformed datetime text %j',
    (v) => {
      expect(caught(() => decodeOne(col('dt', 'datetime'), v)).code).toBe('RIVET_DATA_DECODE')
    },
  )

  it('applies date and timestamp overrides by re-reading the text', () => {
    const { table } = decode(
      [col('a', 'datetime'), col('b', 'date'), col('c', 'varchar', 'varchar(30)')],
      [['2024-05-01 00:00:00', '2024-05-01', '1999-12-31 08:00:00.25']],
      { a: { kind: 'date' }, b: { kind: 'timestamp_tz' }, c: { kind: 'timestamp' } },
    )
    expect(stored(table, 'a')).toEqual([utcDays(2024, 5, 1)])
    expect(stored(table, 'b')).toEqual([utcMicros(2024, 5, 1)])
    expect(stored(table, 'c')).toEqual([utcMicros(1999, 12, 31, 8, 0, 0, 250000)])
  })

  it('refuses a time of day under a date override instead of dropping it', () => {
    const { table } = decodeOne(col('a', 'datetime', 'datetime(6)'), '2024-05-01 00:00:00.000000', { a: { kind: 'date' } })
    expect(stored(table, 'a')).toEqual([utcDays(2024, 5, 1)])
    for (const v of ['2024-05-01 23:59:59', '2024-05-01 00:00:00.000001']) {
      const err = caught(() => decodeOne(col('a', 'datetime', 'datetime(6)'), v, { a: { kind: 'date' } }))
      expect(err.code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
      expect(err.message).toContain('has a time of day')
    }
  })
})

describe('MysqlRowDecoder: time and year', () => {
  it('decodes TIME within one day as µs since midnight', () => {
    const { table } = decode([col('t', 'time', 'time(6)')], [['00:00:00'], ['23:59:59.999999'], ['12:30:00.5'], ['01:02:03'], [null]])
    expect(stored(table, 't')).toEqual([0n, 86_399_999_999n, 45_000_500_000n, 3_723_000_000n, null])
  })

  it.each([['24:00:00'], ['838:59:59'], ['-00:00:01'], ['-838:59:59.000000']])('refuses TIME %s outside a day, naming the column, with a cast hint', (v) => {
    const err = caught(() => decodeOne(col('elapsed', 'time'), v))
    expect(err.code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
    expect(err.message).toContain('"elapsed"')
    expect(err.hint).toContain('CAST(`elapsed` AS CHAR)')
  })

  it('keeps TIME values outside a day under a text override', () => {
    const { table } = decodeOne(col('elapsed', 'time'), '-838:59:59', { elapsed: { kind: 'text' } })
    expect(table.getChild('elapsed')?.get(0)).toBe('-838:59:59')
  })
})

describe('temporal arithmetic', () => {
  it('daysFromCivil agrees with Date for every first-of-month from year 0 to 9999', () => {
    const actual: number[] = []
    const expected: number[] = []
    for (let y = 0; y <= 9999; y += 7) {
      for (let m = 1; m <= 12; m++) {
        actual.push(daysFromCivil(y, m, 1))
        expected.push(utcDays(y, m, 1))
      }
    }
    expect(actual).toEqual(expected)
  })

  it('appendMicros is exact across the int64 range MySQL dates span (compared with BigInt)', () => {
    const spec = { name: 't', type: { kind: 'timestamp' as const, tz: null }, nullable: false, sourceType: 'datetime', decoder: 'mysql:datetime', fidelity: 'exact' as const }
    const batch = new BatchBuilder([spec])
    const expected: bigint[] = []
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    const edges = [-(2 ** 39) + 1, -9007199254, -9007199255, 9007199254, 9007199255, 2 ** 39 - 1, -65536, 65535, 0, -1]
    const seconds = [...edges, ...Array.from({ length: 2000 }, () => Math.floor((rand() * 2 - 1) * 2 ** 39))]
    for (const s of seconds) {
      const us = Math.floor(rand() * 1e6)
      appendMicros(batch.builders[0] as FixedWidthBuilder, s, us)
      batch.endRow()
      expected.push(BigInt(s) * 1_000_000n + BigInt(us))
    }
    expect(stored(roundTrip(batch), 't')).toEqual(expected)
  })
})
