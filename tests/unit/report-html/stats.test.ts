import { describe, expect, it } from 'vitest'
import { parseDrift, parseQuality, parseRunStats } from '../../../src/report-html/index.js'

describe('parseRunStats', () => {
  it('reads the statistics of a completed chunked run', () => {
    const stats = {
      strategy: 'chunked', statements: 8, maxStatementMs: 41.5, totalStatementMs: 120, sourceBytes: 9000, finalChunkSize: 4000, minChunkSize: 1000,
      maxChunkSize: 8000, parallel: 2, chunks: 4, retries: 1, quality: { passed: 2, failed: 0, skipped: 1 }, schemaDrift: { added: 1, removed: 0, retyped: 2 },
    }
    expect(parseRunStats(stats)).toEqual({
      strategy: 'chunked', statements: 8, maxStatementMs: 41.5, totalStatementMs: 120, sourceBytes: 9000, minChunkSize: 1000, finalChunkSize: 4000,
      maxChunkSize: 8000, parallel: 2, chunks: 4, recovered: false,
    })
    expect(parseDrift(stats)).toEqual({ added: 1, removed: 0, retyped: 2 })
    expect(parseQuality(stats)).toEqual({ passed: 2, failed: 0, skipped: 1 })
  })

  it('leaves out what a failed run does not record, and reads a recovered run', () => {
    const failed = parseRunStats({ retries: 2 })
    expect(Object.entries(failed).filter(([, v]) => v !== null && v !== false)).toEqual([])
    expect(parseRunStats({ recovered: true }).recovered).toBe(true)
    expect(parseDrift({ retries: 2 })).toBeNull()
    expect(parseQuality({ retries: 2 })).toBeNull()
  })

  it.each([null, undefined, 'text', 42, [1, 2], { statements: 'many', maxStatementMs: Number.NaN, minChunkSize: null, strategy: 7 }])(
    'turns unexpected stats %j into nulls, never NaN',
    (stats) => {
      const parsed = parseRunStats(stats)
      for (const value of Object.values(parsed)) expect(value === null || value === false).toBe(true)
      expect(parseDrift(stats)).toBeNull()
      expect(parseQuality(stats)).toBeNull()
    },
  )
})
