import os from 'node:os'
import { RivetError } from '../../errors/index.js'
import { toRunMetrics } from '../metrics.js'
import { isStaleRun } from '../stale.js'
import type {
  BeginRunInput, ChunkTaskInput, ChunkTaskRecord, CompleteChunkInput, CompleteRunOptions, CompleteRunSummary, CursorInput, CursorRecord, ExportLockHolder, ExportLockRecord, FailChunkInput, FailRunInput, FileRecord, FileRecordInput, JournalEvent, JournalEventInput, ListChunkTasksOptions, ListEventsOptions, ListFilesOptions, ListRunsOptions, MetricsOptions, PreparedCompletion, ReopenRunInput, ResetExportInput, ResetExportResult, RunMetrics, RunRecord, SchemaColumnRecord, StateStore,
} from '../types.js'
import { advisoryKey } from './advisory-key.js'
import type { BridgeResult, BridgeStatement } from './bridge-protocol.js'
import { toPgStateError, type StateErrorContext } from './errors.js'
import { ExportLocks } from './export-locks.js'
import {
  toChunkTaskRecord, toCursorRecord, toEventRecord, toFileRecord, toJsonb, toRunRecord, toText,
  type PgChunkTaskRow, type PgCursorRow, type PgEventRow, type PgRunRow,
} from './rows.js'
import {
  COMMIT_RUN_FILES, COMPLETE_CHUNK, COMPLETE_RUN, DELETE_PENDING_CHUNK_FILES, FAIL_CHUNK, FAIL_RUN, INSERT_CHUNK_TASKS, INSERT_EVENT,
  INSERT_FILES, INSERT_RUN, INSERT_SECRET, LOCK_JOURNAL, MARK_INTERRUPTED, PREPARE_COMPLETION, REOPEN_RUN, RESET_RUNNING_CHUNKS, SELECT_CHUNK_STATUS, SELECT_CURSOR,
  SELECT_PREPARED_COMPLETION, SELECT_RESUMABLE_RUNS, SELECT_RUN, SELECT_SECRET, SET_PLAN_HASH, START_CHUNK, UPSERT_CURSOR,
} from './sql.js'
import { BridgeError, type SyncBridge } from './sync-bridge.js'
import { toLimitParam, whereEquals } from './where.js'

/**
 * StateStore in a PostgreSQL schema, with the SQLite store's semantics. Calls are synchronous over
 * a SyncBridge (a worker thread owns the connection); every method that writes more than one
 * statement sends them as one batch the worker runs in BEGIN..COMMIT, so it is atomic.
 * A dropped connection is reopened by the worker (see worker-main.ts); every write that names a run
 * or an export is checked against the run locks before it is sent, so that none goes out for a lock
 * that did not survive the reconnect (see ExportLocks).
 */
export class PostgresStateStore implements StateStore {
  readonly schema: string
  private readonly bridge: SyncBridge
  private readonly context: StateErrorContext
  private readonly locks: ExportLocks

  /** Use openPostgresStateStore(); the constructor takes a connected bridge on a migrated schema. */
  constructor(bridge: SyncBridge, schema: string, context: StateErrorContext) {
    this.bridge = bridge
    this.schema = schema
    this.context = context
    this.locks = new ExportLocks(bridge, schema)
  }

  beginRun(run: BeginRunInput): void {
    this.guard('begin run', () => {
      this.query(INSERT_RUN, [
        run.runId, run.exportName, run.startedAt.toISOString(), run.pid, run.hostname, run.rivetVersion, run.configPath, run.format, run.compression, run.mode,
      ], { runIds: [run.runId], exportName: run.exportName })
    })
  }

  recordPendingFiles(runId: string, files: readonly FileRecordInput[]): void {
    this.guard('record pending files', () => {
      this.requireRun(runId)
      if (files.length > 0) this.query(INSERT_FILES, fileParams(runId, files, false), { runIds: [runId] })
    })
  }

