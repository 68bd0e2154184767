import os from 'node:os'
import type { Database } from 'better-sqlite3'
import { RivetError } from '../../errors/index.js'
import { toRunMetrics } from '../metrics.js'
import { isStaleRun } from '../stale.js'
import type {
  BeginRunInput, ChunkTaskInput, ChunkTaskRecord, CompleteChunkInput, CompleteRunOptions, CompleteRunSummary, CursorInput,
  CursorRecord, ExportLockHolder, ExportLockRecord, FailChunkInput, FailRunInput, FileRecord, FileRecordInput, JournalEvent,
  JournalEventInput, ListChunkTasksOptions, PreparedCompletion, SchemaColumnRecord, ListEventsOptions, ListFilesOptions, ListRunsOptions, MetricsOptions, ReopenRunInput,
  ResetExportInput, ResetExportResult, RunMetrics, RunRecord, StateStore,
} from '../types.js'
import { exportLockedError, isStaleLock } from '../locks.js'
import { toStateError } from './errors.js'
import { openDatabase } from './open-database.js'
import {
  toChunkTaskRecord, toCursorRecord, toEventRecord, toFileRecord, toIso, toLockRecord, toRunRecord, toStatsJson,
  type ChunkTaskRow, type CursorRow, type EventRow, type FileRow, type LockRow, type RunRow,
} from './rows.js'
import {
  COMPLETE_CHUNK, COMPLETE_RUN, FAIL_CHUNK, FAIL_RUN, INSERT_CHUNK_TASK, INSERT_FILE, INSERT_RUN, MARK_INTERRUPTED, REOPEN_RUN,
  RESET_RUNNING_CHUNKS, SELECT_CHUNK_STATUS, SELECT_CURSOR, SELECT_RESUMABLE_RUNS, START_CHUNK, UPSERT_CURSOR,
} from './sql.js'
import { whereClause } from './where.js'

/** StateStore over a local SQLite file (WAL mode). Single writer: the main-thread coordinator. */
export class SqliteStateStore implements StateStore {
  readonly path: string
  private readonly db: Database

  /** Use openStateStore(); the constructor takes an already opened and migrated database. */
  constructor(db: Database, statePath: string) {
    this.db = db
    this.path = statePath
  }

  beginRun(run: BeginRunInput): void {
    this.guard('begin run', () => {
      this.db.prepare(INSERT_RUN).run({ ...run, startedAt: toIso(run.startedAt) })
    })
  }

  recordPendingFiles(runId: string, files: readonly FileRecordInput[]): void {
    this.guard('record pending files', () => {
      this.db.transaction(() => this.insertFiles(runId, files, false)).immediate()
    })
  }

  completeRun(runId: string, summary: CompleteRunSummary, options: CompleteRunOptions = {}): void {
    this.guard('complete run', () => {
      const params = {
        runId, rows: summary.rows, bytes: summary.bytes, filesCount: summary.filesCount, durationMs: summary.durationMs,
        peakRssBytes: summary.peakRssBytes, finishedAt: toIso(summary.finishedAt), statsJson: toStatsJson(summary.stats),
      }
      this.durably(() => {
        // Files and run flip together: a reader never sees committed files of an unfinished run.
        this.db.prepare('UPDATE files SET committed = 1 WHERE run_id = ?').run(runId)
        if (this.db.prepare(COMPLETE_RUN).run(params).changes === 0) throw this.notRunning(runId, 'complete')
        // Write before cursor: the cursor advances in the transaction that commits the files, never earlier.
        if (options.cursor) this.writeCursor(this.requireRun(runId), options.cursor, summary.finishedAt)
      })
    })
  }

  prepareCompletion(runId: string, cursor: CursorInput | null): void {
    this.guard('prepare run completion', () => {
      // durable: the seal that follows is what a later run trusts to roll this run forward
      this.durably(() => {
        const changes = this.db
          .prepare("UPDATE runs SET prepared_at = ?, prepared_cursor_json = ? WHERE run_id = ? AND status = 'running'")
          .run(toIso(new Date()), cursor === null ? null : JSON.stringify(cursor), runId).changes
        if (changes === 0) throw this.notRunning(runId, 'prepare')
      })
    })
  }

