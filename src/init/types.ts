/**
 * What `rivet init` learns about a table and what it decides from it. Source-neutral: the
 * PostgreSQL and MySQL discoveries fill these, the mode choice and the YAML writer read them.
 */
import type { ColumnOverride, ResolvedTableRef } from '../config/index.js'
import type { ConnectionBudget } from '../source/connection-budget.js'
import type { RivetType } from '../types/index.js'
import type { ModeThresholds } from './choose-mode.js'

/** One column after the engine's type mapping (overrides applied). */
export interface ColumnShape {
  readonly name: string
  /** Kind of the type Rivet writes: `int`, `timestamp`, `decimal`, `utf8`, ... */
  readonly kind: RivetType['kind']
  readonly nullable: boolean
  /** The source's spelling of the type, e.g. `timestamp with time zone` or `datetime(6)`. */
  readonly sourceType: string
}

/** One index of a table. */
export interface IndexShape {
  readonly name: string
  /** Key columns in index order; null where the key is an expression. */
  readonly columns: readonly (string | null)[]
  readonly unique: boolean
  readonly primary: boolean
  /** A plain, valid b-tree over the whole table (not partial, not a prefix index): range reads can use it. */
  readonly usable: boolean
}

/** A row count estimate and the catalog figure it came from. */
export interface RowEstimate {
  readonly rows: number
  /** Where the figure came from, as written in the comments: `pg_class.reltuples`, `EXPLAIN`, ... */
  readonly source: string
}

/** Everything the mode choice looks at. */
export interface TableShape {
  readonly schema: string
  readonly name: string
  readonly columns: readonly ColumnShape[]
  /** Primary-key columns in key order, or null. */
  readonly primaryKey: readonly string[] | null
  readonly indexes: readonly IndexShape[]
  readonly estimate: RowEstimate
  /**
   * Lowest and highest value of the single-column integer primary key, probed only for tables
   * large enough to chunk (two index probes); null when the table had no rows, undefined when
   * not probed.
   */
  readonly keyRange?: { readonly min: bigint; readonly max: bigint } | null
}

/** A scalar, a list of strings, or a one-line mapping (`{ type: local, path: ... }`). */
export type YamlValue = string | number | boolean | readonly string[] | { readonly flow: readonly (readonly [string, string])[] }

/** One `key: value` line with an optional trailing comment. */
export interface YamlField {
  readonly key: string
  readonly value: YamlValue
  readonly comment?: string
}

/** What the mode choice decided for one table: the mode, why, and the keys that go with it. */
export interface ModeChoice {
  readonly mode: 'full' | 'incremental' | 'chunked'
  /** The comment written after `mode:`. */
  readonly why: string
  /** Mode keys after `mode:` (`cursor_column`, `chunk_column`, `parallel`, ...), with their comments. */
  readonly settings: readonly YamlField[]
}

/** A `columns:` override Rivet needs to run the table, and why. */
export interface OverrideDraft {
  readonly column: string
  /** The override as written: `text`, `decimal(38,9)`. */
  readonly type: string
  readonly why: string
}

/** What the mode choice knows about the source as a whole. */
export interface SourceLimits {
  /** The connection budget probed at init time; null when it could not be read. */
  readonly budget: ConnectionBudget | null
}

/** A discovered table, ready to become an export. */
export interface DiscoveredTable {
  readonly shape: TableShape
  /** The `table:` value: qualified and quoted as the config file wants it. */
  readonly ref: string
  readonly overrides: readonly OverrideDraft[]
  /** Map the table's columns with these overrides exactly as `rivet run` will; throws when it would refuse. */
  readonly verify: (overrides: Readonly<Record<string, ColumnOverride>>) => void
}

/** A table left out of the config, and why. */
export interface SkippedTable {
  readonly schema: string
  readonly name: string
  readonly reason: string
}

/** What to discover and how. */
export interface DiscoverOptions {
  /** `--table`: one table (schema null: through search_path on PostgreSQL, the URL's database on MySQL). */
  readonly table?: ResolvedTableRef
  /** `--schema`; default `public` on PostgreSQL, the URL's database on MySQL. */
  readonly schema?: string
  readonly include: readonly string[]
  readonly exclude: readonly string[]
  readonly thresholds: ModeThresholds
  /** Bare numeric columns of tables up to this many rows are measured by reading them; larger ones from pg_stats. */
  readonly numericScanMaxRows: number
  readonly log: (line: string) => void
}

/** The tables found, those left out, and the source's connection budget. */
export interface Discovery {
  readonly tables: readonly DiscoveredTable[]
  readonly skipped: readonly SkippedTable[]
  readonly budget: ConnectionBudget | null
  /** What was searched, for messages: `schema public`, `table public.orders`. */
  readonly scope: string
}
