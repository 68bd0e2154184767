import { describe, expect, it } from 'vitest'
import { evaluateQuality, qualityError, qualityWarnings, UniqueTracker } from '../../../src/quality/index.js'
import type { ReadProfile, ResolvedQuality } from '../../../src/quality/index.js'

const NONE: ResolvedQuality = { rowCountMin: null, rowCountMax: null, nullRatioMax: {}, uniqueColumns: [], uniqueMaxEntries: null }
const profile = (rows: number, nulls: Record<string, number> = {}): ReadProfile => ({ rows, nulls, maxBytes: {} })

function tracker(values: number[], maxEntries: number | null = null): UniqueTracker {
  const t = new UniqueTracker(maxEntries)
  t.add(BigUint64Array.from(values.map(BigInt)))
  return t
}

describe('evaluateQuality: row counts', () => {
  it('passes inside the bounds (inclusive) and fails outside them', () => {
    const q = { ...NONE, rowCountMin: 100, rowCountMax: 1000 }
    expect(evaluateQuality(q, profile(100), []).map((r) => r.status)).toEqual(['passed', 'passed'])
    expect(evaluateQuality(q, profile(1000), []).map((r) => r.status)).toEqual(['passed', 'passed'])
    const low = evaluateQuality(q, profile(99), [])
    expect(low[0]).toEqual({ check: 'row_count_min', status: 'failed', expected: 100, actual: 99, message: '99 rows, below row_count_min 100' })
    const high = evaluateQuality(q, profile(120_000), [])
    expect(high[1]).toMatchObject({ check: 'row_count_max', status: 'failed', actual: 120_000, message: '120,000 rows, above row_count_max 1,000' })
  })
})

describe('evaluateQuality: null_ratio_max', () => {
  const q = { ...NONE, nullRatioMax: { email: 0.1, id: 0 } }

  it('fails a column above its ratio with the share and the counts, and passes one at or below it', () => {
    const [email, id] = evaluateQuality(q, profile(120_000, { email: 15_000, id: 0 }), [])
    expect(email).toEqual({
      check: 'null_ratio_max', columns: ['email'], status: 'failed', expected: 0.1, actual: 0.125,
      message: 'column email: 12.5% NULLs (15,000 of 120,000 rows), above null_ratio_max 10%',
    })
    expect(id).toMatchObject({ status: 'passed', actual: 0 })
    expect(evaluateQuality(q, profile(10, { email: 1, id: 0 }), [])[0].status).toBe('passed')
  })

  it('fails a single NULL against a ratio of 0', () => {
    const [, id] = evaluateQuality(q, profile(3_000_000, { email: 0, id: 1 }), [])
    expect(id).toMatchObject({ status: 'failed', message: 'column id: 0.0000333% NULLs (1 of 3,000,000 rows), above null_ratio_max 0%' })
  })

  it('takes the ratio of an empty export as 0', () => {
    expect(evaluateQuality(q, profile(0, { email: 0, id: 0 }), []).map((r) => [r.status, r.actual])).toEqual([['passed', 0], ['passed', 0]])
  })

  it('skips a column the profile does not hold instead of passing it', () => {
    expect(evaluateQuality(q, profile(5, { email: 0 }), [])[1]).toMatchObject({ status: 'skipped', columns: ['id'] })
  })
})

describe('evaluateQuality: unique_columns', () => {
  const q = { ...NONE, uniqueColumns: [['id'], ['tenant_id', 'order_no']] }

  it('fails a key with duplicates, naming the count and the rows, and passes one without', () => {
    const [id, pair] = evaluateQuality(q, profile(120_000), [tracker([1, 2, 3]), tracker([1, 1, 2, 2, 2])])
    expect(id).toMatchObject({ check: 'unique_columns', columns: ['id'], status: 'passed', actual: 0 })
    expect(pair).toEqual({
      check: 'unique_columns', columns: ['tenant_id', 'order_no'], status: 'failed', expected: 0, actual: 3,
      message: 'unique_columns (tenant_id, order_no): 3 duplicate key(s) among 120,000 rows (119,995 rows with a NULL in the key not compared)',
    })
  })

  it('is skipped when the cap was reached without a duplicate, and failed when one was found first', () => {
    const capped = evaluateQuality({ ...q, uniqueMaxEntries: 2 }, profile(5), [tracker([1, 2, 3, 4, 5], 2), tracker([1, 1, 2, 3], 2)])
    expect(capped[0]).toMatchObject({ status: 'skipped' })
    expect(capped[0].message).toContain('unique_max_entries 2')
    expect(capped[1]).toMatchObject({ status: 'failed', actual: 1 })
    expect(capped[1].message).toContain('more may exist')
  })

  it('needs one tracker per key', () => {
    expect(() => evaluateQuality(q, profile(1), [tracker([1])])).toThrow(/2 unique_columns checks were given 1/)
  })
})

describe('qualityError', () => {
  it('is RIVET_QUALITY_FAILED (exit 3) listing every failed check', () => {
    const failed = evaluateQuality({ ...NONE, rowCountMin: 10, nullRatioMax: { email: 0 } }, profile(2, { email: 1 }), [])
    const err = qualityError('orders', failed)
    expect(err.code).toBe('RIVET_QUALITY_FAILED')
    expect(err.exitCode).toBe(3)
    expect(err.message).toBe('export orders: 2 quality checks failed: 2 rows, below row_count_min 10; column email: 50% NULLs (1 of 2 rows), above null_ratio_max 0%')
    expect(err.items.map((i) => i.path)).toEqual(['row_count_min', 'null_ratio_max email'])
    expect(err.details.failed).toEqual(failed)
  })
})

describe('qualityWarnings', () => {
  it('warns about unbounded unique checks and rules that cannot fail', () => {
    const warnings = qualityWarnings({ ...NONE, rowCountMin: 0, nullRatioMax: { note: 1, email: 0.5 }, uniqueColumns: [['id'], ['a', 'b']] })
    expect(warnings).toHaveLength(3)
    expect(warnings[0]).toMatch(/unique_columns is set without unique_max_entries: .*11 to 21 bytes per key .*times 2 checks/)
    expect(warnings.slice(1)).toEqual(['quality.row_count_min is 0, which every run passes', 'quality.null_ratio_max of column note is 100%, which every run passes'])
  })

  it('says nothing about a capped unique check', () => {
    expect(qualityWarnings({ ...NONE, uniqueColumns: [['id']], uniqueMaxEntries: 1000 })).toEqual([])
  })
})
