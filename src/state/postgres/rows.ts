import type { ChunkTaskRecord, ChunkTaskStatus, CursorRecord, ExportLockRecord, FileRecord, JournalEvent, JournalEventKind, RunRecord, RunStatus, SchemaColumnRecord } from '../types.js'

// Rows as the worker's `pg` client returns them: timestamptz as Date, bigint and integer as number,
// boolean as boolean, json/jsonb parsed.

/** A `runs` row. */
export interface PgRunRow {
  run_id: string
  export_name: string
  status: RunStatus
  started_at: Date
  finished_at: Date | null
  rows: number | null
  bytes: number | null
  files_count: number | null
  duration_ms: number | null
  peak_rss_bytes: number | null
  error_code: string | null
  error_message: string | null
  pid: number
  hostname: string
  rivet_version: string
  config_path: string
  format: string
  compression: string
  mode: string
  stats: unknown
  plan_hash: string | null
  schema: SchemaColumnRecord[] | null
  shape: Record<string, number> | null
}

/** A `files` row. */
export interface PgFileRow {
  id: number
  run_id: string
  export_name: string
  path: string
  file_name: string
  part_index: number | null
  rows: number
  bytes: number
  xxh3: string
  format: string
  compression: string
  created_at: Date
  committed: boolean
  chunk_index: number | null
}

/** A `cursors` row. */
export interface PgCursorRow {
  export_name: string
  cursor_value: string
  cursor_type: string
  boundary_keys: (string | null)[][] | null
  boundary_complete: boolean
  run_id: string
  updated_at: Date
}

/** A `chunk_tasks` row. */
export interface PgChunkTaskRow {
  run_id: string
  export_name: string
  chunk_index: number
  lo: string | null
  hi: string | null
  status: ChunkTaskStatus
  attempts: number
  rows: number | null
  bytes: number | null
  error_code: string | null
  error_message: string | null
  started_at: Date | null
  finished_at: Date | null
}

/** An `events` row. */
export interface PgEventRow {
  seq: number
  run_id: string
  export_name: string
  at: Date
  kind: JournalEventKind
  message: string
  data: Record<string, unknown> | null
}

/** An `export_locks` row. */
export interface PgLockRow {
  export_name: string
  run_id: string
  pid: number
  hostname: string
  acquired_at: Date
}

/** Map a `runs` row to its record (the same shape the SQLite store returns). */
export function toRunRecord(row: PgRunRow): RunRecord {
  return {
    runId: row.run_id,
    exportName: row.export_name,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    rows: row.rows,
    bytes: row.bytes,
    filesCount: row.files_count,
    durationMs: row.duration_ms,
    peakRssBytes: row.peak_rss_bytes,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    pid: row.pid,
    hostname: row.hostname,
    rivetVersion: row.rivet_version,
    configPath: row.config_path,
    format: row.format,
    compression: row.compression,
    mode: row.mode,
    stats: row.stats ?? null,
    planHash: row.plan_hash,
    schema: row.schema ?? null,
    shape: row.shape ?? null,
  }
}

/** Map a `files` row to its record. */
export function toFileRecord(row: PgFileRow): FileRecord {
  return {
    id: row.id,
    runId: row.run_id,
    exportName: row.export_name,
    path: row.path,
    fileName: row.file_name,
    partIndex: row.part_index,
    rows: row.rows,
    bytes: row.bytes,
    xxh3: row.xxh3,
    format: row.format,
    compression: row.compression,
    createdAt: row.created_at,
    committed: row.committed,
    chunkIndex: row.chunk_index,
  }
}

/** Map a `cursors` row to its record. */
export function toCursorRecord(row: PgCursorRow): CursorRecord {
  return {
    exportName: row.export_name,
    value: row.cursor_value,
    type: row.cursor_type,
    boundaryKeys: row.boundary_keys,
    boundaryComplete: row.boundary_complete,
    runId: row.run_id,
    updatedAt: row.updated_at,
  }
}

/** Map a `chunk_tasks` row to its record. */
export function toChunkTaskRecord(row: PgChunkTaskRow): ChunkTaskRecord {
  return {
    runId: row.run_id,
    exportName: row.export_name,
    index: row.chunk_index,
    lo: row.lo,
    hi: row.hi,
    status: row.status,
    attempts: row.attempts,
    rows: row.rows,
    bytes: row.bytes,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  }
}

/** Map an `events` row to its record. */
export function toEventRecord(row: PgEventRow): JournalEvent {
  return { seq: row.seq, runId: row.run_id, exportName: row.export_name, at: row.at, kind: row.kind, message: row.message, data: row.data }
}

/** Map an `export_locks` row to its record. */
export function toLockRecord(row: PgLockRow): ExportLockRecord {
  return { exportName: row.export_name, runId: row.run_id, pid: row.pid, hostname: row.hostname, acquiredAt: row.acquired_at }
}

/** JSON for a jsonb column; NUL characters (which jsonb refuses) become U+FFFD. undefined/null store NULL. */
export function toJsonb(value: unknown): string | null {
  if (value === undefined || value === null) return null
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll('\0', '\uFFFD') : v))
}

/** Human text for a text column; NUL characters (which PostgreSQL text refuses) become U+FFFD. */
export function toText(value: string): string {
  return value.replaceAll('\0', '\uFFFD')
}
