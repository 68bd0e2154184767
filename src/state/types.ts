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
  /** The chunk that wrote the file in a chunked run; null (the default) outside chunked runs. */
  readonly chunkIndex?: number | null
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
  /** Hash of the export plan of a chunked run (a resumed run must have the same plan), else null. */
  readonly planHash: string | null
  /** The columns the run exported (recorded before it wrote any data file), or null. */
  readonly schema: readonly SchemaColumnRecord[] | null
  /** Largest value in bytes per text, json and binary column (recorded when the run completes), or null. */
  readonly shape: Readonly<Record<string, number>> | null
}

/** A column as a run exported it: the schema history that drift is detected against. */
export interface SchemaColumnRecord {
  readonly name: string
  /** Rivet's type, as `describeType` renders it (`decimal(18,2)`, `timestamp_tz`, ...). */
  readonly type: string
  /** The source's type name (`numeric(18,2)`, `varchar(64)`, ...). */
  readonly sourceType: string
  readonly nullable: boolean
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
  /** The chunk that wrote the file in a chunked run, else null. */
  readonly chunkIndex: number | null
}

/**
 * One key tuple per row: the key columns rendered as text by the server (null for SQL NULL).
 * Boundary keys name the rows already exported whose cursor equals the cursor value.
 */
export type BoundaryKeys = readonly (readonly (string | null)[])[]

/** The cursor an incremental run reached, stored when the run completes. */
export interface CursorInput {
  /** The highest cursor value exported, as the server renders it as text. */
  readonly value: string
  /** The source type of the cursor column, e.g. 'timestamptz' or 'bigint'. */
  readonly type: string
  readonly boundaryKeys: BoundaryKeys | null
  /** True when boundaryKeys lists every exported row whose cursor equals value. */
  readonly boundaryComplete: boolean
}

/** The cursor of an export as stored. */
export interface CursorRecord {
  readonly exportName: string
  readonly value: string
  readonly type: string
  readonly boundaryKeys: (string | null)[][] | null
  readonly boundaryComplete: boolean
  /** The run whose completion stored this cursor. */
  readonly runId: string
  /** When that run finished. */
  readonly updatedAt: Date
}

/** A run prepared for completion: its files are about to be (or were) sealed. */
export interface PreparedCompletion {
  readonly preparedAt: Date
  /** The cursor to store when the run completes, or null for a run that moves no cursor. */
  readonly cursor: CursorInput | null
}

/** Options of completeRun. */
export interface CompleteRunOptions {
  /** Stored in the same transaction that commits the run's files: the cursor never runs ahead of them. */
  readonly cursor?: CursorInput
}

/** What resetExport clears. */
export interface ResetExportInput {
  readonly cursor: boolean
  readonly chunks: boolean
}

/** What resetExport cleared. */
export interface ResetExportResult {
  readonly cursorCleared: boolean
  readonly chunkTasksCleared: number
}

/** Lifecycle of a chunk: pending → running → completed, or failed (and started again on retry). */
export type ChunkTaskStatus = 'pending' | 'running' | 'completed' | 'failed'

/** One chunk of a chunked run; bounds are the server's text rendering, null for an open end. */
export interface ChunkTaskInput {
  readonly index: number
  readonly lo: string | null
  readonly hi: string | null
}

/** What a chunk produced; its files are published (committed) together with its completion. */
export interface CompleteChunkInput {
  readonly rows: number
  readonly bytes: number
  readonly files: readonly FileRecordInput[]
}

/** Why a chunk failed. */
export interface FailChunkInput {
  readonly errorCode: string
  readonly errorMessage: string
}

/** A chunk as stored. Fields the chunk has not reached yet are null. */
export interface ChunkTaskRecord {
  readonly runId: string
  readonly exportName: string
  readonly index: number
  readonly lo: string | null
  readonly hi: string | null
  readonly status: ChunkTaskStatus
  /** How many times the chunk was started. */
  readonly attempts: number
  readonly rows: number | null
  readonly bytes: number | null
  readonly errorCode: string | null
  readonly errorMessage: string | null
  readonly startedAt: Date | null
  readonly finishedAt: Date | null
}

/** Filters for listChunkTasks; ordered by run (oldest first), then chunk index. */
export interface ListChunkTasksOptions {
  readonly runId?: string
  readonly exportName?: string
  readonly status?: ChunkTaskStatus
}

