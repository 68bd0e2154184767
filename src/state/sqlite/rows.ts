import type { ChunkTaskRecord, ChunkTaskStatus, CursorRecord, ExportLockRecord, FileRecord, JournalEvent, JournalEventKind, RunRecord, RunStatus, SchemaColumnRecord } from '../types.js'

/** A `runs` row as better-sqlite3 returns it. */
export interface RunRow {
  run_id: string
  export_name: string
  status: RunStatus
  started_at: string
  finished_at: string | null
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
  stats_json: string | null
  plan_hash: string | null
  schema_json: string | null
  shape_json: string | null
}

/** A `files` row as better-sqlite3 returns it. */
export interface FileRow {
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
  created_at: string
  committed: number
  chunk_index: number | null
}

/** A `cursors` row as better-sqlite3 returns it. */
export interface CursorRow {
  export_name: string
  cursor_value: string
  cursor_type: string
  boundary_keys_json: string | null
  boundary_complete: number
  run_id: string
  updated_at: string
}

/** A `chunk_tasks` row as better-sqlite3 returns it. */
export interface ChunkTaskRow {
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
  started_at: string | null
  finished_at: string | null
}

/** Dates are stored as ISO-8601 UTC text, which also sorts chronologically. */
export function toIso(date: Date): string {
  return date.toISOString()
}

/** Statistics are stored as JSON text; undefined/null store NULL. */
export function toStatsJson(stats: unknown): string | null {
  return stats === undefined || stats === null ? null : JSON.stringify(stats)
}

/** Map a `runs` row to its camelCase record. */
export function toRunRecord(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    exportName: row.export_name,
    status: row.status,
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
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
    stats: row.stats_json === null ? null : (JSON.parse(row.stats_json) as unknown),
    planHash: row.plan_hash,
    schema: row.schema_json === null ? null : (JSON.parse(row.schema_json) as SchemaColumnRecord[]),
    shape: row.shape_json === null ? null : (JSON.parse(row.shape_json) as Record<string, number>),
  }
}

/** Map a `files` row to its camelCase record. */
export function toFileRecord(row: FileRow): FileRecord {
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
    createdAt: new Date(row.created_at),
    committed: row.committed === 1,
    chunkIndex: row.chunk_index,
  }
}

/** Map a `cursors` row to its camelCase record. */
export function toCursorRecord(row: CursorRow): CursorRecord {
  return {
    exportName: row.export_name,
    value: row.cursor_value,
    type: row.cursor_type,
    boundaryKeys: row.boundary_keys_json === null ? null : (JSON.parse(row.boundary_keys_json) as (string | null)[][]),
    boundaryComplete: row.boundary_complete === 1,
    runId: row.run_id,
    updatedAt: new Date(row.updated_at),
  }
}

/** Map a `chunk_tasks` row to its camelCase record. */
export function toChunkTaskRecord(row: ChunkTaskRow): ChunkTaskRecord {
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
    startedAt: row.started_at === null ? null : new Date(row.started_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
  }
}

/** An `events` row as better-sqlite3 returns it. */
export interface EventRow {
  seq: number
  run_id: string
  export_name: string
  at: string
  kind: JournalEventKind
  message: string
  data_json: string | null
}

export function toEventRecord(row: EventRow): JournalEvent {
  return {
    seq: row.seq,
    runId: row.run_id,
    exportName: row.export_name,
    at: new Date(row.at),
    kind: row.kind,
    message: row.message,
    data: row.data_json === null ? null : (JSON.parse(row.data_json) as Record<string, unknown>),
  }
}

/** An `export_locks` row as better-sqlite3 returns it. */
export interface LockRow {
  export_name: string
  run_id: string
  pid: number
  hostname: string
  acquired_at: string
}

export function toLockRecord(row: LockRow): ExportLockRecord {
  return { exportName: row.export_name, runId: row.run_id, pid: row.pid, hostname: row.hostname, acquiredAt: new Date(row.acquired_at) }
}