  getPreparedCompletion(runId: string): PreparedCompletion | undefined {
    return this.guard('read prepared completion', () => {
      const row = this.db.prepare('SELECT prepared_at, prepared_cursor_json FROM runs WHERE run_id = ?').get(runId) as
        | { prepared_at: string | null; prepared_cursor_json: string | null }
        | undefined
      if (row === undefined || row.prepared_at === null) return undefined
      return { preparedAt: new Date(row.prepared_at), cursor: row.prepared_cursor_json === null ? null : (JSON.parse(row.prepared_cursor_json) as CursorInput) }
    })
  }

  failRun(runId: string, failure: FailRunInput): void {
    this.guard('record run failure', () => {
      const { stats, finishedAt, ...rest } = failure
      const params = { ...rest, runId, finishedAt: toIso(finishedAt), statsJson: toStatsJson(stats) }
      this.db.transaction(() => {
        if (this.db.prepare(FAIL_RUN).run(params).changes === 0) throw this.notRunning(runId, 'fail')
      }).immediate()
    })
  }

  findStaleRuns(exportName?: string): RunRecord[] {
    return this.guard('find stale runs', () => {
      const running = this.selectRuns({ exportName, status: 'running' })
      const hostname = os.hostname()
      const now = new Date()
      return running.filter((run) => isStaleRun(run, hostname, now))
    })
  }

  markInterrupted(runIds: readonly string[], reason: string): void {
    this.guard('mark runs interrupted', () => {
      const update = this.db.prepare(MARK_INTERRUPTED)
      const finishedAt = toIso(new Date())
      this.db.transaction(() => {
        for (const runId of runIds) update.run(finishedAt, reason, runId)
      }).immediate()
    })
  }

  listRuns(options: ListRunsOptions = {}): RunRecord[] {
    return this.guard('list runs', () => this.selectRuns(options))
  }

  getRun(runId: string): RunRecord | undefined {
    return this.guard('read run', () => {
      const row = this.db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as RunRow | undefined
      return row === undefined ? undefined : toRunRecord(row)
    })
  }

  listFiles(options: ListFilesOptions = {}): FileRecord[] {
    return this.guard('list files', () => {
      const where = whereClause([
        ['export_name = ?', options.exportName],
        ['run_id = ?', options.runId],
        ['committed = ?', options.includeUncommitted ? undefined : 1],
      ])
      const sql = `SELECT * FROM files ${where.sql} ORDER BY created_at DESC, id DESC LIMIT ?`
      const rows = this.db.prepare(sql).all(...where.params, toLimit(options.limit)) as FileRow[]
      return rows.map(toFileRecord)
    })
  }

  metrics(options: MetricsOptions = {}): RunMetrics[] {
    return this.guard('read metrics', () => this.selectRuns(options).map(toRunMetrics))
  }

  getCursor(exportName: string): CursorRecord | undefined {
    return this.guard('read cursor', () => {
      const row = this.db.prepare(SELECT_CURSOR).get(exportName) as CursorRow | undefined
      return row === undefined ? undefined : toCursorRecord(row)
    })
  }

  resetExport(exportName: string, what: ResetExportInput): ResetExportResult {
    return this.guard('reset export', () =>
      this.db.transaction(() => ({
        cursorCleared: what.cursor && this.db.prepare('DELETE FROM cursors WHERE export_name = ?').run(exportName).changes > 0,
        chunkTasksCleared: what.chunks ? this.db.prepare('DELETE FROM chunk_tasks WHERE export_name = ?').run(exportName).changes : 0,
      })).immediate(),
    )
  }

  setRunPlanHash(runId: string, hash: string): void {
    this.guard('record plan hash', () => {
      this.db.transaction(() => {
        if (this.db.prepare('UPDATE runs SET plan_hash = ? WHERE run_id = ?').run(hash, runId).changes === 0) this.requireRun(runId)
      }).immediate()
    })
  }

