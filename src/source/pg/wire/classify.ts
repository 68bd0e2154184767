import { RivetError, isRivetError, type ErrorCode } from '../../../errors/index.js'

/** The server fields copied into RivetError details (never anything from the connect parameters). */
const DETAIL_FIELDS = [
  'severity', 'detail', 'hint', 'position', 'internalPosition', 'internalQuery', 'where', 'schema',
  'table', 'column', 'dataType', 'constraint', 'routine',
] as const

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ETIMEDOUT', 'ENOENT', 'EADDRNOTAVAIL'])
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_SOCKET_CLOSED'])

/**
 * Translate anything a PostgreSQL client threw — a server ErrorResponse (from this client or
 * node-postgres), a socket error, a TLS error — into a RivetError with the original as `cause`.
 * `endpoint` ("host:port" or a socket path) only decorates connection messages.
 */
export function classifyPgError(err: unknown, endpoint?: string): RivetError {
  if (isRivetError(err)) return err
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>
  const code = typeof e.code === 'string' ? e.code : undefined
  const message = typeof e.message === 'string' ? e.message : String(err)
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('E')) return fromServer(err, e, code, message)
  return fromClientSide(err, code, message, endpoint)
}

/** pg_hba.conf turned a connection without TLS away: the server names that by ending its message with this. */
const NO_ENCRYPTION = /, no encryption$/
const PLAIN_REFUSED_HINT = 'the server accepts only TLS connections from this host (pg_hba.conf): set source.tls.mode to require, verify-ca or verify-full (or sslmode in the URL)'
const NO_PLAIN_ENTRY_HINT = 'pg_hba.conf has no entry for a connection without TLS from this host and user: if the server takes TLS connections, set source.tls.mode to require, verify-ca or verify-full; otherwise have pg_hba.conf allow this host and user'

function fromServer(err: unknown, e: Record<string, unknown>, sqlstate: string, message: string): RivetError {
  const details: Record<string, unknown> = { sqlstate }
  for (const key of DETAIL_FIELDS) if (typeof e[key] === 'string') details[key] = e[key]
  const text = `PostgreSQL error ${sqlstate}: ${message}`
  if (sqlstate === '28000' && NO_ENCRYPTION.test(message)) {
    // "pg_hba.conf rejects connection ..., no encryption": a hostnossl reject line, so TLS is the fix;
    // "no pg_hba.conf entry ..., no encryption": TLS may be the fix, or the host may not be allowed at all
    const rejected = message.startsWith('pg_hba.conf rejects')
    return new RivetError(rejected ? 'RIVET_SOURCE_TLS' : 'RIVET_SOURCE_AUTH', text, {
      hint: rejected ? PLAIN_REFUSED_HINT : NO_PLAIN_ENTRY_HINT,
      details,
      cause: err,
    })
  }
  return new RivetError(codeForSqlstate(sqlstate), text, { details, cause: err })
}

/** The Rivet code for a SQLSTATE. */
export function codeForSqlstate(sqlstate: string): ErrorCode {
  switch (sqlstate) {
    case '57014': // query_canceled: statement_timeout or a cancel request
    case '55P03': // lock_not_available: lock_timeout or NOWAIT
      return 'RIVET_SOURCE_TIMEOUT'
    case '40001': // serialization_failure
    case '40P01': // deadlock_detected
    case '53300': // too_many_connections
    case '53400': // configuration_limit_exceeded
    case '57P03': // cannot_connect_now (starting up / recovery)
      return 'RIVET_SOURCE_BUSY'
    case '57P01': // admin_shutdown
    case '57P02': // crash_shutdown
      return 'RIVET_SOURCE_CONNECTION_LOST'
    case '28000':
    case '28P01':
      return 'RIVET_SOURCE_AUTH'
    case '42501':
      return 'RIVET_SOURCE_PERMISSION'
    case '42P01': // undefined_table
    case '42703': // undefined_column
    case '3D000': // invalid_catalog_name (database)
    case '3F000': // invalid_schema_name
      return 'RIVET_SOURCE_NOT_FOUND'
  }
  if (sqlstate.startsWith('08')) return 'RIVET_SOURCE_CONNECTION_LOST'
  if (sqlstate.startsWith('42')) return 'RIVET_SOURCE_QUERY'
  return 'RIVET_SOURCE_ERROR'
}

function fromClientSide(err: unknown, code: string | undefined, message: string, endpoint: string | undefined): RivetError {
  const at = endpoint === undefined ? '' : ` at ${endpoint}`
  const details: Record<string, unknown> = code === undefined ? {} : { errno: code }
  if (endpoint !== undefined) details.endpoint = endpoint
  const rivetCode = clientSideCode(code, message)
  const verb = rivetCode === 'RIVET_SOURCE_UNREACHABLE' ? 'cannot reach PostgreSQL' : rivetCode === 'RIVET_SOURCE_TLS' ? 'TLS failed with PostgreSQL' : 'PostgreSQL connection failed'
  return new RivetError(rivetCode, `${verb}${at}: ${message}`, { details, cause: err })
}

function clientSideCode(code: string | undefined, message: string): ErrorCode {
  if (code !== undefined) {
    if (UNREACHABLE_CODES.has(code)) return 'RIVET_SOURCE_UNREACHABLE'
    if (LOST_CODES.has(code)) return 'RIVET_SOURCE_CONNECTION_LOST'
    if (isTlsCode(code)) return 'RIVET_SOURCE_TLS'
  }
  // node-postgres reports these without a code
  if (/does not support SSL|SSL|TLS|certificate/i.test(message)) return 'RIVET_SOURCE_TLS'
  if (/connection timeout|timeout expired|timed out.*connect|connect.*timed out/i.test(message)) return 'RIVET_SOURCE_UNREACHABLE'
  if (/Query read timeout/i.test(message)) return 'RIVET_SOURCE_TIMEOUT'
  if (/terminated unexpectedly|Connection terminated|connection (was )?closed|socket hang up/i.test(message)) return 'RIVET_SOURCE_CONNECTION_LOST'
  if (/SASL|SCRAM|password/i.test(message)) return 'RIVET_SOURCE_AUTH'
  return 'RIVET_SOURCE_ERROR'
}

function isTlsCode(code: string): boolean {
  return code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || /CERT|SSL|TLS|SIGNATURE|HOSTNAME/.test(code)
}
