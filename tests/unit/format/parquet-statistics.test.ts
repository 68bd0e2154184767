import { describe, expect, it } from 'vitest'
import { STATISTICS_TRUNCATE_LENGTH } from '../../../src/format/parquet/parquet-statistics.js'
import { spec, type FixtureColumn } from './arrow-fixtures.js'
import { assembleFile, readWithHyparquet } from './parquet-readback.js'

const utf8 = new TextEncoder()
const bytesOf = (v: unknown): Uint8Array => (typeof v === 'string' ? utf8.encode(v) : (v as Uint8Array))

/** Byte-wise comparison, the order Parquet uses for UTF-8 and binary statistics. */
function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

describe('column chunk statistics of long values', () => {
  const long = (prefix: string, n: number) => prefix + 'x'.repeat(n)
  const columns: FixtureColumn[] = [
    {
      spec: spec('body', { kind: 'utf8' }),
      // the max starts with a multi-byte character right at the cut and ends in 0x7f-and-above bytes
      values: [long('apple ', 500), long('b', 70), 'short', long('zebra ' + 'é'.repeat(40), 100), null, long('m', 64)],
    },
    { spec: spec('tag', { kind: 'utf8' }), values: ['a', 'b', 'c', 'd', 'e', 'f'] },
  ]

  it('truncates min and max to valid, inexact bounds of at most 64 bytes; short ones stay exact', async () => {
    const file = await assembleFile(columns, [[0, 3], [3, 6]], { compression: 'zstd', compressionLevel: null })
    const { metadata, rows } = await readWithHyparquet(file)
    expect(rows.map((r) => r.body)).toEqual(columns[0]!.values)
    for (const [g, range] of [[0, [0, 3]], [1, [3, 6]]] as const) {
      const values = (columns[0]!.values.slice(range[0], range[1]).filter((v) => v !== null) as string[]).map(bytesOf)
      const stats = metadata.row_groups[g]!.columns[0]!.meta_data!.statistics!
      const min = bytesOf(stats.min_value)
      const max = bytesOf(stats.max_value)
      expect(min.length).toBeLessThanOrEqual(STATISTICS_TRUNCATE_LENGTH)
      expect(max.length).toBeLessThanOrEqual(STATISTICS_TRUNCATE_LENGTH)
      const trueMin = values.reduce((a, b) => (compare(a, b) <= 0 ? a : b))
      const trueMax = values.reduce((a, b) => (compare(a, b) >= 0 ? a : b))
      for (const v of values) {
        expect(compare(min, v), 'min <= every value').toBeLessThanOrEqual(0)
        // a truncated max is raised above every value; an exact one is the largest value
        expect(compare(max, v), 'max bounds every value').toBeGreaterThan(trueMax.length > STATISTICS_TRUNCATE_LENGTH ? 0 : -1)
      }
      expect(stats.is_min_value_exact ?? true).toBe(trueMin.length <= STATISTICS_TRUNCATE_LENGTH)
      expect(stats.is_max_value_exact ?? true).toBe(trueMax.length <= STATISTICS_TRUNCATE_LENGTH)
      if (trueMax.length <= STATISTICS_TRUNCATE_LENGTH) expect(max).toEqual(trueMax)
      // still valid UTF-8 after the cut
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(max)).not.toThrow()
    }
    const tag = metadata.row_groups[0]!.columns[1]!.meta_data!.statistics!
    expect(tag.min_value).toBe('a')
    expect(tag.max_value).toBe('c')
    expect(tag.is_max_value_exact ?? true).toBe(true)
  })
})
