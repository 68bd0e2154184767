import type { FixtureSpec } from '../fixtures/index.js'
import type { CommandSpec, Measurement } from '../lib/spawn-measured.js'

/** Facts about a fixture table that tools may use to decide whether to run. */
export interface FixtureFacts {
  rows: number
  /** pg_table_size: heap + TOAST, what a sequential scan reads. */
  tableBytes: number
  /** pg_total_relation_size: with indexes. */
  totalRelationBytes: number
  /**
   * Decoded size estimate: the larger of rows × Σ pg_stats.avg_width (which counts TOASTed
   * values compressed, so it underestimates text-heavy tables) and the CSV size once known.
   */
  estimatedDecodedBytes: number
  /** The table's size as CSV, from the warm-up read (0 before it). */
  csvBytes: number
}

/** Everything one tool invocation needs. */
export interface ToolContext {
  fixture: FixtureSpec
  facts: FixtureFacts
  pgUrl: string
  /** Empty directory for this invocation's output; removed afterwards. */
  workDir: string
  /** application_name prefix for the server-side statement monitor. */
  appTag: string
}

/** What a tool reports beyond the generic measurement. */
export interface ToolOutput {
  /** Bytes written (null when the output goes to /dev/null). */
  outputBytes: number | null
  /** Rows the tool says it exported (null when it does not say). */
  rows: number | null
  /** Rivet's own figures from its JSON report. */
  rivet?: { maxStatementMs: number | null; statements: number | null; processPeakRssBytes: number | null }
}

/** One way of exporting a table: how to launch it and how to read its result. */
export interface Tool {
  name: string
  description: string
  /** Reason to skip this fixture (e.g. would not fit in memory), or null to run it. */
  skipReason(facts: FixtureFacts): string | null
  command(ctx: ToolContext): Promise<CommandSpec> | CommandSpec
  /** Read the output after a successful exit; throw when the run is not valid. */
  collect(ctx: ToolContext, m: Measurement): ToolOutput
}
