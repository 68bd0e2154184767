import type { ResolvedExport } from '../config/index.js'
import type { ExtractPlan, SourceConnectParams } from '../plan/index.js'
import { classifyPgError, openPgClient } from '../source/pg/index.js'

/** The rows a read covers, as a FROM item and an optional filter: counted as `SELECT COUNT(*) FROM … WHERE …`. */
export interface CountTarget {
  readonly from: string
  readonly where: string | null
}

/** The rows an extraction plan reads, whatever its strategy: the same relation or query and the same filter. */
export function countTargetOf(plan: ExtractPlan): CountTarget {
  const s = plan.strategy
  switch (s.type) {
    case 'ctid':
      return { from: s.relation, where: null }
    case 'cursor':
    case 'stream':
      return { from: `(${s.query}) AS rivet_count`, where: null }
    case 'keyset':
      return { from: s.from, where: s.where }
    case 'incremental':
      return { from: s.read.from, where: s.read.after }
  }
}

/** The count statement of a target. */
export function countSql(target: CountTarget): string {
  return `SELECT COUNT(*) AS n FROM ${target.from}${target.where === null ? '' : ` WHERE ${target.where}`}`
}

/** Counts rows on one read-only source connection, one short statement per count. */
export interface RowCounter {
  count(target: CountTarget): Promise<number>
  close(): Promise<void>
}

/**
 * One connection to the export's source for counting: read-only, the export's statement timeout
 * (and, on PostgreSQL, its lock timeout), time zone UTC as in the readers so temporal bounds
 * compare the same way. Each count is its own statement: no transaction is held between them.
 */
export async function openRowCounter(exp: ResolvedExport, type: 'postgres' | 'mysql', connect: SourceConnectParams): Promise<RowCounter> {
  return type === 'mysql' ? openMysqlCounter(exp, connect) : openPgCounter(exp, connect)
}

async function openPgCounter(exp: ResolvedExport, connect: SourceConnectParams): Promise<RowCounter> {
  const client = await openPgClient(connect)
  try {
    const ms = (s: number) => Math.round(s * 1000)
    await client.query(`SET statement_timeout = ${ms(exp.tuning.statementTimeoutS)}; SET lock_timeout = ${ms(exp.tuning.lockTimeoutS)}; SET default_transaction_read_only = on`)
  } catch (err) {
    await client.end().catch(() => undefined)
    throw classifyPgError(err)
  }
  return {
    async count(target) {
      try {
        const result = await client.query<{ n: string }>(countSql(target).replace('COUNT(*) AS n', 'COUNT(*)::text AS n'))
        return Number(result.rows[0]?.n ?? 0)
      } catch (err) {
        throw classifyPgError(err)
      }
    },
    close: () => client.end().catch(() => undefined),
  }
}

async function openMysqlCounter(exp: ResolvedExport, connect: SourceConnectParams): Promise<RowCounter> {
  // loaded on use: mysql2 is a large CommonJS tree that PostgreSQL sources should not pay for
  const { applyMysqlSessionGuard, classifyMysqlError, openMysqlConnection } = await import('../source/mysql/index.js')
  const session = await openMysqlConnection(connect)
  try {
    await applyMysqlSessionGuard(session.connection, { statementTimeoutS: exp.tuning.statementTimeoutS })
    await session.connection.query('SET SESSION TRANSACTION READ ONLY')
  } catch (err) {
    await session.close().catch(() => undefined)
    throw classifyMysqlError(err, session.endpoint)
  }
  return {
    async count(target) {
      try {
        const [rows] = await session.connection.query(countSql(target))
        return Number((rows as { n: number | string }[])[0]?.n ?? 0)
      } catch (err) {
        throw classifyMysqlError(err, session.endpoint)
      }
    },
    close: () => session.close().catch(() => undefined),
  }
}
