/**
 * The config file, described once. Validation, `configJsonSchema()` and the Markdown reference
 * are all derived from CONFIG_SCHEMA; add a key here and it appears in all three.
 */
import { MAX_DECIMAL_PRECISION } from './column-override.js'
import { DEFAULT_CHUNK_MAX_ATTEMPTS, DEFAULT_CHUNK_MAX_STATEMENT_S, DEFAULT_PARALLEL } from './modes.js'
import { NOTIFICATIONS_SPEC } from './notifications-config.js'
import { anyOf, bool, int, list, nested, num, object, oneOf, size, str, type ArraySpec, type ObjectSpec } from './schema-dsl.js'
import { DEFAULT_MEMORY_MB, DEFAULT_PROFILE } from './tuning.js'
import {
  COMPRESSIONS,
  DESTINATION_TYPES,
  EXPORT_MODES,
  INCREMENTAL_CURSOR_MODES,
  OUTPUT_FORMATS,
  SCHEMA_DRIFT_POLICIES,
  SIMPLE_OVERRIDE_KINDS,
  SOURCE_TYPES,
  TIME_COLUMN_TYPES,
  TLS_MODES,
  TUNING_PROFILE_NAMES,
} from './types.js'

const FROM_PROFILE = 'from the profile'

/** `tuning:` blocks, under `source` and under each export. */
export const TUNING_SPEC: ObjectSpec = object(
  'tuning',
  'How hard Rivet pushes the source. A profile sets defaults; explicit keys override them. Keys under an export override the same keys under `source.tuning`.',
  {
    profile: oneOf(TUNING_PROFILE_NAMES, 'Preset of the keys below; see "Tuning profiles".', { default: DEFAULT_PROFILE }),
    batch_size: int('Rows per batch. When unset, batches are sized by `batch_size_memory_mb`.', 1, 10_000_000, { unit: 'rows', defaultNote: 'unset', examples: [50000] }),
    batch_size_memory_mb: int('Target memory of one batch.', 1, 4096, { unit: 'MiB', defaultNote: FROM_PROFILE }),
    statement_timeout_s: int('Server-side timeout of each statement; 0 means none.', 0, 86_400, { unit: 's', defaultNote: FROM_PROFILE }),
    lock_timeout_s: int('How long a statement may wait for a lock; 0 means none.', 0, 86_400, { unit: 's', defaultNote: FROM_PROFILE }),
    max_retries: int('Retries of a retryable failure (lost connection, timeout, busy source).', 0, 100, { defaultNote: FROM_PROFILE }),
    retry_backoff_ms: int('Initial delay before a retry; doubles on each attempt.', 0, 600_000, { unit: 'ms', defaultNote: FROM_PROFILE }),
    memory_mb: int('Memory budget of the whole process.', 64, 1_048_576, { unit: 'MiB', default: DEFAULT_MEMORY_MB }),
    throttle_ms: int('Pause between batches, to leave room for other load on the source.', 0, 60_000, { unit: 'ms', defaultNote: FROM_PROFILE }),
  },
)

/** `source.tls`. */
export const TLS_SPEC: ObjectSpec = object('source.tls', 'TLS to the source. `sslmode` in the URL sets the mode too; if both are given they must agree.', {
  mode: oneOf(TLS_MODES, 'libpq-style TLS mode (`verify-ca` checks the CA, `verify-full` also the host name).', { default: 'prefer' }),
  ca_file: str('CA certificate (PEM), relative to the config file.', { format: 'path' }),
  cert_file: str('Client certificate (PEM) for certificate authentication; needs `key_file`.', { format: 'path' }),
  key_file: str('Private key (PEM) of `cert_file`.', { format: 'path' }),
})

