import type { ResolvedExport } from '../config/index.js'
import { mysqlSelectExpression } from '../source/mysql/decode/index.js'
import type { ColumnSpec } from '../types/index.js'
import { batchTargetBytes, TARGET_STATEMENT_MS } from './build-pg-plan.js'
import type { MysqlExtractPlan, MysqlReadStrategy, SourceConnectParams } from './export-plan.js'
import type { IncrementalDialect, PgIncrementalRead } from './incremental-plan.js'
import type { MetaColumnsPlan } from './meta-columns.js'

/** What the coordinator learns about a MySQL export from the catalog before planning it. */
export interface MysqlExportFacts {
  readonly columns: readonly ColumnSpec[]
  /** The table behind a `table:` export; null for `query:` exports. */
  readonly relation: {
    readonly schema: string
    readonly name: string
    readonly isView: boolean
    readonly estimatedRows: number
    readonly primaryKey: readonly string[] | null
  } | null
}

/** Quote an identifier for MySQL (backticks, doubled inside). */
export function quoteMysqlName(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``
}

/** The FROM item of a MySQL export and its select list. */
export function mysqlSourceOf(exp: ResolvedExport, facts: MysqlExportFacts): { from: string; selectList: string } {
  const from = facts.relation !== null ? `${quoteMysqlName(facts.relation.schema)}.${quoteMysqlName(facts.relation.name)}` : `(${exp.query ?? ''}) AS rivet_q`
  // most overrides are applied while decoding; the few that need the server's help (exact FLOAT
  // digits, binary as hex text) come as expressions aliased back to the column name
  return { from, selectList: facts.columns.map((c) => mysqlSelectExpression(c)).join(', ') }
}

/** A MySQL string literal (backslash escapes are on: the session guard removes NO_BACKSLASH_ESCAPES). */
export function mysqlLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/\0/g, '\\0')}'`
}

/** MySQL spelling of an incremental read: values compare as text, converted by the server. */
export const MYSQL_INCREMENTAL_DIALECT: IncrementalDialect = {
  quote: quoteMysqlName,
  typedLiteral: (value) => mysqlLiteral(value),
  literal: mysqlLiteral,
  asText: (expr) => `CAST(${expr} AS CHAR)`,
  castTo: (expr) => expr,
  minusSeconds: (last, seconds) => `(${last} - INTERVAL ${seconds} SECOND)`,
}

/** The time_window filter on MySQL: rows of the last `days_window` days by the server's clock. */
export function mysqlTimeWindowPredicate(exp: ResolvedExport): string | null {
  const tw = exp.timeWindow
  if (tw === null) return null
  const column = quoteMysqlName(tw.column)
  return tw.columnType === 'unix' ? `${column} >= UNIX_TIMESTAMP() - ${tw.daysWindow * 86_400}` : `${column} >= NOW() - INTERVAL ${tw.daysWindow} DAY`
}

/**
 * Choose how to read a MySQL export: keyset pages over the primary key of a table (every statement
 * short), else one streaming SELECT.
 */
export function chooseMysqlStrategy(exp: ResolvedExport, facts: MysqlExportFacts, where: string | null): MysqlReadStrategy {
  const { from, selectList } = mysqlSourceOf(exp, facts)
  const key = facts.relation !== null && !facts.relation.isView ? facts.relation.primaryKey : exp.uniqueKey
  const keyIndexes = key?.map((k) => facts.columns.findIndex((c) => c.name === k)) ?? []
  if (key !== null && key.length > 0 && keyIndexes.every((i) => i >= 0)) {
    return { type: 'keyset', from, selectList, keyExprs: key.map(quoteMysqlName), keyIndexes, where }
  }
  return { type: 'stream', query: `SELECT ${selectList} FROM ${from}${where === null ? '' : ` WHERE ${where}`}` }
}

/** Build the plan an extraction worker executes for one MySQL export. Pure: no I/O. */
export function buildMysqlExtractPlan(
  exp: ResolvedExport,
  connect: SourceConnectParams,
  facts: MysqlExportFacts,
  meta: { specs: readonly ColumnSpec[]; plan: MetaColumnsPlan },
  incremental: PgIncrementalRead | null = null,
): MysqlExtractPlan {
  const where = exp.mode === 'time_window' ? mysqlTimeWindowPredicate(exp) : null
  let strategy = chooseMysqlStrategy(exp, facts, where)
  if (incremental !== null) {
    strategy = { type: 'incremental', read: incremental, page: strategy.type === 'keyset' ? { keyExprs: strategy.keyExprs, keyIndexes: strategy.keyIndexes } : null }
  }
  const targetStatementMs = Math.max(10, Math.min(TARGET_STATEMENT_MS, (exp.chunkMaxStatementS * 1000) / 4))
  return {
    source: 'mysql',
    exportName: exp.name,
    connect,
    columns: [...facts.columns, ...meta.specs],
    sourceColumnCount: facts.columns.length,
    meta: meta.plan,
    strategy,
    batch: { targetBytes: batchTargetBytes(exp), maxRows: exp.tuning.batchSize },
    statementTimeoutS: exp.tuning.statementTimeoutS,
    throttleMs: exp.tuning.throttleMs,
    // rows per page: start small (the cost per row is unknown) and let statement time size the rest
    chunking: { targetStatementMs, initial: 1000, min: 100, max: 1_000_000 },
    maxInFlight: 3,
  }
}
