import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isRivetError } from '../../../src/errors/index.js'
import { openStateStore, type StateStore } from '../../../src/state/index.js'
import { fileInput, makeTempDir, runInput } from './helpers.js'

const dir = makeTempDir('state-life')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

let file: string
let store: StateStore
let counter = 0
beforeEach(() => {
  file = path.join(dir, `state-${++counter}.db`)
  store = openStateStore(file)
})
afterEach(() => store.close())

const summary = { rows: 300, bytes: 3000, filesCount: 2, durationMs: 1500, peakRssBytes: 64 * 1024 * 1024, finishedAt: new Date('2026-11-24T21:53:14.000Z') }

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

describe('run lifecycle', () => {
  it('records a run from start to completion with its files', () => {
    store.beginRun(runInput())
    expect(store.getRun('run-1')).toMatchObject({ status: 'running', finishedAt: null, rows: null, pid: process.pid, mode: 'full' })
    store.recordPendingFiles('run-1', [fileInput(1), fileInput(2)])
    expect(store.listFiles()).toEqual([])
    expect(store.listFiles({ includeUncommitted: true }).map((f) => f.committed)).toEqual([false, false])

    store.completeRun('run-1', { ...summary, stats: { statementMs: [12, 15], batchRows: 8192 } })
    const run = store.getRun('run-1')
    expect(run).toMatchObject({ status: 'completed', rows: 300, bytes: 3000, filesCount: 2, durationMs: 1500, errorCode: null })
    expect(run?.startedAt.toISOString()).toBe('2026-11-24T21:53:12.000Z')
    expect(run?.finishedAt?.toISOString()).toBe('2026-11-24T21:53:14.000Z')
    expect(run?.stats).toEqual({ statementMs: [12, 15], batchRows: 8192 })

    const files = store.listFiles()
    expect(files.map((f) => [f.partIndex, f.committed, f.exportName, f.runId])).toEqual([
      [2, true, 'orders', 'run-1'],
      [1, true, 'orders', 'run-1'],
    ])
    expect(files[1]).toMatchObject({ rows: 100, bytes: 1000, xxh3: '0123456789abcdef', fileName: 'orders_20261124T215312Z_part1.parquet' })
  })

  it('commits files only together with the run (one transaction)', () => {
    store.beginRun(runInput())
    store.recordPendingFiles('run-1', [fileInput(1), fileInput(2)])
    // Make the run update fail after the files update inside completeRun's transaction.
    const other = new Database(file)
    other.exec(`CREATE TRIGGER refuse_completion BEFORE UPDATE OF status ON runs WHEN NEW.status = 'completed'
      BEGIN SELECT RAISE(ABORT, 'refused'); END`)
    other.close()
    expect(() => store.completeRun('run-1', summary)).toThrow(/refused/)
    expect(store.listFiles({ includeUncommitted: true }).every((f) => !f.committed)).toBe(true)
    expect(store.getRun('run-1')?.status).toBe('running')
  })

  it('refuses to complete a run that is no longer running, leaving its files uncommitted', () => {
    store.beginRun(runInput())
    store.recordPendingFiles('run-1', [fileInput(1)])
    store.failRun('run-1', { status: 'failed', errorCode: 'RIVET_SOURCE_QUERY', errorMessage: 'bad sql', finishedAt: new Date(), durationMs: 10, peakRssBytes: 1, rows: 0, bytes: 0 })
    let err: unknown
    try {
      store.completeRun('run-1', summary)
    } catch (e) {
      err = e
    }
    expect(isRivetError(err) && err.code).toBe('RIVET_INTERNAL')
    expect(store.listFiles({ includeUncommitted: true })[0].committed).toBe(false)
  })

  it('records failures and never rewrites a completed run', () => {
    store.beginRun(runInput())
    store.failRun('run-1', { status: 'interrupted', errorCode: 'RIVET_CANCELLED', errorMessage: 'SIGINT', finishedAt: new Date(), durationMs: 42, peakRssBytes: 5, rows: 7, bytes: 70, stats: { batches: 1 } })
    expect(store.getRun('run-1')).toMatchObject({ status: 'interrupted', errorCode: 'RIVET_CANCELLED', errorMessage: 'SIGINT', rows: 7, bytes: 70, durationMs: 42, stats: { batches: 1 } })

    store.beginRun(runInput({ runId: 'run-2' }))
    store.completeRun('run-2', summary)
    const fail = () => store.failRun('run-2', { status: 'failed', errorCode: 'X', errorMessage: 'late', finishedAt: new Date(), durationMs: 1, peakRssBytes: 1, rows: 0, bytes: 0 })
    expect(fail).toThrow(/already 'completed'/)
    expect(store.getRun('run-2')?.status).toBe('completed')
  })

  it('rejects a duplicate run id as RIVET_STATE_ERROR', () => {
    store.beginRun(runInput())
    let err: unknown
    try {
      store.beginRun(runInput())
    } catch (e) {
      err = e
    }
    expect(isRivetError(err) && err.code).toBe('RIVET_STATE_ERROR')
  })
})

describe('stale runs', () => {
  it('finds a run whose pid is dead on this host, and not one whose pid is alive', async () => {
    const pid = await deadPid()
    store.beginRun(runInput({ runId: 'dead', pid }))
    store.beginRun(runInput({ runId: 'alive', pid: process.pid }))
    store.beginRun(runInput({ runId: 'done', pid }))
    store.completeRun('done', summary)
    expect(store.findStaleRuns().map((r) => r.runId)).toEqual(['dead'])
    expect(store.findStaleRuns('orders').map((r) => r.runId)).toEqual(['dead'])
    expect(store.findStaleRuns('customers')).toEqual([])
  })

  it('treats runs of another host as stale only after a day', () => {
    const dayAndABitAgo = new Date(Date.now() - 25 * 60 * 60 * 1000)
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000)
    const other = `${os.hostname()}-elsewhere`
    store.beginRun(runInput({ runId: 'old-foreign', hostname: other, startedAt: dayAndABitAgo, pid: 1 }))
    store.beginRun(runInput({ runId: 'new-foreign', hostname: other, startedAt: hourAgo, pid: 999_999_999 }))
    expect(store.findStaleRuns().map((r) => r.runId)).toEqual(['old-foreign'])
  })

  it('marks stale runs interrupted with the reason, leaving finished runs alone', async () => {
    const pid = await deadPid()
    store.beginRun(runInput({ runId: 'dead', pid }))
    store.beginRun(runInput({ runId: 'done' }))
    store.completeRun('done', summary)
    store.markInterrupted(['dead', 'done'], 'process exited without recording an outcome')
    expect(store.getRun('dead')).toMatchObject({ status: 'interrupted', errorCode: 'RIVET_CANCELLED', errorMessage: 'process exited without recording an outcome' })
    expect(store.getRun('dead')?.finishedAt).toBeInstanceOf(Date)
    expect(store.getRun('done')?.status).toBe('completed')
    expect(store.findStaleRuns()).toEqual([])
  })
})
