import type { Connection, RowDataPacket } from 'mysql2/promise'
import { classifyMysqlError } from './classify.js'

/** What sits between Rivet and the server, as far as it shows. */
export interface MysqlProxyDetection {
  readonly kind: 'proxysql' | 'maxscale' | 'multiplexer' | null
  /** What gave it away, for messages; null when nothing did. */
  readonly evidence: string | null
}

/**
 * ProxySQL answers this exact statement itself (it is the one the mysql command-line client sends on
 * connect) with "(ProxySQL)"; any other spelling goes to the backend, which answers with its own comment.
 */
const VERSION_COMMENT_SQL = 'select @@version_comment limit 1'

/**
 * Look for a proxy in front of the server. Consistent snapshots and session variables only hold on
 * one backend connection, so the reader needs to know when statements may land on different ones:
 * - ProxySQL: "(ProxySQL)" from `select @@version_comment limit 1`, or "ProxySQL" in a version text.
 * - MaxScale: "MaxScale" in the handshake's server version (its default when it cannot copy a
 *   backend's) or in VERSION() / @@version_comment text.
 * - any statement multiplexer: CONNECTION_ID() differs between two consecutive statements.
 */
export async function detectMysqlProxy(conn: Connection): Promise<MysqlProxyDetection> {
  try {
    const comment = await scalar(conn, VERSION_COMMENT_SQL)
    const version = await scalar(conn, 'SELECT VERSION()')
    const texts: [string, string | null][] = [
      ['@@version_comment', comment],
      ['VERSION()', version],
      ['the handshake server version', handshakeVersion(conn)],
    ]
    for (const [source, text] of texts) {
      if (text === null) continue
      if (/proxysql/i.test(text)) return { kind: 'proxysql', evidence: `${source} is '${text}'` }
      if (/maxscale/i.test(text)) return { kind: 'maxscale', evidence: `${source} is '${text}'` }
    }
    const first = await scalar(conn, 'SELECT CONNECTION_ID()')
    const second = await scalar(conn, 'SELECT CONNECTION_ID()')
    if (first !== second) {
      return { kind: 'multiplexer', evidence: `CONNECTION_ID() was ${first} then ${second} on one client connection` }
    }
    return { kind: null, evidence: null }
  } catch (err) {
    throw classifyMysqlError(err)
  }
}

async function scalar(conn: Connection, sql: string): Promise<string | null> {
  const [rows] = await conn.query<RowDataPacket[]>({ sql, rowsAsArray: true })
  const value = (rows[0] as unknown as unknown[] | undefined)?.[0]
  return value === null || value === undefined ? null : String(value)
}

/** The server version text of the handshake (mysql2 keeps the packet on its core connection). */
function handshakeVersion(conn: Connection): string | null {
  const core = (conn as unknown as { connection?: { _handshakePacket?: { serverVersion?: unknown } } }).connection
  const version = core?._handshakePacket?.serverVersion
  return typeof version === 'string' ? version : null
}
