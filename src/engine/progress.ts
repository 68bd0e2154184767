import type { ExportMode } from '../config/index.js'

/** What a running export is doing. */
export type ExportPhase = 'planning' | 'reading' | 'publishing'

/**
 * Live counters of one running export, shared by its pipelines (one per chunk reader) and read by
 * whoever shows progress. Only the coordinator thread writes them; reading them costs nothing,
 * so displays poll at their own pace.
 */
export class ExportProgress {
  phase: ExportPhase = 'planning'
  rows = 0
  batches = 0
  statements = 0
  maxStatementMs = 0
  lastStatementMs = 0
  /** Size (rows or pages) the adaptive controller chose for the latest statement. */
  statementSize = 0
  /** What `statementSize` counts: heap pages for a ctid read, else rows. */
  statementUnit: 'rows' | 'pages' = 'rows'
  /** Arrow bytes read from the source. */
  rawBytes = 0
  /** Encoded bytes handed to the files (before a CSV file's own compression). */
  encodedBytes = 0
  /** Chunks of a chunked export: completed (this run, resumed ones included) and planned; 0 when not chunked. */
  chunksDone = 0
  chunksTotal = 0
  /** Of `chunksDone`, the chunks a resumed run found done (no part of this run's pace). */
  chunksResumed = 0
  /** The catalog's row count for a whole-table read, else null: what an ETA is measured against. */
  estimatedRows: number | null = null
  /** Attempts of a whole-export read so far (a retry starts the counts over). */
  attempt = 1
  /** When the export started (epoch ms). */
  readonly startedAt = Date.now()
  /** Statements being read now, by pipeline: when each started (epoch ms). */
  private readonly open = new Map<object, number>()

  constructor(
    readonly exportName: string,
    readonly runId: string,
    readonly mode: ExportMode,
  ) {}

  statementStarted(owner: object): void {
    this.open.set(owner, Date.now())
  }

  statementDone(owner: object, ms: number, size: number): void {
    this.open.delete(owner)
    this.statements++
    this.lastStatementMs = ms
    this.maxStatementMs = Math.max(this.maxStatementMs, ms)
    if (size > 0) this.statementSize = size
  }

  /** A pipeline ended: whatever statement it had open is over. */
  pipelineDone(owner: object): void {
    this.open.delete(owner)
  }

  /** How long the oldest statement still open has been running, or null between statements. */
  openStatementMs(now = Date.now()): number | null {
    let oldest: number | null = null
    for (const t of this.open.values()) oldest = oldest === null ? t : Math.min(oldest, t)
    return oldest === null ? null : now - oldest
  }

  /** A whole-export retry starts over in a new snapshot: the counts of the failed attempt go. */
  restart(): void {
    this.attempt++
    Object.assign(this, { rows: 0, batches: 0, statements: 0, maxStatementMs: 0, lastStatementMs: 0, rawBytes: 0, encodedBytes: 0 })
    this.open.clear()
  }
}

/** One point of a run's timeline (kept in the run's stats for `rivet report`). */
export interface TimelinePointStats {
  /** Milliseconds since the run started. */
  readonly t: number
  /** Rows written so far. */
  readonly rows: number
  /** Arrow bytes read from the source so far. */
  readonly bytes: number
  /** Resident memory of the process at that moment, in bytes. */
  readonly rss: number
  /** Statement size the adaptive controller had chosen last (rows, or pages for ctid reads); 0 before the first statement. */
  readonly size: number
  /** Duration of the latest finished statement, ms. */
  readonly stmtMs: number
  /** Chunks completed so far (0 for a run that is not chunked). */
  readonly chunks: number
}

/** Points a timeline keeps at most: when full, every other point goes and the step doubles. */
export const TIMELINE_MAX_POINTS = 240

/**
 * Samples an export's counters once per step for the run's stats, from its first second to its
 * end, in bounded space: a run of any length keeps at most TIMELINE_MAX_POINTS points.
 */
export class ProgressTimeline {
  private readonly points: TimelinePointStats[] = []
  private stepMs: number
  private timer: NodeJS.Timeout | null = null
  private stopped: { readonly stepMs: number; readonly points: readonly TimelinePointStats[] } | null = null

  constructor(
    private readonly progress: ExportProgress,
    stepMs = 1000,
  ) {
    this.stepMs = stepMs
    this.schedule()
  }

