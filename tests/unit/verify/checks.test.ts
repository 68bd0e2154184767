import { describe, expect, it } from 'vitest'
import type { ExtractPlan } from '../../../src/plan/index.js'
import type { RunManifest } from '../../../src/destination/index.js'
import {
  checkManifestSelf, chunkStatus, compareWithState, countSql, countTargetOf, coversWholeExport, latestCoverage, manifestFiles, parseManifest, repairAction, sampleFiles,
} from '../../../src/verify/index.js'
import type { StateStore } from '../../../src/state/index.js'
import type { ChunkRunFacts, ReconcileReport } from '../../../src/verify/index.js'

const HASH = (n: number) => n.toString(16).padStart(16, '0')

function manifest(files: { name: string; rows: number; bytes: number; xxh3?: string; chunk?: number }[], overrides: Partial<RunManifest> = {}): RunManifest {
  const listed = files.map((f, i) => ({ ...f, xxh3: f.xxh3 ?? HASH(i + 1) }))
  return {
    manifest_version: 1, export: 'orders', run_id: 'run-1', mode: 'full', format: 'parquet', compression: 'zstd', started_at: '', finished_at: '', rivet_version: '0',
    rows: listed.reduce((n, f) => n + f.rows, 0), bytes: listed.reduce((n, f) => n + f.bytes, 0), checksum: 'xxh3-64', files: listed, schema: { columns: [] }, ...overrides,
  }
}

describe('parseManifest', () => {
  it('accepts a manifest and says why bytes are not one', () => {
    const m = manifest([{ name: 'a.parquet', rows: 1, bytes: 10 }])
    expect(parseManifest(Buffer.from(JSON.stringify(m)))).toEqual(m)
    expect(parseManifest(Buffer.from('{"export": '))).toMatch(/^not valid JSON/)
    expect(parseManifest(Buffer.from('[]'))).toBe('not a JSON object')
    expect(parseManifest(Buffer.from(JSON.stringify({ ...m, run_id: 7 })))).toBe('"run_id" is missing or not a string')
    expect(parseManifest(Buffer.from(JSON.stringify({ ...m, files: [{ name: 'a', rows: 1, bytes: 1, xxh3: 'xyz' }] })))).toMatch(/^files\[0\] lacks/)
  })
})

describe('manifest checks', () => {
  it('names a manifest of another run, wrong totals and a file listed twice', () => {
    const m = manifest([{ name: 'a', rows: 1, bytes: 10 }, { name: 'a', rows: 2, bytes: 10 }], { run_id: 'run-2', rows: 5 })
    const messages = checkManifestSelf(m, 'run-1', 'orders').map((p) => `${p.kind}: ${p.message}`)
    expect(messages).toEqual([
      'manifest_mismatch: the manifest names run run-2, not run-1',
      'manifest_mismatch: the manifest totals 5 rows but its files hold 3',
      'manifest_mismatch: the manifest lists a more than once',
    ])
    expect(checkManifestSelf(manifest([{ name: 'a', rows: 1, bytes: 10 }]), 'run-1', 'orders')).toEqual([])
  })

  it('compares the manifest list with the committed files in state, field by field', () => {
    const listed = manifestFiles(manifest([{ name: 'a', rows: 1, bytes: 10, chunk: 0 }, { name: 'b', rows: 2, bytes: 20 }, { name: 'c', rows: 3, bytes: 30 }]))
    const recorded = [
      { name: 'a', rows: 1, bytes: 10, xxh3: HASH(1), chunk: 0 },
      { name: 'b', rows: 5, bytes: 20, xxh3: HASH(9), chunk: null },
      { name: 'd', rows: 4, bytes: 40, xxh3: HASH(4), chunk: null },
    ]
    expect(compareWithState(listed, recorded).map((p) => [p.kind, p.file, p.message])).toEqual([
      ['state_mismatch', 'b', `b: rows 2 in the manifest, 5 in the state; xxh3 ${HASH(2)} in the manifest, ${HASH(9)} in the state`],
      ['not_in_state', 'c', 'c is in the manifest but the state records no such committed file for the run'],
      ['not_in_manifest', 'd', 'd is a committed file of the run in the state but the manifest does not list it'],
    ])
  })
})

