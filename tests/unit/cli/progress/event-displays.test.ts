import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createProgressDisplay } from '../../../../src/cli/progress/index.js'
import type { ProgressDisplay, RunEvent } from '../../../../src/cli/progress/index.js'
import { ExportProgress } from '../../../../src/engine/index.js'
import type { ExportResult, RunReport } from '../../../../src/engine/index.js'
import { FakeStream, exportResult } from './fixtures.js'

const T0 = Date.UTC(2024, 0, 15, 8, 0, 0)
const INTERVAL_MS = 1_000

function reading(name: string, rows: number): ExportProgress {
  const progress = new ExportProgress(name, `run-${name}`, 'full')
  progress.phase = 'reading'
  progress.rows = rows
  return progress
}

function runReport(results: readonly ExportResult[], stdoutTaken: boolean): RunReport {
  return { configPath: 'rivet.yaml', results, exitCode: results.some((r) => r.status === 'failed') ? 2 : 0, processPeakRssBytes: 1_000_000, stdoutTaken }
}

/** Every write as the event it carries; each write must be exactly one JSON line. */
function events(stream: FakeStream): RunEvent[] {
  return stream.writes.map((w) => {
    expect(w.endsWith('\n')).toBe(true)
    expect(w.indexOf('\n')).toBe(w.length - 1)
    return JSON.parse(w) as RunEvent
  })
}

/** A run of two exports: orders runs and completes, customers fails; a message in between. */
function playRun(d: ProgressDisplay): void {
  d.observer.runStarted!(['orders', 'customers', 'events'], true)
  d.observer.exportStarted!('orders')
  const orders = reading('orders', 100)
  d.observer.exportProgress!(orders)
  vi.advanceTimersByTime(INTERVAL_MS)
  d.observer.exportStarted!('customers')
  d.log('customers: retrying after a lost connection')
  orders.rows = 300
  vi.advanceTimersByTime(INTERVAL_MS)
  d.observer.exportFinished!(exportResult('orders', 'completed', { rows: 300, bytes: 4_000, files: 1, durationMs: 2_000 }))
  vi.advanceTimersByTime(INTERVAL_MS)
  d.observer.exportFinished!(exportResult('customers', 'failed', { durationMs: 2_500, error: { code: 'RIVET_SOURCE_CONNECTION_LOST', message: 'connection lost' } }))
}

