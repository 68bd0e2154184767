import { describe, expect, it } from 'vitest'
import { RivetError } from '../../src/errors/index.js'
import { classifyMysqlError, codeForSqlState } from '../../src/source/mysql/index.js'

/** An error shaped like the ones mysql2 builds from a server error packet. */
function serverError(errno: number, code: string, sqlState: string, sqlMessage: string): Error {
  return Object.assign(new Error(sqlMessage), { code, errno, sqlState, sqlMessage })
}

/** An error shaped like a Node socket error (negative errno, no SQLSTATE). */
function socketError(code: string, message: string, syscall = 'connect'): Error {
  return Object.assign(new Error(message), { code, errno: -1, syscall })
}

describe('classifyMysqlError: server errors', () => {
  const table: [number, string, string, string, string, boolean][] = [
    // errno, name, sqlState, Rivet code, retryable
    [1205, 'ER_LOCK_WAIT_TIMEOUT', 'HY000', 'RIVET_SOURCE_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction', true],
    [1213, 'ER_LOCK_DEADLOCK', '40001', 'RIVET_SOURCE_BUSY', 'Deadlock found when trying to get lock', true],
    [1040, 'ER_CON_COUNT_ERROR', '08004', 'RIVET_SOURCE_BUSY', 'Too many connections', true],
    [1203, 'ER_TOO_MANY_USER_CONNECTIONS', '42000', 'RIVET_SOURCE_BUSY', "User rivet already has more than 'max_user_connections' active connections", true],
    [3024, 'ER_QUERY_TIMEOUT', 'HY000', 'RIVET_SOURCE_TIMEOUT', 'Query execution was interrupted, maximum statement execution time exceeded', true],
    [1969, 'ER_STATEMENT_TIMEOUT', '70100', 'RIVET_SOURCE_TIMEOUT', 'Query execution was interrupted (max_statement_time exceeded)', true],
    [1053, 'ER_SERVER_SHUTDOWN', '08S01', 'RIVET_SOURCE_CONNECTION_LOST', 'Server shutdown in progress', true],
    [2006, 'CR_SERVER_GONE_ERROR', 'HY000', 'RIVET_SOURCE_CONNECTION_LOST', 'MySQL server has gone away', true],
    [2013, 'CR_SERVER_LOST', 'HY000', 'RIVET_SOURCE_CONNECTION_LOST', 'Lost connection to MySQL server during query', true],
    [1064, 'ER_PARSE_ERROR', '42000', 'RIVET_SOURCE_QUERY', "You have an error in your SQL syntax near 'FORM t'", false],
    [1146, 'ER_NO_SUCH_TABLE', '42S02', 'RIVET_SOURCE_NOT_FOUND', "Table 'test.nope' doesn't exist", false],
    [1049, 'ER_BAD_DB_ERROR', '42000', 'RIVET_SOURCE_NOT_FOUND', "Unknown database 'nope'", false],
    [1054, 'ER_BAD_FIELD_ERROR', '42S22', 'RIVET_SOURCE_NOT_FOUND', "Unknown column 'x' in 'field list'", false],
    [1045, 'ER_ACCESS_DENIED_ERROR', '28000', 'RIVET_SOURCE_AUTH', "Access denied for user 'root'@'localhost' (using password: YES)", false],
    [1142, 'ER_TABLEACCESS_DENIED_ERROR', '42000', 'RIVET_SOURCE_PERMISSION', "SELECT command denied to user 'r'@'%' for table 't'", false],
    [1143, 'ER_COLUMNACCESS_DENIED_ERROR', '42000', 'RIVET_SOURCE_PERMISSION', "SELECT command denied to user 'r'@'%' for column 'c' in table 't'", false],
    [1044, 'ER_DBACCESS_DENIED_ERROR', '42000', 'RIVET_SOURCE_PERMISSION', "Access denied for user 'r'@'%' to database 'd'", false],
  ]

  it.each(table)('%i %s → %s', (errno, name, sqlState, code, message, retryable) => {
    const original = serverError(errno, name, sqlState, message)
    const err = classifyMysqlError(original)
    expect(err).toBeInstanceOf(RivetError)
    expect(err.code).toBe(code)
    expect(err.retryable).toBe(retryable)
    expect(err.message).toBe(`MySQL error ${errno} (${sqlState}): ${message}`)
    expect(err.details).toEqual({ errno, sqlState, name })
    expect(err.cause).toBe(original)
  })

  it('gives the not-found and permission codes hints of their own', () => {
    expect(classifyMysqlError(serverError(1146, 'ER_NO_SUCH_TABLE', '42S02', 'x')).hint).toMatch(/case-sensitive/)
    expect(classifyMysqlError(serverError(1142, 'ER_TABLEACCESS_DENIED_ERROR', '42000', 'x')).hint).toMatch(/grant SELECT/)
    expect(classifyMysqlError(serverError(1064, 'ER_PARSE_ERROR', '42000', 'x')).hint).toMatch(/syntax/)
  })

  it('falls back on RIVET_SOURCE_ERROR with the errno and SQLSTATE in details', () => {
    const err = classifyMysqlError(serverError(1365, 'ER_DIVISION_BY_ZERO', '22012', 'Division by 0'))
    expect(err.code).toBe('RIVET_SOURCE_ERROR')
    expect(err.details).toEqual({ errno: 1365, sqlState: '22012', name: 'ER_DIVISION_BY_ZERO' })
  })

  it('reads an error sent before the handshake, which has no SQLSTATE', () => {
    const err = classifyMysqlError(serverError(1040, 'ER_CON_COUNT_ERROR', '', 'Too many connections'))
    expect(err.code).toBe('RIVET_SOURCE_BUSY')
    expect(err.message).toBe('MySQL error 1040: Too many connections')
  })

  it('maps unlisted numbers by SQLSTATE class', () => {
    expect(codeForSqlState('08S01')).toBe('RIVET_SOURCE_CONNECTION_LOST')
    expect(codeForSqlState('28000')).toBe('RIVET_SOURCE_AUTH')
    expect(codeForSqlState('40001')).toBe('RIVET_SOURCE_BUSY')
    expect(codeForSqlState('42S02')).toBe('RIVET_SOURCE_NOT_FOUND')
    expect(codeForSqlState('42000')).toBe('RIVET_SOURCE_QUERY')
    expect(codeForSqlState('70100')).toBe('RIVET_SOURCE_TIMEOUT')
    expect(codeForSqlState('HY000')).toBe('RIVET_SOURCE_ERROR')
    expect(classifyMysqlError(serverError(1356, 'ER_VIEW_INVALID', '42000', 'View references invalid tables')).code).toBe('RIVET_SOURCE_QUERY')
  })
})

