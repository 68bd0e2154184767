import type { ResolvedExport } from '../config/index.js'
import { buildMysqlExtractPlan, mysqlSourceOf, mysqlTypedLiteral, quoteMysqlName } from '../plan/index.js'
import type { SourceConnectParams } from '../plan/index.js'
import {
  applyMysqlSessionGuard, describeMysqlExport, mysqlColumnRange, mysqlConnectionBudget, mysqlIsUniqueNotNull, mysqlRowBoundaries, mysqlRowEstimate,
  openMysqlConnection,
} from '../source/mysql/index.js'
import type { ChunkSource } from './chunk-source.js'
import { warnIfMysqlProxy } from './mysql-proxy-warning.js'

/**
 * The chunk source of a MySQL/MariaDB export. The planning session runs under the same guard as
 * the readers (UTC session time zone), so the bounds it reads compare the same way in the chunks.
 */
export async function openMysqlChunkSource(exp: ResolvedExport, connect: SourceConnectParams, log: (line: string) => void): Promise<ChunkSource> {
  const session = await openMysqlConnection(connect)
  try {
    await applyMysqlSessionGuard(session.connection, { statementTimeoutS: exp.tuning.statementTimeoutS })
    await warnIfMysqlProxy(session.connection, exp, log)
    const conn = session.connection
    const facts = await describeMysqlExport(conn, exp)
    const { from } = mysqlSourceOf(exp, facts)
    const relation = facts.relation
    const table = relation !== null && !relation.isView ? relation : null
    return {
      columns: facts.columns,
      primaryKey: table?.primaryKey ?? null,
      catalogRows: table !== null ? await mysqlRowEstimate(conn, from) : -1,
      quote: quoteMysqlName,
      literal: (value, column) => mysqlTypedLiteral(value, column.sourceType),
      unusableChunkColumn: (column) =>
        column.type.kind === 'binary' || column.type.kind === 'json' || column.type.kind === 'float'
          ? `${column.sourceType} values do not round-trip through the server's text rendering exactly`
          : null,
      estimateRows: () => mysqlRowEstimate(conn, from),
      columnRange: (expr) => mysqlColumnRange(conn, from, expr),
      rowBoundaries: (expr, column, rowsPerChunk) => mysqlRowBoundaries(conn, from, expr, (v) => mysqlTypedLiteral(v, column.sourceType), rowsPerChunk),
      isUniqueNotNull: async (column) => table === null || (await mysqlIsUniqueNotNull(conn, table.schema, table.name, column)),
      connectionBudget: () => mysqlConnectionBudget(conn),
      planChunk: (meta, predicate, column) => buildMysqlExtractPlan(exp, connect, facts, meta, { chunk: { predicate, column: column.name } }),
      close: () => session.close().catch(() => undefined),
    }
  } catch (err) {
    await session.close().catch(() => undefined)
    throw err
  }
}
