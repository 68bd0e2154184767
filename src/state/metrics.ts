import type { RunMetrics, RunRecord } from './types.js'

const MIB = 1024 * 1024

/** Throughput figures of one run; rates are null until the run has a positive duration. */
export function toRunMetrics(run: RunRecord): RunMetrics {
  const seconds = run.durationMs !== null && run.durationMs > 0 ? run.durationMs / 1000 : null
  return {
    runId: run.runId,
    exportName: run.exportName,
    startedAt: run.startedAt,
    status: run.status,
    errorCode: run.errorCode,
    rows: run.rows,
    bytes: run.bytes,
    durationMs: run.durationMs,
    filesCount: run.filesCount,
    rowsPerSec: seconds !== null && run.rows !== null ? run.rows / seconds : null,
    mbPerSec: seconds !== null && run.bytes !== null ? run.bytes / MIB / seconds : null,
    peakRssMb: run.peakRssBytes !== null ? run.peakRssBytes / MIB : null,
    retries: retriesOf(run.stats),
    schemaChanges: schemaChangesOf(run.stats),
    qualityFailed: qualityFailedOf(run.stats),
  }
}

/** Columns added, removed or retyped since the previous completed run; null when the run saw no drift. */
function schemaChangesOf(stats: unknown): number | null {
  const drift = typeof stats === 'object' && stats !== null ? (stats as { schemaDrift?: Record<string, unknown> }).schemaDrift : undefined
  if (typeof drift !== 'object' || drift === null) return null
  return Object.values(drift).reduce<number>((n, v) => n + (typeof v === 'number' ? v : 0), 0)
}

/** Quality checks the run failed; null when the export has no quality checks (or the run predates them). */
function qualityFailedOf(stats: unknown): number | null {
  const quality = typeof stats === 'object' && stats !== null ? (stats as { quality?: { failed?: unknown } }).quality : undefined
  return typeof quality?.failed === 'number' ? quality.failed : null
}

/** The retries a run recorded in its statistics; null for runs from before retries were counted. */
function retriesOf(stats: unknown): number | null {
  const retries = typeof stats === 'object' && stats !== null ? (stats as { retries?: unknown }).retries : undefined
  return typeof retries === 'number' ? retries : null
}