describe('classifyMysqlError: client-side errors', () => {
  const table: [string, string, string | undefined, string, boolean][] = [
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1', 'connect', 'RIVET_SOURCE_UNREACHABLE', true],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND db.invalid', 'getaddrinfo', 'RIVET_SOURCE_UNREACHABLE', true],
    ['EHOSTUNREACH', 'connect EHOSTUNREACH 10.0.0.1:3306', 'connect', 'RIVET_SOURCE_UNREACHABLE', true],
    ['ETIMEDOUT', 'connect ETIMEDOUT', 'connect', 'RIVET_SOURCE_UNREACHABLE', true],
    ['ETIMEDOUT', 'read ETIMEDOUT', 'read', 'RIVET_SOURCE_CONNECTION_LOST', true],
    ['ECONNRESET', 'read ECONNRESET', 'read', 'RIVET_SOURCE_CONNECTION_LOST', true],
    ['EPIPE', 'write EPIPE', 'write', 'RIVET_SOURCE_CONNECTION_LOST', true],
    ['PROTOCOL_CONNECTION_LOST', 'Connection lost: The server closed the connection.', undefined, 'RIVET_SOURCE_CONNECTION_LOST', true],
    ['HANDSHAKE_NO_SSL_SUPPORT', 'Server does not support secure connection', undefined, 'RIVET_SOURCE_TLS', false],
    ['HANDSHAKE_SSL_ERROR', 'self-signed certificate', undefined, 'RIVET_SOURCE_TLS', false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames", undefined, 'RIVET_SOURCE_TLS', false],
    ['PROTOCOL_SEQUENCE_TIMEOUT', 'Query inactivity timeout', undefined, 'RIVET_SOURCE_TIMEOUT', true],
    ['PROTOCOL_PACKETS_OUT_OF_ORDER', 'Packets out of order', undefined, 'RIVET_SOURCE_PROTOCOL', true],
    ['AUTH_SWITCH_PLUGIN_ERROR', 'Authentication plugin error', undefined, 'RIVET_SOURCE_AUTH', false],
  ]

  it.each(table)('%s (%s) → %s', (code, message, syscall, rivetCode, retryable) => {
    const original = syscall === undefined ? Object.assign(new Error(message), { code, fatal: true }) : socketError(code, message, syscall)
    const err = classifyMysqlError(original, 'db.example:3306')
    expect(err.code).toBe(rivetCode)
    expect(err.retryable).toBe(retryable)
    expect(err.message).toContain(' at db.example:3306: ')
    expect(err.message).toContain(message)
    expect(err.details).toEqual({ errno: code, endpoint: 'db.example:3306' })
    expect(err.cause).toBe(original)
  })

  it('reports a query on a closed connection as a lost connection', () => {
    const err = classifyMysqlError(new Error("Can't add new command when connection is in closed state"))
    expect(err.code).toBe('RIVET_SOURCE_CONNECTION_LOST')
    expect(err.details).toEqual({})
  })

  it('tells what to do when TLS is required and the server offers none', () => {
    const err = classifyMysqlError(Object.assign(new Error('Server does not support secure connection'), { code: 'HANDSHAKE_NO_SSL_SUPPORT' }))
    expect(err.hint).toMatch(/does not offer TLS/)
  })

  it('passes a RivetError through and wraps anything else', () => {
    const rivet = new RivetError('RIVET_CANCELLED', 'stop')
    expect(classifyMysqlError(rivet)).toBe(rivet)
    const odd = classifyMysqlError('a string')
    expect(odd.code).toBe('RIVET_SOURCE_ERROR')
    expect(odd.message).toBe('MySQL connection failed: a string')
  })
})