  completeRun(runId: string, summary: CompleteRunSummary, options: CompleteRunOptions = {}): void {
    this.guard('complete run', () => {
      const finishedAt = summary.finishedAt.toISOString()
      const statements: BridgeStatement[] = [
        // files and run flip together: a reader never sees committed files of an unfinished run
        { sql: COMMIT_RUN_FILES, params: [runId] },
        {
          sql: COMPLETE_RUN,
          params: [runId, finishedAt, summary.rows, summary.bytes, summary.filesCount, summary.durationMs, summary.peakRssBytes, toJsonb(summary.stats)],
          expectRows: true,
        },
      ]
      const cursor = options.cursor
      // write before cursor: the cursor advances in the transaction that commits the files, never earlier
      if (cursor) {
        const keys = cursor.boundaryKeys === null ? null : JSON.stringify(cursor.boundaryKeys)
        statements.push({ sql: UPSERT_CURSOR, params: [runId, cursor.value, cursor.type, keys, cursor.boundaryComplete, finishedAt], expectRows: true })
      }
      this.batch(statements, { runIds: [runId] }, () => this.notRunning(runId, 'complete'))
    })
  }

  prepareCompletion(runId: string, cursor: CursorInput | null): void {
    this.guard('prepare run completion', () => {
      const params = [runId, new Date().toISOString(), cursor === null ? null : JSON.stringify(cursor)]
      this.batch([{ sql: PREPARE_COMPLETION, params, expectRows: true }], { runIds: [runId] }, () => this.notRunning(runId, 'prepare'))
    })
  }

  getPreparedCompletion(runId: string): PreparedCompletion | undefined {
    return this.guard('read prepared completion', () => {
      const row = this.query(SELECT_PREPARED_COMPLETION, [runId]).rows[0] as { prepared_at: Date | null; prepared_cursor: CursorInput | null } | undefined
      if (row === undefined || row.prepared_at === null) return undefined
      return { preparedAt: row.prepared_at, cursor: row.prepared_cursor }
    })
  }

  failRun(runId: string, failure: FailRunInput): void {
    this.guard('record run failure', () => {
      const params = [
        runId, failure.status, failure.finishedAt.toISOString(), failure.rows, failure.bytes, failure.durationMs, failure.peakRssBytes,
        toJsonb(failure.stats), failure.errorCode, toText(failure.errorMessage),
      ]
      this.batch([{ sql: FAIL_RUN, params, expectRows: true }], { runIds: [runId] }, () => this.notRunning(runId, 'fail'))
    })
  }

  findStaleRuns(exportName?: string): RunRecord[] {
    return this.guard('find stale runs', () => {
      const hostname = os.hostname()
      const now = new Date()
      return this.selectRuns({ exportName, status: 'running' }).filter((run) => isStaleRun(run, hostname, now))
    })
  }

  markInterrupted(runIds: readonly string[], reason: string): void {
    this.guard('mark runs interrupted', () => {
      if (runIds.length > 0) this.query(MARK_INTERRUPTED, [new Date().toISOString(), toText(reason), [...runIds]], { runIds })
    })
  }

  listRuns(options: ListRunsOptions = {}): RunRecord[] {
    return this.guard('list runs', () => this.selectRuns(options))
  }

  getRun(runId: string): RunRecord | undefined {
    return this.guard('read run', () => {
      const row = this.query(SELECT_RUN, [runId]).rows[0] as unknown as PgRunRow | undefined
      return row === undefined ? undefined : toRunRecord(row)
    })
  }

  listFiles(options: ListFilesOptions = {}): FileRecord[] {
    return this.guard('list files', () => {
      const where = whereEquals([
        ['export_name', options.exportName],
        ['run_id', options.runId],
        ['committed', options.includeUncommitted ? undefined : true],
      ])
      const sql = `SELECT * FROM files ${where.sql} ORDER BY created_at DESC, id DESC LIMIT $${where.params.length + 1}`
      return this.query(sql, [...where.params, toLimitParam(options.limit)]).rows.map((row) => toFileRecord(row as never))
    })
  }

  metrics(options: MetricsOptions = {}): RunMetrics[] {
    return this.guard('read metrics', () => this.selectRuns(options).map(toRunMetrics))
  }

  getCursor(exportName: string): CursorRecord | undefined {
    return this.guard('read cursor', () => {
      const row = this.query(SELECT_CURSOR, [exportName]).rows[0] as unknown as PgCursorRow | undefined
      return row === undefined ? undefined : toCursorRecord(row)
    })
  }

