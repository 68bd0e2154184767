import type { ResolvedExport } from '../config/index.js'
import { mysqlSelectExpression } from '../source/mysql/decode/index.js'
import type { ColumnSpec } from '../types/index.js'
import { batchTargetBytes, planRowKey, TARGET_STATEMENT_MS } from './build-pg-plan.js'
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

/** Column types whose values are written as bare numbers in SQL. */
const NUMERIC_SOURCE_TYPE = /^(tinyint|smallint|mediumint|int|integer|bigint|decimal|numeric|dec|fixed|float|double|real|year)\b/i
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/**
 * `value` (the server's text rendering) as a literal to compare with a column of `sourceType`.
 * Numbers stay bare: MySQL compares an integer column with a quoted string as doubles, which
 * cannot tell 2^53 from 2^53 + 1. Everything else is a string literal the server converts.
 */
export function mysqlTypedLiteral(value: string, sourceType: string): string {
  return NUMERIC_SOURCE_TYPE.test(sourceType.trim()) && NUMBER_TEXT.test(value) ? value : mysqlLiteral(value)
}

/** MySQL spelling of an incremental read: values compare as text, converted by the server. */
export const MYSQL_INCREMENTAL_DIALECT: IncrementalDialect = {
  quote: quoteMysqlName,
  typedLiteral: mysqlTypedLiteral,
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
  return tw.columnType === 'unix' ? `${column} >= UNIX_TIMESTAMP() - ${tw.daysWindow * 86_400}` : `${column} >= NOW(6) - INTERVAL ${tw.daysWindow} DAY`
}

/**
 * Choose how to read a MySQL export: keyset pages over the primary key of a table (every statement
 * short), else one streaming SELECT.
 */
export function chooseMysqlStrategy(exp: ResolvedExport, facts: MysqlExportFacts, where: string | null, leading: string | null = null): MysqlReadStrategy {
  const { from, selectList } = mysqlSourceOf(exp, facts)
  const unique = facts.relation !== null && !facts.relation.isView ? facts.relation.primaryKey : exp.uniqueKey
  // a chunk on another column pages by (that column, key): the order its secondary index holds in InnoDB
  const key = leading === null || unique === null ? unique : [leading, ...unique.filter((k) => k !== leading)]
  const keyIndexes = key?.map((k) => facts.columns.findIndex((c) => c.name === k)) ?? []
  if (key !== null && key.length > 0 && keyIndexes.every((i) => i >= 0)) {
    return { type: 'keyset', from, selectList, keyExprs: key.map(quoteMysqlName), keyIndexes, where }
  }
  return { type: 'stream', query: `SELECT ${selectList} FROM ${from}${where === null ? '' : ` WHERE ${where}`}` }
}

/** One chunk of a chunked export: its filter, and the chunk column the pages lead with. */
export interface MysqlChunkRead {
  readonly predicate: string | null
  readonly column: string
}

/** Build the plan an extraction worker executes for one MySQL export (or one chunk of it). Pure: no I/O. */
export function buildMysqlExtractPlan(
  exp: ResolvedExport,
  connect: SourceConnectParams,
  facts: MysqlExportFacts,
  meta: { specs: readonly ColumnSpec[]; plan: MetaColumnsPlan },
  read: { readonly incremental?: PgIncrementalRead; readonly chunk?: MysqlChunkRead } = {},
): MysqlExtractPlan {
  const incremental = read.incremental ?? null
  const chunk = read.chunk ?? null
  const where = chunk !== null ? chunk.predicate : exp.mode === 'time_window' ? mysqlTimeWindowPredicate(exp) : null
  let strategy = chooseMysqlStrategy(exp, facts, where, chunk?.column ?? null)
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
    rowKey: planRowKey(exp, facts.columns, facts.relation?.primaryKey ?? null),
  }
}
