/** One schema step. Versions are dense and ascending; a released migration is never edited. */
export interface Migration {
  readonly version: number
  readonly description: string
  readonly up: string
}

/** Every migration of the SQLite state schema, oldest first. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs and files',
    up: `
      CREATE TABLE runs (
        run_id         TEXT PRIMARY KEY,
        export_name    TEXT NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
        started_at     TEXT NOT NULL,
        finished_at    TEXT,
        rows           INTEGER,
        bytes          INTEGER,
        files_count    INTEGER,
        duration_ms    INTEGER,
        peak_rss_bytes INTEGER,
        error_code     TEXT,
        error_message  TEXT,
        pid            INTEGER NOT NULL,
        hostname       TEXT NOT NULL,
        rivet_version  TEXT NOT NULL,
        config_path    TEXT NOT NULL,
        format         TEXT NOT NULL,
        compression    TEXT NOT NULL,
        mode           TEXT NOT NULL,
        stats_json     TEXT
      );
      CREATE INDEX runs_export_started ON runs (export_name, started_at);

      CREATE TABLE files (
        id          INTEGER PRIMARY KEY,
        run_id      TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        export_name TEXT NOT NULL,
        path        TEXT NOT NULL,
        file_name   TEXT NOT NULL,
        part_index  INTEGER,
        rows        INTEGER NOT NULL,
        bytes       INTEGER NOT NULL,
        xxh3        TEXT NOT NULL CHECK (length(xxh3) = 16),
        format      TEXT NOT NULL,
        compression TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        committed   INTEGER NOT NULL DEFAULT 0 CHECK (committed IN (0, 1))
      );
      CREATE INDEX files_run ON files (run_id);
      CREATE INDEX files_export_created ON files (export_name, created_at);
    `,
  },
  {
    version: 2,
    description: 'incremental cursors and chunk checkpoints',
    up: `
      ALTER TABLE runs ADD COLUMN plan_hash TEXT;
      ALTER TABLE files ADD COLUMN chunk_index INTEGER;

      CREATE TABLE cursors (
        export_name        TEXT PRIMARY KEY,
        cursor_value       TEXT NOT NULL,
        cursor_type        TEXT NOT NULL,
        boundary_keys_json TEXT,
        boundary_complete  INTEGER NOT NULL CHECK (boundary_complete IN (0, 1)),
        run_id             TEXT NOT NULL,
        updated_at         TEXT NOT NULL
      );

      CREATE TABLE chunk_tasks (
        run_id        TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        export_name   TEXT NOT NULL,
        chunk_index   INTEGER NOT NULL,
        lo            TEXT,
        hi            TEXT,
        status        TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        rows          INTEGER,
        bytes         INTEGER,
        error_code    TEXT,
        error_message TEXT,
        started_at    TEXT,
        finished_at   TEXT,
        PRIMARY KEY (run_id, chunk_index)
      );
      CREATE INDEX chunk_tasks_export ON chunk_tasks (export_name);
    `,
  },
  {
    version: 3,
    description: 'secrets kept with the state (the plan-signing key)',
    up: `
      CREATE TABLE secrets (
        name       TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    description: 'run journal, export run locks and prepared completions',
    up: `
      ALTER TABLE runs ADD COLUMN prepared_at TEXT;
      ALTER TABLE runs ADD COLUMN prepared_cursor_json TEXT;

      CREATE TABLE events (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id      TEXT NOT NULL,
        export_name TEXT NOT NULL,
        at          TEXT NOT NULL,
        kind        TEXT NOT NULL,
        message     TEXT NOT NULL,
        data_json   TEXT
      );
      CREATE INDEX events_run ON events (run_id, seq);
      CREATE INDEX events_export ON events (export_name, seq);

      CREATE TABLE export_locks (
        export_name TEXT PRIMARY KEY,
        run_id      TEXT NOT NULL,
        pid         INTEGER NOT NULL,
        hostname    TEXT NOT NULL,
        acquired_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    description: 'schema, shape and summary of each run',
    up: `
      ALTER TABLE runs ADD COLUMN schema_json TEXT;
      ALTER TABLE runs ADD COLUMN shape_json TEXT;
      ALTER TABLE runs ADD COLUMN summary_md TEXT;
    `,
  },
]

/** The schema version this code writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version