  resetExport(exportName: string, what: ResetExportInput): ResetExportResult {
    return this.guard('reset export', () => {
      const statements: BridgeStatement[] = []
      if (what.cursor) statements.push({ sql: 'DELETE FROM cursors WHERE export_name = $1', params: [exportName] })
      if (what.chunks) statements.push({ sql: 'DELETE FROM chunk_tasks WHERE export_name = $1', params: [exportName] })
      const results = statements.length === 0 ? [] : this.batch(statements, { exportName })
      return {
        cursorCleared: what.cursor && results[0]!.rowCount > 0,
        chunkTasksCleared: what.chunks ? results[results.length - 1]!.rowCount : 0,
      }
    })
  }

  setRunPlanHash(runId: string, hash: string): void {
    this.guard('record plan hash', () => {
      if (this.query(SET_PLAN_HASH, [runId, hash], { runIds: [runId] }).rowCount === 0) this.requireRun(runId)
    })
  }

  createChunkTasks(runId: string, exportName: string, tasks: readonly ChunkTaskInput[]): void {
    this.guard('record chunks', () => {
      const run = this.requireRun(runId)
      if (run.export_name !== exportName) {
        throw new RivetError('RIVET_INTERNAL', `cannot record chunks of export ${exportName} for run ${runId} of export ${run.export_name}`, {
          details: { location: this.context.location, runId, exportName, runExportName: run.export_name },
        })
      }
      const indexes = tasks.map((task) => toChunkIndex(task.index))
      // one statement: a refused batch (a duplicate index) leaves no chunk of it behind
      if (tasks.length > 0) this.query(INSERT_CHUNK_TASKS, [runId, exportName, indexes, tasks.map((t) => t.lo), tasks.map((t) => t.hi)], { runIds: [runId], exportName })
    })
  }

  startChunk(runId: string, index: number): number {
    return this.guard('start chunk', () => {
      const row = this.query(START_CHUNK, [runId, index, new Date().toISOString()], { runIds: [runId] }).rows[0] as { attempts: number } | undefined
      if (row === undefined) throw this.chunkNotReady(runId, index, 'start')
      return row.attempts
    })
  }

  completeChunk(runId: string, index: number, result: CompleteChunkInput): void {
    this.guard('complete chunk', () => {
      const statements: BridgeStatement[] = [
        { sql: COMPLETE_CHUNK, params: [runId, index, result.rows, result.bytes, new Date().toISOString()], expectRows: true },
        // records of this chunk's files made before they were renamed into place give way to the committed ones
        { sql: DELETE_PENDING_CHUNK_FILES, params: [runId, index] },
      ]
      // the chunk's files are published with the chunk: a resumed run keeps them and skips the chunk
      const files = result.files.map((file) => ({ ...file, chunkIndex: index }))
      if (files.length > 0) statements.push({ sql: INSERT_FILES, params: fileParams(runId, files, true) })
      this.batch(statements, { runIds: [runId] }, () => this.chunkNotReady(runId, index, 'complete'))
    })
  }

  failChunk(runId: string, index: number, failure: FailChunkInput): void {
    this.guard('record chunk failure', () => {
      const params = [runId, index, new Date().toISOString(), failure.errorCode, toText(failure.errorMessage)]
      if (this.query(FAIL_CHUNK, params, { runIds: [runId] }).rowCount === 0) throw this.chunkNotReady(runId, index, 'fail')
    })
  }

  resetRunningChunks(runId: string): number {
    return this.guard('reset running chunks', () => this.query(RESET_RUNNING_CHUNKS, [runId], { runIds: [runId] }).rowCount)
  }

  listChunkTasks(options: ListChunkTasksOptions = {}): ChunkTaskRecord[] {
    return this.guard('list chunks', () => {
      const where = whereEquals([
        ['c.run_id', options.runId],
        ['c.export_name', options.exportName],
        ['c.status', options.status],
      ])
      const sql = `SELECT c.* FROM chunk_tasks c JOIN runs r ON r.run_id = c.run_id ${where.sql} ORDER BY r.started_at, r.seq, c.chunk_index`
      return this.query(sql, where.params).rows.map((row) => toChunkTaskRecord(row as unknown as PgChunkTaskRow))
    })
  }

