/**
 * The registry of every error code Rivet can report.
 *
 * Codes are append-only: schedulers and scripts match on them, so a code is never renamed,
 * never reused for another meaning and never removed. Each code carries its exit class:
 * 1 config/generic · 2 retryable · 3 data integrity · 4 schema drift.
 */
export type ExitClass = 1 | 2 | 3 | 4

export interface CodeInfo {
  readonly exit: ExitClass
  /** What the user should do when the error carries no more specific hint. */
  readonly hint: string
}

const config = (hint: string): CodeInfo => ({ exit: 1, hint })
const retryable = (hint: string): CodeInfo => ({ exit: 2, hint })
const integrity = (hint: string): CodeInfo => ({ exit: 3, hint })
const drift = (hint: string): CodeInfo => ({ exit: 4, hint })

export const ERROR_CODES = {
  // configuration
  RIVET_CONFIG_INVALID: config('fix the listed problems in the config file; `rivet schema config` prints the full schema'),
  RIVET_CONFIG_NOT_FOUND: config('pass the path of an existing file with -c/--config'),
  RIVET_CONFIG_YAML: config('the file is not valid YAML: check indentation and quoting at the reported line'),
  RIVET_CONFIG_UNKNOWN_KEY: config('remove the key or correct its spelling'),
  RIVET_CONFIG_TYPE: config('give the key a value of the expected type'),
  RIVET_CONFIG_ENUM: config('use one of the allowed values'),
  RIVET_CONFIG_MISSING: config('add the required key'),
  RIVET_CONFIG_CONFLICT: config('keep only one of the conflicting keys'),
  RIVET_CONFIG_RANGE: config('use a value inside the allowed range'),
  RIVET_CONFIG_ENV_MISSING: config('export the environment variable before running rivet, or remove the reference'),
  RIVET_CONFIG_FILE_UNREADABLE: config('check that the referenced file exists and is readable'),
  RIVET_CONFIG_DUPLICATE_EXPORT: config('give every export a unique name'),
  RIVET_CONFIG_FORMAT: config('use the documented syntax for this value'),
  RIVET_EXPORT_NOT_FOUND: config('use the name of an export defined under `exports:`'),
  RIVET_USAGE: config('run `rivet --help` or `rivet <command> --help` for usage'),

  // source: connection and permissions
  RIVET_SOURCE_UNREACHABLE: retryable('check that the database is running and reachable from this host'),
  RIVET_SOURCE_CONNECTION_LOST: retryable('the connection dropped mid-run; run again (completed files are kept)'),
  RIVET_SOURCE_TIMEOUT: retryable('the source was slow to answer; raise tuning.statement_timeout_s or run at a quieter time'),
  RIVET_SOURCE_BUSY: retryable('the source is out of connections or under load; lower parallelism or run later'),
  RIVET_SOURCE_AUTH: config('check the user name and password (or url_env / password_env) for the source'),
  RIVET_SOURCE_PERMISSION: config('grant SELECT on the table to the extraction role'),
  RIVET_SOURCE_NOT_FOUND: config('check the table or column name; names are case-sensitive when quoted'),
  RIVET_SOURCE_QUERY: config('the source rejected the query: fix the SQL and try it in psql or the mysql client first'),
  RIVET_SOURCE_TLS: config('check the tls settings of the source (mode, CA file) against the server'),
  RIVET_SOURCE_PROTOCOL: retryable('unexpected reply from the server; run again, and report it if it repeats'),
  RIVET_SOURCE_ERROR: config('the source reported an error; see the message for its SQLSTATE'),

  // types
  RIVET_TYPE_UNSUPPORTED: config('cast the listed columns in a `query:` (for example `col::text`) or add a `columns:` override'),
  RIVET_TYPE_NUMERIC_UNBOUNDED: config('declare the precision with `columns: { col: "decimal(38,9)" }` or cast it in a query: `col::numeric(38,9)`'),
  RIVET_TYPE_OVERRIDE_INVALID: config('use a supported override such as decimal(p,s) or text'),
  RIVET_TYPE_FIDELITY: config('give the listed columns a `columns:` override that keeps their values (see `rivet check --type-report`), or run without --strict to accept them'),

  // planning: modes, chunks, cursors, resume
  RIVET_PLAN_UNKNOWN_COLUMN: config('name a column the table or query returns (see the list in the message)'),
  RIVET_PLAN_CURSOR_TYPE: config('use an integer, numeric, date, timestamp or text column as the cursor'),
  RIVET_PLAN_CHUNK_COLUMN: config('set chunk_column to an indexed integer column, or use chunk_dense / chunk_by_key for other types'),
  RIVET_PLAN_CHUNK_NULLS: config('rows with a NULL chunk column would be skipped: choose a NOT NULL column or filter the NULLs in a query'),
  RIVET_PLAN_TOO_MANY_CHUNKS: config('raise chunk_size, set chunk_count, or use chunk_dense so chunks follow the rows instead of the key span'),
  RIVET_RESUME_NOTHING: config('there is no interrupted checkpointed run of this export to resume; run without --resume'),
  RIVET_RESUME_PLAN_CHANGED: config('the export changed since the interrupted run: run without --resume (or restore the previous config)'),
  RIVET_SOURCE_NO_CONNECTIONS: retryable('the source has no connection to spare: close idle sessions, raise the role\'s CONNECTION LIMIT, or run later'),

  // sealed plans: `rivet plan` / `rivet apply`
  RIVET_PLAN_TAMPERED: config('the plan file is not the one `rivet plan` wrote (edited, truncated or signed with another state file): run `rivet plan` again and review the new plan'),
  RIVET_PLAN_EXPIRED: config('the plan is older than 24 hours: run `rivet plan` again, or pass --force to apply it anyway'),
  RIVET_PLAN_STALE: config('the config or the source changed since the plan was made: run `rivet plan` again and review the new plan'),
  RIVET_PLAN_CURSOR_MOVED: config('another run moved the incremental cursor since the plan was made: run `rivet plan` again and review the new plan'),

  // data integrity
  RIVET_DATA_VALUE_OUT_OF_RANGE: integrity('a value does not fit the column type Rivet writes; widen the type with a `columns:` override'),
  RIVET_DATA_NON_FINITE: integrity('the column holds NaN or infinity, which the output type cannot represent; cast it in a query'),
  RIVET_DATA_ARRAY_DIMENSIONS: integrity('only one-dimensional arrays are exported as lists; cast the column to text in a query'),
  RIVET_DATA_DECODE: integrity('a value could not be decoded; report the column type and a sample value'),
  RIVET_OUTPUT_CONFLICT: integrity('a file with the same name already exists at the destination; change the path'),

  // destination and state
  RIVET_DEST_WRITE: retryable('check free space and permissions at the destination path'),
  RIVET_DEST_INVALID: config('check the destination settings'),
  RIVET_DEST_AUTH: config('the destination refused the credentials: check the credential settings of the destination and what the account may do on the bucket'),
  RIVET_STATE_ERROR: config('check that the state file is writable; it lives next to the config as .rivet_state.db'),
  RIVET_STATE_LOCKED: retryable('another rivet process is using the state file; wait for it to finish'),
  RIVET_EXPORT_LOCKED: retryable('another run of this export is in progress (the message names it); wait for it to finish, or stop it: a lock left by a process that is gone is taken over automatically'),
  RIVET_STATE_VERSION: config('the state file was written by a newer rivet; upgrade rivet'),

  // engine
  RIVET_CANCELLED: retryable('the run was interrupted; run again'),
  RIVET_WORKER_CRASHED: retryable('a worker thread stopped unexpectedly; run again, and report it if it repeats'),
  RIVET_MEMORY_BUDGET: config('raise tuning.memory_mb or lower tuning.batch_size_memory_mb'),
  RIVET_INTERNAL: config('this is a bug in rivet; please report it with the command you ran'),
  RIVET_DEMO: config('see the message; the demo needs a writable working directory'),

  // rivet init
  RIVET_INIT_OUTPUT_EXISTS: config('pass --force to replace the file, or write elsewhere with -o (-o - prints to stdout)'),
  RIVET_INIT_NO_TABLES: config('check --schema (or --table) and the --include/--exclude patterns; only base tables are listed, views are not'),
  RIVET_INIT_WRITE: config('check that the folder of -o exists and is writable'),

  // verification: `rivet validate`, `rivet reconcile`, `rivet repair`
  RIVET_VALIDATE_MISMATCH: integrity('the stored files do not match the manifest or the state (each problem is listed): run the export again, or restore the files from a copy'),
  RIVET_RECONCILE_MISMATCH: integrity('the rows written differ from the rows in the source (each mismatch is listed): `rivet repair -e NAME` shows what it would export again'),
  RIVET_RUN_NOT_FOUND: config('name a completed run of the export: `rivet metrics -c rivet.yaml -e NAME` lists its runs'),
  RIVET_VERIFY_PLAN_CHANGED: config('the export\'s settings changed since the run, so its chunks no longer describe the same rows: restore the config the run used, or run the export again and check that run'),

  // run summary
  RIVET_SUMMARY_WRITE: config('check that the folder of --summary-output exists and is writable; a run that completed stays completed (its files and state are kept), and `rivet state summary -e NAME` prints its summary'),

  // rivet report
  RIVET_REPORT_WRITE: config('check that the folder of -o exists and is writable, or print the page on standard output with -o -'),

  // data contracts: `quality:` and `on_schema_drift`
  RIVET_QUALITY_FAILED: integrity('a quality check of the export failed (each is listed); the run published nothing and its cursor did not move: fix the data at the source, or change the `quality:` rule if it is wrong'),
  RIVET_SCHEMA_DRIFT: drift('the columns differ from those of the last completed run and on_schema_drift is fail: update the consumers of the files, then accept the change by running once with on_schema_drift: warn or continue'),

  // notifications: a warning only, never the exit code of a command
  RIVET_NOTIFY_FAILED: config('the notification could not be delivered; the command\'s outcome is unchanged: check that the webhook URL in the environment variable is current (Slack answers 403/404/410 for a revoked or removed webhook) and that this host reaches it'),
} as const satisfies Record<string, CodeInfo>

export type ErrorCode = keyof typeof ERROR_CODES

/** Whether `code` is a registered error code. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code)
}
