/**
 * Which failures mean the state connection itself is gone (as opposed to a statement the server
 * refused on a healthy session): the worker then opens a new session for the next request.
 */

/** Socket errors of Node that end a connection. */
const SOCKET_ERRNOS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNABORTED', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN'])

/** SQLSTATEs of a session the server ended: admin_shutdown, crash_shutdown, cannot_connect_now. */
const ENDED_SESSION_STATES = new Set(['57P01', '57P02', '57P03'])

/** What `pg` says when the socket closed under it, or when a client that lost it is used again. */
const DRIVER_MESSAGES = /Connection terminated|not queryable/

/** Whether an error means the connection is lost: a socket errno, SQLSTATE class 08 or 57P01-03, or the driver's words for it. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null | undefined)?.code
  if (typeof code === 'string' && (SOCKET_ERRNOS.has(code) || code.startsWith('08') || ENDED_SESSION_STATES.has(code))) return true
  return err instanceof Error && DRIVER_MESSAGES.test(err.message)
}

/**
 * Whether a lone statement only reads, so running it twice changes nothing: a plain SELECT (the
 * store's advisory-lock calls are SELECTs too; re-run on a new session they act on that session).
 */
export function isReadOnlyStatement(sql: string): boolean {
  return /^\s*SELECT\b/i.test(sql)
}
