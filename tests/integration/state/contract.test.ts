import { spawn } from 'node:child_process'
import os from 'node:os'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CursorInput, StateStore } from '../../../src/state/index.js'
import { pgAvailable } from '../../helpers/db.js'
import { caught } from '../../helpers/errors.js'
import { fileInput, runInput } from '../../unit/state/helpers.js'
import { postgresBackend, sqliteBackend, type Backend } from './backends.js'
import { StateChild } from './children.js'

// One behavioural suite for every StateStore: what the engine relies on must hold on SQLite and PostgreSQL alike.
const hasPg = await pgAvailable()
const backends: Backend[] = [sqliteBackend(), ...(hasPg ? [postgresBackend('it_state_contract')] : [])]
afterAll(async () => {
  for (const backend of backends) await backend.cleanup()
})

const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 10, minute))
const summary = { rows: 300, bytes: 3000, filesCount: 2, durationMs: 1500, peakRssBytes: 64 * 1024 * 1024, finishedAt: new Date('2026-11-24T21:53:14.000Z') }
const failure = (overrides = {}) => ({
  status: 'failed' as const, errorCode: 'RIVET_SOURCE_TIMEOUT', errorMessage: 'timeout', finishedAt: at(59), durationMs: 10, peakRssBytes: 1, rows: 0, bytes: 0, ...overrides,
})
const threeChunks = [{ index: 0, lo: null, hi: '1000' }, { index: 1, lo: '1000', hi: '2000' }, { index: 2, lo: '2000', hi: null }]
const chunkFailure = { errorCode: 'RIVET_SOURCE_TIMEOUT', errorMessage: 'statement timeout' }
const firstCursor: CursorInput = { value: '2026-11-24 10:00:00.123456+00', type: 'timestamptz', boundaryKeys: [['17', 'eu'], ['18', null]], boundaryComplete: true }

