/**
 * The StateStore port: what the engine records about runs and the files they publish.
 * Implementations (SQLite now, PostgreSQL later) keep every SQL-dialect detail to themselves.
 */

/** Lifecycle of a run: 'running' until the coordinator records how it ended. */
export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted'

/** How a run ended badly: failed by an error, or interrupted (signal, crash found later). */
export type RunFailureStatus = 'failed' | 'interrupted'

/** What the coordinator knows when a run starts. */
export interface BeginRunInput {
  readonly runId: string
  readonly exportName: string
  readonly startedAt: Date
  readonly pid: number
  readonly hostname: string
  readonly rivetVersion: string
  readonly configPath: string
  readonly format: string
  readonly compression: string
  readonly mode: string
}

/** One output file, recorded before its temp file is renamed into place. */
export interface FileRecordInput {
  /** Absolute final path of the file. */
  readonly path: string
  readonly fileName: string
  /** 1-based part number, or null when the run writes a single file. */
  readonly partIndex: number | null
  readonly rows: number
  readonly bytes: number
  /** xxh3-64 of the file bytes: 16 lowercase hex characters. */
  readonly xxh3: string
  readonly format: string
  readonly compression: string
  /** Defaults to the time of recording. */
  readonly createdAt?: Date
}

/** Totals of a run that completed. */
export interface CompleteRunSummary {
  readonly rows: number
  readonly bytes: number
  readonly filesCount: number
  readonly durationMs: number
  readonly peakRssBytes: number
  readonly finishedAt: Date
  /** Engine statistics (statement times, batch sizes...), stored as JSON. */
  readonly stats?: unknown
}

/** How far a failed or interrupted run got, and why it stopped. */
export interface FailRunInput {
  readonly status: RunFailureStatus
  readonly errorCode: string
  readonly errorMessage: string
  readonly finishedAt: Date
  readonly durationMs: number
  readonly peakRssBytes: number
  readonly rows: number
  readonly bytes: number
  readonly stats?: unknown
}

/** A run as stored. Fields a run in progress has not reached yet are null. */
export interface RunRecord {
  readonly runId: string
  readonly exportName: string
  readonly status: RunStatus
  readonly startedAt: Date
  readonly finishedAt: Date | null
  readonly rows: number | null
  readonly bytes: number | null
  readonly filesCount: number | null
  readonly durationMs: number | null
  readonly peakRssBytes: number | null
  readonly errorCode: string | null
  readonly errorMessage: string | null
  readonly pid: number
  readonly hostname: string
  readonly rivetVersion: string
  readonly configPath: string
  readonly format: string
  readonly compression: string
  readonly mode: string
  /** Parsed engine statistics, or null when none were stored. */
  readonly stats: unknown
}

/** A file as stored; `committed` turns true in the same transaction that completes its run. */
export interface FileRecord {
  readonly id: number
  readonly runId: string
  readonly exportName: string
  readonly path: string
  readonly fileName: string
  readonly partIndex: number | null
  readonly rows: number
  readonly bytes: number
  readonly xxh3: string
  readonly format: string
  readonly compression: string
  readonly createdAt: Date
  readonly committed: boolean
}

/** Per-run throughput figures; rates are null when the run has no duration yet. */
export interface RunMetrics {
  readonly runId: string
  readonly exportName: string
  readonly startedAt: Date
  readonly status: RunStatus
  readonly errorCode: string | null
  readonly rows: number | null
  readonly bytes: number | null
  readonly durationMs: number | null
  readonly filesCount: number | null
  readonly rowsPerSec: number | null
  /** Mebibytes (2^20 bytes) per second. */
  readonly mbPerSec: number | null
  /** Peak resident set size in mebibytes. */
  readonly peakRssMb: number | null
}

/** Filters for listRuns; newest first. */
export interface ListRunsOptions {
  readonly exportName?: string
  readonly limit?: number
  readonly status?: RunStatus
}

/** Filters for listFiles; newest first, committed files only unless asked. */
export interface ListFilesOptions {
  readonly exportName?: string
  readonly runId?: string
  readonly limit?: number
  readonly includeUncommitted?: boolean
}

/** Filters for metrics; newest first. */
export interface MetricsOptions {
  readonly exportName?: string
  readonly limit?: number
}

/** The state port. Methods are synchronous: only the main-thread coordinator writes state. */
export interface StateStore {
  /** Record a new run in status 'running'. */
  beginRun(run: BeginRunInput): void
  /** Record files (uncommitted) before their temp files are renamed into place. */
  recordPendingFiles(runId: string, files: readonly FileRecordInput[]): void
  /** In one transaction: mark every file of the run committed and the run completed. */
  completeRun(runId: string, summary: CompleteRunSummary): void
  /** Record that a run failed or was interrupted; its files stay uncommitted. */
  failRun(runId: string, failure: FailRunInput): void
  /** Runs still 'running' whose process is gone (same host) or that are older than a day (other host). */
  findStaleRuns(exportName?: string): RunRecord[]
  /** Mark the given runs interrupted (only those still 'running'). */
  markInterrupted(runIds: readonly string[], reason: string): void
  /** Runs, newest first. */
  listRuns(options?: ListRunsOptions): RunRecord[]
  /** One run, or undefined when the id is unknown. */
  getRun(runId: string): RunRecord | undefined
  /** Files, newest first. */
  listFiles(options?: ListFilesOptions): FileRecord[]
  /** Throughput figures per run, newest first. */
  metrics(options?: MetricsOptions): RunMetrics[]
  /** Close the store; further calls fail. Closing twice is harmless. */
  close(): void
}
