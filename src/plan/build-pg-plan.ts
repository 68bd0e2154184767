import type { ResolvedExport } from '../config/index.js'
import type { PgExportFacts } from '../source/pg/pg-describe.js'
import { quoteIdent } from '../source/pg/pg-describe.js'
import { pgSelectExpression } from '../source/pg/types/index.js'
import type { ColumnSpec } from '../types/index.js'
import type { PgExtractPlan, PgReadStrategy, RowKeyPlan, SourceConnectParams } from './export-plan.js'
import type { MetaColumnsPlan } from './meta-columns.js'

const NO_META: MetaColumnsPlan = { exportedAtUs: null, rowHash: null }

const MB = 1024 * 1024

/** Statement time the adaptive sizer aims for: well under a second, so the source never sees long statements. */
export const TARGET_STATEMENT_MS = 150

/** Relation kinds whose physical pages can be range-scanned by ctid (plain tables and materialized views). */
const CTID_RELKINDS = new Set(['r', 'm'])

/** The FROM item of an export (its relation, or its query as a subquery) and its select list. */
export interface PgSource {
  readonly from: string
  /** Column list with the casts of type overrides. */
  readonly selectList: string
}

/** The FROM item and select list every strategy reads through. */
export function pgSourceOf(exp: ResolvedExport, facts: PgExportFacts): PgSource {
  // overrides that change a column's type are applied as casts in the select list
  const selectList = facts.columns.map((c) => pgSelectExpression(c)).join(', ')
  const from = facts.relation !== null ? `${quoteIdent(facts.relation.schema)}.${quoteIdent(facts.relation.name)}` : `(${exp.query ?? ''}) AS rivet_q`
  return { from, selectList }
}

/** Choose how to read a whole export: ctid page ranges for plain tables, a cursor for everything else. */
export function choosePgStrategy(exp: ResolvedExport, facts: PgExportFacts): PgReadStrategy {
  const { from, selectList } = pgSourceOf(exp, facts)
  if (facts.relation !== null) {
    if (CTID_RELKINDS.has(facts.relation.relkind)) return { type: 'ctid', relation: from, selectList }
    return { type: 'cursor', query: `SELECT ${selectList} FROM ${from}` }
  }
  const query = exp.query ?? ''
  const casts = facts.columns.some((c) => pgSelectExpression(c) !== quoteIdent(c.name))
  return { type: 'cursor', query: casts ? `SELECT ${selectList} FROM ${from}` : query }
}

/** A cursor read of the export's rows that satisfy `predicate` (a chunk, a time window). */
export function filteredPgStrategy(exp: ResolvedExport, facts: PgExportFacts, predicate: string | null): PgReadStrategy {
  if (predicate === null) return choosePgStrategy(exp, facts)
  const { from, selectList } = pgSourceOf(exp, facts)
  return { type: 'cursor', query: `SELECT ${selectList} FROM ${from} WHERE ${predicate}` }
}

/** The time_window predicate: rows whose time column lies within the last `days_window` days. */
export function timeWindowPredicate(exp: ResolvedExport): string | null {
  const tw = exp.timeWindow
  if (tw === null) return null
  const column = quoteIdent(tw.column)
  return tw.columnType === 'unix'
    ? `${column} >= (extract(epoch FROM now()) - ${tw.daysWindow * 86_400})`
    : `${column} >= now() - interval '${tw.daysWindow} days'`
}

/**
 * Build the plan an extraction worker executes for one PostgreSQL export (or one chunk of it,
 * when `strategy` is given). Pure: no I/O.
 */
export function buildPgExtractPlan(
  exp: ResolvedExport,
  connect: SourceConnectParams,
  facts: PgExportFacts,
  strategy: PgReadStrategy = defaultStrategy(exp, facts),
  meta: { specs: readonly ColumnSpec[]; plan: MetaColumnsPlan } = { specs: [], plan: NO_META },
): PgExtractPlan {
  const tuning = exp.tuning
  // aim well under chunk_max_statement_s: the feedback reacts after a statement, not during it
  const targetStatementMs = Math.max(10, Math.min(TARGET_STATEMENT_MS, (exp.chunkMaxStatementS * 1000) / 4))
  const chunking =
    strategy.type === 'ctid'
      ? // pages of 8 KiB: start at 4 MiB per statement and let statement-time feedback size the rest
        { targetStatementMs, initial: 512, min: 8, max: 1 << 20 }
      : // rows per FETCH: start small (the cost per row is unknown: a slow source must not see a long
        // first statement) and let the feedback double it while statements stay short
        { targetStatementMs, initial: Math.min(tuning.batchSize ?? 100, 100), min: 10, max: 1_000_000 }
  return {
    source: 'postgres',
    exportName: exp.name,
    connect,
    columns: [...facts.columns, ...meta.specs],
    sourceColumnCount: facts.columns.length,
    meta: meta.plan,
    strategy,
    batch: { targetBytes: batchTargetBytes(exp), maxRows: tuning.batchSize },
    statementTimeoutS: tuning.statementTimeoutS,
    lockTimeoutS: tuning.lockTimeoutS,
    throttleMs: tuning.throttleMs,
    chunking,
    maxInFlight: 3,
    rowKey: planRowKey(exp, facts.columns, facts.relation?.primaryKey ?? null),
  }
}

/**
 * The columns a data error names its row by: the export's `unique_key`, else the table's primary
 * key, else the chunk column; undefined when none of them is among the columns read (the error
 * then names the row's position in the read).
 */
export function planRowKey(exp: ResolvedExport, columns: readonly ColumnSpec[], primaryKey: readonly string[] | null): RowKeyPlan | undefined {
  const chunkColumn = exp.chunked?.column ?? null
  const candidates: [RowKeyPlan['from'], readonly string[] | null][] = [
    ['unique_key', exp.uniqueKey],
    ['primary_key', primaryKey],
    ['chunk_column', chunkColumn === null ? null : [chunkColumn]],
  ]
  for (const [from, names] of candidates) {
    if (names === null || names.length === 0) continue
    const indexes = names.map((n) => {
      const exact = columns.findIndex((c) => c.name === n)
      return exact >= 0 ? exact : columns.findIndex((c) => c.name.toLowerCase() === n.toLowerCase())
    })
    if (indexes.every((i) => i >= 0)) return { columns: indexes, from }
  }
  return undefined
}

/** The whole-export strategy of the export's mode (incremental is planned by the runner: it needs state). */
function defaultStrategy(exp: ResolvedExport, facts: PgExportFacts): PgReadStrategy {
  return exp.mode === 'time_window' ? filteredPgStrategy(exp, facts, timeWindowPredicate(exp)) : choosePgStrategy(exp, facts)
}

/**
 * Arrow bytes per batch: the memory setting, but at most a quarter of max_file_size, so that a
 * part is rotated between batches well before it would outgrow the limit.
 */
export function batchTargetBytes(exp: ResolvedExport): number {
  const memory = exp.tuning.batchSizeMemoryMb * MB
  return exp.maxFileSizeBytes === null ? memory : Math.max(64 * 1024, Math.min(memory, Math.floor(exp.maxFileSizeBytes / 4)))
}
