import type { ResolvedExport } from '../config/index.js'
import { buildPgExtractPlan, filteredPgStrategy, pgSourceOf, pgTypedLiteral } from '../plan/index.js'
import type { ExtractPlan, MetaColumnsPlan, SourceConnectParams } from '../plan/index.js'
import type { ColumnRange } from '../source/chunk-probe.js'
import type { ConnectionBudget } from '../source/connection-budget.js'
import {
  describePgExport, openPgClient, pgColumnRange, pgConnectionBudget, pgIsUniqueNotNull, pgRowBoundaries, pgRowEstimate, quoteIdent,
} from '../source/pg/index.js'
import type { ColumnSpec } from '../types/index.js'

/**
 * What a chunked run asks of its source: the export's columns and keys, the probes that plan the
 * chunks (short statements on one planning connection, closed before the chunks are read), and
 * the plan that reads one chunk.
 */
export interface ChunkSource {
  readonly columns: readonly ColumnSpec[]
  /** The table's primary key; null for a query or a table without one. */
  readonly primaryKey: readonly string[] | null
  /** The catalog's row estimate for a table; -1 for a query or when unknown. */
  readonly catalogRows: number
  quote(name: string): string
  /** A chunk bound of `column` (the server's text rendering) as SQL. */
  literal(value: string, column: ColumnSpec): string
  /** Whether `column` can carry chunks on this source (null), or why not. */
  unusableChunkColumn(column: ColumnSpec): string | null
  estimateRows(): Promise<number>
  columnRange(expr: string): Promise<ColumnRange>
  rowBoundaries(expr: string, column: ColumnSpec, rowsPerChunk: number): Promise<string[]>
  /** Whether `column` alone is unique and NOT NULL (true for a query: its uniqueness cannot be checked). */
  isUniqueNotNull(column: string): Promise<boolean>
  connectionBudget(): Promise<ConnectionBudget>
  /** The plan that reads the rows matching `predicate` (a chunk; null: every row). Pure. */
  planChunk(meta: { specs: readonly ColumnSpec[]; plan: MetaColumnsPlan }, predicate: string | null, column: ColumnSpec): ExtractPlan
  /** Close the planning connection (the chunk plans stay usable). */
  close(): Promise<void>
}

/** Open a chunk source on the export's source database. */
export async function openChunkSource(
  exp: ResolvedExport,
  type: 'postgres' | 'mysql',
  connect: SourceConnectParams,
  log: (line: string) => void,
): Promise<ChunkSource> {
  // loaded on use: mysql2 is a large CommonJS tree that PostgreSQL runs should not pay for
  if (type === 'mysql') return (await import('./mysql-chunk-source.js')).openMysqlChunkSource(exp, connect, log)
  return openPgChunkSource(exp, connect)
}

async function openPgChunkSource(exp: ResolvedExport, connect: SourceConnectParams): Promise<ChunkSource> {
  const client = await openPgClient(connect)
  try {
    const facts = await describePgExport(client, exp)
    const { from, selectList } = pgSourceOf(exp, facts)
    return {
      columns: facts.columns,
      primaryKey: facts.relation?.primaryKey ?? null,
      catalogRows: facts.relation?.estimatedRows ?? -1,
      quote: quoteIdent,
      literal: (value, column) => pgTypedLiteral(value, column.sourceType),
      unusableChunkColumn: () => null,
      estimateRows: () => pgRowEstimate(client, from),
      columnRange: (expr) => pgColumnRange(client, from, expr),
      rowBoundaries: (expr, column, rowsPerChunk) => pgRowBoundaries(client, from, expr, column.sourceType, rowsPerChunk),
      isUniqueNotNull: async (column) => facts.relation === null || (await pgIsUniqueNotNull(client, facts.relation.oid, column)),
      connectionBudget: () => pgConnectionBudget(client),
      planChunk: (meta, predicate) => {
        const strategy = filteredPgStrategy(exp, facts, predicate)
        // an unbounded single chunk is the whole export: still read through a cursor, never by ctid
        const cursor = strategy.type === 'cursor' ? strategy : { type: 'cursor' as const, query: `SELECT ${selectList} FROM ${from}` }
        return buildPgExtractPlan(exp, connect, facts, cursor, meta)
      },
      close: () => client.end().catch(() => undefined),
    }
  } catch (err) {
    await client.end().catch(() => undefined)
    throw err
  }
}
