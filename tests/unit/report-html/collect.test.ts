import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EVENTS_SHOWN, collectReport } from '../../../src/report-html/index.js'
import { openStateStore } from '../../../src/state/index.js'
import type { StateStore } from '../../../src/state/index.js'
import { fileInput, makeTempDir, runInput } from '../state/helpers.js'

let dir: string
let state: StateStore

beforeEach(() => {
  dir = makeTempDir('report-html')
  state = openStateStore(join(dir, 'state.db'))
})
afterEach(() => {
  state.close()
  rmSync(dir, { recursive: true, force: true })
})

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 24, 21, 0, seconds))
const base = { configPath: '/etc/rivet/rivet.yaml', rivetVersion: '0.1.0', now: new Date('2026-11-25T07:00:00Z') }

/** A completed run of `exportName` started at `at(start)` that took 10 s. */
function completedRun(runId: string, exportName: string, start: number, stats: unknown = { statements: 3, maxStatementMs: 5, totalStatementMs: 9, retries: 0 }): void {
  state.beginRun(runInput({ runId, exportName, startedAt: at(start) }))
  state.recordPendingFiles(runId, [fileInput(1, { fileName: `${exportName}-${runId}.parquet`, path: `/out/${exportName}-${runId}.parquet`, rows: 500 })])
  state.completeRun(runId, { rows: 500, bytes: 1000, filesCount: 1, durationMs: 10_000, peakRssBytes: 64 * 1024 * 1024, finishedAt: at(start + 10), stats })
}

