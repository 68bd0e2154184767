import mysql from 'mysql2/promise'
import type { StatementUsage } from './statement-monitor.js'

interface ProcessRow {
  ID: number
  TIME_MS: string | number
  INFO: string | null
}

/**
 * Polls MariaDB's information_schema.PROCESSLIST every `intervalMs` from its own connection and
 * records, per (connection id, statement text), the longest TIME_MS seen while the statement ran.
 * The benchmark has the server to itself, so every other client connection belongs to the tool
 * being measured. A duration undercounts by at most one poll interval plus the poll's round trip;
 * statements shorter than one interval may be missed — irrelevant for "the longest". (MySQL has
 * no TIME_MS: this monitor is for MariaDB.)
 */
export class MysqlStatementMonitor {
  private conn: mysql.Connection | null = null

  constructor(private readonly url: string) {}

  async open(): Promise<void> {
    this.conn = await mysql.createConnection({ uri: this.url })
  }

  async close(): Promise<void> {
    await this.conn?.end()
    this.conn = null
  }

  watch(_tag: string, intervalMs = 10): { stop: () => Promise<StatementUsage> } {
    const conn = this.conn
    if (!conn) throw new Error('MysqlStatementMonitor.open() was not called')
    const longest = new Map<string, number>()
    const ids = new Set<number>()
    let polls = 0
    let stopped = false
    const loop = (async () => {
      while (!stopped) {
        const t0 = performance.now()
        const [rows] = await conn.query(
          "SELECT ID, TIME_MS, INFO FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND = 'Query' AND INFO IS NOT NULL",
        )
        polls++
        for (const r of rows as ProcessRow[]) {
          const key = `${r.ID}\u0000${r.INFO}`
          ids.add(r.ID)
          longest.set(key, Math.max(longest.get(key) ?? 0, Number(r.TIME_MS) / 1000))
        }
        const wait = intervalMs - (performance.now() - t0)
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      }
    })()
    let result: Promise<StatementUsage> | null = null
    const finish = async (): Promise<StatementUsage> => {
      stopped = true
      await loop
      const values = [...longest.values()]
      return { maxStatementS: values.length ? Math.max(...values) : null, maxXactS: null, statements: longest.size, backends: ids.size, polls }
    }
    return { stop: () => (result ??= finish()) }
  }
}