/** `source`. */
export const SOURCE_SPEC: ObjectSpec = object(
  'source',
  'The database to read from.',
  {
    type: oneOf(SOURCE_TYPES, 'Database kind; must match the URL scheme.', { required: true }),
    url: str('Connection URL: `postgres://`, `postgresql://`, `mysql://` or `mariadb://`; percent-encode special characters of the user and password. Query parameters: `sslmode`, `application_name`.', {
      secret: true,
      examples: ['postgresql://user:pass@db.internal:5432/shop?sslmode=require'],
    }),
    url_env: str('Name of an environment variable that holds the connection URL.', { format: 'env-name', examples: ['DATABASE_URL'] }),
    url_file: str('File that holds the connection URL (surrounding whitespace ignored), relative to the config file.', { format: 'path', examples: ['./secrets/db-url'] }),
    host: str('Host name, IP address or (PostgreSQL) Unix socket directory.'),
    port: int('TCP port.', 1, 65_535, { defaultNote: '5432 (postgres), 3306 (mysql)' }),
    user: str('User name.'),
    password: str('Password. Prefer `password_env` so the secret stays out of the file.', { secret: true }),
    password_env: str('Name of an environment variable that holds the password.', { format: 'env-name', examples: ['PGPASSWORD'] }),
    database: str('Database name.'),
    application_name: str('Name reported to the server (PostgreSQL `application_name`).', { default: 'rivet' }),
    tls: nested(TLS_SPEC),
    tuning: nested(TUNING_SPEC),
  },
  [
    {
      description: 'Give the connection in exactly one way: `url`, `url_env`, `url_file`, or the structured keys `host`/`port`/`user`/`password`/`password_env`/`database` (then `host`, `user` and `database` are required).',
      required: true,
      alternatives: [
        { label: 'url', keys: ['url'] },
        { label: 'url_env', keys: ['url_env'] },
        { label: 'url_file', keys: ['url_file'] },
        { label: 'host/port/user/password/database', keys: ['host', 'port', 'user', 'password', 'password_env', 'database'], requires: ['host', 'user', 'database'] },
      ],
    },
    {
      description: '`password` and `password_env` exclude each other.',
      required: false,
      alternatives: [
        { label: 'password', keys: ['password'] },
        { label: 'password_env', keys: ['password_env'] },
      ],
    },
  ],
)

/** Default multipart / resumable-upload part size of the object-store destinations. */
export const DEFAULT_PART_SIZE_BYTES = 8 * 1024 * 1024

/** `exports[].destination`. */
export const DESTINATION_SPEC: ObjectSpec = object('exports[].destination', 'Where the files of an export are written.', {
  type: oneOf(DESTINATION_TYPES, 'Destination kind: a local directory, an S3 or S3-compatible bucket, a Google Cloud Storage bucket, or standard output (one export, piped).', { required: true }),
  path: str('`local`: directory template, relative to the config file. `{export}` is replaced by the export name and `{date}` by the UTC date of the run (YYYY-MM-DD).', {
    format: 'path-template',
    examples: ['./out/{export}/{date}'],
  }),
  bucket: str('`s3`, `gcs`: bucket name.', { examples: ['acme-extracts'] }),
  prefix: str('`s3`, `gcs`: key prefix (folder) template, with the same placeholders as `path`. Unset: the bucket root.', { format: 'path-template', examples: ['raw/{export}/{date}'] }),
  region: str('`s3`: bucket region. Unset: AWS_REGION or the profile; `us-east-1` with a custom endpoint.', { examples: ['eu-west-1'] }),
  endpoint: str('`s3`, `gcs`: API endpoint of an S3-compatible store (MinIO, Ceph, R2…; addressed path-style) or of a GCS emulator.', { format: 'url', examples: ['http://minio.internal:9000'] }),
  aws_profile: str('`s3`: named profile of ~/.aws/config and ~/.aws/credentials.'),
  access_key_env: str('`s3`: environment variable holding the access key id; needs `secret_key_env`. Unset: the default AWS credential chain.', { format: 'env-name', examples: ['EXTRACT_AWS_KEY_ID'] }),
  secret_key_env: str('`s3`: environment variable holding the secret access key.', { format: 'env-name' }),
  session_token_env: str('`s3`: environment variable holding a session token (temporary credentials).', { format: 'env-name' }),
  credentials_file: str('`gcs`: service-account key file (JSON), relative to the config file. Unset: application default credentials.', { format: 'path' }),
  part_size: size('`s3`, `gcs`: bytes per upload part: an S3 multipart part (at least 5 MiB), a GCS resumable-upload chunk (rounded up to a multiple of 256 KiB). One file upload holds two to three parts in memory.', 256 * 1024, {
    default: '8MiB',
    examples: ['16MiB'],
  }),
})

/** A non-empty list of distinct column names. */
const COLUMN_LIST: ArraySpec = { kind: 'array', items: { kind: 'string', format: 'column-name' }, minItems: 1, uniqueItems: true }

/** `exports[].meta_columns`. */
export const META_COLUMNS_SPEC: ObjectSpec = object('exports[].meta_columns', 'Columns Rivet adds to every exported row, after the columns of the table or query.', {
  exported_at: bool('Add a column with the UTC time of the run that exported the row.', { default: false }),
  row_hash: anyOf([{ kind: 'boolean' }, COLUMN_LIST], 'Add a column with a hash of the row: `true` hashes every exported column, a list hashes the listed columns; `false` adds none.', {
    default: false,
    examples: [true, ['id', 'status', 'total']],
  }),
})

