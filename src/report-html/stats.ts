import type { DriftCounts, QualityCounts, RunStats } from './model.js'

/**
 * Read the engine statistics a run stored (`runs.stats`, free-form JSON): only the figures the
 * engine is known to record, each null when absent or not a finite number. Older runs, failed
 * runs (they keep only retries, drift and quality) and recovered runs miss most of them.
 */
export function parseRunStats(stats: unknown): RunStats {
  const s = asRecord(stats)
  return {
    strategy: typeof s.strategy === 'string' ? s.strategy : null,
    statements: finite(s.statements),
    maxStatementMs: finite(s.maxStatementMs),
    totalStatementMs: finite(s.totalStatementMs),
    sourceBytes: finite(s.sourceBytes),
    minChunkSize: finite(s.minChunkSize),
    finalChunkSize: finite(s.finalChunkSize),
    maxChunkSize: finite(s.maxChunkSize),
    parallel: finite(s.parallel),
    chunks: finite(s.chunks),
    recovered: s.recovered === true,
  }
}

/** Schema changes counted in the statistics, or null when the run saw no drift. */
export function parseDrift(stats: unknown): DriftCounts | null {
  const drift = asRecord(asRecord(stats).schemaDrift)
  const [added, removed, retyped] = [finite(drift.added), finite(drift.removed), finite(drift.retyped)]
  if (added === null && removed === null && retyped === null) return null
  return { added: added ?? 0, removed: removed ?? 0, retyped: retyped ?? 0 }
}

/** Quality results counted in the statistics, or null when the export has no checks. */
export function parseQuality(stats: unknown): QualityCounts | null {
  const quality = asRecord(asRecord(stats).quality)
  const [passed, failed, skipped] = [finite(quality.passed), finite(quality.failed), finite(quality.skipped)]
  if (passed === null && failed === null && skipped === null) return null
  return { passed: passed ?? 0, failed: failed ?? 0, skipped: skipped ?? 0 }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}
