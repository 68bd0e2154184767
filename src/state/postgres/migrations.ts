import type { Migration } from '../sqlite/migrations.js'

/**
 * Every migration of the PostgreSQL state schema, oldest first. Append only. Version numbers and
 * contents follow the SQLite schema step for step (same tables, same columns, same records), with
 * PostgreSQL types: timestamptz for times, bigint for counts, boolean flags, jsonb statistics.
 * Tables are created unqualified: the session's search_path is the state schema.
 */
export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs and files',
    up: `
      CREATE TABLE runs (
        -- insertion order: breaks ties between runs started in the same instant (later insert = newer)
        seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        run_id         text PRIMARY KEY,
        export_name    text NOT NULL,
        status         text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
        started_at     timestamptz NOT NULL,
        finished_at    timestamptz,
        rows           bigint,
        bytes          bigint,
        files_count    integer,
        duration_ms    bigint,
        peak_rss_bytes bigint,
        error_code     text,
        error_message  text,
        pid            integer NOT NULL,
        hostname       text NOT NULL,
        rivet_version  text NOT NULL,
        config_path    text NOT NULL,
        format         text NOT NULL,
        compression    text NOT NULL,
        mode           text NOT NULL,
        stats          jsonb
      );
      CREATE INDEX runs_export_started ON runs (export_name, started_at);

      CREATE TABLE files (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id      text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        export_name text NOT NULL,
        path        text NOT NULL,
        file_name   text NOT NULL,
        part_index  integer,
        rows        bigint NOT NULL,
        bytes       bigint NOT NULL,
        xxh3        text NOT NULL CHECK (length(xxh3) = 16),
        format      text NOT NULL,
        compression text NOT NULL,
        created_at  timestamptz NOT NULL,
        committed   boolean NOT NULL DEFAULT false
      );
      CREATE INDEX files_run ON files (run_id);
      CREATE INDEX files_export_created ON files (export_name, created_at);
    `,
  },
  {
    version: 2,
    description: 'incremental cursors and chunk checkpoints',
    up: `
      ALTER TABLE runs ADD COLUMN plan_hash text;
      ALTER TABLE files ADD COLUMN chunk_index integer;

      CREATE TABLE cursors (
        export_name       text PRIMARY KEY,
        cursor_value      text NOT NULL,
        cursor_type       text NOT NULL,
        -- json, not jsonb: key values are kept exactly as given (jsonb refuses \\u0000)
        boundary_keys     json,
        boundary_complete boolean NOT NULL,
        run_id            text NOT NULL,
        updated_at        timestamptz NOT NULL
      );

      CREATE TABLE chunk_tasks (
        run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        export_name   text NOT NULL,
        chunk_index   integer NOT NULL CHECK (chunk_index >= 0),
        lo            text,
        hi            text,
        status        text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
        attempts      integer NOT NULL DEFAULT 0,
        rows          bigint,
        bytes         bigint,
        error_code    text,
        error_message text,
        started_at    timestamptz,
        finished_at   timestamptz,
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
        name       text PRIMARY KEY,
        value      text NOT NULL,
        created_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 4,
    description: 'run journal, export run locks and prepared completions',
    up: `
      ALTER TABLE runs ADD COLUMN prepared_at timestamptz;
      ALTER TABLE runs ADD COLUMN prepared_cursor json;

      CREATE TABLE events (
        seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id      text NOT NULL,
        export_name text NOT NULL,
        at          timestamptz NOT NULL,
        kind        text NOT NULL,
        message     text NOT NULL,
        data        jsonb
      );
      CREATE INDEX events_run ON events (run_id, seq);
      CREATE INDEX events_export ON events (export_name, seq);

      CREATE TABLE export_locks (
        export_name text PRIMARY KEY,
        run_id      text NOT NULL,
        pid         integer NOT NULL,
        hostname    text NOT NULL,
        acquired_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 5,
    description: 'schema, shape and summary of each run',
    up: `
      ALTER TABLE runs ADD COLUMN schema json;
      ALTER TABLE runs ADD COLUMN shape jsonb;
      ALTER TABLE runs ADD COLUMN summary_md text;
    `,
  },
]

/** The PostgreSQL schema version this code writes. */
export const PG_LATEST_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1].version
