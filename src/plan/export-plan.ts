import type { ColumnSpec } from '../types/index.js'
import type { BatchLimits } from '../source/types.js'
import type { PgIncrementalRead } from './incremental-plan.js'
import type { MetaColumnsPlan } from './meta-columns.js'

/** Connection parameters handed to an extraction worker (they include the password: never log them). */
export interface SourceConnectParams {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password?: string
  readonly database: string
  readonly applicationName: string
  readonly tls: {
    readonly mode: 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full'
    readonly ca?: string
    readonly cert?: string
    readonly key?: string
  }
  readonly connectTimeoutMs: number
}

/**
 * How a PostgreSQL export reads its rows, all inside one REPEATABLE READ READ ONLY transaction:
 * - `ctid`: physical page ranges of a plain table, each one `COPY (SELECT ... WHERE ctid range) TO STDOUT (FORMAT binary)`.
 *   Bounded statements, no index needed, no sort, every tuple of the snapshot read exactly once.
 * - `cursor`: `DECLARE ... NO SCROLL CURSOR FOR <query>` then `FETCH FORWARD n` with binary results
 *   (also one chunk of a chunked export, and a time window).
 * - `incremental`: the rows after the stored cursor, read through a cursor up to the highest value
 *   seen in the snapshot, then the keys of the rows at that value (see PgIncrementalRead).
 */
export type PgReadStrategy =
  | { readonly type: 'ctid'; readonly relation: string; readonly selectList: string }
  | { readonly type: 'cursor'; readonly query: string }
  | { readonly type: 'incremental'; readonly read: PgIncrementalRead }

/**
 * Which columns identify a row in data errors ("row with primary key id=42"): the export's
 * `unique_key`, else the table's primary key, else the chunk column. Without one, errors name the
 * row's position in the read.
 */
export interface RowKeyPlan {
  /** Positions of the key columns among the source columns. */
  readonly columns: readonly number[]
  readonly from: 'unique_key' | 'primary_key' | 'chunk_column'
}

/** Everything an extraction worker needs to read one PostgreSQL export. Plain data: it crosses threads. */
export interface PgExtractPlan {
  readonly source: 'postgres'
  readonly exportName: string
  readonly connect: SourceConnectParams
  /** Output columns: the source's, then the meta columns (`meta`). */
  readonly columns: readonly ColumnSpec[]
  /** How many of `columns` come from the source (the rest are filled by the worker). */
  readonly sourceColumnCount: number
  readonly meta: MetaColumnsPlan
  readonly strategy: PgReadStrategy
  readonly batch: BatchLimits
  readonly statementTimeoutS: number
  readonly lockTimeoutS: number
  readonly throttleMs: number
  /** Adaptive sizing: the statement time to aim for, and the starting / bounding chunk sizes. */
  readonly chunking: {
    readonly targetStatementMs: number
    readonly initial: number
    readonly min: number
    readonly max: number
  }
  /** Batches allowed in flight between the worker and the writer before the worker pauses. */
  readonly maxInFlight: number
  /** The columns data errors name a row by; absent: by its position in the read. */
  readonly rowKey?: RowKeyPlan
}

/**
 * How a MySQL/MariaDB export reads its rows, inside one `START TRANSACTION WITH CONSISTENT SNAPSHOT`:
 * - `keyset`: pages of the rows ordered by a unique key, `WHERE key > <last key of the previous page>
 *   ORDER BY key LIMIT n`, n sized by statement-time feedback: every statement is short.
 * - `stream`: one streaming SELECT (no usable key: a view or a query). The statement lasts as long
 *   as the export; `statement_timeout_s` still bounds it.
 */
export type MysqlReadStrategy =
  | {
      readonly type: 'keyset'
      /** FROM item: a quoted table, or `(query) AS rivet_q`. */
      readonly from: string
      readonly selectList: string
      /** Quoted key columns, in key order. */
      readonly keyExprs: readonly string[]
      /** Positions of the key columns in the select list (their values page the next statement). */
      readonly keyIndexes: readonly number[]
      /** Extra filter every page applies (time window, chunk range), or null. */
      readonly where: string | null
    }
  | { readonly type: 'stream'; readonly query: string }
  /**
   * The rows after the stored cursor, up to the highest cursor value in the snapshot, in keyset
   * pages when `page` names a key (else one streaming statement), then the keys at that value.
   */
  | {
      readonly type: 'incremental'
      readonly read: PgIncrementalRead
      readonly page: { readonly keyExprs: readonly string[]; readonly keyIndexes: readonly number[] } | null
    }

/** Everything an extraction worker needs to read one MySQL/MariaDB export. Plain data: it crosses threads. */
export interface MysqlExtractPlan {
  readonly source: 'mysql'
  readonly exportName: string
  readonly connect: SourceConnectParams
  readonly columns: readonly ColumnSpec[]
  readonly sourceColumnCount: number
  readonly meta: MetaColumnsPlan
  readonly strategy: MysqlReadStrategy
  readonly batch: BatchLimits
  readonly statementTimeoutS: number
  readonly throttleMs: number
  /** Rows per keyset page: the statement time to aim for, and the starting / bounding sizes. */
  readonly chunking: {
    readonly targetStatementMs: number
    readonly initial: number
    readonly min: number
    readonly max: number
  }
  readonly maxInFlight: number
  /** The columns data errors name a row by; absent: by its position in the read. */
  readonly rowKey?: RowKeyPlan
}

/** The plan of any source. */
export type ExtractPlan = PgExtractPlan | MysqlExtractPlan
