/**
 * The resolved configuration: every default filled in, every path absolute, every secret read.
 * Consumers (plan, engine, CLI) read only these types, never the raw YAML.
 */
import type { ErrorItem } from '../errors/index.js'
import type { ResolvedQuality, SchemaDriftPolicy } from '../quality/types.js'

/** Source database kinds. */
export const SOURCE_TYPES = ['postgres', 'mysql'] as const
export type SourceType = (typeof SOURCE_TYPES)[number]

/** TLS modes, named as libpq names them; MySQL sources map them to the driver's options. */
export const TLS_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const
export type TlsMode = (typeof TLS_MODES)[number]

/** Tuning profiles; `balanced` is the default. */
export const TUNING_PROFILE_NAMES = ['fast', 'balanced', 'safe'] as const
export type TuningProfileName = (typeof TUNING_PROFILE_NAMES)[number]

/** Export modes: how the rows of an export are selected and split. */
export const EXPORT_MODES = ['full', 'incremental', 'chunked', 'time_window'] as const
export type ExportMode = (typeof EXPORT_MODES)[number]

/** How an incremental export reads its cursor: one column, or COALESCE of the column and a fallback. */
export const INCREMENTAL_CURSOR_MODES = ['single', 'coalesce'] as const
export type IncrementalCursorMode = (typeof INCREMENTAL_CURSOR_MODES)[number]

/** How a chunked export splits its rows; chosen by `chunk_dense`, `chunk_by_days`, `chunk_by_key`, else `range`. */
export const CHUNK_STRATEGIES = ['range', 'dense', 'days', 'keyset'] as const
export type ChunkStrategy = (typeof CHUNK_STRATEGIES)[number]

/** What the `time_column` of a time_window export holds: a date/timestamp, or seconds since the Unix epoch. */
export const TIME_COLUMN_TYPES = ['timestamp', 'unix'] as const
export type TimeColumnType = (typeof TIME_COLUMN_TYPES)[number]

/** Output file formats. */
export const OUTPUT_FORMATS = ['parquet', 'csv'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** Compression codecs; `snappy` is Parquet-only. */
export const COMPRESSIONS = ['zstd', 'snappy', 'gzip', 'lz4', 'none'] as const
export type Compression = (typeof COMPRESSIONS)[number]

/** Destination kinds. */
export const DESTINATION_TYPES = ['local', 's3', 'gcs', 'stdout'] as const
export type DestinationType = (typeof DESTINATION_TYPES)[number]

/** What a run does when the columns differ from those of the last completed run (`on_schema_drift`). */
export const SCHEMA_DRIFT_POLICIES = ['warn', 'continue', 'fail'] as const satisfies readonly SchemaDriftPolicy[]

/** What can send a notification (`notifications.slack.on`): a failed run, a schema change, a Degraded or Unsafe check. */
export const NOTIFY_EVENTS = ['failure', 'schema_change', 'degraded'] as const
export type NotifyEventKind = (typeof NOTIFY_EVENTS)[number]

/** Slack special mentions a failure message can carry (`notifications.slack.mention`). */
export const SLACK_MENTIONS = ['here', 'channel'] as const
export type SlackMention = (typeof SLACK_MENTIONS)[number]

/** Column override kinds other than `decimal(p,s)`. */
export const SIMPLE_OVERRIDE_KINDS = ['text', 'int64', 'float64', 'uuid', 'json', 'timestamp', 'timestamp_tz', 'date', 'bool', 'binary'] as const
export type SimpleOverrideKind = (typeof SIMPLE_OVERRIDE_KINDS)[number]

/** TLS settings with absolute file paths. */
export interface ResolvedTls {
  readonly mode: TlsMode
  readonly caFile?: string
  readonly certFile?: string
  readonly keyFile?: string
}

/** Everything needed to open a connection; `password` is a secret, never log it. */
export interface ResolvedConnection {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password?: string
  readonly database: string
  readonly tls: ResolvedTls
  /** Reported to the server (pg `application_name`); default `rivet`. */
  readonly applicationName: string
}

/** Tuning after layering export keys over source keys over the profile. */
export interface ResolvedTuning {
  readonly profile: TuningProfileName
  /** Rows per batch; null means batches are sized by `batchSizeMemoryMb`. */
  readonly batchSize: number | null
  readonly batchSizeMemoryMb: number
  /** Seconds; 0 means no timeout. */
  readonly statementTimeoutS: number
  /** Seconds; 0 means no timeout. */
  readonly lockTimeoutS: number
  readonly maxRetries: number
  readonly retryBackoffMs: number
  readonly memoryMb: number
  readonly throttleMs: number
}

/** The resolved `source` block. */
export interface ResolvedSource {
  readonly type: SourceType
  readonly connection: ResolvedConnection
  /** The connection URL with the password replaced by `***`; safe to log. */
  readonly redactedUrl: string
  readonly tuning: ResolvedTuning
}

/** A parsed `columns:` override. */
export type ColumnOverride =
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: SimpleOverrideKind }

/** A table name after quoting rules and case folding. */
export interface ResolvedTableRef {
  /** null when the table was named without a schema. */
  readonly schema: string | null
  readonly name: string
}

