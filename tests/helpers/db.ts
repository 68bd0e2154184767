import pg from 'pg'
import mysql from 'mysql2/promise'

/** PostgreSQL URL the tests use; `.ci/run` sets it explicitly. */
export const PG_URL = process.env.RIVET_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
/** MySQL/MariaDB URL the tests use; `.ci/run` sets it explicitly. */
export const MYSQL_URL = process.env.RIVET_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'

const inCI = process.env.CI === 'true' || process.env.CI === '1'

async function probePg(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')
    return null
  } catch (err) {
    return (err as Error).message
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function probeMysql(): Promise<string | null> {
  try {
    const conn = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 })
    await conn.query('select 1')
    await conn.end()
    return null
  } catch (err) {
    return (err as Error).message
  }
}

/**
 * Whether the PostgreSQL server is reachable. Outside CI an unreachable server makes the
 * calling suite skip with a visible reason; under CI=true it throws so the run fails.
 */
export async function pgAvailable(): Promise<boolean> {
  const problem = await probePg()
  if (problem === null) return true
  if (inCI) throw new Error(`PostgreSQL at ${redact(PG_URL)} is unreachable under CI: ${problem}`)
  console.warn(`SKIP: PostgreSQL at ${redact(PG_URL)} is unreachable (${problem}); set RIVET_TEST_PG_URL`)
  return false
}

/** Same as pgAvailable, for MySQL/MariaDB. */
export async function mysqlAvailable(): Promise<boolean> {
  const problem = await probeMysql()
  if (problem === null) return true
  if (inCI) throw new Error(`MySQL at ${redact(MYSQL_URL)} is unreachable under CI: ${problem}`)
  console.warn(`SKIP: MySQL at ${redact(MYSQL_URL)} is unreachable (${problem}); set RIVET_TEST_MYSQL_URL`)
  return false
}

/** Run SQL against the test PostgreSQL with a short-lived client. */
export async function withPg<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/**
 * Run SQL against the test MySQL/MariaDB on a short-lived connection of its own: dates and big
 * numbers come back as strings; `options` adds to or overrides the connection settings.
 */
export async function withMysql<T>(fn: (conn: mysql.Connection) => Promise<T>, options: mysql.ConnectionOptions = {}): Promise<T> {
  const conn = await mysql.createConnection({ uri: MYSQL_URL, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, ...options })
  try {
    return await fn(conn)
  } finally {
    await conn.end()
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')
}
