import { describe, expect, it } from 'vitest'
import { renderRunJson, renderRunText } from '../../../src/cli/render/run-summary.js'
import type { ExportResult, RunReport } from '../../../src/engine/index.js'
import { RivetError } from '../../../src/errors/index.js'
import { cleanRun, failedRun } from './fixtures.js'

const files = [
  { path: '/out/orders_1.parquet', rows: 100_000, bytes: 4_000_000, xxh3: '0123456789abcdef' },
  { path: '/out/orders_2.parquet', rows: 20_000, bytes: 500_000, xxh3: 'fedcba9876543210' },
]
const stats = { strategy: 'range', statements: 4, maxStatementMs: 850, totalStatementMs: 2000, sourceBytes: 1, finalChunkSize: 30_000, minChunkSize: 25_000, maxChunkSize: 35_000 }

const completed = {
  exportName: 'orders', runId: cleanRun.runId, status: 'completed', rows: 120_000, bytes: 4_500_000, files, durationMs: 2500, peakRssBytes: 1, stats, columns: [], error: null, summary: { ...cleanRun, files: 2 },
} as unknown as ExportResult
const failed = {
  exportName: 'missing', runId: failedRun.runId, status: 'failed', rows: 0, bytes: 0, files: [], durationMs: 120, peakRssBytes: 1, stats: null, columns: [],
  error: new RivetError('RIVET_SOURCE_NOT_FOUND', 'relation "public.nope" does not exist'), summary: failedRun,
} as unknown as ExportResult
const report: RunReport = { configPath: '/x/rivet.yaml', results: [completed, failed], exitCode: 1, processPeakRssBytes: 2, stdoutTaken: false }

describe('the human run report', () => {
  it('prints each export’s card, how the source was read, its files, then the count of completed exports', () => {
    const text = renderRunText(report)
    expect(text).toBe(
      [
        '✓ orders: completed in 2.5 s · run 20261124T215312Z-4f2a (full)',
        '  120,000 rows → 2 files, 4.5 MB · 48,000 rows/s · peak RSS 180 MB',
        '  read in 4 statement(s), 25,000–35,000 rows each, longest 850 ms',
        '    /out/orders_1.parquet  100,000 rows  4.0 MB  xxh3 0123456789abcdef',
        '    /out/orders_2.parquet  20,000 rows  500 KB  xxh3 fedcba9876543210',
        '✗ missing: failed after 120 ms · run 20261124T215400Z-0b1c (full)',
        '  error: [RIVET_SOURCE_NOT_FOUND] relation "public.nope" does not exist',
        '1 of 2 export(s) completed',
        '',
      ].join('\n'),
    )
  })
})

describe('the --json run report', () => {
  it('keeps its fields and adds each export’s summary', () => {
    const json = JSON.parse(renderRunJson(report)) as { exitCode: number; exports: Record<string, unknown>[] }
    expect(json.exitCode).toBe(1)
    expect(Object.keys(json.exports[0]!)).toEqual(['name', 'runId', 'status', 'rows', 'bytes', 'durationMs', 'peakRssBytes', 'files', 'stats', 'error', 'summary'])
    expect(json.exports[0]!.summary).toEqual({ ...cleanRun, files: 2 })
    expect(json.exports[1]!.summary).toEqual(failedRun)
    expect((json.exports[1]!.error as { code: string }).code).toBe('RIVET_SOURCE_NOT_FOUND')
  })
})