  createChunkTasks(runId: string, exportName: string, tasks: readonly ChunkTaskInput[]): void {
    this.guard('record chunks', () => {
      const insert = this.db.prepare(INSERT_CHUNK_TASK)
      this.db.transaction(() => {
        const run = this.requireRun(runId)
        if (run.export_name !== exportName) {
          throw new RivetError('RIVET_INTERNAL', `cannot record chunks of export ${exportName} for run ${runId} of export ${run.export_name}`, {
            details: { path: this.path, runId, exportName, runExportName: run.export_name },
          })
        }
        for (const task of tasks) insert.run({ runId, exportName, index: toChunkIndex(task.index), lo: task.lo, hi: task.hi })
      }).immediate()
    })
  }

  startChunk(runId: string, index: number): number {
    return this.guard('start chunk', () =>
      this.db.transaction(() => {
        const row = this.db.prepare(START_CHUNK).get(toIso(new Date()), runId, index) as { attempts: number } | undefined
        if (row === undefined) throw this.chunkNotReady(runId, index, 'start')
        return row.attempts
      }).immediate(),
    )
  }

  completeChunk(runId: string, index: number, result: CompleteChunkInput): void {
    this.guard('complete chunk', () => {
      const params = { runId, index, rows: result.rows, bytes: result.bytes, finishedAt: toIso(new Date()) }
      // Durable like completeRun: once the files are published, losing this record would redo the chunk.
      this.durably(() => {
        if (this.db.prepare(COMPLETE_CHUNK).run(params).changes === 0) throw this.chunkNotReady(runId, index, 'complete')
        // records of this chunk's files made before they were renamed into place give way to the committed ones
        this.db.prepare('DELETE FROM files WHERE run_id = ? AND chunk_index = ? AND committed = 0').run(runId, index)
        // The chunk's files are published with the chunk: a resumed run keeps them and skips the chunk.
        this.insertFiles(runId, result.files.map((file) => ({ ...file, chunkIndex: index })), true)
      })
    })
  }

  failChunk(runId: string, index: number, failure: FailChunkInput): void {
    this.guard('record chunk failure', () => {
      const params = { runId, index, ...failure, finishedAt: toIso(new Date()) }
      this.db.transaction(() => {
        if (this.db.prepare(FAIL_CHUNK).run(params).changes === 0) throw this.chunkNotReady(runId, index, 'fail')
      }).immediate()
    })
  }

  resetRunningChunks(runId: string): number {
    return this.guard('reset running chunks', () => this.db.transaction(() => this.db.prepare(RESET_RUNNING_CHUNKS).run(runId).changes).immediate())
  }

  listChunkTasks(options: ListChunkTasksOptions = {}): ChunkTaskRecord[] {
    return this.guard('list chunks', () => {
      const where = whereClause([
        ['c.run_id = ?', options.runId],
        ['c.export_name = ?', options.exportName],
        ['c.status = ?', options.status],
      ])
      const sql = `SELECT c.* FROM chunk_tasks c JOIN runs r ON r.run_id = c.run_id ${where.sql}
        ORDER BY r.started_at, r.rowid, c.chunk_index`
      return (this.db.prepare(sql).all(...where.params) as ChunkTaskRow[]).map(toChunkTaskRecord)
    })
  }

  findResumableRun(exportName: string): RunRecord | undefined {
    return this.guard('find resumable run', () => {
      const candidates = (this.db.prepare(SELECT_RESUMABLE_RUNS).all(exportName) as RunRow[]).map(toRunRecord)
      const hostname = os.hostname()
      const now = new Date()
      // A 'running' run whose process is alive is being worked on: it is not for another process to resume.
      return candidates.find((run) => run.status !== 'running' || isStaleRun(run, hostname, now))
    })
  }

  reopenRun(runId: string, owner: ReopenRunInput): void {
    this.guard('reopen run', () => {
      this.db.transaction(() => {
        if (this.db.prepare(REOPEN_RUN).run({ runId, pid: owner.pid, hostname: owner.hostname }).changes === 0) throw this.notRunning(runId, 'reopen')
      }).immediate()
    })
  }

  ensureSecret(name: string, generate: () => string): string {
    return this.guard('create secret', () =>
      // under the write lock: a secret, once stored, is never replaced
      this.db.transaction(() => {
        const row = this.db.prepare('SELECT value FROM secrets WHERE name = ?').get(name) as { value: string } | undefined
        if (row !== undefined) return row.value
        const value = generate()
        this.db.prepare('INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?)').run(name, value, toIso(new Date()))
        return value
      }).immediate(),
    )
  }

