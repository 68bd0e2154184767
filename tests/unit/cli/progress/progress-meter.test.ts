import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ExportProgress, ProgressMeter, estimateEta } from '../../../../src/engine/index.js'

const T0 = Date.UTC(2024, 0, 15, 8, 0, 0)

/** Counters as estimateEta reads them. */
function counters(overrides: Partial<Pick<ExportProgress, 'rows' | 'chunksDone' | 'chunksResumed' | 'chunksTotal' | 'estimatedRows'>>) {
  return { rows: 0, chunksDone: 0, chunksResumed: 0, chunksTotal: 0, estimatedRows: null, ...overrides }
}

describe('estimateEta', () => {
  it('measures a chunked export by the chunks read this run, at the pace of those', () => {
    // 4 chunks read in 20 s: 5 s each, 6 left
    expect(estimateEta(counters({ chunksDone: 4, chunksTotal: 10 }), 0, 20_000)).toBe(30_000)
  })

  it('leaves the chunks a resumed run found done out of the pace', () => {
    // 7 done, 5 of them resumed: 2 read in 20 s, 3 left at 10 s each
    expect(estimateEta(counters({ chunksDone: 7, chunksResumed: 5, chunksTotal: 10 }), 0, 20_000)).toBe(30_000)
  })

  it('has no chunked estimate before a chunk of this run is done', () => {
    expect(estimateEta(counters({ chunksDone: 0, chunksTotal: 10 }), 1_000, 20_000)).toBeNull()
    expect(estimateEta(counters({ chunksDone: 5, chunksResumed: 5, chunksTotal: 10 }), 1_000, 20_000)).toBeNull()
    expect(estimateEta(counters({ chunksDone: 4, chunksTotal: 10 }), 1_000, 0)).toBeNull()
  })

  it('prefers chunks to the row estimate for a chunked export', () => {
    const p = counters({ chunksDone: 1, chunksTotal: 2, rows: 10, estimatedRows: 1_000_000 })
    expect(estimateEta(p, 1, 8_000)).toBe(8_000)
  })

  it('measures other exports by the rows left at the current rate', () => {
    expect(estimateEta(counters({ rows: 40_000, estimatedRows: 100_000 }), 5_000, 8_000)).toBe(12_000)
    expect(estimateEta(counters({ rows: 1, estimatedRows: 4 }), 3, 1)).toBe(1_000)
  })

  it('has no row estimate without a count, once the count is passed, or with nothing read', () => {
    expect(estimateEta(counters({ rows: 40_000, estimatedRows: null }), 5_000, 8_000)).toBeNull()
    expect(estimateEta(counters({ rows: 40_000, estimatedRows: 0 }), 5_000, 8_000)).toBeNull()
    expect(estimateEta(counters({ rows: 100_000, estimatedRows: 100_000 }), 5_000, 8_000)).toBeNull()
    expect(estimateEta(counters({ rows: 150_000, estimatedRows: 100_000 }), 5_000, 8_000)).toBeNull()
    expect(estimateEta(counters({ rows: 0, estimatedRows: 100_000 }), 0, 8_000)).toBeNull()
  })
})

describe('ExportProgress', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(T0)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reports the oldest statement still open across pipelines', () => {
    const p = new ExportProgress('orders', 'run-1', 'chunked')
    const a = {}
    const b = {}
    expect(p.openStatementMs(T0 + 50)).toBeNull()
    vi.setSystemTime(T0 + 100)
    p.statementStarted(a)
    vi.setSystemTime(T0 + 300)
    p.statementStarted(b)
    expect(p.openStatementMs(T0 + 1_000)).toBe(900)
    p.statementDone(a, 850, 10_000)
    expect(p.openStatementMs(T0 + 1_000)).toBe(700)
    p.pipelineDone(b)
    expect(p.openStatementMs(T0 + 1_000)).toBeNull()
  })

  it('measures an open statement against the clock by default', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    p.statementStarted({})
    vi.setSystemTime(T0 + 2_500)
    expect(p.openStatementMs()).toBe(2_500)
  })

  it('keeps the last and longest statement and the last size the controller chose', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    const owner = {}
    p.statementStarted(owner)
    p.statementDone(owner, 120, 5_000)
    expect([p.statements, p.lastStatementMs, p.maxStatementMs, p.statementSize]).toEqual([1, 120, 120, 5_000])
    p.statementStarted(owner)
    p.statementDone(owner, 80, 0) // no size: the previous one stands
    expect([p.statements, p.lastStatementMs, p.maxStatementMs, p.statementSize]).toEqual([2, 80, 120, 5_000])
    p.statementDone(owner, 400, 2_500)
    expect([p.statements, p.lastStatementMs, p.maxStatementMs, p.statementSize]).toEqual([3, 400, 400, 2_500])
    expect(p.openStatementMs()).toBeNull()
  })

  it('starts a restarted export from zero, open statements included', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    Object.assign(p, { rows: 500, batches: 5, rawBytes: 9_000, encodedBytes: 3_000 })
    p.statementStarted({})
    p.statementDone({}, 300, 100)
    p.statementStarted({})
    p.restart()
    expect([p.rows, p.batches, p.statements, p.lastStatementMs, p.maxStatementMs, p.rawBytes, p.encodedBytes]).toEqual([0, 0, 0, 0, 0, 0, 0])
    expect(p.openStatementMs(T0 + 10_000)).toBeNull()
  })
})

