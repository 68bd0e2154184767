/**
 * The plan file written by `rivet plan` and executed by `rivet apply`. Keys are snake_case: the
 * file is read by people in review and by scripts. Everything but `signature` is sealed by it.
 */
import type { ChunkStrategy, Compression, ExportMode, OutputFormat, SourceType, TimeColumnType } from '../config/index.js'
import type { TieHandling } from '../plan/index.js'

/** The plan format this Rivet writes and accepts. */
export const PLAN_VERSION = 1

/** A sealed plan: what `rivet run` would do now, for each selected export. */
export interface PlanFile extends PlanBody {
  /** `hmac-sha256:<hex>` over the canonical JSON of every other field, keyed by the state file's plan-signing secret. */
  readonly signature: string
}

/** Every field of a plan except its signature. */
export interface PlanBody {
  readonly plan_version: typeof PLAN_VERSION
  /** ISO 8601 UTC; a plan older than 24 hours is refused without --force. */
  readonly created_at: string
  readonly rivet_version: string
  /** Absolute path of the config file at planning time. */
  readonly config_path: string
  /** sha256 (hex) of the config file's bytes. */
  readonly config_sha256: string
  /** Where the rows come from; never a user name, password or URL. */
  readonly source: { readonly type: SourceType; readonly host: string; readonly database: string }
  readonly exports: readonly PlannedExport[]
}

/** One export of a plan. */
export interface PlannedExport {
  readonly name: string
  readonly mode: ExportMode
  /** `schema.name` of a `table:` export; null for a query. */
  readonly table: string | null
  readonly query: string | null
  /** The source columns the plan was made for (a source whose columns changed is refused). */
  readonly columns: readonly PlannedColumnEntry[]
  /** The planner's estimate of the rows the run reads (catalog statistics or EXPLAIN). */
  readonly estimated_rows: number | null
  readonly read: PlannedRead
  /** Chunked exports: the exact ranges; null otherwise, and for a chunked export too small to chunk. */
  readonly chunks: PlannedChunkSet | null
  readonly incremental: PlannedIncremental | null
  readonly time_window: PlannedTimeWindow | null
  readonly output: PlannedOutput
  /** Warnings and notes the planner logged. */
  readonly diagnostics: readonly string[]
}

/** A source column. */
export interface PlannedColumnEntry {
  readonly name: string
  /** The source's spelling of the type. */
  readonly source_type: string
  /** The type written (after `columns:` overrides). */
  readonly type: string
}

/** How the rows are read (a chunked export too small to chunk shows the single-snapshot read it gets). */
export interface PlannedRead {
  /**
   * `ctid`: PostgreSQL page ranges of a table · `cursor`: one query through a server-side cursor ·
   * `keyset`: MySQL pages ordered by a key · `stream`: one streaming statement · `incremental`: the
   * rows after the cursor · `chunks`: the ranges of `chunks`, each read on its own.
   */
  readonly strategy: 'ctid' | 'cursor' | 'keyset' | 'stream' | 'incremental' | 'chunks'
  /** The rows the read returns, as one SELECT a reviewer can run; null for `chunks` (see their predicates). */
  readonly statement: string | null
  /** Keys the pages follow (MySQL keyset), in order; null when not paged by key. */
  readonly page_key: readonly string[] | null
}

/** The chunks of a chunked export, exactly as `rivet apply` reads them. */
export interface PlannedChunkSet {
  readonly column: string
  readonly column_type: string
  readonly strategy: ChunkStrategy
  /** Readers after the connection-budget and memory clamp at planning time. */
  readonly parallel: number
  /** `parallel` as configured. */
  readonly parallel_requested: number
  readonly checkpoint: boolean
  readonly ranges: readonly PlannedRange[]
}

/** One chunk: `lo <= column < hi`, null bounds open. `predicate` is for the reader; apply uses lo/hi. */
export interface PlannedRange {
  readonly index: number
  readonly lo: string | null
  readonly hi: string | null
  readonly predicate: string | null
}

/** The incremental read: the cursor snapshot it starts after and the predicate that implies. */
export interface PlannedIncremental {
  readonly cursor_column: string
  readonly cursor_type: string
  /** The cursor in state when planned; null before the first completed run (every row is read). */
  readonly cursor: PlannedCursor | null
  readonly tie: TieHandling
  /** Rows after the cursor; null on the first run. */
  readonly predicate: string | null
}

/** A cursor as stored in state. */
export interface PlannedCursor {
  readonly value: string
  readonly type: string
  readonly boundary_keys: readonly (readonly (string | null)[])[] | null
  readonly boundary_complete: boolean
  /** The run that stored it, and when it finished. */
  readonly run_id: string
  readonly updated_at: string
}

/** A time window: evaluated against the server's clock when the plan is applied. */
export interface PlannedTimeWindow {
  readonly column: string
  readonly column_type: TimeColumnType
  readonly days_window: number
}

/** What is written where (templates keep their placeholders). */
export interface PlannedOutput {
  readonly format: OutputFormat
  readonly compression: Compression
  readonly compression_level: number | null
  readonly max_file_size_bytes: number | null
  readonly skip_empty: boolean
  readonly meta_columns: readonly string[]
  readonly destination: PlannedDestination
}

/** A destination without credentials. */
export type PlannedDestination =
  | { readonly type: 'local'; readonly path: string }
  | { readonly type: 's3' | 'gcs'; readonly bucket: string; readonly prefix: string; readonly endpoint: string | null }
  | { readonly type: 'stdout' }
