import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStateStore, type StateStore } from '../../../src/state/index.js'
import { caught } from '../../helpers/errors.js'
import { fileInput, makeTempDir, runInput } from './helpers.js'

const dir = makeTempDir('state-chunks')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

let store: StateStore
let counter = 0
beforeEach(() => {
  store = openStateStore(path.join(dir, `state-${++counter}.db`))
})
afterEach(() => store.close())

const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 10, minute))
const threeChunks = [{ index: 0, lo: null, hi: '1000' }, { index: 1, lo: '1000', hi: '2000' }, { index: 2, lo: '2000', hi: null }]
const failure = { errorCode: 'RIVET_SOURCE_TIMEOUT', errorMessage: 'statement timeout' }
const failedRun = { status: 'failed' as const, errorCode: 'RIVET_SOURCE_TIMEOUT', errorMessage: 'timeout', finishedAt: at(59), durationMs: 10, peakRssBytes: 1, rows: 0, bytes: 0 }
const summary = { rows: 0, bytes: 0, filesCount: 0, durationMs: 1, peakRssBytes: 1, finishedAt: at(59) }

/** A chunked run of orders with three pending chunks. */
function chunkedRun(runId: string, minute: number, overrides: Parameters<typeof runInput>[0] = {}): void {
  store.beginRun(runInput({ runId, mode: 'chunked', startedAt: at(minute), ...overrides }))
  store.createChunkTasks(runId, overrides.exportName ?? 'orders', threeChunks)
}