/** Default of `shape_drift_warn_factor`. */
export const DEFAULT_SHAPE_DRIFT_WARN_FACTOR = 2

const MAX_ROW_COUNT = 1_000_000_000_000
/** A unique check remembers at most about 201 million keys (a 2 GiB table) whatever the setting. */
const MAX_UNIQUE_ENTRIES = 200_000_000

/** `exports[].quality`. */
export const QUALITY_SPEC: ObjectSpec = object('exports[].quality', 'Checks of the data an export read. A failed check fails the run (exit code 3, `RIVET_QUALITY_FAILED`): its files are not published and the cursor does not move. See docs/quality.md.', {
  row_count_min: int('Fewest rows a run may read (in mode `incremental`: the rows of this run).', 0, MAX_ROW_COUNT, { unit: 'rows', examples: [1000] }),
  row_count_max: int('Most rows a run may read; at least `row_count_min`.', 0, MAX_ROW_COUNT, { unit: 'rows', examples: [50000000] }),
  null_ratio_max: {
    type: { kind: 'map', keyDescription: 'column name', values: { kind: 'number', min: 0, max: 1 } },
    description: 'Largest share of NULLs allowed per column, from 0 (no NULL) to 1; `0.1` allows 10 %. A run without rows has no NULLs.',
    examples: [{ email: 0.1, customer_id: 0 }],
  },
  unique_columns: {
    type: { kind: 'array', items: { kind: 'union', options: [{ kind: 'string', format: 'column-name' }, COLUMN_LIST] }, minItems: 1 },
    description: 'Keys that must not repeat among the rows a run reads: a column name, or a list of columns that are unique together. Rows with a NULL in the key are not compared (as in SQL). Each check remembers every distinct key of the run (see `unique_max_entries`). Not the same as the export\'s `unique_key`, which steers incremental and chunked reads.',
    examples: [['id', ['tenant_id', 'order_no']]],
  },
  unique_max_entries: int('Most distinct keys each `unique_columns` check remembers; past it the check stops remembering and ends as skipped unless it already found a duplicate. Needs `unique_columns`.', 1, MAX_UNIQUE_ENTRIES, {
    unit: 'keys',
    defaultNote: 'unset (no cap)',
    examples: [10000000],
  }),
})

const INCREMENTAL_ONLY = 'Mode `incremental` only.'
const CHUNKED_ONLY = 'Mode `chunked` only.'
const TIME_WINDOW_ONLY = 'Mode `time_window` only.'