  findResumableRun(exportName: string): RunRecord | undefined {
    return this.guard('find resumable run', () => {
      const candidates = this.query(SELECT_RESUMABLE_RUNS, [exportName]).rows.map((row) => toRunRecord(row as unknown as PgRunRow))
      const hostname = os.hostname()
      const now = new Date()
      // a 'running' run whose process is alive is being worked on: it is not for another process to resume
      return candidates.find((run) => run.status !== 'running' || isStaleRun(run, hostname, now))
    })
  }

  reopenRun(runId: string, owner: ReopenRunInput): void {
    this.guard('reopen run', () => {
      if (this.query(REOPEN_RUN, [runId, owner.pid, owner.hostname], { runIds: [runId] }).rowCount === 0) throw this.notRunning(runId, 'reopen')
    })
  }

  ensureSecret(name: string, generate: () => string): string {
    return this.guard('create secret', () => {
      const existing = this.query(SELECT_SECRET, [name]).rows[0] as { value: string } | undefined
      if (existing !== undefined) return existing.value
      // two processes may both get here: the insert of the second waits for the first and does nothing,
      // and both read back the value that was stored first
      const [, stored] = this.batch([
        { sql: INSERT_SECRET, params: [name, generate()] },
        { sql: SELECT_SECRET, params: [name] },
      ], undefined)
      return (stored!.rows[0] as { value: string }).value
    })
  }

  setRunSchema(runId: string, columns: readonly SchemaColumnRecord[]): void {
    this.updateRun('record run schema', runId, 'schema', JSON.stringify(columns))
  }

  setRunShape(runId: string, maxBytes: Readonly<Record<string, number>>): void {
    this.updateRun('record run shape', runId, 'shape', JSON.stringify(maxBytes))
  }

  setRunSummary(runId: string, markdown: string): void {
    this.updateRun('keep run summary', runId, 'summary_md', markdown)
  }

  getRunSummary(runId: string): string | undefined {
    return this.guard('read run summary', () => (this.query('SELECT summary_md FROM runs WHERE run_id = $1', [runId]).rows[0] as { summary_md: string | null } | undefined)?.summary_md ?? undefined)
  }

  /** Set one column of a recorded run. */
  private updateRun(action: string, runId: string, column: 'schema' | 'shape' | 'summary_md', value: string): void {
    this.guard(action, () => {
      if (this.query(`UPDATE runs SET ${column} = $2 WHERE run_id = $1`, [runId, value], { runIds: [runId] }).rowCount === 0) this.requireRun(runId)
    })
  }

  getSecret(name: string): string | undefined {
    return this.guard('read secret', () => (this.query(SELECT_SECRET, [name]).rows[0] as { value: string } | undefined)?.value)
  }

  acquireExportLock(exportName: string, holder: ExportLockHolder): void {
    this.guard('take export lock', () => this.locks.acquire(exportName, holder))
  }

  releaseExportLock(exportName: string, runId: string): void {
    this.guard('release export lock', () => this.locks.release(exportName, runId))
  }

  getExportLock(exportName: string): ExportLockRecord | undefined {
    return this.guard('read export lock', () => this.locks.read(exportName))
  }

  appendEvent(runId: string, exportName: string, event: JournalEventInput): void {
    this.guard('append journal event', () => {
      const at = (event.at ?? new Date()).toISOString()
      // appends are serialised by a transaction lock, so seq order is commit order: a reader that has
      // seen seq n never later finds an event below n appear (identity values alone could commit out of order)
      this.batch([
        { sql: LOCK_JOURNAL, params: [advisoryKey(this.schema, 'journal')] },
        { sql: INSERT_EVENT, params: [runId, exportName, at, event.kind, toText(event.message), toJsonb(event.data)] },
      ], { runIds: [runId], exportName })
    })
  }

  listEvents(options: ListEventsOptions = {}): JournalEvent[] {
    return this.guard('list journal events', () => {
      const where = whereEquals([
        ['export_name', options.exportName],
        ['run_id', options.runId],
        ['kind', options.kind],
      ])
      const sql = `SELECT * FROM events ${where.sql} ORDER BY seq DESC LIMIT $${where.params.length + 1}`
      const rows = this.query(sql, [...where.params, toLimitParam(options.limit)]).rows as unknown as PgEventRow[]
      return rows.reverse().map(toEventRecord)
    })
  }

