import { RivetError, isRivetError, type ErrorCode } from '../../errors/index.js'

/** A server error number's Rivet code, and the hint when the code's default hint is not specific enough. */
interface ServerErrorRule {
  readonly code: ErrorCode
  readonly hint?: string
}

const GRANT_HINT = 'grant SELECT on the table (or the database) to the extraction user'
const LOST: ServerErrorRule = { code: 'RIVET_SOURCE_CONNECTION_LOST' }

/**
 * Server (and libmysqlclient) error numbers Rivet treats specially. Everything else falls back on
 * its SQLSTATE class (see `codeForSqlState`).
 */
const SERVER_ERRORS: ReadonlyMap<number, ServerErrorRule> = new Map<number, ServerErrorRule>([
  // retryable
  [1205, { code: 'RIVET_SOURCE_TIMEOUT', hint: 'a lock wait timed out (innodb_lock_wait_timeout); run again at a quieter time' }],
  [1213, { code: 'RIVET_SOURCE_BUSY', hint: 'the server chose this statement as a deadlock victim; run again' }],
  [1040, { code: 'RIVET_SOURCE_BUSY', hint: 'the server has no connection to spare (max_connections); lower parallelism or run later' }],
  [1203, { code: 'RIVET_SOURCE_BUSY', hint: 'the user has too many connections (max_user_connections); lower parallelism or run later' }],
  [1226, { code: 'RIVET_SOURCE_BUSY', hint: "the account reached a resource limit (its MAX_USER_CONNECTIONS or an hourly quota); lower parallelism or run later" }],
  [3024, { code: 'RIVET_SOURCE_TIMEOUT' }], // MySQL max_execution_time exceeded
  [1969, { code: 'RIVET_SOURCE_TIMEOUT' }], // MariaDB max_statement_time exceeded
  [1317, { code: 'RIVET_SOURCE_TIMEOUT', hint: 'the statement was interrupted (KILL QUERY or a time limit); run again' }],
  [1053, { code: 'RIVET_SOURCE_CONNECTION_LOST', hint: 'the server is shutting down; run again once it is back' }],
  [1927, LOST], // MariaDB ER_CONNECTION_KILLED
  [1152, LOST], // ER_ABORTING_CONNECTION
  [1158, LOST], // ER_NET_READ_ERROR
  [1159, LOST], // ER_NET_READ_INTERRUPTED
  [1160, LOST], // ER_NET_ERROR_ON_WRITE
  [1161, LOST], // ER_NET_WRITE_INTERRUPTED
  [2006, LOST], // CR_SERVER_GONE_ERROR (relayed by proxies)
  [2013, LOST], // CR_SERVER_LOST
  // permanent
  [1064, { code: 'RIVET_SOURCE_QUERY', hint: 'the SQL has a syntax error near the quoted text; try it in the mysql client first' }],
  [1060, { code: 'RIVET_SOURCE_QUERY', hint: 'the query returns two columns with the same name: give each output column a unique alias' }],
  [1146, { code: 'RIVET_SOURCE_NOT_FOUND', hint: 'check the table name; table names are case-sensitive on most Linux servers' }],
  [1051, { code: 'RIVET_SOURCE_NOT_FOUND', hint: 'check the table name; table names are case-sensitive on most Linux servers' }],
  [1049, { code: 'RIVET_SOURCE_NOT_FOUND', hint: 'check the database name in the source URL (the path after the host)' }],
  [1054, { code: 'RIVET_SOURCE_NOT_FOUND', hint: 'check the column names against the table (`rivet inspect` lists them)' }],
  [1045, { code: 'RIVET_SOURCE_AUTH', hint: 'check the user name and password; MySQL matches accounts by user and client host' }],
  [1698, { code: 'RIVET_SOURCE_AUTH' }], // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
  [1130, { code: 'RIVET_SOURCE_AUTH', hint: 'the account may not connect from this host: create it for this client host (user@host)' }],
  [1862, { code: 'RIVET_SOURCE_AUTH', hint: 'the password of the account has expired: set a new one' }],
  [3118, { code: 'RIVET_SOURCE_AUTH', hint: 'the account is locked: unlock it with ALTER USER ... ACCOUNT UNLOCK' }],
  [1044, { code: 'RIVET_SOURCE_PERMISSION', hint: GRANT_HINT }],
  [1142, { code: 'RIVET_SOURCE_PERMISSION', hint: GRANT_HINT }],
  [1143, { code: 'RIVET_SOURCE_PERMISSION', hint: 'grant SELECT on the listed columns (or the whole table) to the extraction user' }],
  [1227, { code: 'RIVET_SOURCE_PERMISSION', hint: 'the statement needs a privilege the extraction user lacks; see the message' }],
])

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ENOENT'])
const LOST_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CLOSED', 'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
])

/**
 * Translate anything a mysql2 connection threw — a server error packet (`errno`, `sqlState`,
 * `sqlMessage`), a socket error, a TLS error, a protocol error — into a RivetError with the original
 * as `cause`. `endpoint` ("host:port") only decorates connection messages. Messages come from the
 * driver and the server, which never repeat the password.
 */