/** The keys of the export modes, in the order the reference lists them. */
const MODE_FIELDS = {
  cursor_column: str(`Column the run tracks, typically an ever-growing id or an \`updated_at\` timestamp: each run reads the rows above the highest value the last completed run exported, and that value advances only once the files are committed. ${INCREMENTAL_ONLY}`, {
    format: 'column-name',
    defaultNote: 'required by `incremental`',
    examples: ['updated_at'],
  }),
  cursor_fallback_column: str(`Column read where \`cursor_column\` is NULL: the cursor becomes \`COALESCE(cursor_column, cursor_fallback_column)\` (e.g. \`updated_at\` falling back to \`created_at\`). Goes with \`incremental_cursor_mode: coalesce\`, which requires it. ${INCREMENTAL_ONLY}`, {
    format: 'column-name',
    examples: ['created_at'],
  }),
  incremental_cursor_mode: oneOf(INCREMENTAL_CURSOR_MODES, `\`single\` tracks \`cursor_column\` alone; \`coalesce\` tracks \`COALESCE(cursor_column, cursor_fallback_column)\`. ${INCREMENTAL_ONLY}`, { default: 'single' }),
  cursor_overlap: anyOf([{ kind: 'number', min: 0 }, { kind: 'string', format: 'duration' }], `Re-reads rows whose cursor lies within this window below the last exported value: late-arriving rows are caught, rows in the window are exported again (at-least-once). A number in cursor units for integer and numeric cursors, or a duration (\`90s\`, \`15m\`, \`2h\`, \`1d\`) for date and timestamp cursors. ${INCREMENTAL_ONLY}`, {
    defaultNote: 'unset (no overlap)',
    examples: ['15m', 1000],
  }),
  unique_key: { type: COLUMN_LIST, description: 'Columns that together identify a row. `incremental` remembers the keys of the rows at the last cursor value, so the next run skips exactly those instead of reading the whole boundary value again; `chunk_by_key` pages through them when `chunk_column` is not set. Modes `incremental` and `chunked` only.', defaultNote: 'the primary key, if any', examples: [['id'], ['tenant_id', 'order_id']] },
  chunk_column: str(`Column whose values split the rows into chunks: an integer column for range chunks and \`chunk_dense\`, a date or timestamp column for \`chunk_by_days\`, the key for \`chunk_by_key\`. Without it a \`table:\` export uses the table's single-column integer primary key; \`query:\` and \`query_file:\` exports must name one (or, with \`chunk_by_key\`, a \`unique_key\`), and so must \`chunk_by_days\`. ${CHUNKED_ONLY}`, {
    format: 'column-name',
    defaultNote: 'the primary key (`table:` only)',
    examples: ['id'],
  }),
  chunk_size: int(`Size of one chunk: a range of this many \`chunk_column\` values, or this many rows with \`chunk_dense\` and \`chunk_by_key\`. Excludes \`chunk_count\`. ${CHUNKED_ONLY}`, 1, 1_000_000_000, { defaultNote: 'chosen by the planner', examples: [100000] }),
  chunk_count: int(`Split the rows into this many chunks of equal width instead of giving \`chunk_size\`. ${CHUNKED_ONLY}`, 1, 1_000_000, { defaultNote: 'unset' }),
  chunk_dense: bool(`Split on the rows' positions in \`chunk_column\` order instead of on the column's values: even chunks over a sparse or skewed column, at the cost of numbering the rows on the source. ${CHUNKED_ONLY}`, { default: false }),
  chunk_by_days: int(`Split \`chunk_column\` (a date or timestamp) into ranges of this many days, each \`>= start AND < end\`. Excludes \`chunk_size\` and \`chunk_count\`. ${CHUNKED_ONLY}`, 1, 3650, { unit: 'days', defaultNote: 'unset' }),
  chunk_by_key: bool(`Page through the rows in key order (\`chunk_column\`, else \`unique_key\`, else the primary key): each chunk starts after the last key of the previous one, so gaps in the key cost nothing. ${CHUNKED_ONLY}`, { default: false }),
  parallel: int('Chunks read at the same time, each over its own connection. Above 1 only with mode `chunked`.', 1, 64, { default: DEFAULT_PARALLEL }),
  chunk_checkpoint: bool(`Record each finished chunk in the state store, so that an interrupted run can be resumed with the chunks still missing. ${CHUNKED_ONLY}`, { default: false }),
  chunk_max_attempts: int(`Attempts per chunk (the first read included) before the export fails. ${CHUNKED_ONLY}`, 1, 100, { default: DEFAULT_CHUNK_MAX_ATTEMPTS }),
  chunk_max_statement_s: num('Longest statement the adaptive sizer allows: it sizes each page range, fetch or chunk so that one statement stays well under this time. Any mode.', 0, 3600, {
    minExclusive: true,
    unit: 's',
    default: DEFAULT_CHUNK_MAX_STATEMENT_S,
  }),
  time_column: str(`Column holding each row's time; the run reads the rows whose time lies within the last \`days_window\` days. ${TIME_WINDOW_ONLY}`, {
    format: 'column-name',
    defaultNote: 'required by `time_window`',
    examples: ['created_at'],
  }),
  time_column_type: oneOf(TIME_COLUMN_TYPES, `What \`time_column\` holds: \`timestamp\` (a date or timestamp) or \`unix\` (seconds since 1970-01-01 UTC). ${TIME_WINDOW_ONLY}`, { default: 'timestamp' }),
  days_window: int(`Length of the window, counted back from the start of the run. ${TIME_WINDOW_ONLY}`, 1, 36_500, { unit: 'days', defaultNote: 'required by `time_window`', examples: [7] }),
}

