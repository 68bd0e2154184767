import type { Connection, RowDataPacket } from 'mysql2/promise'
import { RivetError } from '../../errors/index.js'
import { classifyMysqlError } from './classify.js'

/** Which server family answered, from VERSION(). */
export type MysqlFlavor = 'mysql' | 'mariadb'

export interface MysqlSessionGuardOptions {
  /** Longest a statement may run, in seconds (fractions allowed); 0 means no limit. */
  readonly statementTimeoutS: number
}

/** What the guard found and changed. */
export interface MysqlSessionGuard {
  readonly flavor: MysqlFlavor
  /** The numeric server version, "10.11.19" or "8.0.36" (VERSION() without its suffix). */
  readonly version: string
  /** The session variable that carries the statement time limit, or null when the server has none. */
  readonly timeoutVariable: 'max_statement_time' | 'max_execution_time' | null
  /** Set back every session variable the guard changed; runs once, later calls return the same promise. */
  restore(): Promise<void>
}

/**
 * sql_mode flags the guard removes from the server's own mode (it adds none, and keeps every other
 * flag, so a user's `query:` parses exactly as it does in their own sessions):
 * - NO_BACKSLASH_ESCAPES: Rivet writes key and cursor literals with mysql2's escaping, which escapes
 *   with backslashes; under this flag `'a\\'` would mean two backslashes, and keyset pages would
 *   compare against the wrong key.
 * - PAD_CHAR_TO_FULL_LENGTH: CHAR values would come back padded with spaces, unlike every default
 *   server, so the same table would export differently from one server to the next.
 * ANSI_QUOTES is left as the server has it: Rivet quotes identifiers with backticks, which read the
 * same under either setting.
 */
const REMOVED_SQL_MODES = new Set(['NO_BACKSLASH_ESCAPES', 'PAD_CHAR_TO_FULL_LENGTH'])

interface SavedSession {
  readonly timeZone: string
  readonly sqlMode: string
  readonly timeout: number | null
}

/**
 * Make a session's output predictable before reading: time_zone UTC (TIMESTAMP values and NOW()
 * come out in UTC), sql_mode without the flags above, and the statement time limit — MariaDB's
 * `max_statement_time` (seconds, every statement) or MySQL's `max_execution_time` (milliseconds,
 * read-only SELECTs only). `restore()` sets the saved values back, for connections that are reused.
 */
export async function applyMysqlSessionGuard(conn: Connection, options: MysqlSessionGuardOptions): Promise<MysqlSessionGuard> {
  const limitS = options.statementTimeoutS
  if (!Number.isFinite(limitS) || limitS < 0) {
    throw new RivetError('RIVET_INTERNAL', `statement time limit must be a number of seconds >= 0, got ${limitS}`)
  }
  try {
    const versionText = String((await select(conn, 'SELECT VERSION() AS v'))[0]!.v)
    const flavor: MysqlFlavor = /mariadb/i.test(versionText) ? 'mariadb' : 'mysql'
    const timeoutVariable = flavor === 'mariadb' ? 'max_statement_time' : 'max_execution_time'
    const saved = await readSession(conn, timeoutVariable)
    const variable = saved.timeout === null ? null : timeoutVariable
    const sqlMode = saved.sqlMode
      .split(',')
      .filter((m) => m !== '' && !REMOVED_SQL_MODES.has(m.toUpperCase()))
      .join(',')
    const limit = timeoutVariable === 'max_execution_time' ? Math.ceil(limitS * 1000) : limitS
    // one SET: the server applies all assignments or none
    await setSession(conn, '+00:00', sqlMode, variable, limit)
    let restoring: Promise<void> | null = null
    return {
      flavor,
      version: numericVersion(versionText),
      timeoutVariable: variable,
      restore() {
        restoring ??= setSession(conn, saved.timeZone, saved.sqlMode, variable, saved.timeout ?? 0).catch((err: unknown) => {
          throw classifyMysqlError(err)
        })
        return restoring
      },
    }
  } catch (err) {
    throw classifyMysqlError(err)
  }
}

async function readSession(conn: Connection, timeoutVariable: string): Promise<SavedSession> {
  const base = 'SELECT @@SESSION.time_zone AS tz, @@SESSION.sql_mode AS mode'
  try {
    const row = (await select(conn, `${base}, @@SESSION.${timeoutVariable} AS t`))[0]!
    return { timeZone: String(row.tz), sqlMode: String(row.mode ?? ''), timeout: Number(row.t) }
  } catch (err) {
    // 1193 unknown system variable: MySQL before 5.7.8 / MariaDB before 10.1 have no statement time limit
    if ((err as { errno?: unknown }).errno !== 1193) throw err
    const row = (await select(conn, base))[0]!
    return { timeZone: String(row.tz), sqlMode: String(row.mode ?? ''), timeout: null }
  }
}

async function setSession(conn: Connection, timeZone: string, sqlMode: string, variable: string | null, timeout: number): Promise<void> {
  // mysql2 escapes the values with backslashes. The applying SET runs under the server's own mode,
  // perhaps NO_BACKSLASH_ESCAPES, but '+00:00' and sql_mode names never hold a backslash or a quote;
  // the restoring SET runs under the guard's mode, where backslash escapes read as meant.
  const assignments = ['time_zone = ?', 'sql_mode = ?']
  const values: (string | number)[] = [timeZone, sqlMode]
  if (variable !== null) {
    assignments.push(`${variable} = ?`)
    values.push(timeout)
  }
  await conn.query(`SET SESSION ${assignments.join(', ')}`, values)
}

async function select(conn: Connection, sql: string): Promise<RowDataPacket[]> {
  const [rows] = await conn.query<RowDataPacket[]>(sql)
  return rows
}

/** "10.11.19" from "10.11.19-MariaDB-0+deb12u1", "5.5.5-10.11.19-MariaDB" or "8.0.36-0ubuntu0.22.04.1". */
export function numericVersion(versionText: string): string {
  const text = versionText.replace(/^5\.5\.5-(?=\d+\.\d+.*mariadb)/i, '')
  return /^\d+(\.\d+){0,2}/.exec(text)?.[0] ?? text
}
