/** The SQL statements of the SQLite state store. */

export const INSERT_RUN = `INSERT INTO runs
  (run_id, export_name, status, started_at, pid, hostname, rivet_version, config_path, format, compression, mode)
  VALUES (@runId, @exportName, 'running', @startedAt, @pid, @hostname, @rivetVersion, @configPath, @format, @compression, @mode)`

export const INSERT_FILE = `INSERT INTO files
  (run_id, export_name, path, file_name, part_index, rows, bytes, xxh3, format, compression, created_at, committed, chunk_index)
  VALUES (@runId, @exportName, @path, @fileName, @partIndex, @rows, @bytes, @xxh3, @format, @compression, @createdAt, @committed, @chunkIndex)`

export const COMPLETE_RUN = `UPDATE runs SET status = 'completed', finished_at = @finishedAt, rows = @rows, bytes = @bytes,
  files_count = @filesCount, duration_ms = @durationMs, peak_rss_bytes = @peakRssBytes, stats_json = @statsJson,
  error_code = NULL, error_message = NULL
  WHERE run_id = @runId AND status = 'running'`

// A completed run is final: a late failure report must not rewrite it.
export const FAIL_RUN = `UPDATE runs SET status = @status, finished_at = @finishedAt, rows = @rows, bytes = @bytes,
  duration_ms = @durationMs, peak_rss_bytes = @peakRssBytes, stats_json = @statsJson,
  error_code = @errorCode, error_message = @errorMessage
  WHERE run_id = @runId AND status <> 'completed'`

export const MARK_INTERRUPTED = `UPDATE runs SET status = 'interrupted', finished_at = ?, error_code = 'RIVET_CANCELLED', error_message = ?
  WHERE run_id = ? AND status = 'running'`

// cursors and chunk checkpoints (schema version 2)

export const SELECT_CURSOR = 'SELECT * FROM cursors WHERE export_name = ?'

export const UPSERT_CURSOR = `INSERT INTO cursors
  (export_name, cursor_value, cursor_type, boundary_keys_json, boundary_complete, run_id, updated_at)
  VALUES (@exportName, @value, @type, @boundaryKeysJson, @boundaryComplete, @runId, @updatedAt)
  ON CONFLICT (export_name) DO UPDATE SET cursor_value = excluded.cursor_value, cursor_type = excluded.cursor_type,
    boundary_keys_json = excluded.boundary_keys_json, boundary_complete = excluded.boundary_complete,
    run_id = excluded.run_id, updated_at = excluded.updated_at`

export const INSERT_CHUNK_TASK = `INSERT INTO chunk_tasks (run_id, export_name, chunk_index, lo, hi, status)
  VALUES (@runId, @exportName, @index, @lo, @hi, 'pending')`

// A completed chunk is final, and a running one belongs to a live attempt (or to a crash: resetRunningChunks first).
export const START_CHUNK = `UPDATE chunk_tasks SET status = 'running', attempts = attempts + 1, started_at = ?,
  finished_at = NULL, error_code = NULL, error_message = NULL
  WHERE run_id = ? AND chunk_index = ? AND status IN ('pending', 'failed')
  RETURNING attempts`

export const COMPLETE_CHUNK = `UPDATE chunk_tasks SET status = 'completed', rows = @rows, bytes = @bytes, finished_at = @finishedAt,
  error_code = NULL, error_message = NULL
  WHERE run_id = @runId AND chunk_index = @index AND status = 'running'`

export const FAIL_CHUNK = `UPDATE chunk_tasks SET status = 'failed', finished_at = @finishedAt,
  error_code = @errorCode, error_message = @errorMessage
  WHERE run_id = @runId AND chunk_index = @index AND status <> 'completed'`

export const RESET_RUNNING_CHUNKS = `UPDATE chunk_tasks SET status = 'pending', started_at = NULL
  WHERE run_id = ? AND status = 'running'`

export const SELECT_CHUNK_STATUS = 'SELECT status FROM chunk_tasks WHERE run_id = ? AND chunk_index = ?'

/**
 * Candidates for `rivet run --resume`, newest first: runs that ended badly (or may have: 'running'
 * is checked for staleness by the caller) with chunks left to do, not superseded by a later
 * completed run of the same export.
 */
export const SELECT_RESUMABLE_RUNS = `SELECT r.* FROM runs r
  WHERE r.export_name = ? AND r.status IN ('failed', 'interrupted', 'running')
    AND EXISTS (SELECT 1 FROM chunk_tasks c WHERE c.run_id = r.run_id AND c.status <> 'completed')
    AND NOT EXISTS (SELECT 1 FROM runs later WHERE later.export_name = r.export_name AND later.status = 'completed'
      AND (later.started_at > r.started_at OR (later.started_at = r.started_at AND later.rowid > r.rowid)))
  ORDER BY r.started_at DESC, r.rowid DESC`

// A completed run is final; anything else can be taken over by the process that resumes it.
export const REOPEN_RUN = `UPDATE runs SET status = 'running', finished_at = NULL, duration_ms = NULL,
  error_code = NULL, error_message = NULL, pid = @pid, hostname = @hostname
  WHERE run_id = @runId AND status <> 'completed'`
