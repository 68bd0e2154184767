/** The SQL statements of the PostgreSQL state store. Tables are unqualified: the session's search_path is the state schema. */

export const INSERT_RUN = `INSERT INTO runs
  (run_id, export_name, status, started_at, pid, hostname, rivet_version, config_path, format, compression, mode)
  VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $8, $9, $10)`

export const SELECT_RUN = 'SELECT * FROM runs WHERE run_id = $1'

/**
 * Files of one run, one array per column ($3..$12); the export name comes from the run, and ids
 * are given in list order. Touches no row when the run is unknown.
 */
export const INSERT_FILES = `INSERT INTO files
  (run_id, export_name, path, file_name, part_index, rows, bytes, xxh3, format, compression, created_at, committed, chunk_index)
  SELECT r.run_id, r.export_name, f.path, f.file_name, f.part_index, f.rows, f.bytes, f.xxh3, f.format, f.compression, f.created_at, $2, f.chunk_index
  FROM runs r,
    unnest($3::text[], $4::text[], $5::integer[], $6::bigint[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::integer[])
      WITH ORDINALITY AS f (path, file_name, part_index, rows, bytes, xxh3, format, compression, created_at, chunk_index, ord)
  WHERE r.run_id = $1
  ORDER BY f.ord`

export const COMMIT_RUN_FILES = 'UPDATE files SET committed = true WHERE run_id = $1'

export const COMPLETE_RUN = `UPDATE runs SET status = 'completed', finished_at = $2, rows = $3, bytes = $4,
  files_count = $5, duration_ms = $6, peak_rss_bytes = $7, stats = $8::jsonb,
  error_code = NULL, error_message = NULL
  WHERE run_id = $1 AND status = 'running'`

// A completed run is final: a late failure report must not rewrite it.
export const FAIL_RUN = `UPDATE runs SET status = $2, finished_at = $3, rows = $4, bytes = $5,
  duration_ms = $6, peak_rss_bytes = $7, stats = $8::jsonb, error_code = $9, error_message = $10
  WHERE run_id = $1 AND status <> 'completed'`

export const PREPARE_COMPLETION = `UPDATE runs SET prepared_at = $2, prepared_cursor = $3::json WHERE run_id = $1 AND status = 'running'`

export const SELECT_PREPARED_COMPLETION = 'SELECT prepared_at, prepared_cursor FROM runs WHERE run_id = $1'

export const MARK_INTERRUPTED = `UPDATE runs SET status = 'interrupted', finished_at = $1, error_code = 'RIVET_CANCELLED', error_message = $2
  WHERE run_id = ANY ($3::text[]) AND status = 'running'`

export const SET_PLAN_HASH = 'UPDATE runs SET plan_hash = $2 WHERE run_id = $1'

// cursors and chunk checkpoints

export const SELECT_CURSOR = 'SELECT * FROM cursors WHERE export_name = $1'

/** The cursor of the run's export; the export name comes from the run (no row when the run is unknown). */
export const UPSERT_CURSOR = `INSERT INTO cursors
  (export_name, cursor_value, cursor_type, boundary_keys, boundary_complete, run_id, updated_at)
  SELECT r.export_name, $2, $3, $4::json, $5, r.run_id, $6 FROM runs r WHERE r.run_id = $1
  ON CONFLICT (export_name) DO UPDATE SET cursor_value = excluded.cursor_value, cursor_type = excluded.cursor_type,
    boundary_keys = excluded.boundary_keys, boundary_complete = excluded.boundary_complete,
    run_id = excluded.run_id, updated_at = excluded.updated_at`

export const INSERT_CHUNK_TASKS = `INSERT INTO chunk_tasks (run_id, export_name, chunk_index, lo, hi, status)
  SELECT $1, $2, t.chunk_index, t.lo, t.hi, 'pending'
  FROM unnest($3::integer[], $4::text[], $5::text[]) WITH ORDINALITY AS t (chunk_index, lo, hi, ord)
  ORDER BY t.ord`

