import type { Connection } from 'mysql2/promise'
import { RivetError } from '../../errors/index.js'
import type { ColumnRange } from '../chunk-probe.js'
import { connectionBudget } from '../connection-budget.js'
import type { ConnectionBudget } from '../connection-budget.js'

/**
 * Probes the coordinator runs on MySQL/MariaDB to plan chunks: each one a short statement when
 * the chunk column is indexed (min/max read the ends of the index, the boundary walk reads
 * `rowsPerChunk` index entries per boundary).
 */

async function firstRow(conn: Connection, sql: string): Promise<unknown[] | undefined> {
  const [rows] = await conn.query({ sql, rowsAsArray: true })
  return (rows as unknown[][])[0]
}

function text(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v)
}

/** Lowest and highest value of `expr` in `from` as the server renders them, and whether any row has it NULL. */
export async function mysqlColumnRange(conn: Connection, from: string, expr: string): Promise<ColumnRange> {
  const r = await firstRow(conn, `SELECT CAST(MIN(${expr}) AS CHAR), CAST(MAX(${expr}) AS CHAR) FROM ${from}`)
  const nulls = await firstRow(conn, `SELECT EXISTS (SELECT 1 FROM ${from} WHERE ${expr} IS NULL)`)
  return { min: text(r?.[0]), max: text(r?.[1]), hasNulls: Number(nulls?.[0]) === 1 }
}

/**
 * The optimizer's row estimate for `SELECT 1 FROM from` (no rows are read): rows × filtered of the
 * first table of the plan. InnoDB's statistics, fresher than information_schema.TABLES, which
 * MySQL 8 caches for a day.
 */
export async function mysqlRowEstimate(conn: Connection, from: string): Promise<number> {
  const [rows] = await conn.query(`EXPLAIN SELECT 1 FROM ${from}`)
  const first = (rows as Record<string, unknown>[])[0]
  if (first === undefined) return 0
  const scanned = Number(first.rows ?? 0)
  const filtered = first.filtered === undefined || first.filtered === null ? 100 : Number(first.filtered)
  return Math.max(0, Math.round((scanned * filtered) / 100))
}

/**
 * Values that cut `expr` into runs of about `rowsPerChunk` rows, in order (see pgRowBoundaries):
 * each is the value `rowsPerChunk` rows after the previous one, moved on to the next distinct
 * value when a value repeats more than that. `literal` writes a value back as SQL.
 */
export async function mysqlRowBoundaries(
  conn: Connection,
  from: string,
  expr: string,
  literal: (value: string) => string,
  rowsPerChunk: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const bounds: string[] = []
  let previous: string | null = null
  for (;;) {
    if (signal?.aborted) throw new RivetError('RIVET_CANCELLED', 'planning was cancelled')
    const where = previous === null ? '' : ` WHERE ${expr} >= ${literal(previous)}`
    const at = text((await firstRow(conn, `SELECT CAST(${expr} AS CHAR) FROM ${from}${where} ORDER BY ${expr} LIMIT 1 OFFSET ${rowsPerChunk}`))?.[0])
    if (at === null) return bounds
    let next = at
    if (previous !== null && next === previous) {
      const after = text((await firstRow(conn, `SELECT CAST(MIN(${expr}) AS CHAR) FROM ${from} WHERE ${expr} > ${literal(previous)}`))?.[0])
      if (after === null) return bounds
      next = after
    }
    bounds.push(next)
    previous = next
  }
}

/** Whether `column` of table `schema.table` is NOT NULL and alone forms a unique index (or the primary key). */
export async function mysqlIsUniqueNotNull(conn: Connection, schema: string, table: string, column: string): Promise<boolean> {
  const [rows] = await conn.query(
    `SELECT COUNT(*) AS n FROM information_schema.STATISTICS s
     JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
     WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.COLUMN_NAME = ? AND s.NON_UNIQUE = 0 AND c.IS_NULLABLE = 'NO' AND s.SUB_PART IS NULL
       AND (SELECT COUNT(*) FROM information_schema.STATISTICS o
            WHERE o.TABLE_SCHEMA = s.TABLE_SCHEMA AND o.TABLE_NAME = s.TABLE_NAME AND o.INDEX_NAME = s.INDEX_NAME) = 1`,
    [schema, table, column],
  )
  return Number((rows as { n: unknown }[])[0]?.n ?? 0) > 0
}

/**
 * Probe the server's connection limits: max_connections against Threads_connected, and the
 * account's max_user_connections (its session value is the account's own limit when it has one,
 * else the global one; 0 means none) against the account's sessions. Counts include the probe.
 */
export async function mysqlConnectionBudget(conn: Connection): Promise<ConnectionBudget> {
  const limits = await firstRow(conn, 'SELECT @@max_connections, @@session.max_user_connections')
  const [status] = await conn.query({ sql: "SHOW GLOBAL STATUS LIKE 'Threads_connected'", rowsAsArray: true })
  // without the PROCESS privilege the process list shows this account's own sessions: what is counted here
  const mine = await firstRow(conn, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)")
  const userLimit = Number(limits?.[1] ?? 0)
  return connectionBudget({
    engine: 'mysql',
    maxConnections: Number(limits?.[0] ?? 0),
    reserved: 0,
    inUse: Math.max(1, Number((status as unknown[][])[0]?.[1] ?? 1)),
    // MariaDB: -1 lets only administrators connect
    roleLimit: userLimit === 0 ? null : Math.max(0, userLimit),
    roleInUse: Math.max(1, Number(mine?.[0] ?? 1)),
  })
}
