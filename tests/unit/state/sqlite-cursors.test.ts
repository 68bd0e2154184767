import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStateStore, type CursorInput, type StateStore } from '../../../src/state/index.js'
import { caught } from '../../helpers/errors.js'
import { fileInput, makeTempDir, runInput } from './helpers.js'

const dir = makeTempDir('state-cursor')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

let file: string
let store: StateStore
let counter = 0
beforeEach(() => {
  file = path.join(dir, `state-${++counter}.db`)
  store = openStateStore(file)
})
afterEach(() => store.close())

const summary = (minute: number) => ({ rows: 10, bytes: 100, filesCount: 1, durationMs: 1000, peakRssBytes: 1, finishedAt: new Date(Date.UTC(2026, 10, 24, 10, minute)) })

const firstCursor: CursorInput = {
  value: '2026-11-24 10:00:00.123456+00',
  type: 'timestamptz',
  boundaryKeys: [['17', 'eu'], ['18', null]],
  boundaryComplete: true,
}

/** Run `runId` of orders to completion with one file and the given cursor. */
function completeWithCursor(runId: string, cursor: CursorInput, minute: number): void {
  store.beginRun(runInput({ runId, mode: 'incremental', startedAt: new Date(Date.UTC(2026, 10, 24, 9, minute)) }))
  store.recordPendingFiles(runId, [fileInput(1, { path: `/data/${runId}.parquet` })])
  store.completeRun(runId, summary(minute), { cursor })
}

describe('cursors', () => {
  it('has no cursor before the first incremental run completes', () => {
    store.beginRun(runInput())
    store.completeRun('run-1', summary(1))
    expect(store.getCursor('orders')).toBeUndefined()
  })

  it('stores the cursor with the run that completed, and replaces it on the next run', () => {
    completeWithCursor('r1', firstCursor, 1)
    expect(store.getCursor('orders')).toEqual({
      exportName: 'orders',
      value: '2026-11-24 10:00:00.123456+00',
      type: 'timestamptz',
      boundaryKeys: [['17', 'eu'], ['18', null]],
      boundaryComplete: true,
      runId: 'r1',
      updatedAt: new Date(Date.UTC(2026, 10, 24, 10, 1)),
    })
    completeWithCursor('r2', { value: '9000', type: 'bigint', boundaryKeys: null, boundaryComplete: false }, 2)
    expect(store.getCursor('orders')).toMatchObject({ value: '9000', type: 'bigint', boundaryKeys: null, boundaryComplete: false, runId: 'r2' })
    expect(store.getCursor('customers')).toBeUndefined()
  })

  it('leaves the cursor alone when the run completes without one', () => {
    completeWithCursor('r1', firstCursor, 1)
    store.beginRun(runInput({ runId: 'r2' }))
    store.completeRun('r2', summary(2))
    expect(store.getCursor('orders')?.runId).toBe('r1')
  })
})

describe('write before cursor (completeRun and the cursor share one transaction)', () => {
  it('does not touch the cursor when completing an unknown run', () => {
    completeWithCursor('r1', firstCursor, 1)
    const err = caught(() => store.completeRun('no-such-run', summary(2), { cursor: { ...firstCursor, value: 'later' } }))
    expect(err.code).toBe('RIVET_INTERNAL')
    expect(err.message).toMatch(/no-such-run is not recorded/)
    expect(store.getCursor('orders')).toMatchObject({ value: firstCursor.value, runId: 'r1' })
  })

  it('does not advance the cursor when the run is no longer running', () => {
    completeWithCursor('r1', firstCursor, 1)
    store.beginRun(runInput({ runId: 'r2' }))
    store.failRun('r2', { status: 'failed', errorCode: 'RIVET_SOURCE_QUERY', errorMessage: 'x', finishedAt: new Date(), durationMs: 1, peakRssBytes: 1, rows: 0, bytes: 0 })
    expect(() => store.completeRun('r2', summary(2), { cursor: { ...firstCursor, value: 'later' } })).toThrow(/already 'failed'/)
    expect(store.getCursor('orders')?.value).toBe(firstCursor.value)
  })

  it('rolls back files and run when the cursor cannot be written', () => {
    store.beginRun(runInput())
    store.recordPendingFiles('run-1', [fileInput(1)])
    const other = new Database(file)
    other.exec("CREATE TRIGGER refuse_cursor BEFORE INSERT ON cursors BEGIN SELECT RAISE(ABORT, 'no cursor'); END")
    other.close()
    expect(() => store.completeRun('run-1', summary(1), { cursor: firstCursor })).toThrow(/no cursor/)
    expect(store.getRun('run-1')?.status).toBe('running')
    expect(store.listFiles({ includeUncommitted: true }).map((f) => f.committed)).toEqual([false])
    expect(store.getCursor('orders')).toBeUndefined()
  })

  it('keeps the cursor where it was when completing the run fails after the files were updated', () => {
    completeWithCursor('r1', firstCursor, 1)
    store.beginRun(runInput({ runId: 'r2' }))
    store.recordPendingFiles('r2', [fileInput(1, { path: '/data/r2.parquet' })])
    const other = new Database(file)
    other.exec(`CREATE TRIGGER refuse_completion BEFORE UPDATE OF status ON runs WHEN NEW.status = 'completed'
      BEGIN SELECT RAISE(ABORT, 'refused'); END`)
    other.close()
    expect(() => store.completeRun('r2', summary(2), { cursor: { ...firstCursor, value: 'later' } })).toThrow(/refused/)
    expect(store.getCursor('orders')).toMatchObject({ value: firstCursor.value, runId: 'r1' })
    expect(store.listFiles({ runId: 'r2', includeUncommitted: true }).map((f) => f.committed)).toEqual([false])
  })
})

describe('resetExport', () => {
  beforeEach(() => {
    completeWithCursor('r1', firstCursor, 1)
    store.beginRun(runInput({ runId: 'r2', mode: 'chunked' }))
    store.createChunkTasks('r2', 'orders', [{ index: 0, lo: null, hi: '10' }, { index: 1, lo: '10', hi: null }])
    store.beginRun(runInput({ runId: 'c1', exportName: 'customers', mode: 'chunked' }))
    store.createChunkTasks('c1', 'customers', [{ index: 0, lo: null, hi: null }])
  })

  it('clears the cursor and the chunks of one export only', () => {
    expect(store.resetExport('orders', { cursor: true, chunks: true })).toEqual({ cursorCleared: true, chunkTasksCleared: 2 })
    expect(store.getCursor('orders')).toBeUndefined()
    expect(store.listChunkTasks().map((c) => c.runId)).toEqual(['c1'])
    // runs and files are history: they stay
    expect(store.getRun('r1')?.status).toBe('completed')
    expect(store.listFiles({ runId: 'r1' })).toHaveLength(1)
  })

  it('clears only what it is asked to', () => {
    expect(store.resetExport('orders', { cursor: false, chunks: true })).toEqual({ cursorCleared: false, chunkTasksCleared: 2 })
    expect(store.getCursor('orders')?.runId).toBe('r1')
    expect(store.resetExport('orders', { cursor: true, chunks: false })).toEqual({ cursorCleared: true, chunkTasksCleared: 0 })
    expect(store.getCursor('orders')).toBeUndefined()
  })

  it('reports nothing cleared when there is nothing to clear', () => {
    expect(store.resetExport('payments', { cursor: true, chunks: true })).toEqual({ cursorCleared: false, chunkTasksCleared: 0 })
    expect(store.listChunkTasks()).toHaveLength(3)
  })
})
