import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkSummaryOutput, saveRunSummary, withSummaryOnError, writeSummaryFile } from '../../../src/cli/summary-output.js'
import type { ExportResult, RunReport } from '../../../src/engine/index.js'
import { RivetError } from '../../../src/errors/index.js'
import { toSummaryDocument } from '../../../src/report/index.js'
import type { SummaryDocument } from '../../../src/report/index.js'
import { tempDir } from '../../helpers/cli.js'
import { cleanRun, failedRun } from './fixtures.js'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
function dir(): string {
  const d = tempDir('rivet-summary-out-')
  dirs.push(d)
  return d
}

/** An export result carrying a run summary, as the engine reports it. */
function result(summary: typeof cleanRun): ExportResult {
  const error = summary.error === null ? null : new RivetError('RIVET_SOURCE_NOT_FOUND', summary.error.message)
  return { exportName: summary.exportName, runId: summary.runId, status: summary.status, rows: summary.rows, bytes: summary.bytes, files: [], durationMs: summary.durationMs, peakRssBytes: summary.peakRssBytes, stats: null, columns: [], error, summary } as ExportResult
}

function report(results: ExportResult[], exitCode: number): RunReport {
  return { configPath: '/x/rivet.yaml', results, exitCode, processPeakRssBytes: 1, stdoutTaken: false }
}

/** Collects the errors a command would print; answers with their exit code like RivetCommand.reportError. */
function errors() {
  const seen: RivetError[] = []
  return { seen, report: (e: RivetError) => (seen.push(e), e.exitCode) }
}

describe('checkSummaryOutput', () => {
  it('refuses - (stdout carries the report or the data) with RIVET_USAGE', () => {
    expect(() => checkSummaryOutput('-')).toThrow(expect.objectContaining({ code: 'RIVET_USAGE', message: expect.stringContaining('standard output') }))
  })

  it.each([
    ['a missing folder', (d: string) => join(d, 'nope', 'summary.json'), 'its folder does not exist'],
    ['a path under a file', (d: string) => (writeFileSync(join(d, 'file'), ''), join(d, 'file', 'summary.json')), 'is not a folder'],
    ['a folder', (d: string) => (mkdirSync(join(d, 'folder')), join(d, 'folder')), 'it is a folder'],
  ])('refuses %s with RIVET_SUMMARY_WRITE, naming the path', (_, make, reason) => {
    const path = make(dir())
    expect(() => checkSummaryOutput(path)).toThrow(expect.objectContaining({ code: 'RIVET_SUMMARY_WRITE', message: expect.stringContaining(reason) }))
    expect(() => checkSummaryOutput(path)).toThrow(path)
  })

  it('accepts a new file in a writable folder and returns it absolute', () => {
    const d = dir()
    expect(checkSummaryOutput(join(d, 'summary.json'))).toBe(join(d, 'summary.json'))
  })
})

describe('writeSummaryFile', () => {
  it('replaces the file whole and leaves no temp file behind', () => {
    const d = dir()
    const path = join(d, 'summary.json')
    writeFileSync(path, 'old content')
    const doc = toSummaryDocument({ config: '/x/rivet.yaml', exitCode: 0, error: null, exports: [cleanRun] })
    expect(writeSummaryFile(path, doc)).toBeNull()
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ summaryVersion: 1, config: '/x/rivet.yaml', exitCode: 0, error: null, exports: [cleanRun] })
    expect(readdirSync(d)).toEqual(['summary.json'])
  })

  it('returns RIVET_SUMMARY_WRITE instead of throwing when the folder is gone', () => {
    const d = dir()
    const error = writeSummaryFile(join(d, 'gone', 's.json'), toSummaryDocument({ config: null, exitCode: 0, error: null, exports: [] }))
    expect(error?.code).toBe('RIVET_SUMMARY_WRITE')
    expect(error?.exitCode).toBe(1)
  })

  it.skipIf(process.getuid?.() === 0)('returns RIVET_SUMMARY_WRITE for a read-only folder', () => {
    const d = dir()
    chmodSync(d, 0o500)
    try {
      expect(writeSummaryFile(join(d, 's.json'), toSummaryDocument({ config: null, exitCode: 0, error: null, exports: [] }))?.message).toContain('permission denied')
    } finally {
      chmodSync(d, 0o700)
    }
  })
})

describe('saveRunSummary', () => {
  it('writes one summary per export with the exit code of the run', () => {
    const path = join(dir(), 's.json')
    const e = errors()
    expect(saveRunSummary(path, report([result(cleanRun), result(failedRun)], 1), e.report)).toBe(1)
    const doc = JSON.parse(readFileSync(path, 'utf8')) as SummaryDocument
    expect(doc.exitCode).toBe(1)
    expect(doc.exports.map((x) => [x.exportName, x.status, x.error?.code ?? null])).toEqual([
      ['orders', 'completed', null],
      ['missing', 'failed', 'RIVET_SOURCE_NOT_FOUND'],
    ])
    expect(e.seen).toEqual([])
  })

  it('keeps the exit code of a failed run when the file cannot be written, and reports the write error', () => {
    const e = errors()
    expect(saveRunSummary(join(dir(), 'gone', 's.json'), report([result(failedRun)], 2), e.report)).toBe(2)
    expect(e.seen.map((x) => x.code)).toEqual(['RIVET_SUMMARY_WRITE'])
  })

  it('turns a completed run into exit 1 when its summary cannot be written', () => {
    const e = errors()
    expect(saveRunSummary(join(dir(), 'gone', 's.json'), report([result(cleanRun)], 0), e.report)).toBe(1)
    expect(e.seen.map((x) => x.code)).toEqual(['RIVET_SUMMARY_WRITE'])
  })

  it('writes nothing without a path', () => {
    expect(saveRunSummary(null, report([result(cleanRun)], 0), errors().report)).toBe(0)
  })
})

describe('withSummaryOnError', () => {
  it('writes the error and no exports when the command stops before a report, then lets the error go on', async () => {
    const path = join(dir(), 's.json')
    const refused = new RivetError('RIVET_PLAN_EXPIRED', 'the plan is 30 hours old')
    await expect(withSummaryOnError(path, '/x/rivet.yaml', () => Promise.reject(refused), errors().report)).rejects.toBe(refused)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      summaryVersion: 1,
      config: '/x/rivet.yaml',
      exitCode: 1,
      error: { code: 'RIVET_PLAN_EXPIRED', message: 'the plan is 30 hours old' },
      exports: [],
    })
  })

  it('returns the result of the work and writes nothing when it succeeds', async () => {
    const d = dir()
    await expect(withSummaryOnError(join(d, 's.json'), null, () => Promise.resolve(42), errors().report)).resolves.toBe(42)
    expect(readdirSync(d)).toEqual([])
  })
})