  describeLocation(): string {
    return this.context.location
  }

  close(): void {
    this.locks.close()
    this.bridge.close()
  }

  private selectRuns(options: ListRunsOptions): RunRecord[] {
    const where = whereEquals([
      ['export_name', options.exportName],
      ['status', options.status],
    ])
    // seq breaks ties between runs started in the same instant: later insert = newer
    const sql = `SELECT * FROM runs ${where.sql} ORDER BY started_at DESC, seq DESC LIMIT $${where.params.length + 1}`
    return this.query(sql, [...where.params, toLimitParam(options.limit)]).rows.map((row) => toRunRecord(row as unknown as PgRunRow))
  }

  /** Run one statement; with `owner`, a write that the export's run lock must still cover (see ExportLocks.check). */
  private query(sql: string, params: readonly unknown[] = [], owner?: LockOwner): BridgeResult {
    return this.bridge.request({ op: 'query', statement: { sql, params } }, undefined, this.lockCheck(owner))[0]!
  }

  /**
   * The check run before each sending of a write (again after a reconnect, once the locks were re-taken):
   * a write naming a run or export whose lock this store lost is never sent.
   */
  private lockCheck(owner: LockOwner | undefined): (() => void) | undefined {
    return owner === undefined ? undefined : () => this.locks.check(owner)
  }

  /**
   * Run statements in one transaction. When an expectRows statement touches nothing, the batch is
   * rolled back and `onNoRows` says why (it may read, now that the transaction is over).
   */
  private batch(statements: readonly BridgeStatement[], owner: LockOwner | undefined, onNoRows?: () => RivetError): BridgeResult[] {
    try {
      return this.bridge.request({ op: 'batch', statements }, undefined, this.lockCheck(owner))
    } catch (err) {
      if (err instanceof BridgeError && err.failure.kind === 'no-rows' && onNoRows) throw onNoRows()
      throw err
    }
  }

  private requireRun(runId: string): PgRunRow {
    const row = this.query(SELECT_RUN, [runId]).rows[0] as unknown as PgRunRow | undefined
    if (row === undefined) {
      throw new RivetError('RIVET_INTERNAL', `run ${runId} is not recorded in state database ${this.context.location}`, {
        details: { location: this.context.location, runId },
      })
    }
    return row
  }

  private notRunning(runId: string, verb: string): RivetError {
    const status = this.requireRun(runId).status
    return new RivetError('RIVET_INTERNAL', `cannot ${verb} run ${runId}: its status is already '${status}'`, {
      details: { location: this.context.location, runId, status },
    })
  }

  private chunkNotReady(runId: string, index: number, verb: string): RivetError {
    const row = this.query(SELECT_CHUNK_STATUS, [runId, index]).rows[0] as { status: string } | undefined
    const details = { location: this.context.location, runId, index, status: row?.status ?? null }
    const reason = row === undefined ? 'it is not recorded' : `its status is '${row.status}'`
    return new RivetError('RIVET_INTERNAL', `cannot ${verb} chunk ${index} of run ${runId}: ${reason}`, { details })
  }

  private guard<T>(action: string, fn: () => T): T {
    try {
      return fn()
    } catch (err) {
      throw toPgStateError(err, this.context, action)
    }
  }
}

/** What a write acts for: it is refused once the run lock of that run or export was lost. */
type LockOwner = Parameters<ExportLocks['check']>[0]

/** Parameters of INSERT_FILES: the run, the committed flag, then one array per column. */
function fileParams(runId: string, files: readonly FileRecordInput[], committed: boolean): unknown[] {
  const now = new Date()
  return [
    runId, committed,
    files.map((f) => f.path), files.map((f) => f.fileName), files.map((f) => f.partIndex), files.map((f) => f.rows), files.map((f) => f.bytes),
    files.map((f) => f.xxh3), files.map((f) => f.format), files.map((f) => f.compression), files.map((f) => (f.createdAt ?? now).toISOString()),
    files.map((f) => f.chunkIndex ?? null),
  ]
}

/** Chunk indexes are non-negative integers. */
function toChunkIndex(index: number): number {
  if (!Number.isInteger(index) || index < 0) throw new RivetError('RIVET_INTERNAL', `invalid chunk index ${index}: expected a non-negative integer`)
  return index
}
