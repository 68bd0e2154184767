import os from 'node:os'
import type { Database } from 'better-sqlite3'
import { RivetError } from '../../errors/index.js'
import { toRunMetrics } from '../metrics.js'
import { isStaleRun } from '../stale.js'
import type {
  BeginRunInput, CompleteRunSummary, FailRunInput, FileRecord, FileRecordInput, ListFilesOptions,
  ListRunsOptions, MetricsOptions, RunMetrics, RunRecord, StateStore,
} from '../types.js'
import { toStateError } from './errors.js'
import { openDatabase } from './open-database.js'
import { toFileRecord, toIso, toRunRecord, toStatsJson, type FileRow, type RunRow } from './rows.js'
import { whereClause } from './where.js'

const INSERT_RUN = `INSERT INTO runs
  (run_id, export_name, status, started_at, pid, hostname, rivet_version, config_path, format, compression, mode)
  VALUES (@runId, @exportName, 'running', @startedAt, @pid, @hostname, @rivetVersion, @configPath, @format, @compression, @mode)`

const INSERT_FILE = `INSERT INTO files
  (run_id, export_name, path, file_name, part_index, rows, bytes, xxh3, format, compression, created_at, committed)
  VALUES (@runId, @exportName, @path, @fileName, @partIndex, @rows, @bytes, @xxh3, @format, @compression, @createdAt, 0)`

const COMPLETE_RUN = `UPDATE runs SET status = 'completed', finished_at = @finishedAt, rows = @rows, bytes = @bytes,
  files_count = @filesCount, duration_ms = @durationMs, peak_rss_bytes = @peakRssBytes, stats_json = @statsJson,
  error_code = NULL, error_message = NULL
  WHERE run_id = @runId AND status = 'running'`

// A completed run is final: a late failure report must not rewrite it.
const FAIL_RUN = `UPDATE runs SET status = @status, finished_at = @finishedAt, rows = @rows, bytes = @bytes,
  duration_ms = @durationMs, peak_rss_bytes = @peakRssBytes, stats_json = @statsJson,
  error_code = @errorCode, error_message = @errorMessage
  WHERE run_id = @runId AND status <> 'completed'`

const MARK_INTERRUPTED = `UPDATE runs SET status = 'interrupted', finished_at = ?, error_code = 'RIVET_CANCELLED', error_message = ?
  WHERE run_id = ? AND status = 'running'`

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
      const insert = this.db.prepare(INSERT_FILE)
      this.db.transaction(() => {
        const exportName = this.requireRun(runId).export_name
        const now = new Date()
        for (const file of files) {
          insert.run({ ...file, runId, exportName, createdAt: toIso(file.createdAt ?? now) })
        }
      }).immediate()
    })
  }

  completeRun(runId: string, summary: CompleteRunSummary): void {
    this.guard('complete run', () => {
      const params = {
        runId, rows: summary.rows, bytes: summary.bytes, filesCount: summary.filesCount, durationMs: summary.durationMs,
        peakRssBytes: summary.peakRssBytes, finishedAt: toIso(summary.finishedAt), statsJson: toStatsJson(summary.stats),
      }
      this.durably(() => {
        // Files and run flip together: a reader never sees committed files of an unfinished run.
        this.db.prepare('UPDATE files SET committed = 1 WHERE run_id = ?').run(runId)
        if (this.db.prepare(COMPLETE_RUN).run(params).changes === 0) throw this.notRunning(runId, 'complete')
      })
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

  close(): void {
    if (this.db.open) this.db.close()
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

/** Open (creating and migrating if needed) the SQLite state store at `statePath`. */
export function openStateStore(statePath: string): SqliteStateStore {
  return new SqliteStateStore(openDatabase(statePath), statePath)
}