describe('sampleFiles', () => {
  const files = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f${String(i).padStart(3, '0')}` }))
  it('takes the first and the last, and up to a tenth evenly spaced, the same every time', () => {
    expect(sampleFiles(files(1)).map((f) => f.name)).toEqual(['f000'])
    expect(sampleFiles(files(5)).map((f) => f.name)).toEqual(['f000', 'f004'])
    expect(sampleFiles(files(30)).map((f) => f.name)).toEqual(['f000', 'f015', 'f029'])
    const big = sampleFiles([...files(200)].reverse())
    expect(big).toHaveLength(20)
    expect(big[0]!.name).toBe('f000')
    expect(big.at(-1)!.name).toBe('f199')
    expect(sampleFiles(files(200))).toEqual(big)
  })
})

const task = (index: number, lo: string | null, hi: string | null, rows: number, status = 'completed') => ({ index, lo, hi, rows, status })
const file = (chunkIndex: number, rows: number) => ({ chunkIndex, rows, committed: true })

describe('latestCoverage', () => {
  const original: ChunkRunFacts = {
    runId: 'orig',
    tasks: [task(0, null, '100', 100), task(1, '100', '200', 100), task(2, '200', null, 100)],
    files: [file(0, 100), file(1, 60), file(1, 40), file(2, 100)],
  }
  it('keeps the original run for chunks no repair read again', () => {
    expect(latestCoverage(original, []).map((c) => [c.index, c.runId, c.recordedRows, c.fileRows])).toEqual([[0, 'orig', 100, 100], [1, 'orig', 100, 100], [2, 'orig', 100, 100]])
  })

  it('takes the newest repair that completed a chunk with the same bounds', () => {
    const first: ChunkRunFacts = { runId: 'rep1', tasks: [task(1, '100', '200', 105), task(2, '200', null, 98)], files: [file(1, 105), file(2, 98)] }
    const second: ChunkRunFacts = { runId: 'rep2', tasks: [task(1, '100', '200', 107), task(2, '250', null, 1)], files: [file(1, 107), file(2, 1)] }
    const failed: ChunkRunFacts = { runId: 'rep3', tasks: [task(0, null, '100', 0, 'failed')], files: [] }
    expect(latestCoverage(original, [first, second, failed]).map((c) => [c.index, c.runId, c.fileRows])).toEqual([[0, 'orig', 100], [1, 'rep2', 107], [2, 'rep1', 98]])
  })

  it('judges a chunk by its files, and flags a record that disagrees with them', () => {
    expect(chunkStatus(100, { recordedRows: 100, fileRows: 100 })).toBe('ok')
    expect(chunkStatus(101, { recordedRows: 100, fileRows: 100 })).toBe('missing_rows')
    expect(chunkStatus(99, { recordedRows: 100, fileRows: 100 })).toBe('extra_rows')
    expect(chunkStatus(100, { recordedRows: 100, fileRows: 90 })).toBe('files_differ')
  })
})

describe('countTargetOf', () => {
  const plan = (strategy: unknown) => ({ strategy }) as ExtractPlan
  it('counts the relation, query or filtered read the plan reads', () => {
    expect(countSql(countTargetOf(plan({ type: 'ctid', relation: '"public"."t"', selectList: '*' })))).toBe('SELECT COUNT(*) AS n FROM "public"."t"')
    expect(countSql(countTargetOf(plan({ type: 'cursor', query: 'SELECT a FROM t WHERE "id" >= 5' })))).toBe('SELECT COUNT(*) AS n FROM (SELECT a FROM t WHERE "id" >= 5) AS rivet_count')
    expect(countSql(countTargetOf(plan({ type: 'keyset', from: '`d`.`t`', selectList: '*', keyExprs: [], keyIndexes: [], where: '`id` >= 5 AND `id` < 9' })))).toBe(
      'SELECT COUNT(*) AS n FROM `d`.`t` WHERE `id` >= 5 AND `id` < 9',
    )
    expect(countSql(countTargetOf(plan({ type: 'stream', query: 'SELECT 1' })))).toBe('SELECT COUNT(*) AS n FROM (SELECT 1) AS rivet_count')
  })
})

describe('repairAction', () => {
  const report = (overrides: Partial<ReconcileReport>): ReconcileReport => ({
    exportName: 'orders', mode: 'chunked', runId: 'r', repairRunIds: [], chunkColumn: 'id', chunks: null, whole: null, skipped: null, mismatches: 0, ...overrides,
  })
  it('reads the mismatched chunks again, re-runs other exports, and sends incremental ones to a cursor reset', () => {
    expect(repairAction(report({}), 'rivet.yaml')).toEqual({ kind: 'nothing' })
    const chunk = (index: number, status: 'ok' | 'missing_rows') => ({ index, lo: null, hi: null, runId: 'r', recordedRows: 1, fileRows: 1, sourceRows: 1, status })
    const chunks = repairAction(report({ chunks: [chunk(0, 'ok'), chunk(1, 'missing_rows')], mismatches: 1 }), 'rivet.yaml')
    expect(chunks.kind === 'chunks' && chunks.chunks.map((c) => c.index)).toEqual([1])
    const rerun = repairAction(report({ mode: 'full', mismatches: 1 }), 'rivet.yaml')
    expect(rerun.kind === 'rerun' && rerun.reason).toMatch(/`rivet run -c rivet.yaml -e orders`/)
    const manual = repairAction(report({ mode: 'incremental', mismatches: 1 }), 'rivet.yaml')
    expect(manual.kind === 'manual' && manual.reason).toMatch(/--cursor-only/)
  })
})

describe('coversWholeExport', () => {
  const state = (tasks: { index: number; lo: string | null; hi: string | null }[]) => ({ listChunkTasks: () => tasks }) as unknown as StateStore
  it('tells a run that read every chunk from one that read some (a repair)', () => {
    expect(coversWholeExport(state([]), 'r')).toBe(true)
    expect(coversWholeExport(state([{ index: 0, lo: null, hi: '10' }, { index: 1, lo: '10', hi: null }]), 'r')).toBe(true)
    expect(coversWholeExport(state([{ index: 1, lo: '10', hi: '20' }]), 'r')).toBe(false)
    expect(coversWholeExport(state([{ index: 0, lo: null, hi: '10' }, { index: 2, lo: '20', hi: null }]), 'r')).toBe(false)
    expect(coversWholeExport(state([{ index: 0, lo: null, hi: '10' }, { index: 1, lo: '10', hi: '20' }]), 'r')).toBe(false)
  })
})