  getSecret(name: string): string | undefined {
    return this.guard('read secret', () => (this.db.prepare('SELECT value FROM secrets WHERE name = ?').get(name) as { value: string } | undefined)?.value)
  }

  acquireExportLock(exportName: string, holder: ExportLockHolder): void {
    this.guard('take export lock', () => {
      this.db.transaction(() => {
        const row = this.db.prepare('SELECT * FROM export_locks WHERE export_name = ?').get(exportName) as LockRow | undefined
        if (row !== undefined && row.run_id !== holder.runId && !(row.pid === holder.pid && row.hostname === holder.hostname)) {
          const current = toLockRecord(row)
          if (!isStaleLock(current, os.hostname(), new Date())) throw exportLockedError(current)
        }
        this.db
          .prepare('INSERT OR REPLACE INTO export_locks (export_name, run_id, pid, hostname, acquired_at) VALUES (?, ?, ?, ?, ?)')
          .run(exportName, holder.runId, holder.pid, holder.hostname, toIso(new Date()))
      }).immediate()
    })
  }

  releaseExportLock(exportName: string, runId: string): void {
    this.guard('release export lock', () => {
      this.db.prepare('DELETE FROM export_locks WHERE export_name = ? AND run_id = ?').run(exportName, runId)
    })
  }

  getExportLock(exportName: string): ExportLockRecord | undefined {
    return this.guard('read export lock', () => {
      const row = this.db.prepare('SELECT * FROM export_locks WHERE export_name = ?').get(exportName) as LockRow | undefined
      return row === undefined ? undefined : toLockRecord(row)
    })
  }

  appendEvent(runId: string, exportName: string, event: JournalEventInput): void {
    this.guard('append journal event', () => {
      this.db
        .prepare('INSERT INTO events (run_id, export_name, at, kind, message, data_json) VALUES (?, ?, ?, ?, ?, ?)')
        .run(runId, exportName, toIso(event.at ?? new Date()), event.kind, event.message, event.data === undefined ? null : JSON.stringify(event.data))
    })
  }

  listEvents(options: ListEventsOptions = {}): JournalEvent[] {
    return this.guard('list journal events', () => {
      const where = whereClause([
        ['export_name = ?', options.exportName],
        ['run_id = ?', options.runId],
        ['kind = ?', options.kind],
      ])
      const sql = `SELECT * FROM events ${where.sql} ORDER BY seq DESC LIMIT ?`
      const rows = this.db.prepare(sql).all(...where.params, toLimit(options.limit)) as EventRow[]
      return rows.reverse().map(toEventRecord)
    })
  }

  setRunSchema(runId: string, columns: readonly SchemaColumnRecord[]): void {
    this.updateRun('record run schema', runId, 'schema_json', JSON.stringify(columns))
  }

  setRunShape(runId: string, maxBytes: Readonly<Record<string, number>>): void {
    this.updateRun('record run shape', runId, 'shape_json', JSON.stringify(maxBytes))
  }

  setRunSummary(runId: string, markdown: string): void {
    this.updateRun('keep run summary', runId, 'summary_md', markdown)
  }

  getRunSummary(runId: string): string | undefined {
    return this.guard('read run summary', () => (this.db.prepare('SELECT summary_md FROM runs WHERE run_id = ?').get(runId) as { summary_md: string | null } | undefined)?.summary_md ?? undefined)
  }

