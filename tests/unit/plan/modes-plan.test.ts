import { describe, expect, it } from 'vitest'
import {
  chunkPredicate, integerChunkStep, MAX_CHUNKS, mysqlLiteral, mysqlTypedLiteral, pgLiteral, pgTypedLiteral, planDayRanges, planIntegerRanges, rangeDensity, rangesFromBoundaries,
} from '../../../src/plan/index.js'
import { caught } from '../../helpers/errors.js'

describe('SQL literals', () => {
  it('doubles quotes and escapes backslashes in an E string', () => {
    expect(pgLiteral("it's")).toBe("'it''s'")
    expect(pgLiteral('a\\b')).toBe("E'a\\\\b'")
    expect(pgTypedLiteral('2024-01-01 00:00:00+00', 'timestamp with time zone')).toBe("'2024-01-01 00:00:00+00'::timestamp with time zone")
    expect(() => pgLiteral('a\0b')).toThrow()
  })

  it('MySQL: numbers of numeric columns stay bare (a quoted one compares as a double), everything else is quoted', () => {
    expect(mysqlTypedLiteral('9007199254740993', 'bigint(20) unsigned')).toBe('9007199254740993')
    expect(mysqlTypedLiteral('-12.50', 'decimal(10,2)')).toBe('-12.50')
    expect(mysqlTypedLiteral('1.5e300', 'double')).toBe('1.5e300')
    expect(mysqlTypedLiteral('2024', 'year(4)')).toBe('2024')
    expect(mysqlTypedLiteral('1; DROP TABLE t', 'int(11)')).toBe("'1; DROP TABLE t'")
    expect(mysqlTypedLiteral('2024-01-01 00:00:00', 'datetime(6)')).toBe("'2024-01-01 00:00:00'")
    expect(mysqlTypedLiteral('42', 'varchar(10)')).toBe("'42'")
    expect(mysqlLiteral("it's a \\ \0")).toBe("'it''s a \\\\ \\0'")
  })
})

describe('integer range chunks', () => {
  it('covers min..max in steps, open at both ends', () => {
    expect(planIntegerRanges('e', 1n, 25n, 10n)).toEqual([
      { index: 0, lo: null, hi: '11' },
      { index: 1, lo: '11', hi: '21' },
      { index: 2, lo: '21', hi: null },
    ])
    expect(planIntegerRanges('e', 5n, 5n, 10n)).toEqual([{ index: 0, lo: null, hi: null }])
  })

  it('handles int8 extremes exactly', () => {
    const min = -(2n ** 63n)
    const max = 2n ** 63n - 1n
    const ranges = planIntegerRanges('e', min, max, 2n ** 62n)
    expect(ranges).toHaveLength(4)
    expect(ranges[1]!.lo).toBe((min + 2n ** 62n).toString())
  })

  it('derives the step from chunk_count, rounding up so count chunks cover the span', () => {
    expect(integerChunkStep(1n, 100n, null, 3)).toBe(34n)
    expect(planIntegerRanges('e', 1n, 100n, integerChunkStep(1n, 100n, null, 3))).toHaveLength(3)
    expect(integerChunkStep(1n, 2n, null, 10)).toBe(1n)
    expect(integerChunkStep(1n, 100n, 7, null)).toBe(7n)
  })

  it('refuses a plan with more chunks than allowed', () => {
    const err = caught(() => planIntegerRanges('orders', 0n, BigInt(MAX_CHUNKS) * 10n, 1n))
    expect(err.code).toBe('RIVET_PLAN_TOO_MANY_CHUNKS')
    expect(err.message).toMatch(/export orders/)
  })

  it('measures sparseness', () => {
    const dense = rangeDensity(1000, 1n, 1000n, 100n)
    expect(dense.density).toBe(1)
    expect(dense.likelyEmptyChunks).toBe(0)
    const sparse = rangeDensity(1000, 1n, 10_000_000n, 1000n)
    expect(sparse.density).toBeCloseTo(0.0001)
    expect(sparse.likelyEmptyChunks).toBe(9000)
  })
})

describe('day chunks', () => {
  it('cuts whole UTC days, open at both ends', () => {
    expect(planDayRanges('e', '2024-01-01', '2024-01-05', 2)).toEqual([
      { index: 0, lo: null, hi: '2024-01-03' },
      { index: 1, lo: '2024-01-03', hi: '2024-01-05' },
      { index: 2, lo: '2024-01-05', hi: null },
    ])
    expect(planDayRanges('e', '2024-02-28', '2024-03-01', 1).map((r) => r.hi)).toEqual(['2024-02-29', '2024-03-01', null])
  })
})

describe('boundary chunks and predicates', () => {
  it('turns k boundaries into k+1 half-open ranges', () => {
    expect(rangesFromBoundaries('e', ['b', 'd'])).toEqual([
      { index: 0, lo: null, hi: 'b' },
      { index: 1, lo: 'b', hi: 'd' },
      { index: 2, lo: 'd', hi: null },
    ])
    expect(rangesFromBoundaries('e', [])).toEqual([{ index: 0, lo: null, hi: null }])
  })

  it('writes >= lo AND < hi with typed literals', () => {
    expect(chunkPredicate('"k"', { lo: "o'k", hi: 'z' }, (v) => pgTypedLiteral(v, 'text'))).toBe(`"k" >= 'o''k'::text AND "k" < 'z'::text`)
    expect(chunkPredicate('"id"', { lo: null, hi: '10' }, (v) => pgTypedLiteral(v, 'bigint'))).toBe(`"id" < '10'::bigint`)
    expect(chunkPredicate('"id"', { lo: null, hi: null }, (v) => pgTypedLiteral(v, 'bigint'))).toBeNull()
  })
})
