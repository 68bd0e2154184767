/**
 * The config file, described once. Validation, `configJsonSchema()` and the Markdown reference
 * are all derived from CONFIG_SCHEMA; add a key here and it appears in all three.
 */
import { MAX_DECIMAL_PRECISION } from './column-override.js'
import { bool, int, nested, object, oneOf, size, str, type ObjectSpec } from './schema-dsl.js'
import { DEFAULT_MEMORY_MB, DEFAULT_PROFILE } from './tuning.js'
import {
  COMPRESSIONS,
  DESTINATION_TYPES,
  EXPORT_MODES,
  OUTPUT_FORMATS,
  SIMPLE_OVERRIDE_KINDS,
  SOURCE_TYPES,
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

/** `exports[].destination`. */
export const DESTINATION_SPEC: ObjectSpec = object('exports[].destination', 'Where the files of an export are written.', {
  type: oneOf(DESTINATION_TYPES, 'Destination kind.', { required: true }),
  path: str('Directory template, relative to the config file. `{export}` is replaced by the export name and `{date}` by the UTC date of the run (YYYY-MM-DD).', {
    required: true,
    format: 'path-template',
    examples: ['./out/{export}/{date}'],
  }),
})

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
    mode: oneOf(EXPORT_MODES, 'How rows are selected: `full` reads every row on every run.', { default: 'full' }),
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
        keyDescription: 'column name',
        values: { kind: 'string', format: 'column-type' },
      },
      description: `Per-column type overrides: \`decimal(p,s)\` with 1 ≤ p ≤ ${MAX_DECIMAL_PRECISION} and 0 ≤ s ≤ p, or one of ${SIMPLE_OVERRIDE_KINDS.map((k) => `\`${k}\``).join(', ')}.`,
      examples: [{ amount: 'decimal(18,2)', payload: 'text' }],
    },
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
  ],
)

/** The whole config file. */
export const CONFIG_SCHEMA: ObjectSpec = object('Top level', 'A Rivet config file: one source and the exports read from it.', {
  source: nested(SOURCE_SPEC, { required: true }),
  exports: { type: { kind: 'array', items: EXPORT_SPEC, minItems: 1 }, description: 'The exports; at least one.', required: true },
})