/** The process that takes over a reopened run. */
export interface ReopenRunInput {
  readonly pid: number
  readonly hostname: string
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
  /** Retries during the run (whole-export and chunk retries); null for runs that did not count them. */
  readonly retries: number | null
  /** Columns added, removed or retyped since the export's previous completed run; null without drift. */
  readonly schemaChanges: number | null
  /** Quality checks the run failed; null when none were configured. */
  readonly qualityFailed: number | null
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

/** What a journal event is about. */
export type JournalEventKind = 'plan' | 'file' | 'chunk' | 'retry' | 'warning' | 'drift' | 'quality' | 'outcome' | 'recovery'

/** One event of a run's journal, as the engine records it. */
export interface JournalEventInput {
  readonly kind: JournalEventKind
  /** One human line. Never holds credentials (callers pass redacted text). */
  readonly message: string
  /** Structured fields (chunk index, file name, error code, attempt...), stored as JSON. */
  readonly data?: Record<string, unknown>
  /** Defaults to the time of recording. */
  readonly at?: Date
}

/** A journal event as stored. */
export interface JournalEvent {
  /** Increases with every event recorded in the store: the order events happened in. */
  readonly seq: number
  readonly runId: string
  readonly exportName: string
  readonly at: Date
  readonly kind: JournalEventKind
  readonly message: string
  readonly data: Record<string, unknown> | null
}

/** Filters for listEvents; oldest first. */
export interface ListEventsOptions {
  readonly exportName?: string
  readonly runId?: string
  readonly kind?: JournalEventKind
  /** The newest `limit` events (still returned oldest first). */
  readonly limit?: number
}

/** Who holds an export's run lock. */
export interface ExportLockHolder {
  readonly runId: string
  readonly pid: number
  readonly hostname: string
}

/** An export's run lock as stored. */
export interface ExportLockRecord extends ExportLockHolder {
  readonly exportName: string
  readonly acquiredAt: Date
}

/** The state port. Methods are synchronous: only the main-thread coordinator writes state. */
export interface StateStore {
  /** Record a new run in status 'running'. */
  beginRun(run: BeginRunInput): void
  /** Record files (uncommitted) before their temp files are renamed into place. */
  recordPendingFiles(runId: string, files: readonly FileRecordInput[]): void
  /**
   * In one transaction: mark every file of the run committed, the run completed and, when given,
   * store the export's cursor (write before cursor: the cursor never advances past uncommitted files).
   */
  completeRun(runId: string, summary: CompleteRunSummary, options?: CompleteRunOptions): void
  /**
   * Record, before the run's files are sealed at the destination, the cursor its completion will
   * store (null: none). A process that dies between sealing and completing leaves this record; the
   * next run finds the seal in place and completes the run from it (roll forward) instead of
   * discarding sealed output.
   */
  prepareCompletion(runId: string, cursor: CursorInput | null): void
  /** What prepareCompletion recorded for a run, or undefined when the run was never prepared. */
  getPreparedCompletion(runId: string): PreparedCompletion | undefined
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
  /** The cursor of an export, or undefined before its first incremental run completes. */
  getCursor(exportName: string): CursorRecord | undefined
  /** Clear the cursor and/or every chunk checkpoint of an export, in one transaction. */
  resetExport(exportName: string, what: ResetExportInput): ResetExportResult
  /** Record the hash of a chunked run's export plan. */
  setRunPlanHash(runId: string, hash: string): void
  /** Record the chunks of a run, all pending. */
  createChunkTasks(runId: string, exportName: string, tasks: readonly ChunkTaskInput[]): void
  /** Mark a pending or failed chunk running and count the attempt; returns the attempts so far. */
  startChunk(runId: string, index: number): number
  /** In one transaction: record the chunk's files as committed and mark the chunk completed. */
  completeChunk(runId: string, index: number, result: CompleteChunkInput): void
  /** Mark a chunk failed with its error; a completed chunk is final. */
  failChunk(runId: string, index: number, failure: FailChunkInput): void
  /** Put the running chunks of a run back to pending (resuming after a crash); returns how many. */
  resetRunningChunks(runId: string): number
  /** Chunks, ordered by run (oldest first), then chunk index. */
  listChunkTasks(options?: ListChunkTasksOptions): ChunkTaskRecord[]
  /**
   * The run `rivet run --resume` continues: the newest failed, interrupted or stale run of the
   * export with chunks not all completed, unless a later run of the export completed.
   */
  findResumableRun(exportName: string): RunRecord | undefined
  /** Put a failed, interrupted or stale run back to 'running' under the resuming process. */
  reopenRun(runId: string, owner: ReopenRunInput): void
  /**
   * The secret stored under `name`; when there is none yet, `generate()` is stored and returned
   * (atomically: two processes creating it at once both get the one that was stored first).
   */
  ensureSecret(name: string, generate: () => string): string
  /** The secret stored under `name`, or undefined when none was ever created. */
  getSecret(name: string): string | undefined
  /**
   * Take the run lock of an export: two runs of one export never overlap (runs of different exports
   * may). Throws RIVET_EXPORT_LOCKED naming the holder when a live run holds it; a lock left by a
   * process that is gone (same host: pid not alive; other host: older than a day) is taken over,
   * and so is one held by this same process (pid and host): a resumed run re-takes it under its own run id.
   */
  acquireExportLock(exportName: string, holder: ExportLockHolder): void
  /** Release the lock if `runId` holds it; releasing a lock one does not hold is harmless. */
  releaseExportLock(exportName: string, runId: string): void
  /** The current holder of an export's run lock, or undefined. */
  getExportLock(exportName: string): ExportLockRecord | undefined
  /** Append an event to a run's journal. */
  appendEvent(runId: string, exportName: string, event: JournalEventInput): void
  /** Journal events, oldest first. */
  listEvents(options?: ListEventsOptions): JournalEvent[]
  /** Where the state lives, for humans: the SQLite file path, or the PostgreSQL URL without its password. */
  describeLocation(): string
  /** Record the columns a run exports (before it writes any data file). */
  setRunSchema(runId: string, columns: readonly SchemaColumnRecord[]): void
  /** Record the largest value in bytes per text, json and binary column of a run. */
  setRunShape(runId: string, maxBytes: Readonly<Record<string, number>>): void
  /** Keep a run's summary (Markdown) with the state. */
  setRunSummary(runId: string, markdown: string): void
  /** A run's summary (Markdown), or undefined when none was kept. */
  getRunSummary(runId: string): string | undefined
  /** Close the store; further calls fail. Closing twice is harmless. */
  close(): void
}
