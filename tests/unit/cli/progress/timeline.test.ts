import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ExportProgress } from '../../../../src/engine/index.js'
import { ProgressTimeline, TIMELINE_MAX_POINTS } from '../../../../src/engine/progress.js'

const T0 = Date.UTC(2024, 0, 15, 8, 0, 0)

describe('ProgressTimeline', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(T0)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('samples the counters once per step, and once more when stopped', () => {
    const p = new ExportProgress('orders', 'run-1', 'chunked')
    const timeline = new ProgressTimeline(p, 1_000)
    for (let s = 1; s <= 3; s++) {
      p.rows = s * 100
      p.rawBytes = s * 1_000
      p.chunksDone = s
      p.statementDone({}, s * 10.4, s * 50)
      vi.advanceTimersByTime(1_000)
    }
    p.rows = 350
    vi.advanceTimersByTime(500)
    const { stepMs, points } = timeline.stop()
    expect(stepMs).toBe(1_000)
    expect(points.map((pt) => pt.t)).toEqual([1_000, 2_000, 3_000, 3_500])
    expect(points.map((pt) => pt.rows)).toEqual([100, 200, 300, 350])
    expect(points.map((pt) => pt.bytes)).toEqual([1_000, 2_000, 3_000, 3_000])
    expect(points.map((pt) => pt.chunks)).toEqual([1, 2, 3, 3])
    expect(points.map((pt) => pt.size)).toEqual([50, 100, 150, 150])
    expect(points.map((pt) => pt.stmtMs)).toEqual([10, 21, 31, 31])
    expect(points.every((pt) => pt.rss > 0)).toBe(true)
  })

  it('takes no sample before its first step', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    const timeline = new ProgressTimeline(p, 1_000)
    vi.advanceTimersByTime(999)
    expect(timeline.stop().points.map((pt) => pt.t)).toEqual([999])
  })

  it('thins to every other point and doubles its step when full', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    const timeline = new ProgressTimeline(p, 1_000)
    vi.advanceTimersByTime(TIMELINE_MAX_POINTS * 1_000 + 500)
    const { stepMs, points } = timeline.stop()
    expect(stepMs).toBe(2_000)
    expect(points.length).toBeLessThan(TIMELINE_MAX_POINTS)
    const sampled = points.slice(0, -1)
    expect(sampled.length).toBe(TIMELINE_MAX_POINTS / 2)
    for (let i = 1; i < sampled.length; i++) expect(sampled[i]!.t - sampled[i - 1]!.t).toBe(2_000)
    expect(points[points.length - 1]!.t).toBe(TIMELINE_MAX_POINTS * 1_000 + 500)
  })

  it('keeps at most TIMELINE_MAX_POINTS points over a long run, evenly spaced, with the end last', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    const timeline = new ProgressTimeline(p, 1_000)
    const hours = 10
    for (let m = 0; m < hours * 60; m++) {
      p.rows += 1_000
      vi.advanceTimersByTime(60_000)
    }
    vi.advanceTimersByTime(123)
    const { stepMs, points } = timeline.stop()
    expect(points.length).toBeLessThanOrEqual(TIMELINE_MAX_POINTS)
    expect(points.length).toBeGreaterThan(TIMELINE_MAX_POINTS / 4)
    expect(stepMs).toBeGreaterThan(1_000)
    const sampled = points.slice(0, -1)
    for (let i = 1; i < sampled.length; i++) expect(sampled[i]!.t - sampled[i - 1]!.t).toBe(stepMs)
    expect(points[points.length - 1]!.t).toBe(hours * 3_600_000 + 123)
    expect(points[points.length - 1]!.rows).toBe(hours * 60 * 1_000)
  })

  it('never holds more than TIMELINE_MAX_POINTS points, whenever it is stopped', () => {
    for (const steps of [TIMELINE_MAX_POINTS - 2, TIMELINE_MAX_POINTS - 1, TIMELINE_MAX_POINTS, 2 * TIMELINE_MAX_POINTS - 1]) {
      vi.setSystemTime(T0)
      const timeline = new ProgressTimeline(new ExportProgress('orders', 'run-1', 'full'), 1_000)
      vi.advanceTimersByTime(steps * 1_000)
      expect(timeline.stop().points.length).toBeLessThanOrEqual(TIMELINE_MAX_POINTS)
    }
  })

  it('stops once: later calls return the same timeline and no timer is left', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    const timeline = new ProgressTimeline(p, 1_000)
    vi.advanceTimersByTime(2_000)
    const first = timeline.stop()
    expect(vi.getTimerCount()).toBe(0)
    p.rows = 99
    vi.advanceTimersByTime(5_000)
    const second = timeline.stop()
    expect(second).toBe(first)
    expect(second.points.map((pt) => pt.t)).toEqual([1_000, 2_000, 2_000])
  })
})