export function classifyMysqlError(err: unknown, endpoint?: string): RivetError {
  if (isRivetError(err)) return err
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>
  const message = typeof e.message === 'string' ? e.message : String(err)
  const code = typeof e.code === 'string' ? e.code : undefined
  if (typeof e.errno === 'number' && e.errno > 0 && typeof e.sqlState === 'string') {
    const sqlMessage = typeof e.sqlMessage === 'string' ? e.sqlMessage : message
    return fromServer(err, e.errno, e.sqlState, sqlMessage, code)
  }
  return fromClientSide(err, e, code, message, endpoint)
}

function fromServer(err: unknown, errno: number, sqlState: string, sqlMessage: string, name: string | undefined): RivetError {
  const rule = SERVER_ERRORS.get(errno)
  const details: Record<string, unknown> = { errno, sqlState }
  if (name !== undefined) details.name = name
  // errors sent before the handshake completes (too many connections, host blocked) carry no SQLSTATE
  const state = sqlState === '' ? '' : ` (${sqlState})`
  return new RivetError(rule?.code ?? codeForSqlState(sqlState), `MySQL error ${errno}${state}: ${sqlMessage}`, {
    ...(rule?.hint === undefined ? {} : { hint: rule.hint }),
    details,
    cause: err,
  })
}

/** The Rivet code for a SQLSTATE whose error number has no rule of its own. */
export function codeForSqlState(sqlState: string): ErrorCode {
  if (sqlState.startsWith('08')) return 'RIVET_SOURCE_CONNECTION_LOST'
  if (sqlState.startsWith('28')) return 'RIVET_SOURCE_AUTH'
  if (sqlState.startsWith('40')) return 'RIVET_SOURCE_BUSY'
  if (sqlState === '42S02' || sqlState === '42S22' || sqlState === '3D000') return 'RIVET_SOURCE_NOT_FOUND'
  if (sqlState.startsWith('42')) return 'RIVET_SOURCE_QUERY'
  if (sqlState === '70100') return 'RIVET_SOURCE_TIMEOUT'
  return 'RIVET_SOURCE_ERROR'
}

function fromClientSide(err: unknown, e: Record<string, unknown>, code: string | undefined, message: string, endpoint: string | undefined): RivetError {
  const rivetCode = clientSideCode(code, e.syscall, message)
  const at = endpoint === undefined ? '' : ` at ${endpoint}`
  const details: Record<string, unknown> = {}
  if (code !== undefined) details.errno = code
  if (endpoint !== undefined) details.endpoint = endpoint
  const verb =
    rivetCode === 'RIVET_SOURCE_UNREACHABLE'
      ? 'cannot reach MySQL'
      : rivetCode === 'RIVET_SOURCE_TLS'
        ? 'TLS failed with MySQL'
        : rivetCode === 'RIVET_SOURCE_CONNECTION_LOST'
          ? 'lost the connection to MySQL'
          : 'MySQL connection failed'
  const hint = code === 'HANDSHAKE_NO_SSL_SUPPORT' ? 'the server does not offer TLS: enable TLS on the server, or set source.tls.mode to prefer or disable' : undefined
  return new RivetError(rivetCode, `${verb}${at}: ${message}`, { ...(hint === undefined ? {} : { hint }), details, cause: err })
}

function clientSideCode(code: string | undefined, syscall: unknown, message: string): ErrorCode {
  if (code !== undefined) {
    // mysql2 reports its own connect timeout as ETIMEDOUT with syscall "connect": the server was never reached
    if (code === 'ETIMEDOUT' && syscall === 'connect') return 'RIVET_SOURCE_UNREACHABLE'
    if (UNREACHABLE_CODES.has(code)) return 'RIVET_SOURCE_UNREACHABLE'
    if (LOST_CODES.has(code)) return 'RIVET_SOURCE_CONNECTION_LOST'
    if (code === 'PROTOCOL_SEQUENCE_TIMEOUT') return 'RIVET_SOURCE_TIMEOUT'
    if (isTlsCode(code)) return 'RIVET_SOURCE_TLS'
    if (code.startsWith('PROTOCOL_')) return 'RIVET_SOURCE_PROTOCOL'
    if (code.startsWith('AUTH_') || code === 'MYSQL_CLEAR_PASSWORD_NOT_ENABLED') return 'RIVET_SOURCE_AUTH'
  }
  if (/closed state|Connection lost|socket hang up/i.test(message)) return 'RIVET_SOURCE_CONNECTION_LOST'
  if (/\b(SSL|TLS)\b|certificate/i.test(message)) return 'RIVET_SOURCE_TLS'
  return 'RIVET_SOURCE_ERROR'
}

function isTlsCode(code: string): boolean {
  return code === 'HANDSHAKE_NO_SSL_SUPPORT' || code === 'HANDSHAKE_SSL_ERROR' || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || /CERT|SSL|TLS|SIGNATURE|HOSTNAME/.test(code)
}
