import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStateStore, type StateStore } from '../../../src/state/index.js'
import { fileInput, makeTempDir, runInput } from './helpers.js'

const dir = makeTempDir('state-query')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

let store: StateStore
let counter = 0
beforeEach(() => {
  store = openStateStore(path.join(dir, `state-${++counter}.db`))
  // orders: r1 (completed) < r3 (failed) < r4 (running); customers: r2 (completed). Inserted out of order.
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 10, minute))
  store.beginRun(runInput({ runId: 'r3', startedAt: at(30) }))
  store.beginRun(runInput({ runId: 'r1', startedAt: at(10) }))
  store.beginRun(runInput({ runId: 'r2', exportName: 'customers', startedAt: at(20) }))
  store.beginRun(runInput({ runId: 'r4', startedAt: at(40) }))
  const done = { filesCount: 1, peakRssBytes: 0, finishedAt: at(50) }
  store.recordPendingFiles('r1', [fileInput(1, { createdAt: at(11) }), fileInput(2, { createdAt: at(12) })])
  store.completeRun('r1', { ...done, rows: 1_000_000, bytes: 50 * 1024 * 1024, durationMs: 4000, peakRssBytes: 256 * 1024 * 1024, filesCount: 2 })
  store.recordPendingFiles('r2', [fileInput(1, { createdAt: at(21), path: '/data/customers.parquet' })])
  store.completeRun('r2', { ...done, rows: 10, bytes: 100, durationMs: 0 })
  store.recordPendingFiles('r3', [fileInput(1, { createdAt: at(31) })])
  store.failRun('r3', { status: 'failed', errorCode: 'RIVET_SOURCE_TIMEOUT', errorMessage: 'timeout', finishedAt: at(35), durationMs: 500, peakRssBytes: 1024 * 1024, rows: 250, bytes: 2048 })
})
afterEach(() => store.close())

describe('listRuns', () => {
  it('returns runs newest first', () => {
    expect(store.listRuns().map((r) => r.runId)).toEqual(['r4', 'r3', 'r2', 'r1'])
  })

  it('filters by export, status and limit', () => {
    expect(store.listRuns({ exportName: 'orders' }).map((r) => r.runId)).toEqual(['r4', 'r3', 'r1'])
    expect(store.listRuns({ status: 'completed' }).map((r) => r.runId)).toEqual(['r2', 'r1'])
    expect(store.listRuns({ exportName: 'orders', status: 'completed' }).map((r) => r.runId)).toEqual(['r1'])
    expect(store.listRuns({ limit: 2 }).map((r) => r.runId)).toEqual(['r4', 'r3'])
    expect(store.listRuns({ exportName: 'nope' })).toEqual([])
  })

  it('breaks ties in start time by insertion order', () => {
    const same = new Date(Date.UTC(2026, 10, 25))
    store.beginRun(runInput({ runId: 'tie-a', startedAt: same }))
    store.beginRun(runInput({ runId: 'tie-b', startedAt: same }))
    expect(store.listRuns({ limit: 2 }).map((r) => r.runId)).toEqual(['tie-b', 'tie-a'])
  })

  it('returns undefined for an unknown run id', () => {
    expect(store.getRun('missing')).toBeUndefined()
  })
})

describe('listFiles', () => {
  it('returns committed files newest first', () => {
    expect(store.listFiles().map((f) => [f.runId, f.partIndex])).toEqual([['r2', 1], ['r1', 2], ['r1', 1]])
  })

  it('includes uncommitted files of failed runs only when asked', () => {
    const all = store.listFiles({ includeUncommitted: true })
    expect(all.map((f) => [f.runId, f.committed])).toEqual([['r3', false], ['r2', true], ['r1', true], ['r1', true]])
  })

  it('filters by export, run and limit', () => {
    expect(store.listFiles({ exportName: 'customers' }).map((f) => f.path)).toEqual(['/data/customers.parquet'])
    expect(store.listFiles({ runId: 'r1' }).map((f) => f.partIndex)).toEqual([2, 1])
    expect(store.listFiles({ runId: 'r3' })).toEqual([])
    expect(store.listFiles({ exportName: 'orders', limit: 1 }).map((f) => f.partIndex)).toEqual([2])
  })
})

describe('metrics', () => {
  it('computes throughput per run', () => {
    const [r4, r3, r2, r1] = store.metrics()
    expect(r1).toMatchObject({ runId: 'r1', status: 'completed', rows: 1_000_000, filesCount: 2, errorCode: null })
    expect(r1.rowsPerSec).toBe(250_000)
    expect(r1.mbPerSec).toBe(12.5)
    expect(r1.peakRssMb).toBe(256)
    expect(r3).toMatchObject({ status: 'failed', errorCode: 'RIVET_SOURCE_TIMEOUT', rowsPerSec: 500, mbPerSec: 2048 / 1024 / 1024 / 0.5, peakRssMb: 1 })
    // A zero duration has no meaningful rate; a running run has no figures yet.
    expect(r2).toMatchObject({ rowsPerSec: null, mbPerSec: null })
    expect(r4).toMatchObject({ status: 'running', rows: null, rowsPerSec: null, mbPerSec: null, peakRssMb: null })
  })

  it('filters by export and limit', () => {
    expect(store.metrics({ exportName: 'orders', limit: 2 }).map((m) => m.runId)).toEqual(['r4', 'r3'])
  })
})