describe('ProgressMeter', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(T0)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  /** Snapshots once a second from `from` to `to` (seconds after T0), rows set by `rowsAt`. */
  function drive(meter: ProgressMeter, from: number, to: number, rowsAt: (s: number) => number) {
    let last = meter.snapshot(T0 + from * 1000)
    for (let s = from; s <= to; s++) {
      meter.progress.rows = rowsAt(s)
      last = meter.snapshot(T0 + s * 1000)
    }
    return last
  }

  it('averages since the start until it has a second of history', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    const meter = new ProgressMeter(p)
    expect(meter.snapshot(T0).rowsPerSec).toBe(0)
    p.rows = 600
    const s = meter.snapshot(T0 + 500)
    expect(s.elapsedMs).toBe(500)
    expect(s.rowsPerSec).toBe(1_200)
  })

  it('measures rows/s over the last five seconds, not since the start', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    const meter = new ProgressMeter(p)
    // 1,000 rows/s for 10 s, then 5,000 rows/s
    const rowsAt = (s: number) => (s <= 10 ? s * 1_000 : 10_000 + (s - 10) * 5_000)
    const s = drive(meter, 0, 16, rowsAt)
    expect(s.rows).toBe(40_000)
    expect(s.elapsedMs).toBe(16_000)
    expect(s.rowsPerSec).toBe(5_000)
  })

  it('falls to zero rows/s when the rows stop coming', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    p.estimatedRows = 1_000_000
    const meter = new ProgressMeter(p)
    const s = drive(meter, 0, 20, (s) => Math.min(s, 8) * 1_000)
    expect(s.rowsPerSec).toBe(0)
    expect(s.etaMs).toBeNull()
  })

  it('measures over the snapshots it has when they come further apart than the window', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    const meter = new ProgressMeter(p)
    meter.snapshot(T0)
    p.rows = 20_000
    meter.snapshot(T0 + 10_000)
    p.rows = 80_000
    expect(meter.snapshot(T0 + 20_000).rowsPerSec).toBe(6_000)
  })

  it('estimates the time left from the current rate', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    p.estimatedRows = 100_000
    const meter = new ProgressMeter(p)
    const s = drive(meter, 0, 8, (s) => s * 5_000)
    expect(s.rowsPerSec).toBe(5_000)
    expect(s.etaMs).toBe(12_000)
  })

  it('forgets the history of an attempt that restarted', () => {
    const p = new ExportProgress('orders', 'run-1', 'full')
    const meter = new ProgressMeter(p)
    drive(meter, 0, 10, (s) => s * 1_000)
    p.restart()
    p.rows = 3_000
    expect(meter.snapshot(T0 + 11_000).rowsPerSec).toBeGreaterThanOrEqual(0)
    p.rows = 6_000
    // measured from the restarted attempt only: with the old history it would be (6,000 - 7,000) / 5 s
    expect(meter.snapshot(T0 + 12_000).rowsPerSec).toBe(3_000)
  })

  it('carries the counters, rounded statement times and the open statement', () => {
    const p = new ExportProgress('orders', 'run-9', 'incremental')
    Object.assign(p, { phase: 'publishing', rows: 10, batches: 2, rawBytes: 1_000, encodedBytes: 400, statementUnit: 'pages' })
    const owner = {}
    p.statementStarted(owner)
    p.statementDone(owner, 12.6, 64)
    vi.setSystemTime(T0 + 1_000)
    p.statementStarted(owner)
    const s = new ProgressMeter(p).snapshot(T0 + 4_000)
    expect(s).toMatchObject({
      export: 'orders',
      runId: 'run-9',
      mode: 'incremental',
      phase: 'publishing',
      rows: 10,
      batches: 2,
      bytesRead: 1_000,
      bytesWritten: 400,
      statements: 1,
      statementMs: 3_000,
      lastStatementMs: 13,
      maxStatementMs: 13,
      statementSize: 64,
      statementUnit: 'pages',
      chunksDone: null,
      chunksTotal: null,
    })
    expect(s.rssBytes).toBeGreaterThan(0)
  })

  it('shows chunks, and an ETA by chunks, only for a chunked export', () => {
    const p = new ExportProgress('events', 'run-2', 'chunked')
    Object.assign(p, { chunksTotal: 8, chunksDone: 2 })
    const s = new ProgressMeter(p).snapshot(T0 + 10_000)
    expect([s.chunksDone, s.chunksTotal, s.etaMs]).toEqual([2, 8, 30_000])
  })
})