  /** Stop sampling (once; later calls return the same): the timeline with a last point at the end. */
  stop(): { readonly stepMs: number; readonly points: readonly TimelinePointStats[] } {
    if (this.stopped !== null) return this.stopped
    if (this.timer !== null) clearTimeout(this.timer)
    this.sample()
    this.stopped = { stepMs: this.stepMs, points: [...this.points] }
    return this.stopped
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.sample()
      this.schedule()
    }, this.stepMs)
    this.timer.unref()
  }

  private sample(): void {
    const p = this.progress
    this.points.push({ t: Date.now() - p.startedAt, rows: p.rows, bytes: p.rawBytes, rss: process.memoryUsage.rss(), size: p.statementSize, stmtMs: Math.round(p.lastStatementMs), chunks: p.chunksDone })
    if (this.points.length >= TIMELINE_MAX_POINTS) {
      const kept = this.points.filter((_, i) => i % 2 === 1)
      this.points.splice(0, this.points.length, ...kept)
      this.stepMs *= 2
    }
  }
}

/** How a running export looks at one moment: what progress displays and NDJSON events carry. */
export interface ProgressSnapshot {
  readonly export: string
  readonly runId: string
  readonly mode: ExportMode
  readonly phase: ExportPhase
  readonly elapsedMs: number
  readonly rows: number
  /** Rows per second over the last few seconds. */
  readonly rowsPerSec: number
  /** Arrow bytes read from the source. */
  readonly bytesRead: number
  /** Encoded bytes handed to the files. */
  readonly bytesWritten: number
  readonly batches: number
  readonly statements: number
  /** How long the statement open now has been running, or null between statements. */
  readonly statementMs: number | null
  readonly lastStatementMs: number
  readonly maxStatementMs: number
  /** Rows (pages for a ctid read) per statement, as the adaptive controller chose it last. */
  readonly statementSize: number
  readonly statementUnit: 'rows' | 'pages'
  /** Chunked exports: chunks done and planned; null otherwise. */
  readonly chunksDone: number | null
  readonly chunksTotal: number | null
  readonly estimatedRows: number | null
  /** Estimated time to the end, when there is something to measure it against. */
  readonly etaMs: number | null
  /** RSS of the process running the export. */
  readonly rssBytes: number
}

/** Seconds of history the rows/s figure is measured over. */
const RATE_WINDOW_MS = 5000

/** Turns an export's counters into snapshots: a recent rows/s rate and an ETA. */
export class ProgressMeter {
  private readonly history: { t: number; rows: number }[] = []
  private attempt = 1

  constructor(readonly progress: ExportProgress) {}

  snapshot(now = Date.now()): ProgressSnapshot {
    const p = this.progress
    // a retry started the counts over: the rate is the new attempt's
    if (this.attempt !== p.attempt) {
      this.attempt = p.attempt
      this.history.length = 0
    }
    this.history.push({ t: now, rows: p.rows })
    while (this.history.length > 2 && now - this.history[1]!.t >= RATE_WINDOW_MS) this.history.shift()
    const first = this.history[0]!
    const elapsedMs = now - p.startedAt
    const span = now - first.t
    // until the window has a second of history, the average since the start
    const rowsPerSec = span >= 1000 ? ((p.rows - first.rows) * 1000) / span : elapsedMs > 0 ? (p.rows * 1000) / elapsedMs : 0
    return {
      export: p.exportName,
      runId: p.runId,
      mode: p.mode,
      phase: p.phase,
      elapsedMs,
      rows: p.rows,
      rowsPerSec: Math.round(rowsPerSec),
      bytesRead: p.rawBytes,
      bytesWritten: p.encodedBytes,
      batches: p.batches,
      statements: p.statements,
      statementMs: p.openStatementMs(now),
      lastStatementMs: Math.round(p.lastStatementMs),
      maxStatementMs: Math.round(p.maxStatementMs),
      statementSize: p.statementSize,
      statementUnit: p.statementUnit,
      chunksDone: p.chunksTotal > 0 ? p.chunksDone : null,
      chunksTotal: p.chunksTotal > 0 ? p.chunksTotal : null,
      estimatedRows: p.estimatedRows,
      etaMs: estimateEta(p, rowsPerSec, elapsedMs),
      rssBytes: process.memoryUsage.rss(),
    }
  }
}

/**
 * Time left: by chunks for a chunked export (the chunks left at the pace of those done), else by
 * rows against the catalog's count. Null when there is nothing to measure against, nothing done
 * yet, or the count was already passed (the catalog was behind).
 */
export function estimateEta(p: Pick<ExportProgress, 'rows' | 'chunksDone' | 'chunksResumed' | 'chunksTotal' | 'estimatedRows'>, rowsPerSec: number, elapsedMs: number): number | null {
  if (p.chunksTotal > 0) {
    const read = p.chunksDone - p.chunksResumed
    if (read <= 0 || elapsedMs <= 0) return null
    return Math.round(((p.chunksTotal - p.chunksDone) * elapsedMs) / read)
  }
  if (p.estimatedRows === null || p.estimatedRows <= 0 || p.rows >= p.estimatedRows || rowsPerSec <= 0) return null
  return Math.round(((p.estimatedRows - p.rows) * 1000) / rowsPerSec)
}