describe('NdjsonDisplay', () => {
  let display: ProgressDisplay | null = null

  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(T0)
  })
  afterEach(() => {
    display?.close()
    display = null
    vi.useRealTimers()
  })

  function open(stream: FakeStream, eventsOnly = false): ProgressDisplay {
    display = createProgressDisplay({ mode: 'json', stream: stream.asStream(), intervalMs: INTERVAL_MS, eventsOnly })
    return display
  }

  it('writes the events of a run in order, one JSON object per line', () => {
    const stream = new FakeStream(80, false)
    const d = open(stream)
    playRun(d)
    d.close(runReport([exportResult('orders', 'completed', { rows: 300 }), exportResult('customers', 'failed')], false))
    const all = events(stream)
    expect(all.map((e) => (e.event === 'progress' ? `progress:${e.export}:${e.rows}` : e.event))).toEqual([
      'run_started',
      'export_started',
      'progress:orders:100',
      'export_started',
      'log',
      'progress:orders:300',
      'export_finished',
      'export_finished',
      'run_finished',
    ])
    expect(all[0]).toMatchObject({ event: 'run_started', exports: ['orders', 'customers', 'events'], parallel: true, at: new Date(T0).toISOString() })
    expect(all[4]).toMatchObject({ event: 'log', message: 'customers: retrying after a lost connection' })
    expect(all[6]).toMatchObject({ event: 'export_finished', export: 'orders', runId: 'run-orders', status: 'completed', rows: 300, bytes: 4_000, files: 1, durationMs: 2_000, error: null })
    expect(all[7]).toMatchObject({ event: 'export_finished', export: 'customers', status: 'failed', error: { code: 'RIVET_SOURCE_CONNECTION_LOST', message: 'connection lost' } })
    expect(all[8]).toEqual({ event: 'run_finished', at: new Date(T0 + 3 * INTERVAL_MS).toISOString(), exitCode: 2, completed: 1, failed: 1 })
    // the times follow the clock
    const times = all.map((e) => Date.parse(e.at))
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })

  it('sends progress only for the exports running, with their figures', () => {
    const stream = new FakeStream(80, false)
    const d = open(stream)
    d.observer.runStarted!(['orders', 'customers'], true)
    d.observer.exportStarted!('orders')
    d.observer.exportStarted!('customers')
    const orders = reading('orders', 0)
    orders.estimatedRows = 10_000
    d.observer.exportProgress!(orders)
    for (let s = 1; s <= 3; s++) {
      orders.rows = s * 1_000
      vi.advanceTimersByTime(INTERVAL_MS)
    }
    d.observer.exportFinished!(exportResult('orders', 'completed'))
    vi.advanceTimersByTime(INTERVAL_MS * 5)
    const progress = events(stream).filter((e) => e.event === 'progress')
    expect(progress.map((e) => e.export)).toEqual(['orders', 'orders', 'orders'])
    const last = progress[2]!
    expect(last).toMatchObject({ runId: 'run-orders', phase: 'reading', rows: 3_000, elapsedMs: 3_000, rowsPerSec: 1_000, estimatedRows: 10_000, etaMs: 7_000 })
  })

  it('with eventsOnly, sends neither progress nor messages', () => {
    const stream = new FakeStream(80, false)
    const d = open(stream, true)
    playRun(d)
    vi.advanceTimersByTime(INTERVAL_MS * 10)
    expect(vi.getTimerCount()).toBe(0)
    d.close(runReport([exportResult('orders', 'completed'), exportResult('customers', 'failed')], false))
    expect(events(stream).map((e) => e.event)).toEqual(['run_started', 'export_started', 'export_started', 'export_finished', 'export_finished', 'run_finished'])
  })

  it('puts the report document in run_finished only when the data took stdout', () => {
    const results = [exportResult('orders', 'completed', { rows: 300, bytes: 4_000, files: 2, durationMs: 2_000 }), exportResult('customers', 'failed')]

    const taken = new FakeStream(80, false)
    open(taken).close(runReport(results, true))
    const [withReport] = events(taken)
    expect(withReport).toMatchObject({ event: 'run_finished', exitCode: 2, completed: 1, failed: 1 })
    if (withReport?.event !== 'run_finished') throw new Error('expected run_finished')
    const doc = withReport.report as { config: string; exports: { name: string; status: string; rows: number; error: { code: string } | null }[] }
    expect(doc.config).toBe('rivet.yaml')
    expect(doc.exports.map((e) => [e.name, e.status, e.rows, e.error?.code ?? null])).toEqual([
      ['orders', 'completed', 300, null],
      ['customers', 'failed', 0, 'RIVET_SOURCE_TIMEOUT'],
    ])

    const free = new FakeStream(80, false)
    open(free).close(runReport(results, false))
    const [withoutReport] = events(free)
    expect(withoutReport?.event).toBe('run_finished')
    expect(withoutReport).not.toHaveProperty('report')
  })

  it('stops its timer when closed, with no event when there is no report', () => {
    const stream = new FakeStream(80, false)
    const d = open(stream)
    d.observer.runStarted!(['orders'], false)
    d.observer.exportProgress!(reading('orders', 5))
    expect(vi.getTimerCount()).toBe(1)
    d.close()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(INTERVAL_MS * 5)
    expect(events(stream).map((e) => e.event)).toEqual(['run_started'])
  })
})

describe('LinesDisplay', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(T0)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('writes a line per running export every interval, and messages as they come', () => {
    const stream = new FakeStream(80, false)
    const d = createProgressDisplay({ mode: 'lines', stream: stream.asStream(), intervalMs: 10_000 })
    d.observer.runStarted!(['orders', 'customers'], false)
    expect(stream.writes).toEqual([])
    d.log('orders: planning 12 chunks')
    expect(stream.writes).toEqual(['orders: planning 12 chunks\n'])
    d.observer.exportStarted!('orders')
    d.observer.exportProgress!(reading('orders', 2_000))
    vi.advanceTimersByTime(9_999)
    expect(stream.writes).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(stream.writes).toHaveLength(2)
    expect(stream.writes[1]).toMatch(/^export orders: reading, 2,000 rows, .*\(0:10 elapsed\)\n$/)
    expect(stream.writes.join('')).not.toContain('\u001b')
    d.close()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(60_000)
    expect(stream.writes).toHaveLength(2)
  })
})

describe('QuietDisplay', () => {
  it('writes nothing but still keeps the board', () => {
    const stream = new FakeStream(80, true)
    const d = createProgressDisplay({ mode: 'quiet', stream: stream.asStream(), intervalMs: 1_000 })
    d.observer.runStarted!(['orders'], false)
    d.observer.exportStarted!('orders')
    d.log('a message')
    d.observer.exportFinished!(exportResult('orders', 'completed'))
    d.close()
    expect(stream.writes).toEqual([])
    expect(d.board.entries().map((e) => e.state)).toEqual(['done'])
  })
})
