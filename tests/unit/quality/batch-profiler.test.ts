import { describe, expect, it } from 'vitest'
import { isRivetError } from '../../../src/errors/index.js'
import { BatchProfiler, mergeProfiles, profileSpecFor } from '../../../src/quality/index.js'
import type { ResolvedQuality } from '../../../src/quality/index.js'
import { batchOf, col, INT32, INT64, TEXT } from './batches.js'

const COLUMNS = [
  col('id', INT64),
  col('email', TEXT),
  col('doc', { kind: 'json' }),
  col('blob', { kind: 'binary' }),
  col('tenant_id', INT32),
  col('tags', { kind: 'list', item: TEXT }),
]

const quality = (uniqueColumns: string[][]): ResolvedQuality => ({ rowCountMin: null, rowCountMax: null, nullRatioMax: {}, uniqueColumns, uniqueMaxEntries: null })

describe('profileSpecFor', () => {
  it('tracks the widths of text, json and binary columns and maps unique keys to column indexes', () => {
    expect(profileSpecFor(COLUMNS, quality([['id'], ['tenant_id', 'email']]))).toEqual({ widthColumns: [1, 2, 3], uniqueKeys: [[0], [4, 1]] })
    expect(profileSpecFor(COLUMNS, null)).toEqual({ widthColumns: [1, 2, 3], uniqueKeys: [] })
  })

  it('refuses a unique key naming a column the export does not return', () => {
    try {
      profileSpecFor(COLUMNS, quality([['ID']]))
      expect.unreachable()
    } catch (err) {
      expect(isRivetError(err) && err.code).toBe('RIVET_PLAN_UNKNOWN_COLUMN')
    }
  })
})

describe('BatchProfiler', () => {
  const rows = [
    [1, 'a@x', '{"k":"vé"}', Uint8Array.of(1, 2, 3), 7, ['a']],
    [2, null, null, Uint8Array.of(), 7, null],
    [3, 'é', '{}', null, null, []],
  ]
  const more = [[4, 'longer-address@example.com', null, Uint8Array.of(9), 8, ['b', null]]]

  it('counts rows and NULLs of every column and the largest value in bytes of the width columns, across batches', () => {
    const profiler = new BatchProfiler(profileSpecFor(COLUMNS, null), COLUMNS)
    profiler.observe(batchOf(COLUMNS, rows))
    expect(profiler.profile()).toEqual({
      rows: 3,
      nulls: { id: 0, email: 1, doc: 1, blob: 1, tenant_id: 1, tags: 1 },
      // é is two bytes in UTF-8: {"k":"vé"} is 11 bytes
      maxBytes: { email: 3, doc: 11, blob: 3 },
    })
    profiler.observe(batchOf(COLUMNS, more))
    expect(profiler.profile()).toMatchObject({ rows: 4, nulls: { email: 1, doc: 2, tags: 1 }, maxBytes: { email: 26, doc: 11, blob: 3 } })
  })

  it('returns one key array per unique check, without the rows whose key has a NULL', () => {
    const profiler = new BatchProfiler(profileSpecFor(COLUMNS, quality([['id'], ['email'], ['tenant_id', 'email']])), COLUMNS)
    const keys = profiler.observe(batchOf(COLUMNS, rows))
    expect(keys.map((k) => k.length)).toEqual([3, 2, 1])
    expect([...keys[0]]).toEqual([1n, 2n, 3n])
  })

  it('profiles a sliced batch by its own rows', () => {
    const profiler = new BatchProfiler(profileSpecFor(COLUMNS, null), COLUMNS)
    // rows 1 and 2 of four
    profiler.observe(batchOf(COLUMNS, [...rows, ...more]).slice(1, 3))
    expect(profiler.profile()).toEqual({ rows: 2, nulls: { id: 0, email: 1, doc: 1, blob: 1, tenant_id: 1, tags: 1 }, maxBytes: { email: 2, doc: 2, blob: 0 } })
  })

  it('refuses a batch of other columns', () => {
    const profiler = new BatchProfiler(profileSpecFor(COLUMNS, null), COLUMNS)
    expect(() => profiler.observe(batchOf([col('id', INT64)], [[1]]))).toThrow(/batch of 1 columns/)
  })
})

describe('mergeProfiles', () => {
  it('sums rows and NULLs and keeps the larger width, for columns of either side', () => {
    const a = { rows: 10, nulls: { id: 0, email: 3 }, maxBytes: { email: 40 } }
    const b = { rows: 5, nulls: { id: 1, email: 2, note: 5 }, maxBytes: { email: 12, note: 7 } }
    expect(mergeProfiles(a, b)).toEqual({ rows: 15, nulls: { id: 1, email: 5, note: 5 }, maxBytes: { email: 40, note: 7 } })
  })
})
