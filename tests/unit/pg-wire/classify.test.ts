import { describe, expect, it } from 'vitest'
import { RivetError } from '../../../src/errors/index.js'
import { PgServerError, classifyPgError } from '../../../src/source/pg/wire/index.js'

const server = (code: string, message = 'boom', extra: Record<string, string> = {}) =>
  new PgServerError({ severity: 'ERROR', code, message, ...extra })

describe('classifyPgError: SQLSTATE', () => {
  it.each([
    ['08006', 'RIVET_SOURCE_CONNECTION_LOST'],
    ['08P01', 'RIVET_SOURCE_CONNECTION_LOST'],
    ['57014', 'RIVET_SOURCE_TIMEOUT'],
    ['55P03', 'RIVET_SOURCE_TIMEOUT'],
    ['40001', 'RIVET_SOURCE_BUSY'],
    ['40P01', 'RIVET_SOURCE_BUSY'],
    ['53300', 'RIVET_SOURCE_BUSY'],
    ['53400', 'RIVET_SOURCE_BUSY'],
    ['57P03', 'RIVET_SOURCE_BUSY'],
    ['57P01', 'RIVET_SOURCE_CONNECTION_LOST'],
    ['57P02', 'RIVET_SOURCE_CONNECTION_LOST'],
    ['28000', 'RIVET_SOURCE_AUTH'],
    ['28P01', 'RIVET_SOURCE_AUTH'],
    ['42501', 'RIVET_SOURCE_PERMISSION'],
    ['42P01', 'RIVET_SOURCE_NOT_FOUND'],
    ['42703', 'RIVET_SOURCE_NOT_FOUND'],
    ['3D000', 'RIVET_SOURCE_NOT_FOUND'],
    ['3F000', 'RIVET_SOURCE_NOT_FOUND'],
    ['42601', 'RIVET_SOURCE_QUERY'],
    ['42883', 'RIVET_SOURCE_QUERY'],
    ['22012', 'RIVET_SOURCE_ERROR'],
    ['XX000', 'RIVET_SOURCE_ERROR'],
  ])('%s → %s', (sqlstate, code) => {
    expect(classifyPgError(server(sqlstate)).code).toBe(code)
  })

  it('marks busy and timeout errors retryable, query errors not', () => {
    expect(classifyPgError(server('40P01')).retryable).toBe(true)
    expect(classifyPgError(server('57014')).retryable).toBe(true)
    expect(classifyPgError(server('42601')).retryable).toBe(false)
  })

  it('names the SQLSTATE in the message and keeps the server fields in details', () => {
    const err = server('42P01', 'relation "x" does not exist', { detail: 'd', hint: 'h', position: '15', table: 'x' })
    const rivet = classifyPgError(err)
    expect(rivet.message).toBe('PostgreSQL error 42P01: relation "x" does not exist')
    expect(rivet.details).toMatchObject({ sqlstate: '42P01', detail: 'd', hint: 'h', position: '15', table: 'x', severity: 'ERROR' })
    expect(rivet.cause).toBe(err)
  })

  it('handles node-postgres DatabaseError-shaped errors', () => {
    const pgError = Object.assign(new Error('permission denied for table t'), { code: '42501', severity: 'ERROR', detail: undefined, hint: 'grant it' })
    const rivet = classifyPgError(pgError)
    expect(rivet.code).toBe('RIVET_SOURCE_PERMISSION')
    expect(rivet.details).toEqual({ sqlstate: '42501', severity: 'ERROR', hint: 'grant it' })
  })

  it('returns a RivetError unchanged', () => {
    const err = new RivetError('RIVET_SOURCE_TLS', 'x')
    expect(classifyPgError(err)).toBe(err)
  })
})

describe('classifyPgError: client side', () => {
  const sys = (code: string, message = `connect ${code}`) => Object.assign(new Error(message), { code })

  it.each([
    ['ECONNREFUSED', 'RIVET_SOURCE_UNREACHABLE'],
    ['ENOTFOUND', 'RIVET_SOURCE_UNREACHABLE'],
    ['EHOSTUNREACH', 'RIVET_SOURCE_UNREACHABLE'],
    ['ETIMEDOUT', 'RIVET_SOURCE_UNREACHABLE'],
    ['ECONNRESET', 'RIVET_SOURCE_CONNECTION_LOST'],
    ['EPIPE', 'RIVET_SOURCE_CONNECTION_LOST'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'RIVET_SOURCE_TLS'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'RIVET_SOURCE_TLS'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'RIVET_SOURCE_TLS'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'RIVET_SOURCE_TLS'],
  ])('%s → %s', (errno, code) => {
    expect(classifyPgError(sys(errno)).code).toBe(code)
  })

  it.each([
    ['Connection terminated unexpectedly', 'RIVET_SOURCE_CONNECTION_LOST'],
    ['Connection terminated due to connection timeout', 'RIVET_SOURCE_UNREACHABLE'],
    ['The server does not support SSL connections', 'RIVET_SOURCE_TLS'],
    ['Query read timeout', 'RIVET_SOURCE_TIMEOUT'],
    ['something else entirely', 'RIVET_SOURCE_ERROR'],
  ])('node-postgres message "%s" → %s', (message, code) => {
    expect(classifyPgError(new Error(message)).code).toBe(code)
  })

  it('mentions the endpoint and keeps the errno', () => {
    const rivet = classifyPgError(sys('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), '127.0.0.1:1')
    expect(rivet.message).toBe('cannot reach PostgreSQL at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1')
    expect(rivet.details).toEqual({ errno: 'ECONNREFUSED', endpoint: '127.0.0.1:1' })
  })

  it('does not mistake a 5-letter errno for a SQLSTATE', () => {
    expect(classifyPgError(sys('EPIPE')).code).toBe('RIVET_SOURCE_CONNECTION_LOST')
  })
})
