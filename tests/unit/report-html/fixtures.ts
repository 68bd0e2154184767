import type { ReportData, ReportRun, RunStats, RunTimeline } from '../../../src/report-html/index.js'

/** Statistics of a completed run, as the engine records them. */
export const FULL_STATS: RunStats = {
  strategy: 'keyset', statements: 12, maxStatementMs: 340, totalStatementMs: 2400, sourceBytes: 5_000_000,
  minChunkSize: 1000, finalChunkSize: 8000, maxChunkSize: 16000, parallel: null, chunks: null, recovered: false,
}

/** Statistics of a run that recorded no engine figures (failed runs keep only retries, drift and quality). */
export const NO_STATS: RunStats = {
  strategy: null, statements: null, maxStatementMs: null, totalStatementMs: null, sourceBytes: null,
  minChunkSize: null, finalChunkSize: null, maxChunkSize: null, parallel: null, chunks: null, recovered: false,
}

const MIB = 1024 * 1024

/**
 * The sampled counters of a 4.5 s key read, as the engine stores them: a sample each second and
 * one at the end. Rows per step: 0, 4,000, 6,000, 4,000, 1,000 (over the last half second).
 */
export const TIMELINE: RunTimeline = {
  stepMs: 1000,
  points: [
    { t: 1000, rows: 0, bytes: 0, rss: 100 * MIB, size: 0, stmtMs: 0, chunks: 0 },
    { t: 2000, rows: 4000, bytes: 400_000, rss: 150 * MIB, size: 2000, stmtMs: 120, chunks: 0 },
    { t: 3000, rows: 10_000, bytes: 1_000_000, rss: 210 * MIB, size: 8000, stmtMs: 340, chunks: 0 },
    { t: 4000, rows: 14_000, bytes: 1_400_000, rss: 180 * MIB, size: 16000, stmtMs: 260, chunks: 0 },
    { t: 4500, rows: 15_000, bytes: 1_500_000, rss: 160 * MIB, size: 16000, stmtMs: 90, chunks: 0 },
  ],
}

/** A completed run; override anything. */
export function reportRun(overrides: Partial<ReportRun> = {}): ReportRun {
  return {
    runId: '20261124T215312Z-aaaa', exportName: 'orders', status: 'completed', mode: 'full', format: 'parquet', compression: 'zstd',
    hostname: 'etl-1', rivetVersion: '0.1.0', startedAt: '2026-11-24T21:53:12.000Z', finishedAt: '2026-11-24T21:53:22.000Z',
    durationMs: 10_000, rows: 50_000, bytes: 2_000_000, filesCount: 2, peakRssBytes: 200 * 1024 * 1024, rowsPerSec: 5000, retries: 0,
    error: null, stats: FULL_STATS, drift: null, quality: null, warnings: [], timeline: [], progress: null, events: [], eventsOmitted: 0, chunks: [],
    files: [], filesOmitted: 0, schema: null, summaryMarkdown: null,
    ...overrides,
  }
}

/** A report over the given runs of one export (newest first). */
export function reportData(runs: readonly ReportRun[], overrides: Partial<ReportData> = {}): ReportData {
  const name = runs[0]?.exportName ?? 'orders'
  return {
    generatedAt: '2026-11-25T07:00:00.000Z', rivetVersion: '0.1.0', configPath: '/etc/rivet/rivet.yaml', stateLocation: '/etc/rivet/.rivet_state.db',
    selection: { exports: [name], runId: null, last: 10 }, exports: [{ name, runs }],
    ...overrides,
  }
}

/** `count` completed runs an hour apart, newest first, with the figure `f(i)` as rows/s. */
export function runSeries(count: number, f: (i: number) => number | null): ReportRun[] {
  return Array.from({ length: count }, (_, i) => {
    const start = new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString()
    return reportRun({ runId: `run-${String(i).padStart(4, '0')}`, startedAt: start, rowsPerSec: f(i) })
  }).reverse()
}