describe('collectReport', () => {
  it('collects the last N runs of each selected export, newest first, with rates and statistics', () => {
    for (let i = 0; i < 4; i++) completedRun(`o${i}`, 'orders', i * 60)
    completedRun('c0', 'customers', 30)
    const data = collectReport(state, { ...base, exports: ['orders', 'customers', 'empty'], last: 3 })
    expect(data.exports.map((e) => [e.name, e.runs.map((r) => r.runId)])).toEqual([
      ['orders', ['o3', 'o2', 'o1']],
      ['customers', ['c0']],
      ['empty', []],
    ])
    const run = data.exports[0]!.runs[0]!
    expect(run).toMatchObject({ status: 'completed', rows: 500, rowsPerSec: 50, retries: 0, filesCount: 1, startedAt: '2026-11-24T21:03:00.000Z' })
    expect(run.stats).toMatchObject({ statements: 3, maxStatementMs: 5, totalStatementMs: 9, minChunkSize: null })
    expect(run.files).toEqual([{ fileName: 'orders-o3.parquet', rows: 500, bytes: 1000, chunkIndex: null }])
    expect(data).toMatchObject({ generatedAt: '2026-11-25T07:00:00.000Z', stateLocation: state.describeLocation(), selection: { runId: null, last: 3 } })
  })

  it('reads a failed chunked run: error, chunk tasks, a timeline from chunk and retry events, warnings', () => {
    state.beginRun(runInput({ runId: 'f1', mode: 'chunked', startedAt: at(0) }))
    state.createChunkTasks('f1', 'orders', [{ index: 0, lo: null, hi: '100' }, { index: 1, lo: '100', hi: null }])
    state.startChunk('f1', 0)
    state.completeChunk('f1', 0, { rows: 100, bytes: 10, files: [] })
    state.startChunk('f1', 1)
    state.failChunk('f1', 1, { errorCode: 'RIVET_SOURCE_CONNECTION_LOST', errorMessage: 'reset' })
    state.appendEvent('f1', 'orders', { kind: 'chunk', message: 'chunk 0 completed', data: { chunk: 0, rows: 100 }, at: at(2) })
    state.appendEvent('f1', 'orders', { kind: 'retry', message: 'chunk 1: reset', data: { chunk: 1, scope: 'chunk' }, at: at(3) })
    state.appendEvent('f1', 'orders', { kind: 'warning', message: 'slow source', at: at(4) })
    state.failRun('f1', { status: 'failed', errorCode: 'RIVET_SOURCE_CONNECTION_LOST', errorMessage: 'reset', finishedAt: at(5), durationMs: 5000, peakRssBytes: 1, rows: 100, bytes: 0, stats: { retries: 1 } })
    const run = collectReport(state, { ...base, exports: ['orders'], last: 10 }).exports[0]!.runs[0]!
    expect(run.error).toEqual({ code: 'RIVET_SOURCE_CONNECTION_LOST', message: 'reset' })
    expect(run.retries).toBe(1)
    expect(run.warnings).toEqual(['slow source'])
    expect(run.timeline).toEqual([
      { offsetMs: 2000, kind: 'chunk', chunk: 0, rows: 100, message: 'chunk 0 completed' },
      { offsetMs: 3000, kind: 'retry', chunk: 1, rows: null, message: 'chunk 1: reset' },
    ])
    expect(run.chunks.map((c) => [c.index, c.status, c.attempts, c.rows, c.errorCode])).toEqual([
      [0, 'completed', 1, 100, null],
      [1, 'failed', 1, null, 'RIVET_SOURCE_CONNECTION_LOST'],
    ])
    expect(run.stats.statements).toBeNull()
    expect(run.progress).toBeNull()
  })

  it('keeps the latest events for the journal table but every chunk event for the chart', () => {
    state.beginRun(runInput({ runId: 'big', startedAt: at(0) }))
    for (let i = 0; i < 10; i++) state.appendEvent('big', 'orders', { kind: 'chunk', message: `chunk ${i}`, data: { chunk: i, rows: 1 }, at: at(1) })
    for (let i = 0; i < EVENTS_SHOWN + 5; i++) state.appendEvent('big', 'orders', { kind: 'file', message: `file ${i}`, at: at(2) })
    const run = collectReport(state, { ...base, exports: ['orders'], last: 1 }).exports[0]!.runs[0]!
    expect(run.events).toHaveLength(EVENTS_SHOWN)
    expect(run.eventsOmitted).toBe(15)
    expect(run.events.at(-1)!.message).toBe(`file ${EVENTS_SHOWN + 4}`)
    expect(run.timeline).toHaveLength(10)
  })

  it('reads the counters sampled during a run from its statistics, and none for a run recorded without them', () => {
    const timeline = { stepMs: 1000, points: [{ t: 1000, rows: 100, bytes: 1000, rss: 5, size: 50, stmtMs: 3, chunks: 0 }, { t: 1500, rows: 500, bytes: 5000, rss: 6, size: 100, stmtMs: 4, chunks: 0 }] }
    completedRun('new', 'orders', 60, { statements: 3, timeline })
    completedRun('old', 'orders', 0)
    const [newer, older] = collectReport(state, { ...base, exports: ['orders'], last: 10 }).exports[0]!.runs
    expect(newer!.runId).toBe('new')
    expect(newer!.progress).toEqual(timeline)
    expect(older!.progress).toBeNull()
  })

  it('collects one run with --run-id, and refuses an unknown run or one of an export not selected', () => {
    completedRun('o1', 'orders', 0)
    completedRun('c1', 'customers', 10)
    const data = collectReport(state, { ...base, exports: ['orders', 'customers'], last: 10, runId: 'c1' })
    expect(data.selection).toEqual({ exports: ['customers'], runId: 'c1', last: null })
    expect(data.exports.map((e) => [e.name, e.runs.map((r) => r.runId)])).toEqual([['customers', ['c1']]])
    expect(() => collectReport(state, { ...base, exports: ['orders'], last: 10, runId: 'c1' })).toThrow(expect.objectContaining({ code: 'RIVET_USAGE', message: 'run c1 is not a run of export orders' }))
    expect(() => collectReport(state, { ...base, exports: ['orders'], last: 10, runId: 'nope' })).toThrow(expect.objectContaining({ code: 'RIVET_USAGE' }))
    expect(() => collectReport(null, { ...base, exports: ['orders'], last: 10, runId: 'o1' })).toThrow(expect.objectContaining({ code: 'RIVET_USAGE' }))
  })

  it('reports exports without runs when there is no state yet', () => {
    const data = collectReport(null, { ...base, exports: ['orders'], last: 10 })
    expect(data.stateLocation).toBeNull()
    expect(data.exports).toEqual([{ name: 'orders', runs: [] }])
  })
})
