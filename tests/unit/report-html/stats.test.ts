import { describe, expect, it } from 'vitest'
import { parseDrift, parseQuality, parseRunStats, parseTimeline, timelineRates } from '../../../src/report-html/index.js'
import { TIMELINE } from './fixtures.js'

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

describe('parseTimeline', () => {
  const point = (t: number, rows: number, extra: Record<string, unknown> = {}) => ({ t, rows, bytes: rows * 10, rss: 1000 + t, size: 500, stmtMs: 20, chunks: 0, ...extra })

  it('reads the sampled counters of a run, oldest first', () => {
    const parsed = parseTimeline({ statements: 3, timeline: { stepMs: 2000, points: [point(3000, 30), point(1000, 10), point(2000, 20)] } })
    expect(parsed).not.toBeNull()
    expect(parsed!.stepMs).toBe(2000)
    expect(parsed!.points.map((p) => [p.t, p.rows])).toEqual([[1000, 10], [2000, 20], [3000, 30]])
    expect(parsed!.points[0]).toEqual({ t: 1000, rows: 10, bytes: 100, rss: 2000, size: 500, stmtMs: 20, chunks: 0 })
  })

  it('leaves out points with a missing, non-numeric or non-finite field, or a negative time', () => {
    const points = [
      point(1000, 10),
      point(2000, Number.NaN),
      point(3000, 30, { rss: Number.POSITIVE_INFINITY }),
      point(4000, 40, { size: '16000' }),
      point(5000, 50, { chunks: null }),
      { t: 6000, rows: 60, bytes: 600, rss: 1, size: 1, chunks: 0 },
      point(-1000, 0),
      null,
      'point',
      [7000, 70],
      point(8000, 80),
    ]
    const parsed = parseTimeline({ timeline: { stepMs: 1000, points } })
    expect(parsed!.points.map((p) => p.t)).toEqual([1000, 8000])
  })

  it.each([
    ['no stats', undefined],
    ['stats of an older run', { statements: 3, maxStatementMs: 5 }],
    ['a timeline that is not an object', { timeline: 'soon' }],
    ['a timeline that is an array', { timeline: [point(1000, 1)] }],
    ['points that are not an array', { timeline: { stepMs: 1000, points: { 0: point(1000, 1) } } }],
    ['no points', { timeline: { stepMs: 1000, points: [] } }],
    ['no usable point', { timeline: { stepMs: 1000, points: [{ t: 'x' }, null, point(1000, Number.NaN)] } }],
  ])('is null for %s', (_, stats) => {
    expect(parseTimeline(stats)).toBeNull()
  })

  it('keeps the points when the step is missing or not a positive number', () => {
    expect(parseTimeline({ timeline: { points: [point(1000, 1)] } })).toEqual({ stepMs: null, points: [point(1000, 1)] })
    expect(parseTimeline({ timeline: { stepMs: -5, points: [point(1000, 1)] } })!.stepMs).toBeNull()
  })
})

describe('timelineRates', () => {
  it('divides the rows of each step by its length, at the step end', () => {
    expect(timelineRates(TIMELINE.points)).toEqual([
      { t: 2000, rowsPerSec: 4000, rows: 4000 },
      { t: 3000, rowsPerSec: 6000, rows: 10_000 },
      { t: 4000, rowsPerSec: 4000, rows: 14_000 },
      // the last step is half a second long
      { t: 4500, rowsPerSec: 2000, rows: 15_000 },
    ])
  })

  it('skips steps of no length, and counts a step where the rows fell (a retry from scratch) by the rows since', () => {
    const p = TIMELINE.points[0]!
    const rates = timelineRates([
      { ...p, t: 1000, rows: 5000 },
      { ...p, t: 1000, rows: 5000 },
      { ...p, t: 2000, rows: 800 },
      { ...p, t: 4000, rows: 2800 },
    ])
    expect(rates.map((r) => [r.t, r.rowsPerSec])).toEqual([[2000, 800], [4000, 1000]])
  })

  it('has no rate for fewer than two points', () => {
    expect(timelineRates([])).toEqual([])
    expect(timelineRates(TIMELINE.points.slice(0, 1))).toEqual([])
  })
})
