import type { TimelinePointStats } from '../engine/progress.js'
import type { JournalEventKind, RunStatus, SchemaColumnRecord } from '../state/index.js'

/**
 * What the HTML report shows, as plain data: built from the state by `collectReport`, turned into
 * a page by `renderReportPage`. Times are ISO strings (UTC) so the renderers need no clock.
 */
export interface ReportData {
  /** When the page was made. */
  readonly generatedAt: string
  readonly rivetVersion: string
  readonly configPath: string
  /** Where the state lives (SQLite path or PostgreSQL URL without password); null when no run was ever recorded. */
  readonly stateLocation: string | null
  readonly selection: ReportSelection
  /** The selected exports in config order, each with its runs (an export without runs has none). */
  readonly exports: readonly ReportExport[]
}

/** Which runs the page covers. */
export interface ReportSelection {
  readonly exports: readonly string[]
  /** One run (`--run-id`), or null. */
  readonly runId: string | null
  /** The last N runs of each export (`--last`), or null with a run id. */
  readonly last: number | null
}

/** One export and its runs, newest first. */
export interface ReportExport {
  readonly name: string
  readonly runs: readonly ReportRun[]
}

/** Engine statistics of a run (`runs.stats`); a figure the run did not record is null. */
export interface RunStats {
  /** Read strategy: `keyset`, `ctid`, `chunked`... */
  readonly strategy: string | null
  readonly statements: number | null
  readonly maxStatementMs: number | null
  readonly totalStatementMs: number | null
  readonly sourceBytes: number | null
  /** Sizes chosen by the adaptive controller (pages or rows per statement, by strategy). */
  readonly minChunkSize: number | null
  readonly finalChunkSize: number | null
  readonly maxChunkSize: number | null
  /** Chunked runs: readers in parallel and chunks planned. */
  readonly parallel: number | null
  readonly chunks: number | null
  /** Completed by recovery (rolled forward) after its process died: it has no engine figures. */
  readonly recovered: boolean
}

/** Schema changes since the export's previous completed run. */
export interface DriftCounts {
  readonly added: number
  readonly removed: number
  readonly retyped: number
}

/** Quality check results of a run. */
export interface QualityCounts {
  readonly passed: number
  readonly failed: number
  readonly skipped: number
}

/** One journal event, timed from the run's start. */
export interface ReportEvent {
  readonly at: string
  readonly offsetMs: number
  readonly kind: JournalEventKind
  readonly message: string
  readonly data: Readonly<Record<string, unknown>> | null
}

/** A chunk completed, or a retry, at a time since the run's start. */
export interface TimelinePoint {
  readonly offsetMs: number
  readonly kind: 'chunk' | 'retry'
  /** The chunk (null for a retry of the whole export). */
  readonly chunk: number | null
  /** Rows of a completed chunk, else null. */
  readonly rows: number | null
  readonly message: string
}

/**
 * The run's counters as the engine sampled them while it ran (`stats.timeline`): about once a
 * step, plus a last point at the end. Runs recorded before the engine kept it have none.
 */
export interface RunTimeline {
  /** Spacing of the samples in ms at the end of the run (it doubles on long runs); null if not recorded. */
  readonly stepMs: number | null
  /** At least one point, oldest first. */
  readonly points: readonly RunTimelinePoint[]
}

/** One sample of a run's counters, as the engine records it in the run's stats. */
export type RunTimelinePoint = TimelinePointStats

/** One chunk of a chunked run. */
export interface ReportChunk {
  readonly index: number
  readonly lo: string | null
  readonly hi: string | null
  readonly status: string
  readonly attempts: number
  readonly rows: number | null
  readonly bytes: number | null
  readonly errorCode: string | null
  readonly errorMessage: string | null
  /** Milliseconds from the run's start, or null. */
  readonly startedMs: number | null
  readonly finishedMs: number | null
}

/** One committed file of a run. */
export interface ReportFile {
  readonly fileName: string
  readonly rows: number
  readonly bytes: number
  readonly chunkIndex: number | null
}

/** A run with everything the page says about it. */
export interface ReportRun {
  readonly runId: string
  readonly exportName: string
  readonly status: RunStatus
  readonly mode: string
  readonly format: string
  readonly compression: string
  readonly hostname: string
  readonly rivetVersion: string
  readonly startedAt: string
  readonly finishedAt: string | null
  readonly durationMs: number | null
  readonly rows: number | null
  readonly bytes: number | null
  readonly filesCount: number | null
  readonly peakRssBytes: number | null
  readonly rowsPerSec: number | null
  /** Null for runs recorded before retries were counted. */
  readonly retries: number | null
  readonly error: { readonly code: string; readonly message: string } | null
  readonly stats: RunStats
  readonly drift: DriftCounts | null
  readonly quality: QualityCounts | null
  /** The run's warnings, from its journal. */
  readonly warnings: readonly string[]
  /** Chunk completions and retries from the whole journal, oldest first: what the chunk chart draws. */
  readonly timeline: readonly TimelinePoint[]
  /** The counters sampled while the run ran, or null (older runs, unreadable statistics). */
  readonly progress: RunTimeline | null
  /** The journal, oldest first (possibly only its latest events: see eventsOmitted). */
  readonly events: readonly ReportEvent[]
  /** Older events left out of `events`. */
  readonly eventsOmitted: number
  readonly chunks: readonly ReportChunk[]
  /** The first committed files (see filesOmitted). */
  readonly files: readonly ReportFile[]
  readonly filesOmitted: number
  readonly schema: readonly SchemaColumnRecord[] | null
  /** The Markdown summary kept with the state, or null. */
  readonly summaryMarkdown: string | null
}
