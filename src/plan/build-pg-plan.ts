import type { ResolvedExport } from '../config/index.js'
import type { PgExportFacts } from '../source/pg/pg-describe.js'
import { quoteIdent } from '../source/pg/pg-describe.js'
import { pgSelectExpression } from '../source/pg/types/index.js'
import type { PgExtractPlan, PgReadStrategy, SourceConnectParams } from './export-plan.js'

const MB = 1024 * 1024

/** Statement time the adaptive sizer aims for: well under a second, so the source never sees long statements. */
export const TARGET_STATEMENT_MS = 150

/** Relation kinds whose physical pages can be range-scanned by ctid (plain tables and materialized views). */
const CTID_RELKINDS = new Set(['r', 'm'])

/** Choose how to read an export: ctid page ranges for plain tables, a cursor for everything else. */
export function choosePgStrategy(exp: ResolvedExport, facts: PgExportFacts): PgReadStrategy {
  // overrides that change a column's type are applied as casts in the select list
  const selectList = facts.columns.map((c) => pgSelectExpression(c)).join(', ')
  if (facts.relation !== null) {
    const relation = `${quoteIdent(facts.relation.schema)}.${quoteIdent(facts.relation.name)}`
    if (CTID_RELKINDS.has(facts.relation.relkind)) return { type: 'ctid', relation, selectList }
    return { type: 'cursor', query: `SELECT ${selectList} FROM ${relation}` }
  }
  const query = exp.query ?? ''
  const casts = facts.columns.some((c) => pgSelectExpression(c) !== quoteIdent(c.name))
  return { type: 'cursor', query: casts ? `SELECT ${selectList} FROM (${query}) AS rivet_q` : query }
}

/** Build the plan an extraction worker executes for one PostgreSQL export. Pure: no I/O. */
export function buildPgExtractPlan(exp: ResolvedExport, connect: SourceConnectParams, facts: PgExportFacts): PgExtractPlan {
  const strategy = choosePgStrategy(exp, facts)
  const tuning = exp.tuning
  const chunking =
    strategy.type === 'ctid'
      ? // pages of 8 KiB: start at 4 MiB per statement and let statement-time feedback size the rest
        { targetStatementMs: TARGET_STATEMENT_MS, initial: 512, min: 8, max: 1 << 20 }
      : { targetStatementMs: TARGET_STATEMENT_MS, initial: tuning.batchSize ?? 10_000, min: 100, max: 1_000_000 }
  return {
    source: 'postgres',
    exportName: exp.name,
    connect,
    columns: facts.columns,
    strategy,
    batch: { targetBytes: batchTargetBytes(exp), maxRows: tuning.batchSize },
    statementTimeoutS: tuning.statementTimeoutS,
    lockTimeoutS: tuning.lockTimeoutS,
    throttleMs: tuning.throttleMs,
    chunking,
    maxInFlight: 3,
  }
}

/**
 * Arrow bytes per batch: the memory setting, but at most a quarter of max_file_size, so that a
 * part is rotated between batches well before it would outgrow the limit.
 */
export function batchTargetBytes(exp: ResolvedExport): number {
  const memory = exp.tuning.batchSizeMemoryMb * MB
  return exp.maxFileSizeBytes === null ? memory : Math.max(64 * 1024, Math.min(memory, Math.floor(exp.maxFileSizeBytes / 4)))
}