  describeLocation(): string {
    return this.path
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  /** Set one column of a recorded run. */
  private updateRun(action: string, runId: string, column: 'schema_json' | 'shape_json' | 'summary_md', value: string): void {
    this.guard(action, () => {
      if (this.db.prepare(`UPDATE runs SET ${column} = ? WHERE run_id = ?`).run(value, runId).changes === 0) this.requireRun(runId)
    })
  }

  private selectRuns(options: ListRunsOptions): RunRecord[] {
    const where = whereClause([
      ['export_name = ?', options.exportName],
      ['status = ?', options.status],
    ])
    // rowid breaks ties between runs started in the same millisecond: later insert = newer.
    const sql = `SELECT * FROM runs ${where.sql} ORDER BY started_at DESC, rowid DESC LIMIT ?`
    const rows = this.db.prepare(sql).all(...where.params, toLimit(options.limit)) as RunRow[]
    return rows.map(toRunRecord)
  }

  /** Insert file records; call inside a transaction. */
  private insertFiles(runId: string, files: readonly FileRecordInput[], committed: boolean): void {
    const insert = this.db.prepare(INSERT_FILE)
    const exportName = this.requireRun(runId).export_name
    const now = new Date()
    for (const file of files) {
      insert.run({
        runId, exportName, path: file.path, fileName: file.fileName, partIndex: file.partIndex, rows: file.rows, bytes: file.bytes,
        xxh3: file.xxh3, format: file.format, compression: file.compression, createdAt: toIso(file.createdAt ?? now),
        committed: committed ? 1 : 0, chunkIndex: file.chunkIndex ?? null,
      })
    }
  }

  /** Upsert the export's cursor; call inside the transaction that completes the run. */
  private writeCursor(run: RunRow, cursor: CursorInput, updatedAt: Date): void {
    this.db.prepare(UPSERT_CURSOR).run({
      exportName: run.export_name, value: cursor.value, type: cursor.type, runId: run.run_id, updatedAt: toIso(updatedAt),
      boundaryKeysJson: cursor.boundaryKeys === null ? null : JSON.stringify(cursor.boundaryKeys),
      boundaryComplete: cursor.boundaryComplete ? 1 : 0,
    })
  }

  private chunkNotReady(runId: string, index: number, verb: string): RivetError {
    const row = this.db.prepare(SELECT_CHUNK_STATUS).get(runId, index) as { status: string } | undefined
    const details = { path: this.path, runId, index, status: row?.status ?? null }
    const reason = row === undefined ? 'it is not recorded' : `its status is '${row.status}'`
    return new RivetError('RIVET_INTERNAL', `cannot ${verb} chunk ${index} of run ${runId}: ${reason}`, { details })
  }

  private requireRun(runId: string): RunRow {
    const row = this.db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as RunRow | undefined
    if (row === undefined) {
      throw new RivetError('RIVET_INTERNAL', `run ${runId} is not recorded in state file ${this.path}`, { details: { path: this.path, runId } })
    }
    return row
  }

  private notRunning(runId: string, verb: string): RivetError {
    const status = this.requireRun(runId).status
    return new RivetError('RIVET_INTERNAL', `cannot ${verb} run ${runId}: its status is already '${status}'`, {
      details: { path: this.path, runId, status },
    })
  }

  /**
   * Run a write transaction with synchronous=FULL. Completing a run is the point where the
   * engine reports success, after the files themselves were fsynced: one extra WAL fsync per
   * run keeps that record from being lost to a power cut.
   */
  private durably(fn: () => void): void {
    this.db.pragma('synchronous = FULL')
    try {
      this.db.transaction(fn).immediate()
    } finally {
      this.db.pragma('synchronous = NORMAL')
    }
  }

  private guard<T>(action: string, fn: () => T): T {
    try {
      return fn()
    } catch (err) {
      throw toStateError(err, this.path, action)
    }
  }
}

/** SQLite treats a negative LIMIT as "no limit". */
function toLimit(limit: number | undefined): number {
  if (limit === undefined) return -1
  if (!Number.isInteger(limit) || limit < 0) throw new RivetError('RIVET_INTERNAL', `invalid limit ${limit}: expected a non-negative integer`)
  return limit
}

/** Chunk indexes are non-negative integers (SQLite would store 1.5 in an INTEGER column). */
function toChunkIndex(index: number): number {
  if (!Number.isInteger(index) || index < 0) throw new RivetError('RIVET_INTERNAL', `invalid chunk index ${index}: expected a non-negative integer`)
  return index
}

/** Open (creating and migrating if needed) the SQLite state store at `statePath`. */
export function openStateStore(statePath: string): SqliteStateStore {
  return new SqliteStateStore(openDatabase(statePath), statePath)
}