/** Where an export's files go. Templates keep `{export}` and `{date}` for the destination to expand. */
export type ResolvedDestination =
  | {
      readonly type: 'local'
      /** Absolute path template. */
      readonly path: string
    }
  | {
      readonly type: 's3'
      readonly bucket: string
      /** Key prefix template; '' for the bucket root. */
      readonly prefix: string
      readonly region: string | null
      readonly endpoint: string | null
      readonly awsProfile: string | null
      /** Names of the environment variables holding explicit credentials; null for the default chain. */
      readonly credentialEnv: { readonly accessKey: string; readonly secretKey: string; readonly sessionToken: string | null } | null
      readonly partSizeBytes: number
    }
  | {
      readonly type: 'gcs'
      readonly bucket: string
      readonly prefix: string
      /** Absolute path of a service-account key file; null for application default credentials. */
      readonly credentialsFile: string | null
      readonly endpoint: string | null
      readonly partSizeBytes: number
    }
  | { readonly type: 'stdout' }

/** How far below the last cursor value an incremental run starts reading again. */
export type CursorOverlap =
  /** In cursor units, for integer and numeric cursors. */
  | { readonly kind: 'number'; readonly value: number }
  /** For date and timestamp cursors. */
  | { readonly kind: 'duration'; readonly seconds: number }

/** Settings of mode `incremental`. */
export interface ResolvedIncremental {
  readonly cursorColumn: string
  /** Read when `cursorColumn` is NULL (cursor mode `coalesce`); null in cursor mode `single`. */
  readonly fallbackColumn: string | null
  readonly cursorMode: IncrementalCursorMode
  readonly overlap: CursorOverlap | null
}

/** Settings of mode `chunked`. */
export interface ResolvedChunked {
  /** null: the planner uses the table's single-column integer primary key. */
  readonly column: string | null
  readonly strategy: ChunkStrategy
  /** Rows (or key values) per chunk; null when unset. */
  readonly size: number | null
  /** Number of chunks; null when unset. */
  readonly count: number | null
  /** Days per chunk (strategy `days`); null otherwise. */
  readonly days: number | null
  /** Chunks read at the same time, each on its own connection. */
  readonly parallel: number
  /** Record finished chunks so that `--resume` skips them. */
  readonly checkpoint: boolean
  /** Attempts per chunk before the export fails. */
  readonly maxAttempts: number
}

/** Settings of mode `time_window`. */
export interface ResolvedTimeWindow {
  readonly column: string
  readonly columnType: TimeColumnType
  readonly daysWindow: number
}

/** Extra columns added to every exported row. */
export interface ResolvedMetaColumns {
  readonly exportedAt: boolean
  /** `all`: hash of every exported column; a list: of those columns; null: no hash column. */
  readonly rowHash: 'all' | readonly string[] | null
}

/** One export with every default filled in. */
export interface ResolvedExport {
  readonly name: string
  readonly table: ResolvedTableRef | null
  readonly query: string | null
  readonly mode: ExportMode
  /** Set exactly when `mode` is `incremental`. */
  readonly incremental: ResolvedIncremental | null
  /** Columns that identify a row; breaks ties on the cursor boundary and keys `chunk_by_key`. */
  readonly uniqueKey: readonly string[] | null
  /** Set exactly when `mode` is `chunked`. */
  readonly chunked: ResolvedChunked | null
  /** Set exactly when `mode` is `time_window`. */
  readonly timeWindow: ResolvedTimeWindow | null
  /** Longest statement the adaptive batch sizer allows, in seconds. */
  readonly chunkMaxStatementS: number
  readonly metaColumns: ResolvedMetaColumns
  readonly format: OutputFormat
  readonly compression: Compression
  readonly compressionLevel: number | null
  readonly maxFileSizeBytes: number | null
  readonly skipEmpty: boolean
  readonly destination: ResolvedDestination
  readonly columns: Readonly<Record<string, ColumnOverride>>
  readonly tuning: ResolvedTuning
  /** `on_schema_drift`: what a run does when its columns differ from the last completed run's. */
  readonly schemaDrift: SchemaDriftPolicy
  /** `shape_drift_warn_factor`: warn when a text/json/binary column's largest value grows past this many times the last run's; 0 disables. */
  readonly shapeDriftWarnFactor: number
  /** `quality:`; null when the export has no quality checks. */
  readonly quality: ResolvedQuality | null
}

/** `notifications.slack`; `webhookUrl` is a secret: never log it. */
export interface ResolvedSlackNotifications {
  /** Name of the environment variable the URL was read from (safe to print). */
  readonly webhookUrlEnv: string
  readonly webhookUrl: string
  /** The events that send a message. */
  readonly on: readonly NotifyEventKind[]
  /** Mention added to a message that reports a failure; null for none. */
  readonly mention: SlackMention | null
}

/** `notifications:`. */
export interface ResolvedNotifications {
  readonly slack: ResolvedSlackNotifications
}

/** The whole resolved config file; deeply frozen. */
export interface ResolvedConfig {
  /** Absolute path of the config file. */
  readonly configPath: string
  /** Directory of the config file; relative paths in the file are resolved against it. */
  readonly configDir: string
  readonly source: ResolvedSource
  readonly exports: readonly ResolvedExport[]
  /** `notifications:`; null when the file has none. */
  readonly notifications: ResolvedNotifications | null
  /** Run the exports at the same time (`parallel_exports`). */
  readonly parallelExports: boolean
  /** Run the exports at the same time, a process each (`parallel_export_processes`). */
  readonly parallelExportProcesses: boolean
}

/** One problem found in a config file; `line`/`column` (1-based) point into the YAML when known. */
export interface ConfigIssue extends ErrorItem {
  readonly path: string
  readonly hint: string
  readonly line?: number
  readonly column?: number
}