/** The pid of a process that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise<void>((resolve, reject) => {
    child.once('exit', () => resolve())
    child.once('error', reject)
  })
  return child.pid!
}

describe.each(backends)('StateStore contract: $name', (backend) => {
  let store: StateStore
  const extra: StateStore[] = []
  const children: StateChild[] = []
  beforeEach(async () => {
    store = await backend.fresh()
  })
  afterEach(async () => {
    for (const child of children.splice(0)) await child.kill()
    for (const other of extra.splice(0)) other.close()
    store.close()
  })
  /** Another store on the same state, closed after the test. */
  const second = () => {
    const other = backend.open()
    extra.push(other)
    return other
  }

  /** A chunked run of orders (or another export) with three pending chunks. */
  function chunkedRun(runId: string, minute: number, overrides: Parameters<typeof runInput>[0] = {}): void {
    store.beginRun(runInput({ runId, mode: 'chunked', startedAt: at(minute), ...overrides }))
    store.createChunkTasks(runId, overrides.exportName ?? 'orders', threeChunks)
  }

  describe('run lifecycle', () => {
    it('records a run from start to completion with its files', () => {
      store.beginRun(runInput())
      expect(store.getRun('run-1')).toMatchObject({ status: 'running', finishedAt: null, rows: null, pid: process.pid, mode: 'full', planHash: null, stats: null })
      store.recordPendingFiles('run-1', [fileInput(1), fileInput(2)])
      expect(store.listFiles()).toEqual([])
      expect(store.listFiles({ includeUncommitted: true }).map((f) => f.committed)).toEqual([false, false])
      store.completeRun('run-1', { ...summary, stats: { statementMs: [12, 15], batchRows: 8192, label: 'x' } })
      const run = store.getRun('run-1')!
      expect(run).toMatchObject({ status: 'completed', rows: 300, bytes: 3000, filesCount: 2, durationMs: 1500, peakRssBytes: 64 * 1024 * 1024, errorCode: null })
      expect(run.startedAt.toISOString()).toBe('2026-11-24T21:53:12.000Z')
      expect(run.finishedAt?.toISOString()).toBe('2026-11-24T21:53:14.000Z')
      expect(run.stats).toEqual({ statementMs: [12, 15], batchRows: 8192, label: 'x' })
      const files = store.listFiles()
      expect(files.map((f) => [f.partIndex, f.committed, f.exportName, f.runId, f.chunkIndex])).toEqual([[2, true, 'orders', 'run-1', null], [1, true, 'orders', 'run-1', null]])
      expect(files[1]).toMatchObject({ rows: 100, bytes: 1000, xxh3: '0123456789abcdef', fileName: 'orders_20261124T215312Z_part1.parquet', format: 'parquet', compression: 'zstd' })
      expect(files[1]!.createdAt.toISOString()).toBe('2026-11-24T21:53:13.000Z')
      expect(files[0]!.id).toBeGreaterThan(files[1]!.id)
    })

    it('commits files only together with the run (one transaction)', async () => {
      store.beginRun(runInput())
      store.recordPendingFiles('run-1', [fileInput(1), fileInput(2)])
      await backend.refuseCompletion()
      expect(caught(() => store.completeRun('run-1', summary)).message).toMatch(/refused/)
      expect(store.listFiles({ includeUncommitted: true }).map((f) => f.committed)).toEqual([false, false])
      expect(store.getRun('run-1')?.status).toBe('running')
    })

    it('refuses to complete a run that is no longer running, leaving its files uncommitted', () => {
      store.beginRun(runInput())
      store.recordPendingFiles('run-1', [fileInput(1)])
      store.failRun('run-1', failure())
      const err = caught(() => store.completeRun('run-1', summary))
      expect([err.code, err.message]).toEqual(['RIVET_INTERNAL', expect.stringMatching(/already 'failed'/)])
      expect(store.listFiles({ includeUncommitted: true })[0]!.committed).toBe(false)
    })

    it('refuses files and completion for an unknown run', () => {
      expect(caught(() => store.recordPendingFiles('nope', [fileInput(1)])).code).toBe('RIVET_INTERNAL')
      expect(caught(() => store.completeRun('nope', summary)).message).toMatch(/nope is not recorded/)
      expect(store.listFiles({ includeUncommitted: true })).toEqual([])
    })

    it('records failures and never rewrites a completed run', () => {
      store.beginRun(runInput())
      store.failRun('run-1', failure({ status: 'interrupted', errorCode: 'RIVET_CANCELLED', errorMessage: 'SIGINT', durationMs: 42, rows: 7, bytes: 70, stats: { batches: 1 } }))
      expect(store.getRun('run-1')).toMatchObject({ status: 'interrupted', errorCode: 'RIVET_CANCELLED', errorMessage: 'SIGINT', rows: 7, bytes: 70, durationMs: 42, stats: { batches: 1 } })
      store.beginRun(runInput({ runId: 'run-2' }))
      store.completeRun('run-2', summary)
      expect(caught(() => store.failRun('run-2', failure({ errorMessage: 'late' }))).message).toMatch(/already 'completed'/)
      expect(store.getRun('run-2')?.status).toBe('completed')
    })

    it('rejects a duplicate run id as RIVET_STATE_ERROR', () => {
      store.beginRun(runInput())
      expect(caught(() => store.beginRun(runInput())).code).toBe('RIVET_STATE_ERROR')
    })

    it('records the completion a run prepared, and refuses to prepare a finished run', () => {
      store.beginRun(runInput())
      expect(store.getPreparedCompletion('run-1')).toBeUndefined()
      store.prepareCompletion('run-1', firstCursor)
      const prepared = store.getPreparedCompletion('run-1')
      expect(prepared?.cursor).toEqual(firstCursor)
      expect(prepared?.preparedAt).toBeInstanceOf(Date)
      store.beginRun(runInput({ runId: 'run-2' }))
      store.prepareCompletion('run-2', null)
      expect(store.getPreparedCompletion('run-2')?.cursor).toBeNull()
      store.completeRun('run-2', summary)
      expect(caught(() => store.prepareCompletion('run-2', null)).message).toMatch(/cannot prepare run run-2: its status is already 'completed'/)
    })
  })

  describe('stale runs', () => {
    it('finds a run whose pid is dead on this host, and not one whose pid is alive', async () => {
      const pid = await deadPid()
      store.beginRun(runInput({ runId: 'dead', pid }))
      store.beginRun(runInput({ runId: 'alive' }))
      store.beginRun(runInput({ runId: 'done', pid }))
      store.completeRun('done', summary)
      expect(store.findStaleRuns().map((r) => r.runId)).toEqual(['dead'])
      expect(store.findStaleRuns('orders').map((r) => r.runId)).toEqual(['dead'])
      expect(store.findStaleRuns('customers')).toEqual([])
    })

    it('treats runs of another host as stale only after a day', () => {
      const other = `${os.hostname()}-elsewhere`
      store.beginRun(runInput({ runId: 'old-foreign', hostname: other, startedAt: new Date(Date.now() - 25 * 3600_000), pid: 1 }))
      store.beginRun(runInput({ runId: 'new-foreign', hostname: other, startedAt: new Date(Date.now() - 3600_000), pid: 999_999_999 }))
      expect(store.findStaleRuns().map((r) => r.runId)).toEqual(['old-foreign'])
    })

    it('marks stale runs interrupted with the reason, leaving finished runs alone', async () => {
      store.beginRun(runInput({ runId: 'dead', pid: await deadPid() }))
      store.beginRun(runInput({ runId: 'done' }))
      store.completeRun('done', summary)
      store.markInterrupted(['dead', 'done'], 'process exited without recording an outcome')
      expect(store.getRun('dead')).toMatchObject({ status: 'interrupted', errorCode: 'RIVET_CANCELLED', errorMessage: 'process exited without recording an outcome' })
      expect(store.getRun('dead')?.finishedAt).toBeInstanceOf(Date)
      expect(store.getRun('done')?.status).toBe('completed')
      expect(store.findStaleRuns()).toEqual([])
      store.markInterrupted([], 'nothing')
    })
  })

  describe('listing runs, files and metrics', () => {
    beforeEach(() => {
      // orders: r1 (completed) < r3 (failed) < r4 (running); customers: r2 (completed). Inserted out of order.
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
      store.failRun('r3', failure({ finishedAt: at(35), durationMs: 500, peakRssBytes: 1024 * 1024, rows: 250, bytes: 2048 }))
    })

    it('lists runs newest first, with filters, limit and ties broken by insertion order', () => {
      expect(store.listRuns().map((r) => r.runId)).toEqual(['r4', 'r3', 'r2', 'r1'])
      expect(store.listRuns({ exportName: 'orders' }).map((r) => r.runId)).toEqual(['r4', 'r3', 'r1'])
      expect(store.listRuns({ status: 'completed' }).map((r) => r.runId)).toEqual(['r2', 'r1'])
      expect(store.listRuns({ exportName: 'orders', status: 'completed' }).map((r) => r.runId)).toEqual(['r1'])
      expect(store.listRuns({ limit: 2 }).map((r) => r.runId)).toEqual(['r4', 'r3'])
      expect(store.listRuns({ limit: 0 })).toEqual([])
      expect(store.listRuns({ exportName: 'nope' })).toEqual([])
      expect(store.getRun('missing')).toBeUndefined()
      const same = new Date(Date.UTC(2026, 10, 25))
      store.beginRun(runInput({ runId: 'tie-a', startedAt: same }))
      store.beginRun(runInput({ runId: 'tie-b', startedAt: same }))
      expect(store.listRuns({ limit: 2 }).map((r) => r.runId)).toEqual(['tie-b', 'tie-a'])
      expect(caught(() => store.listRuns({ limit: -1 })).code).toBe('RIVET_INTERNAL')
    })

    it('lists committed files newest first; uncommitted only when asked; with filters', () => {
      expect(store.listFiles().map((f) => [f.runId, f.partIndex])).toEqual([['r2', 1], ['r1', 2], ['r1', 1]])
      expect(store.listFiles({ includeUncommitted: true }).map((f) => [f.runId, f.committed])).toEqual([['r3', false], ['r2', true], ['r1', true], ['r1', true]])
      expect(store.listFiles({ exportName: 'customers' }).map((f) => f.path)).toEqual(['/data/customers.parquet'])
      expect(store.listFiles({ runId: 'r1' }).map((f) => f.partIndex)).toEqual([2, 1])
      expect(store.listFiles({ runId: 'r3' })).toEqual([])
      expect(store.listFiles({ exportName: 'orders', limit: 1 }).map((f) => f.partIndex)).toEqual([2])
    })

    it('computes throughput per run, newest first, with filters', () => {
      const [r4, r3, r2, r1] = store.metrics()
      expect(r1).toMatchObject({ runId: 'r1', status: 'completed', rows: 1_000_000, filesCount: 2, errorCode: null, rowsPerSec: 250_000, mbPerSec: 12.5, peakRssMb: 256 })
      expect(r3).toMatchObject({ status: 'failed', errorCode: 'RIVET_SOURCE_TIMEOUT', rowsPerSec: 500, mbPerSec: 2048 / 1024 / 1024 / 0.5, peakRssMb: 1 })
      expect(r2).toMatchObject({ rowsPerSec: null, mbPerSec: null })
      expect(r4).toMatchObject({ status: 'running', rows: null, rowsPerSec: null, mbPerSec: null, peakRssMb: null })
      expect(store.metrics({ exportName: 'orders', limit: 2 }).map((m) => m.runId)).toEqual(['r4', 'r3'])
    })
  })

  describe('cursors', () => {
    /** Run `runId` of orders to completion with one file and the given cursor. */
    function completeWithCursor(runId: string, cursor: CursorInput, minute: number): void {
      store.beginRun(runInput({ runId, mode: 'incremental', startedAt: at(minute) }))
      store.recordPendingFiles(runId, [fileInput(1, { path: `/data/${runId}.parquet` })])
      store.completeRun(runId, { ...summary, finishedAt: at(minute + 1) }, { cursor })
    }

    it('stores the cursor with the run that completed, replaces it on the next, keeps it on a run without one', () => {
      expect(store.getCursor('orders')).toBeUndefined()
      completeWithCursor('r1', firstCursor, 1)
      expect(store.getCursor('orders')).toEqual({ exportName: 'orders', ...firstCursor, runId: 'r1', updatedAt: at(2) })
      completeWithCursor('r2', { value: '9000', type: 'bigint', boundaryKeys: null, boundaryComplete: false }, 3)
      expect(store.getCursor('orders')).toMatchObject({ value: '9000', type: 'bigint', boundaryKeys: null, boundaryComplete: false, runId: 'r2' })
      store.beginRun(runInput({ runId: 'r3' }))
      store.completeRun('r3', summary)
      expect(store.getCursor('orders')?.runId).toBe('r2')
      expect(store.getCursor('customers')).toBeUndefined()
    })

    it('keeps a boundary key exactly, whatever characters it holds', () => {
      const keys = [['a\u0000b', 'é"\\'], [null, '']]
      completeWithCursor('r1', { ...firstCursor, boundaryKeys: keys }, 1)
      expect(store.getCursor('orders')?.boundaryKeys).toEqual(keys)
    })

    it('does not advance the cursor for an unknown run or one no longer running', () => {
      completeWithCursor('r1', firstCursor, 1)
      expect(caught(() => store.completeRun('no-such-run', summary, { cursor: { ...firstCursor, value: 'later' } })).message).toMatch(/no-such-run is not recorded/)
      store.beginRun(runInput({ runId: 'r2' }))
      store.failRun('r2', failure())
      expect(caught(() => store.completeRun('r2', summary, { cursor: { ...firstCursor, value: 'later' } })).message).toMatch(/already 'failed'/)
      expect(store.getCursor('orders')).toMatchObject({ value: firstCursor.value, runId: 'r1' })
    })

    it('rolls back files and run when the cursor cannot be written', async () => {
      store.beginRun(runInput())
      store.recordPendingFiles('run-1', [fileInput(1)])
      await backend.refuseCursor()
      expect(caught(() => store.completeRun('run-1', summary, { cursor: firstCursor })).message).toMatch(/no cursor/)
      expect(store.getRun('run-1')?.status).toBe('running')
      expect(store.listFiles({ includeUncommitted: true }).map((f) => f.committed)).toEqual([false])
      expect(store.getCursor('orders')).toBeUndefined()
    })

    it('resetExport clears the cursor and/or the chunks of one export only', () => {
      completeWithCursor('r1', firstCursor, 1)
      chunkedRun('r2', 2)
      chunkedRun('c1', 3, { exportName: 'customers' })
      expect(store.resetExport('payments', { cursor: true, chunks: true })).toEqual({ cursorCleared: false, chunkTasksCleared: 0 })
      expect(store.resetExport('orders', { cursor: false, chunks: true })).toEqual({ cursorCleared: false, chunkTasksCleared: 3 })
      expect(store.getCursor('orders')?.runId).toBe('r1')
      expect(store.resetExport('orders', { cursor: true, chunks: false })).toEqual({ cursorCleared: true, chunkTasksCleared: 0 })
      expect(store.getCursor('orders')).toBeUndefined()
      expect(store.listChunkTasks().map((c) => c.runId)).toEqual(['c1', 'c1', 'c1'])
      // runs and files are history: they stay
      expect(store.getRun('r1')?.status).toBe('completed')
      expect(store.listFiles({ runId: 'r1' })).toHaveLength(1)
    })
  })

  describe('chunk tasks', () => {
    it('records the chunks of a run as pending with their bounds', () => {
      chunkedRun('r1', 0)
      expect(store.listChunkTasks()).toEqual(
        threeChunks.map((c) => ({
          runId: 'r1', exportName: 'orders', index: c.index, lo: c.lo, hi: c.hi, status: 'pending', attempts: 0,
          rows: null, bytes: null, errorCode: null, errorMessage: null, startedAt: null, finishedAt: null,
        })),
      )
    })

    it('refuses chunks for an unknown run, another export, a duplicate or a bad index, leaving none behind', () => {
      expect(caught(() => store.createChunkTasks('nope', 'orders', threeChunks)).code).toBe('RIVET_INTERNAL')
      store.beginRun(runInput({ runId: 'r1' }))
      expect(caught(() => store.createChunkTasks('r1', 'customers', threeChunks)).message).toMatch(/export customers for run r1 of export orders/)
      expect(caught(() => store.createChunkTasks('r1', 'orders', [{ index: 1.5, lo: null, hi: null }])).code).toBe('RIVET_INTERNAL')
      expect(caught(() => store.createChunkTasks('r1', 'orders', [threeChunks[0]!, threeChunks[0]!])).code).toBe('RIVET_STATE_ERROR')
      expect(store.listChunkTasks()).toEqual([])
    })

    it('counts attempts: start, fail, start again, complete', () => {
      chunkedRun('r1', 0)
      expect(store.startChunk('r1', 1)).toBe(1)
      const [running] = store.listChunkTasks({ status: 'running' })
      expect(running).toMatchObject({ index: 1, attempts: 1, finishedAt: null })
      expect(running?.startedAt).toBeInstanceOf(Date)
      store.failChunk('r1', 1, chunkFailure)
      expect(store.listChunkTasks({ status: 'failed' })).toMatchObject([{ index: 1, attempts: 1, ...chunkFailure }])
      expect(store.startChunk('r1', 1)).toBe(2)
      expect(store.listChunkTasks({ status: 'running' })).toMatchObject([{ index: 1, attempts: 2, errorCode: null, errorMessage: null }])
      store.completeChunk('r1', 1, { rows: 1000, bytes: 5000, files: [] })
      const [done] = store.listChunkTasks({ status: 'completed' })
      expect(done).toMatchObject({ index: 1, attempts: 2, rows: 1000, bytes: 5000, errorCode: null })
      expect(done?.finishedAt).toBeInstanceOf(Date)
    })

    it('refuses to start a running or completed chunk, and to touch an unknown one', () => {
      chunkedRun('r1', 0)
      store.startChunk('r1', 0)
      expect(caught(() => store.startChunk('r1', 0)).message).toMatch(/cannot start chunk 0 of run r1: its status is 'running'/)
      store.completeChunk('r1', 0, { rows: 1, bytes: 1, files: [] })
      expect(caught(() => store.startChunk('r1', 0)).message).toMatch(/its status is 'completed'/)
      expect(caught(() => store.failChunk('r1', 0, chunkFailure)).message).toMatch(/cannot fail chunk 0/)
      expect(caught(() => store.completeChunk('r1', 0, { rows: 1, bytes: 1, files: [] })).message).toMatch(/cannot complete chunk 0/)
      expect(caught(() => store.startChunk('r1', 9)).message).toMatch(/chunk 9 of run r1: it is not recorded/)
      expect(store.listChunkTasks({ status: 'completed' })).toMatchObject([{ index: 0, attempts: 1, rows: 1 }])
    })

    it('publishes the files of a chunk with it (replacing its pending records), before the run completes', () => {
      chunkedRun('r1', 0)
      store.startChunk('r1', 2)
      store.recordPendingFiles('r1', [fileInput(1, { path: '/data/c2_part1.parquet', chunkIndex: 2 })])
      const files = [fileInput(1, { path: '/data/c2_part1.parquet' }), fileInput(2, { path: '/data/c2_part2.parquet', chunkIndex: 7 })]
      store.completeChunk('r1', 2, { rows: 300, bytes: 3000, files })
      expect(store.getRun('r1')?.status).toBe('running')
      expect(store.listFiles({ runId: 'r1', includeUncommitted: true }).map((f) => [f.path, f.committed, f.chunkIndex, f.exportName])).toEqual([
        ['/data/c2_part2.parquet', true, 2, 'orders'],
        ['/data/c2_part1.parquet', true, 2, 'orders'],
      ])
    })

    it('records neither files nor completion when the chunk is not running', () => {
      chunkedRun('r1', 0)
      expect(caught(() => store.completeChunk('r1', 0, { rows: 1, bytes: 1, files: [fileInput(1)] })).message).toMatch(/status is 'pending'/)
      expect(store.listFiles({ includeUncommitted: true })).toEqual([])
      expect(store.listChunkTasks({ status: 'pending' })).toHaveLength(3)
    })

    it('puts running chunks back to pending after a crash', () => {
      chunkedRun('r1', 0)
      chunkedRun('r2', 1)
      store.startChunk('r1', 0)
      store.startChunk('r1', 1)
      store.startChunk('r2', 0)
      store.startChunk('r1', 2)
      store.completeChunk('r1', 2, { rows: 1, bytes: 1, files: [] })
      expect(store.resetRunningChunks('r1')).toBe(2)
      expect(store.listChunkTasks({ runId: 'r1' }).map((c) => [c.index, c.status, c.attempts, c.startedAt])).toEqual([
        [0, 'pending', 1, null],
        [1, 'pending', 1, null],
        [2, 'completed', 1, expect.any(Date)],
      ])
      expect(store.listChunkTasks({ runId: 'r2', status: 'running' })).toHaveLength(1)
      expect(store.resetRunningChunks('r1')).toBe(0)
    })

    it('lists chunks by run start, then index, with filters', () => {
      chunkedRun('later', 30)
      chunkedRun('earlier', 10)
      chunkedRun('cust', 20, { exportName: 'customers' })
      store.startChunk('earlier', 2)
      expect(store.listChunkTasks().map((c) => `${c.runId}:${c.index}`)).toEqual([
        'earlier:0', 'earlier:1', 'earlier:2', 'cust:0', 'cust:1', 'cust:2', 'later:0', 'later:1', 'later:2',
      ])
      expect(store.listChunkTasks({ exportName: 'customers' }).map((c) => c.runId)).toEqual(['cust', 'cust', 'cust'])
      expect(store.listChunkTasks({ runId: 'later' }).map((c) => c.index)).toEqual([0, 1, 2])
      expect(store.listChunkTasks({ exportName: 'orders', status: 'running' }).map((c) => `${c.runId}:${c.index}`)).toEqual(['earlier:2'])
    })

    it('keeps a plan hash, and refuses one for an unknown run', () => {
      store.beginRun(runInput())
      store.setRunPlanHash('run-1', 'sha256:0f3c')
      expect(store.getRun('run-1')?.planHash).toBe('sha256:0f3c')
      expect(caught(() => store.setRunPlanHash('nope', 'x')).code).toBe('RIVET_INTERNAL')
    })
  })

  describe('resuming', () => {
    it('finds the newest failed or interrupted run with chunks left, per export', () => {
      chunkedRun('old', 0)
      store.failRun('old', failure())
      chunkedRun('new', 10)
      store.failRun('new', failure({ status: 'interrupted' }))
      chunkedRun('other-export', 20, { exportName: 'customers' })
      store.failRun('other-export', failure())
      expect(store.findResumableRun('orders')?.runId).toBe('new')
      expect(store.findResumableRun('customers')?.runId).toBe('other-export')
      expect(store.findResumableRun('payments')).toBeUndefined()
    })

    it('skips runs whose chunks are all done, runs without chunks, and runs a later completed run superseded', () => {
      chunkedRun('with-chunks', 0)
      store.failRun('with-chunks', failure())
      chunkedRun('all-done', 10)
      for (const c of threeChunks) {
        store.startChunk('all-done', c.index)
        store.completeChunk('all-done', c.index, { rows: 1, bytes: 1, files: [] })
      }
      store.failRun('all-done', failure())
      store.beginRun(runInput({ runId: 'no-chunks', startedAt: at(20) }))
      store.failRun('no-chunks', failure())
      expect(store.findResumableRun('orders')?.runId).toBe('with-chunks')
      store.beginRun(runInput({ runId: 'fresh', startedAt: at(30) }))
      store.completeRun('fresh', summary)
      expect(store.findResumableRun('orders')).toBeUndefined()
    })

    it('takes a stale running run, not one whose process is alive', async () => {
      chunkedRun('stale', 0, { pid: await deadPid() })
      chunkedRun('alive', 10)
      expect(store.findResumableRun('orders')?.runId).toBe('stale')
    })

    it('reopens a failed run under the new process, keeping its chunks; refuses a completed or unknown run', () => {
      chunkedRun('r1', 0, { pid: 1, hostname: 'old-host' })
      store.startChunk('r1', 0)
      store.completeChunk('r1', 0, { rows: 5, bytes: 50, files: [fileInput(1)] })
      store.failRun('r1', failure())
      store.reopenRun('r1', { pid: process.pid, hostname: 'new-host' })
      expect(store.getRun('r1')).toMatchObject({ status: 'running', finishedAt: null, durationMs: null, errorCode: null, errorMessage: null, pid: process.pid, hostname: 'new-host' })
      expect(store.listChunkTasks({ runId: 'r1' }).map((c) => c.status)).toEqual(['completed', 'pending', 'pending'])
      store.completeRun('r1', summary)
      expect(store.listFiles({ runId: 'r1' })).toHaveLength(1)
      expect(caught(() => store.reopenRun('r1', { pid: 1, hostname: 'h' })).message).toMatch(/cannot reopen run r1: its status is already 'completed'/)
      expect(caught(() => store.reopenRun('nope', { pid: 1, hostname: 'h' })).code).toBe('RIVET_INTERNAL')
    })
  })

  describe('secrets', () => {
    it('stores a secret once; later callers (other stores too) get the first value and generate nothing', () => {
      expect(store.getSecret('k')).toBeUndefined()
      expect(store.ensureSecret('k', () => 'first')).toBe('first')
      let called = false
      const other = second()
      expect(
        other.ensureSecret('k', () => {
          called = true
          return 'second'
        }),
      ).toBe('first')
      expect(called).toBe(false)
      expect(other.getSecret('k')).toBe('first')
      expect(store.getSecret('other')).toBeUndefined()
    })
  })

  describe('export locks', () => {
    // a live process on this host that is not this one: a holder that is certainly alive
    const liveOther = { pid: process.ppid, hostname: os.hostname() }

    it('takes, reports and releases the lock; releasing a lock one does not hold is harmless', () => {
      expect(store.getExportLock('orders')).toBeUndefined()
      store.acquireExportLock('orders', { runId: 'a', ...liveOther })
      expect(store.getExportLock('orders')).toMatchObject({ exportName: 'orders', runId: 'a', ...liveOther })
      expect(store.getExportLock('orders')?.acquiredAt).toBeInstanceOf(Date)
      // the same run may take it again; another export is independent
      store.acquireExportLock('orders', { runId: 'a', ...liveOther })
      store.acquireExportLock('customers', { runId: 'c', ...liveOther })
      store.releaseExportLock('orders', 'someone-else')
      expect(store.getExportLock('orders')?.runId).toBe('a')
      store.releaseExportLock('orders', 'a')
      expect(store.getExportLock('orders')).toBeUndefined()
      expect(store.getExportLock('customers')?.runId).toBe('c')
    })

    it('refuses a second holder with RIVET_EXPORT_LOCKED naming the first, from this store and from another', () => {
      store.acquireExportLock('orders', { runId: 'a', ...liveOther })
      for (const taker of [store, second()]) {
        const err = caught(() => taker.acquireExportLock('orders', { runId: 'b', pid: process.pid, hostname: os.hostname() }))
        expect(err.code).toBe('RIVET_EXPORT_LOCKED')
        expect(err.message).toMatch(new RegExp(`run a \\(pid ${process.ppid} on `))
        expect(err.details).toMatchObject({ exportName: 'orders', runId: 'a', pid: process.ppid })
      }
      expect(store.getExportLock('orders')?.runId).toBe('a')
      store.releaseExportLock('orders', 'a')
      const other = extra[0]!
      other.acquireExportLock('orders', { runId: 'b', pid: process.pid, hostname: os.hostname() })
      expect(store.getExportLock('orders')?.runId).toBe('b')
    })

    it('takes over a lock whose holder is gone, and one held by the same process', async () => {
      store.acquireExportLock('orders', { runId: 'dead-run', pid: await deadPid(), hostname: os.hostname() })
      store.acquireExportLock('orders', { runId: 'b', pid: process.pid, hostname: os.hostname() })
      expect(store.getExportLock('orders')?.runId).toBe('b')
      // a resumed run re-takes the lock of its own process under its own run id
      store.acquireExportLock('orders', { runId: 'c', pid: process.pid, hostname: os.hostname() })
      expect(store.getExportLock('orders')?.runId).toBe('c')
    })
  })

  describe('journal', () => {
    it('appends events and lists them oldest first, with filters and a newest-n limit', () => {
      store.appendEvent('r1', 'orders', { kind: 'plan', message: 'planned 3 chunks', data: { chunks: 3 }, at: at(1) })
      store.appendEvent('r1', 'orders', { kind: 'chunk', message: 'chunk 0 done', data: { index: 0, rows: 10 } })
      store.appendEvent('c1', 'customers', { kind: 'warning', message: 'slow statement' })
      store.appendEvent('r1', 'orders', { kind: 'outcome', message: 'completed' })
      const all = store.listEvents()
      expect(all.map((e) => e.message)).toEqual(['planned 3 chunks', 'chunk 0 done', 'slow statement', 'completed'])
      expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b))
      expect(new Set(all.map((e) => e.seq)).size).toBe(4)
      expect(all[0]).toMatchObject({ runId: 'r1', exportName: 'orders', kind: 'plan', data: { chunks: 3 }, at: at(1) })
      expect(all[2]).toMatchObject({ data: null })
      expect(all[3]!.at).toBeInstanceOf(Date)
      expect(store.listEvents({ exportName: 'orders' }).map((e) => e.kind)).toEqual(['plan', 'chunk', 'outcome'])
      expect(store.listEvents({ runId: 'c1' }).map((e) => e.kind)).toEqual(['warning'])
      expect(store.listEvents({ kind: 'chunk' }).map((e) => e.data)).toEqual([{ index: 0, rows: 10 }])
      expect(store.listEvents({ exportName: 'orders', limit: 2 }).map((e) => e.kind)).toEqual(['chunk', 'outcome'])
      expect(store.listEvents({ limit: 0 })).toEqual([])
    })
  })

  describe('schema', () => {
    it('migrates an empty location to the latest version, once, and keeps data on reopen', async () => {
      expect(await backend.schemaVersions()).toEqual(Array.from({ length: backend.latest }, (_, i) => i + 1))
      store.beginRun(runInput())
      const other = second()
      expect(other.getRun('run-1')?.status).toBe('running')
      expect(await backend.schemaVersions()).toHaveLength(backend.latest)
    })

    it('refuses a state written by a newer schema with RIVET_STATE_VERSION', async () => {
      await backend.addFutureVersion()
      const err = caught(() => backend.open().close())
      expect(err.code).toBe('RIVET_STATE_VERSION')
      expect(err.message).toMatch(new RegExp(`knows up to ${backend.latest}`))
    })

    it('describes its location without a password', () => {
      expect(store.describeLocation()).not.toMatch(/:[^/@:]*@/)
      expect(store.describeLocation().length).toBeGreaterThan(0)
    })
  })

  describe('processes sharing the state', () => {
    it('runs two exports in two processes at once: both complete, with one shared secret and an ordered journal', async () => {
      // a location nothing has used yet: the two processes also race to create and migrate it
      store.close()
      await backend.reserve()
      const spawnRun = (exportName: string, runId: string) => new StateChild({ spec: backend.childSpec(), action: 'lifecycle', exportName, runId, chunks: 25 })
      const pair = [spawnRun('orders', 'run-orders'), spawnRun('customers', 'run-customers')]
      children.push(...pair)
      await Promise.all(pair.map((c) => c.next('ready', 'error')))
      for (const child of pair) child.go()
      const outcomes = await Promise.all(pair.map((c) => c.next('done', 'error')))
      expect(outcomes.map((o) => o.step)).toEqual(['done', 'done'])
      expect(outcomes[0]!.secret).toBe(outcomes[1]!.secret)

      store = backend.open()
      expect(store.getSecret('shared-secret')).toBe(outcomes[0]!.secret)
      for (const [exportName, runId] of [['orders', 'run-orders'], ['customers', 'run-customers']] as const) {
        expect(store.getRun(runId)).toMatchObject({ status: 'completed', exportName, rows: 250, filesCount: 25 })
        expect(store.listFiles({ runId }).map((f) => f.chunkIndex).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 25 }, (_, i) => i))
        expect(store.listChunkTasks({ runId, status: 'completed' })).toHaveLength(25)
        expect(store.getCursor(exportName)).toMatchObject({ value: '250', runId })
        expect(store.getExportLock(exportName)).toBeUndefined()
        const kinds = store.listEvents({ runId }).map((e) => e.kind)
        expect([kinds[0], kinds.length, kinds[kinds.length - 1]]).toEqual(['plan', 27, 'outcome'])
      }
      const seqs = store.listEvents().map((e) => e.seq)
      expect(seqs).toHaveLength(54)
      expect(new Set(seqs).size).toBe(54)
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    })

    it('refuses a second run of the same export while the first process lives, and takes the lock over once it is killed', async () => {
      const holder = new StateChild({ spec: backend.childSpec(), action: 'hold', exportName: 'orders', runId: 'first' })
      children.push(holder)
      const held = await holder.next('held', 'error')
      expect(held.step).toBe('held')

      const rival = new StateChild({ spec: backend.childSpec(), action: 'lifecycle', exportName: 'orders', runId: 'second', chunks: 1 })
      children.push(rival)
      await rival.next('ready', 'error')
      rival.go()
      const refused = await rival.next('done', 'error')
      expect(refused).toMatchObject({ step: 'error', code: 'RIVET_EXPORT_LOCKED' })
      expect(refused.message).toMatch(new RegExp(`run first \\(pid ${held.pid as number} on `))
      expect(store.getRun('second')).toBeUndefined()

      const err = caught(() => store.acquireExportLock('orders', { runId: 'third', pid: process.pid, hostname: os.hostname() }))
      expect(err.details).toMatchObject({ runId: 'first', pid: held.pid })

      await holder.kill()
      store.acquireExportLock('orders', { runId: 'third', pid: process.pid, hostname: os.hostname() })
      expect(store.getExportLock('orders')?.runId).toBe('third')
    })
  })
})
