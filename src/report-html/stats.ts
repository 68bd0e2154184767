import type { DriftCounts, QualityCounts, RunStats, RunTimeline, RunTimelinePoint } from './model.js'

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

/**
 * The counters the engine sampled during the run (`stats.timeline`), oldest first. A point with a
 * missing or non-finite field, or a negative time, is left out; null when the statistics carry no
 * timeline (older runs) or not one usable point.
 */
export function parseTimeline(stats: unknown): RunTimeline | null {
  const timeline = asRecord(asRecord(stats).timeline)
  if (!Array.isArray(timeline.points)) return null
  const points: RunTimelinePoint[] = []
  for (const raw of timeline.points as unknown[]) {
    const p = asRecord(raw)
    const point = { t: finite(p.t), rows: finite(p.rows), bytes: finite(p.bytes), rss: finite(p.rss), size: finite(p.size), stmtMs: finite(p.stmtMs), chunks: finite(p.chunks) }
    if (Object.values(point).some((v) => v === null) || point.t! < 0) continue
    points.push(point as RunTimelinePoint)
  }
  if (points.length === 0) return null
  const stepMs = finite(timeline.stepMs)
  return { stepMs: stepMs !== null && stepMs > 0 ? stepMs : null, points: points.sort((a, b) => a.t - b.t) }
}

/** Rows per second over one step of a run's timeline, at the step's end. */
export interface TimelineRate {
  /** End of the step, ms since the run started. */
  readonly t: number
  readonly rowsPerSec: number
  /** Rows written by the end of the step. */
  readonly rows: number
}

/**
 * Rows per second between consecutive points (Δrows / Δt), one per step with a positive Δt. When
 * the rows fall (a whole-export retry starts counting again from 0), the step is measured by the
 * rows counted since the restart, so a rate is never negative.
 */
export function timelineRates(points: readonly RunTimelinePoint[]): TimelineRate[] {
  const rates: TimelineRate[] = []
  for (let i = 1; i < points.length; i++) {
    const [prev, cur] = [points[i - 1]!, points[i]!]
    const dt = cur.t - prev.t
    if (dt <= 0) continue
    const rows = cur.rows >= prev.rows ? cur.rows - prev.rows : cur.rows
    rates.push({ t: cur.t, rowsPerSec: (rows * 1000) / dt, rows: cur.rows })
  }
  return rates
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}