/** The pid of a process that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise<void>((resolve, reject) => {
    child.once('exit', () => resolve())
    child.once('error', reject)
  })
  if (child.pid === undefined) throw new Error('child has no pid')
  return child.pid
}

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

  it('refuses chunks for an unknown run, another export, a duplicate or a bad index', () => {
    expect(caught(() => store.createChunkTasks('nope', 'orders', threeChunks)).code).toBe('RIVET_INTERNAL')
    store.beginRun(runInput({ runId: 'r1' }))
    expect(caught(() => store.createChunkTasks('r1', 'customers', threeChunks)).message).toMatch(/export customers for run r1 of export orders/)
    expect(caught(() => store.createChunkTasks('r1', 'orders', [{ index: 1.5, lo: null, hi: null }])).code).toBe('RIVET_INTERNAL')
    expect(caught(() => store.createChunkTasks('r1', 'orders', [threeChunks[0]!, threeChunks[0]!])).code).toBe('RIVET_STATE_ERROR')
    // each call is one transaction: the first chunk of the refused batch is not left behind
    expect(store.listChunkTasks()).toEqual([])
  })

  it('counts attempts: start, fail, start again, complete', () => {
    chunkedRun('r1', 0)
    expect(store.startChunk('r1', 1)).toBe(1)
    expect(store.listChunkTasks({ status: 'running' })).toMatchObject([{ index: 1, attempts: 1, finishedAt: null }])
    expect(store.listChunkTasks({ status: 'running' })[0]?.startedAt).toBeInstanceOf(Date)
    store.failChunk('r1', 1, failure)
    expect(store.listChunkTasks({ status: 'failed' })).toMatchObject([{ index: 1, attempts: 1, ...failure }])
    expect(store.startChunk('r1', 1)).toBe(2)
    expect(store.listChunkTasks({ status: 'running' })).toMatchObject([{ index: 1, attempts: 2, errorCode: null, errorMessage: null }])
    store.completeChunk('r1', 1, { rows: 1000, bytes: 5000, files: [] })
    const [done] = store.listChunkTasks({ status: 'completed' })
    expect(done).toMatchObject({ index: 1, attempts: 2, rows: 1000, bytes: 5000, errorCode: null })
    expect(done?.finishedAt).toBeInstanceOf(Date)
  })

  it('refuses to start a chunk that is running or completed, and to touch an unknown chunk', () => {
    chunkedRun('r1', 0)
    store.startChunk('r1', 0)
    expect(caught(() => store.startChunk('r1', 0)).message).toMatch(/cannot start chunk 0 of run r1: its status is 'running'/)
    store.completeChunk('r1', 0, { rows: 1, bytes: 1, files: [] })
    expect(caught(() => store.startChunk('r1', 0)).message).toMatch(/its status is 'completed'/)
    expect(caught(() => store.failChunk('r1', 0, failure)).message).toMatch(/cannot fail chunk 0/)
    expect(caught(() => store.completeChunk('r1', 0, { rows: 1, bytes: 1, files: [] })).message).toMatch(/cannot complete chunk 0/)
    expect(caught(() => store.startChunk('r1', 9)).message).toMatch(/chunk 9 of run r1: it is not recorded/)
    expect(store.listChunkTasks({ status: 'completed' })).toMatchObject([{ index: 0, attempts: 1, rows: 1 }])
  })

  it('publishes the files of a chunk with it: committed, tagged with the chunk, before the run completes', () => {
    chunkedRun('r1', 0)
    store.startChunk('r1', 2)
    const files = [fileInput(1, { path: '/data/c2_part1.parquet' }), fileInput(2, { path: '/data/c2_part2.parquet', chunkIndex: 7 })]
    store.completeChunk('r1', 2, { rows: 300, bytes: 3000, files })
    expect(store.getRun('r1')?.status).toBe('running')
    expect(store.listFiles({ runId: 'r1' }).map((f) => [f.path, f.committed, f.chunkIndex, f.exportName])).toEqual([
      ['/data/c2_part2.parquet', true, 2, 'orders'],
      ['/data/c2_part1.parquet', true, 2, 'orders'],
    ])
  })

  it('records neither files nor completion when the chunk is not running', () => {
    chunkedRun('r1', 0)
    expect(() => store.completeChunk('r1', 0, { rows: 1, bytes: 1, files: [fileInput(1)] })).toThrow(/status is 'pending'/)
    expect(store.listFiles({ includeUncommitted: true })).toEqual([])
    expect(store.listChunkTasks({ status: 'pending' })).toHaveLength(3)
  })

  it('tags pending files with their chunk when asked, and leaves others null', () => {
    store.beginRun(runInput())
    store.recordPendingFiles('run-1', [fileInput(1, { chunkIndex: 4 }), fileInput(2)])
    expect(store.listFiles({ includeUncommitted: true }).map((f) => [f.partIndex, f.chunkIndex, f.committed])).toEqual([[2, null, false], [1, 4, false]])
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
})

describe('plan hash', () => {
  it('is null until set, and refuses an unknown run', () => {
    store.beginRun(runInput())
    expect(store.getRun('run-1')?.planHash).toBeNull()
    store.setRunPlanHash('run-1', 'sha256:0f3c')
    expect(store.getRun('run-1')?.planHash).toBe('sha256:0f3c')
    expect(caught(() => store.setRunPlanHash('nope', 'x')).code).toBe('RIVET_INTERNAL')
  })
})

describe('findResumableRun', () => {
  it('finds the newest failed or interrupted run with chunks left', () => {
    chunkedRun('old', 0)
    store.failRun('old', failedRun)
    chunkedRun('new', 10)
    store.failRun('new', { ...failedRun, status: 'interrupted' })
    chunkedRun('other-export', 20, { exportName: 'customers' })
    store.failRun('other-export', failedRun)
    expect(store.findResumableRun('orders')?.runId).toBe('new')
    expect(store.findResumableRun('customers')?.runId).toBe('other-export')
    expect(store.findResumableRun('payments')).toBeUndefined()
  })

  it('skips runs whose chunks are all completed, and runs without chunks', () => {
    chunkedRun('with-chunks', 0)
    store.failRun('with-chunks', failedRun)
    chunkedRun('all-done', 10)
    for (const c of threeChunks) {
      store.startChunk('all-done', c.index)
      store.completeChunk('all-done', c.index, { rows: 1, bytes: 1, files: [] })
    }
    store.failRun('all-done', failedRun)
    store.beginRun(runInput({ runId: 'no-chunks', startedAt: at(20) }))
    store.failRun('no-chunks', failedRun)
    expect(store.findResumableRun('orders')?.runId).toBe('with-chunks')
  })

  it('does not resume a run that a later completed run superseded', () => {
    chunkedRun('failed', 0)
    store.failRun('failed', failedRun)
    store.beginRun(runInput({ runId: 'fresh', startedAt: at(10) }))
    store.completeRun('fresh', summary)
    expect(store.findResumableRun('orders')).toBeUndefined()
  })

  it('takes a stale running run, not one whose process is alive', async () => {
    chunkedRun('stale', 0, { pid: await deadPid() })
    chunkedRun('alive', 10, { pid: process.pid, hostname: os.hostname() })
    expect(store.findResumableRun('orders')?.runId).toBe('stale')
  })

  it('finds nothing once the chunks of the export are reset', () => {
    chunkedRun('failed', 0)
    store.failRun('failed', failedRun)
    store.resetExport('orders', { cursor: false, chunks: true })
    expect(store.findResumableRun('orders')).toBeUndefined()
  })
})

describe('reopenRun', () => {
  it('puts a failed run back to running under the new process, keeping its chunks', () => {
    chunkedRun('r1', 0, { pid: 1, hostname: 'old-host' })
    store.startChunk('r1', 0)
    store.completeChunk('r1', 0, { rows: 5, bytes: 50, files: [fileInput(1)] })
    store.failRun('r1', failedRun)
    store.reopenRun('r1', { pid: process.pid, hostname: 'new-host' })
    expect(store.getRun('r1')).toMatchObject({
      status: 'running', finishedAt: null, durationMs: null, errorCode: null, errorMessage: null, pid: process.pid, hostname: 'new-host',
    })
    expect(store.listChunkTasks({ runId: 'r1' }).map((c) => c.status)).toEqual(['completed', 'pending', 'pending'])
    store.completeRun('r1', summary)
    expect(store.listFiles({ runId: 'r1' })).toHaveLength(1)
  })

  it('refuses a completed or unknown run', () => {
    store.beginRun(runInput())
    store.completeRun('run-1', summary)
    expect(caught(() => store.reopenRun('run-1', { pid: 1, hostname: 'h' })).message).toMatch(/cannot reopen run run-1: its status is already 'completed'/)
    expect(store.getRun('run-1')?.status).toBe('completed')
    expect(caught(() => store.reopenRun('nope', { pid: 1, hostname: 'h' })).code).toBe('RIVET_INTERNAL')
  })
})
