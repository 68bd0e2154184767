import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Connection, RowDataPacket } from 'mysql2/promise'
import { mysqlAvailable } from '../../helpers/db.js'
import { applyMysqlSessionGuard, classifyMysqlError, openMysqlConnection, type MysqlSession } from '../../../src/source/mysql/index.js'
import { mysqlTestParams, rejectionOf } from './helpers.js'

const hasMysql = await mysqlAvailable()

interface SessionVars {
  tz: string
  mode: string
  limit: number
}

async function readVars(conn: Connection, variable: string): Promise<SessionVars> {
  const [rows] = await conn.query<RowDataPacket[]>(`SELECT @@SESSION.time_zone AS tz, @@SESSION.sql_mode AS mode, @@SESSION.${variable} AS lim`)
  return { tz: String(rows[0]!.tz), mode: String(rows[0]!.mode), limit: Number(rows[0]!.lim) }
}

describe.skipIf(!hasMysql)('applyMysqlSessionGuard', () => {
  let session: MysqlSession
  let variable: string

  beforeEach(async () => {
    session = await openMysqlConnection(mysqlTestParams())
    const [rows] = await session.connection.query<RowDataPacket[]>('SELECT VERSION() AS v')
    variable = /mariadb/i.test(String(rows[0]!.v)) ? 'max_statement_time' : 'max_execution_time'
  })
  afterEach(async () => {
    await session.close()
  })

  it('reports the server flavor and numeric version', async () => {
    const guard = await applyMysqlSessionGuard(session.connection, { statementTimeoutS: 0 })
    const [rows] = await session.connection.query<RowDataPacket[]>('SELECT VERSION() AS v')
    const text = String(rows[0]!.v)
    expect(guard.flavor).toBe(/mariadb/i.test(text) ? 'mariadb' : 'mysql')
    expect(guard.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(text.startsWith(guard.version)).toBe(true)
    expect(guard.timeoutVariable).toBe(variable)
  })

  it('sets time_zone, sql_mode and the time limit, and restore() sets every one back', async () => {
    const conn = session.connection
    await conn.query("SET SESSION time_zone = 'SYSTEM', sql_mode = 'STRICT_TRANS_TABLES,ANSI_QUOTES,NO_BACKSLASH_ESCAPES,PAD_CHAR_TO_FULL_LENGTH'")
    const before = await readVars(conn, variable)
    expect(before.limit).toBe(0)

    const guard = await applyMysqlSessionGuard(conn, { statementTimeoutS: 1.5 })
    const during = await readVars(conn, variable)
    expect(during.tz).toBe('+00:00')
    expect(during.mode.split(',').sort()).toEqual(['ANSI_QUOTES', 'STRICT_TRANS_TABLES'])
    expect(during.limit).toBe(variable === 'max_statement_time' ? 1.5 : 1500)
    const [now] = await conn.query<RowDataPacket[]>('SELECT TIMESTAMPDIFF(SECOND, NOW(), UTC_TIMESTAMP()) AS skew')
    expect(Math.abs(Number(now[0]!.skew))).toBeLessThanOrEqual(1)

    await guard.restore()
    expect(await readVars(conn, variable)).toEqual(before)
    // a second restore is the same (finished) work, not another SET
    await conn.query("SET SESSION time_zone = '+05:00'")
    await guard.restore()
    expect((await readVars(conn, variable)).tz).toBe('+05:00')
  })

  it('keeps backslash-escaped literals meaning what mysql2 wrote, even on a NO_BACKSLASH_ESCAPES server', async () => {
    const conn = session.connection
    await conn.query("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'")
    const tricky = "a\\b'c\\"
    const [broken] = await conn.query<RowDataPacket[]>('SELECT ? AS v', ['x\\y'])
    expect(broken[0]!.v).not.toBe('x\\y') // the reason the guard drops the flag
    await applyMysqlSessionGuard(conn, { statementTimeoutS: 0 })
    const [rows] = await conn.query<RowDataPacket[]>('SELECT ? AS v', [tricky])
    expect(rows[0]!.v).toBe(tricky)
  })

  it('0 means no time limit', async () => {
    await session.connection.query(`SET SESSION ${variable} = ${variable === 'max_statement_time' ? 7 : 7000}`)
    await applyMysqlSessionGuard(session.connection, { statementTimeoutS: 0 })
    expect((await readVars(session.connection, variable)).limit).toBe(0)
  })

  it('a statement over the limit fails with RIVET_SOURCE_TIMEOUT and the connection stays usable', async () => {
    const conn = session.connection
    await applyMysqlSessionGuard(conn, { statementTimeoutS: 1 })
    const t0 = Date.now()
    const raw = await rejectionOf(conn.query('SELECT SLEEP(3)'))
    const elapsed = Date.now() - t0
    const err = classifyMysqlError(raw)
    expect(err.code).toBe('RIVET_SOURCE_TIMEOUT')
    expect(err.retryable).toBe(true)
    expect([1969, 3024]).toContain(err.details.errno)
    expect(elapsed).toBeGreaterThanOrEqual(900)
    expect(elapsed).toBeLessThan(2_900)
    const [rows] = await conn.query<RowDataPacket[]>('SELECT 1 AS one')
    expect(rows[0]!.one).toBe(1)
  })

  it('rejects a negative time limit', async () => {
    const err = await rejectionOf(applyMysqlSessionGuard(session.connection, { statementTimeoutS: -1 }))
    expect(err.code).toBe('RIVET_INTERNAL')
  })

  it('reports a dead connection as a RivetError', async () => {
    await session.close()
    const err = await rejectionOf(applyMysqlSessionGuard(session.connection, { statementTimeoutS: 1 }))
    expect(err.code).toBe('RIVET_SOURCE_CONNECTION_LOST')
  })
})