// A completed chunk is final, and a running one belongs to a live attempt (or to a crash: resetRunningChunks first).
export const START_CHUNK = `UPDATE chunk_tasks SET status = 'running', attempts = attempts + 1, started_at = $3,
  finished_at = NULL, error_code = NULL, error_message = NULL
  WHERE run_id = $1 AND chunk_index = $2 AND status IN ('pending', 'failed')
  RETURNING attempts`

export const COMPLETE_CHUNK = `UPDATE chunk_tasks SET status = 'completed', rows = $3, bytes = $4, finished_at = $5,
  error_code = NULL, error_message = NULL
  WHERE run_id = $1 AND chunk_index = $2 AND status = 'running'`

export const DELETE_PENDING_CHUNK_FILES = 'DELETE FROM files WHERE run_id = $1 AND chunk_index = $2 AND NOT committed'

export const FAIL_CHUNK = `UPDATE chunk_tasks SET status = 'failed', finished_at = $3, error_code = $4, error_message = $5
  WHERE run_id = $1 AND chunk_index = $2 AND status <> 'completed'`

export const RESET_RUNNING_CHUNKS = `UPDATE chunk_tasks SET status = 'pending', started_at = NULL
  WHERE run_id = $1 AND status = 'running'`

export const SELECT_CHUNK_STATUS = 'SELECT status FROM chunk_tasks WHERE run_id = $1 AND chunk_index = $2'

/**
 * Candidates for `rivet run --resume`, newest first: runs that ended badly (or may have: 'running'
 * is checked for staleness by the caller) with chunks left to do, not superseded by a later
 * completed run of the same export.
 */
export const SELECT_RESUMABLE_RUNS = `SELECT r.* FROM runs r
  WHERE r.export_name = $1 AND r.status IN ('failed', 'interrupted', 'running')
    AND EXISTS (SELECT 1 FROM chunk_tasks c WHERE c.run_id = r.run_id AND c.status <> 'completed')
    AND NOT EXISTS (SELECT 1 FROM runs later WHERE later.export_name = r.export_name AND later.status = 'completed'
      AND (later.started_at > r.started_at OR (later.started_at = r.started_at AND later.seq > r.seq)))
  ORDER BY r.started_at DESC, r.seq DESC`

// A completed run is final; anything else can be taken over by the process that resumes it.
export const REOPEN_RUN = `UPDATE runs SET status = 'running', finished_at = NULL, duration_ms = NULL,
  error_code = NULL, error_message = NULL, pid = $2, hostname = $3
  WHERE run_id = $1 AND status <> 'completed'`

// secrets: the first value stored wins; a concurrent insert waits for the other and then does nothing
export const SELECT_SECRET = 'SELECT value FROM secrets WHERE name = $1'
export const INSERT_SECRET = 'INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, now()) ON CONFLICT (name) DO NOTHING'

// journal
export const LOCK_JOURNAL = 'SELECT pg_advisory_xact_lock($1::bigint)'
export const INSERT_EVENT = 'INSERT INTO events (run_id, export_name, at, kind, message, data) VALUES ($1, $2, $3, $4, $5, $6::jsonb)'

// export run locks
export const SELECT_LOCK = 'SELECT * FROM export_locks WHERE export_name = $1'
export const UPSERT_LOCK = `INSERT INTO export_locks (export_name, run_id, pid, hostname, acquired_at) VALUES ($1, $2, $3, $4, now())
  ON CONFLICT (export_name) DO UPDATE SET run_id = excluded.run_id, pid = excluded.pid, hostname = excluded.hostname, acquired_at = excluded.acquired_at`
export const DELETE_LOCK = 'DELETE FROM export_locks WHERE export_name = $1 AND run_id = $2'
export const TRY_ADVISORY_LOCK = 'SELECT pg_try_advisory_lock($1::bigint) AS locked'
export const ADVISORY_UNLOCK = 'SELECT pg_advisory_unlock($1::bigint) AS unlocked'
