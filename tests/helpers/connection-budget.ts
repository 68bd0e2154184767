import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { withMysql, withPg } from './db.js'

/**
 * Tests of the connection budget: an account the server limits to a few connections, tables of
 * ids 1..N it may read, and the peak number of connections it held while a run went on, read
 * from the server's own views.
 */

/** The server URL `base` with `user` (no password) instead of its own account. */
export function urlAs(base: string, user: string): string {
  const u = new URL(base)
  u.username = user
  u.password = ''
  return u.toString()
}

/** A PostgreSQL role with CONNECTION LIMIT `limit`, and tables `(id int PRIMARY KEY, label text)` of ids 1..rows it may read. */
export async function createLimitedPgRole(user: string, limit: number, tables: Readonly<Record<string, number>>): Promise<void> {
  await withPg(async (c) => {
    await c.query(`DROP ROLE IF EXISTS ${user}`)
    await c.query(`CREATE ROLE ${user} LOGIN CONNECTION LIMIT ${limit}`)
    for (const [table, rows] of Object.entries(tables)) {
      await c.query(`DROP TABLE IF EXISTS ${table}`)
      await c.query(`CREATE TABLE ${table} (id int PRIMARY KEY, label text)`)
      await c.query(`INSERT INTO ${table} SELECT g, md5(g::text) FROM generate_series(1, ${rows}) g`)
      await c.query(`GRANT SELECT ON ${table} TO ${user}`)
    }
  })
}

/** The same on MariaDB: a user WITH MAX_USER_CONNECTIONS `limit`, and its tables. */
export async function createLimitedMysqlUser(user: string, limit: number, tables: Readonly<Record<string, number>>): Promise<void> {
  await withMysql(async (c) => {
    await c.query(`DROP USER IF EXISTS '${user}'@'%'`)
    await c.query(`CREATE USER '${user}'@'%' WITH MAX_USER_CONNECTIONS ${limit}`)
    for (const [table, rows] of Object.entries(tables)) {
      await c.query(`DROP TABLE IF EXISTS ${table}`)
      await c.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, label VARCHAR(40))`)
      await c.query(`INSERT INTO ${table} SELECT seq, MD5(seq) FROM seq_1_to_${rows}`)
      await c.query(`GRANT SELECT ON ${table} TO '${user}'@'%'`)
    }
  })
}

/** Client connections `user` holds on PostgreSQL now (pg_stat_activity). */
export function pgConnectionsOf(user: string): () => Promise<number> {
  return () => withPg(async (c) => Number((await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND backend_type = 'client backend'", [user])).rows[0].n))
}

/** Connections `user` holds on MariaDB now (information_schema.PROCESSLIST). */
export function mysqlConnectionsOf(user: string): () => Promise<number> {
  return () => withMysql(async (c) => Number(((await c.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?', [user]))[0] as { n: unknown }[])[0]!.n))
}

/** Wait for `running` while sampling `connections` as often as it answers: the result and the peak seen. */
export async function peakWhile<T>(running: Promise<T>, connections: () => Promise<number>): Promise<{ result: T; peak: number }> {
  let done = false
  void running.finally(() => (done = true))
  let peak = 0
  while (!done) {
    peak = Math.max(peak, await connections())
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return { result: await running, peak }
}

/** Every id of the CSV files in a folder (first column, after the header), sorted. */
export function csvIds(dir: string): number[] {
  const ids: number[] = []
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n').slice(1)) if (line.length > 0) ids.push(Number(line.slice(0, line.indexOf(','))))
  }
  return ids.sort((a, b) => a - b)
}
