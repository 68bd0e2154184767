import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProgressBoard } from '../../../../src/cli/progress/index.js'
import type { BoardEntry } from '../../../../src/cli/progress/index.js'
import { ExportProgress } from '../../../../src/engine/index.js'
import { exportResult, snapshotOf } from './fixtures.js'

const T0 = Date.UTC(2024, 0, 15, 8, 0, 0)

const states = (entries: readonly BoardEntry[]) => entries.map((e) => `${e.name}:${e.state}`)

function entry(board: ProgressBoard, name: string, now?: number): BoardEntry {
  const found = board.entries(now).find((e) => e.name === name)
  if (found === undefined) throw new Error(`no entry ${name}`)
  return found
}

describe('ProgressBoard', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(T0)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('takes each export from waiting through starting and running to done', () => {
    const board = new ProgressBoard()
    board.runStarted(['orders'], false)
    expect(board.parallel).toBe(false)
    expect(entry(board, 'orders')).toEqual({ state: 'waiting', name: 'orders' })

    vi.setSystemTime(T0 + 1_000)
    board.exportStarted('orders')
    expect(entry(board, 'orders')).toEqual({ state: 'starting', name: 'orders', since: T0 + 1_000 })

    const progress = new ExportProgress('orders', 'run-orders', 'full')
    progress.phase = 'reading'
    progress.rows = 42
    board.exportProgress(progress)
    const running = entry(board, 'orders', T0 + 3_000)
    expect(running.state).toBe('running')
    if (running.state !== 'running') return
    expect(running.snapshot).toMatchObject({ export: 'orders', rows: 42, phase: 'reading', elapsedMs: 2_000 })

    progress.rows = 1_000
    vi.setSystemTime(T0 + 5_000)
    board.exportFinished(exportResult('orders', 'completed', { rows: 1_000, bytes: 8_000, files: 3, durationMs: 4_000 }))
    const done = entry(board, 'orders')
    expect(done.state).toBe('done')
    if (done.state !== 'done') return
    expect(done.finished).toEqual({ status: 'completed', rows: 1_000, bytes: 8_000, files: 3, durationMs: 4_000, error: null })
    // the figures as they were when it finished, not as last drawn
    expect(done.last).toMatchObject({ rows: 1_000, elapsedMs: 4_000 })
  })

  it('keeps the code and message of a failure', () => {
    const board = new ProgressBoard()
    board.runStarted(['orders'], false)
    board.exportStarted('orders')
    board.exportFinished(exportResult('orders', 'failed', { durationMs: 750, error: { code: 'RIVET_SOURCE_AUTH', message: 'password authentication failed' } }))
    const done = entry(board, 'orders')
    if (done.state !== 'done') throw new Error(`expected done, got ${done.state}`)
    expect(done.finished).toMatchObject({ status: 'failed', files: 0, durationMs: 750, error: { code: 'RIVET_SOURCE_AUTH', message: 'password authentication failed' } })
    // it never ran: no figures to keep
    expect(done.last).toBeNull()
  })

  it('lists the exports in run order whatever order they start and finish in', () => {
    const board = new ProgressBoard()
    board.runStarted(['a', 'b', 'c', 'd'], true)
    expect(board.parallel).toBe(true)
    board.exportStarted('c')
    board.exportProgress(new ExportProgress('c', 'run-c', 'full'))
    board.exportStarted('b')
    board.exportFinished(exportResult('c', 'completed'))
    board.exportStarted('d')
    expect(states(board.entries())).toEqual(['a:waiting', 'b:starting', 'c:done', 'd:starting'])
    // an export the run did not announce goes last
    board.report(snapshotOf({ export: 'z' }))
    expect(states(board.entries())).toEqual(['a:waiting', 'b:starting', 'c:done', 'd:starting', 'z:running'])
    // announcing the run again keeps what is known
    board.runStarted(['a', 'b', 'c', 'd'], true)
    expect(states(board.entries())).toEqual(['a:waiting', 'b:starting', 'c:done', 'd:starting', 'z:running'])
  })

  it('ages a reported snapshot: elapsed time and the open statement keep running', () => {
    const board = new ProgressBoard()
    board.runStarted(['orders', 'events'], true)
    board.report(snapshotOf({ export: 'orders', elapsedMs: 10_000, statementMs: 2_000, rows: 500 }))
    board.report(snapshotOf({ export: 'events', elapsedMs: 4_000, statementMs: null }))
    const [orders, events] = board.running(T0 + 3_000)
    expect(orders).toMatchObject({ export: 'orders', elapsedMs: 13_000, statementMs: 5_000, rows: 500 })
    expect(events).toMatchObject({ export: 'events', elapsedMs: 7_000, statementMs: null })
    // a newer event replaces the figures and restarts the ageing
    vi.setSystemTime(T0 + 4_000)
    board.report(snapshotOf({ export: 'orders', elapsedMs: 14_000, statementMs: null, rows: 900 }))
    expect(board.running(T0 + 4_500)[0]).toMatchObject({ elapsedMs: 14_500, statementMs: null, rows: 900 })
  })

  it('keeps the last reported figures of an export that finished, and ignores reports after', () => {
    const board = new ProgressBoard()
    board.runStarted(['orders'], true)
    board.report(snapshotOf({ export: 'orders', elapsedMs: 10_000, rows: 500 }))
    vi.setSystemTime(T0 + 2_000)
    board.finish('orders', { status: 'completed', rows: 600, bytes: 1, files: 1, durationMs: 12_000, error: null })
    board.report(snapshotOf({ export: 'orders', elapsedMs: 20_000, rows: 999 }))
    const done = entry(board, 'orders', T0 + 9_000)
    if (done.state !== 'done') throw new Error(`expected done, got ${done.state}`)
    expect(done.last).toMatchObject({ rows: 500, elapsedMs: 12_000 })
    expect(board.running(T0 + 9_000)).toEqual([])
  })

  it('lists only the running exports in running()', () => {
    const board = new ProgressBoard()
    board.runStarted(['a', 'b', 'c'], true)
    board.exportStarted('a')
    board.exportProgress(new ExportProgress('b', 'run-b', 'full'))
    expect(board.running().map((s) => s.export)).toEqual(['b'])
  })
})