/** One entry of `exports`. */
export const EXPORT_SPEC: ObjectSpec = object(
  'exports[]',
  'One table or query written to files.',
  {
    name: str('Unique name of the export; used in file names, `{export}` and on the command line.', { required: true, format: 'export-name', examples: ['orders'] }),
    table: str('Table to export: `name` or `schema.name`. Unquoted names are folded to lower case on PostgreSQL; quote a part (`"My Schema"."My.Table"`) to keep its case and dots.', {
      format: 'table-name',
      examples: ['public.orders'],
    }),
    query: str('SQL query to export; one trailing `;` is ignored. Write `$$` for a literal `$`.', { examples: ['select id, total from orders where total > 0'] }),
    query_file: str('File holding the SQL query, relative to the config file.', { format: 'path', examples: ['./sql/orders.sql'] }),
    mode: oneOf(EXPORT_MODES, 'How rows are selected: `full` reads every row on every run; `incremental` reads the rows above the cursor the last run reached; `chunked` reads the rows in chunks of `chunk_column`, one statement each; `time_window` reads the rows of the last `days_window` days. See "Export modes" for the keys each mode takes.', { default: 'full' }),
    ...MODE_FIELDS,
    format: oneOf(OUTPUT_FORMATS, 'Output file format.', { required: true }),
    compression: oneOf(COMPRESSIONS, 'Compression codec; `snappy` is for Parquet only.', { default: 'zstd' }),
    compression_level: int('Codec level: zstd 1..22, gzip 1..9; lz4, snappy and none take no level.', 1, 22, { defaultNote: 'the codec default' }),
    max_file_size: size('Start a new file once this size is reached: bytes, or a string with KB/MB/GB (powers of 1000) or KiB/MiB/GiB (powers of 1024).', 1024 * 1024, {
      defaultNote: 'unset (one file)',
      examples: ['512MB', '1GiB', 268435456],
    }),
    skip_empty: bool('Write no file when the export has no rows.', { default: false }),
    destination: nested(DESTINATION_SPEC, { required: true }),
    columns: {
      type: {
        kind: 'map',
        keyDescription: 'column name (`col`, `table.col` or `schema.table.col`)',
        values: { kind: 'string', format: 'column-type' },
      },
      description: `Per-column type overrides: \`decimal(p,s)\` with 1 ≤ p ≤ ${MAX_DECIMAL_PRECISION} and 0 ≤ s ≤ p, or one of ${SIMPLE_OVERRIDE_KINDS.map((k) => `\`${k}\``).join(', ')}. A key is a column name, or \`table.col\` / \`schema.table.col\` for the column of that table (in a query: the result columns read from it); the most qualified key wins. A value that does not fit its override stops the export, naming the row.`,
      examples: [{ amount: 'decimal(18,2)', payload: 'text', 'refunds.amount': 'decimal(12,2)' }],
    },
    meta_columns: nested(META_COLUMNS_SPEC),
    on_schema_drift: oneOf(SCHEMA_DRIFT_POLICIES, 'What a run does when its columns (names, types) differ from those of the export\'s last completed run: `warn` logs a warning per change and goes on, `continue` goes on and notes the change without a warning, `fail` stops before any file is written (exit code 4, `RIVET_SCHEMA_DRIFT`). See docs/quality.md.', { default: 'warn' }),
    shape_drift_warn_factor: {
      type: { kind: 'number', min: 0 },
      description: 'Warn when the largest value of a text, json or binary column grows past this many times the largest value of the last completed run; `0` turns the warning off. Never fails a run.',
      default: DEFAULT_SHAPE_DRIFT_WARN_FACTOR,
      examples: [4],
    },
    quality: nested(QUALITY_SPEC),
    tuning: nested(TUNING_SPEC),
  },
  [
    {
      description: 'Give exactly one of `table`, `query` or `query_file`.',
      required: true,
      alternatives: [
        { label: 'table', keys: ['table'] },
        { label: 'query', keys: ['query'] },
        { label: 'query_file', keys: ['query_file'] },
      ],
    },
    {
      description: '`chunk_size` and `chunk_count` exclude each other.',
      required: false,
      alternatives: [
        { label: 'chunk_size', keys: ['chunk_size'] },
        { label: 'chunk_count', keys: ['chunk_count'] },
      ],
    },
  ],
)

/** The whole config file. */
export const CONFIG_SCHEMA: ObjectSpec = object('Top level', 'A Rivet config file: one source and the exports read from it.', {
  source: nested(SOURCE_SPEC, { required: true }),
  exports: { type: { kind: 'array', items: EXPORT_SPEC, minItems: 1 }, description: 'The exports; at least one.', required: true },
  notifications: nested(NOTIFICATIONS_SPEC),
  parallel_exports: bool(
    'Run the selected exports at the same time in one process (as `rivet run --parallel-exports` does), sharing the source\'s connection budget and the memory budget; the longest exports start first.',
    { default: false },
  ),
  parallel_export_processes: bool(
    'Run the selected exports at the same time, each in an operating-system process of its own (as `rivet run --parallel-export-processes` does): the budgets are shared as with `parallel_exports`, and a crash or an out-of-memory kill ends one export, not the run.',
    { default: false },
  ),
})
