import { describe, expect, it } from 'vitest'
import { isConnectionError, isReadOnlyStatement } from '../../../src/state/postgres/connection-errors.js'

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code })

describe('isConnectionError', () => {
  it('knows a socket that broke, a session the server ended and the driver saying so', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED']) expect(isConnectionError(withCode(code)), code).toBe(true)
    // class 08 (connection exception) and admin_shutdown / crash_shutdown / cannot_connect_now
    for (const code of ['08000', '08003', '08006', '57P01', '57P02', '57P03']) expect(isConnectionError(withCode(code)), code).toBe(true)
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(isConnectionError(new Error('Client has encountered a connection error and is not queryable'))).toBe(true)
  })

  it('leaves a statement the server refused on a healthy session alone', () => {
    // unique_violation, lock_not_available, query_canceled, syntax_error, undefined_table
    for (const code of ['23505', '55P03', '57014', '42601', '42P01']) expect(isConnectionError(withCode(code)), code).toBe(false)
    expect(isConnectionError(new Error('duplicate key value violates unique constraint'))).toBe(false)
    expect(isConnectionError(null)).toBe(false)
    expect(isConnectionError('ECONNRESET')).toBe(false)
  })
})

describe('isReadOnlyStatement', () => {
  it('takes a plain SELECT for a read, in any case and after whitespace', () => {
    expect(isReadOnlyStatement('SELECT 1')).toBe(true)
    expect(isReadOnlyStatement('\n  select * from runs where run_id = $1')).toBe(true)
  })

  it('takes anything else for a write', () => {
    for (const sql of ['INSERT INTO runs VALUES ($1)', 'UPDATE runs SET status = $1', 'DELETE FROM export_locks', 'WITH x AS (DELETE FROM t RETURNING 1) SELECT * FROM x', 'SELECTION', 'BEGIN']) {
      expect(isReadOnlyStatement(sql), sql).toBe(false)
    }
  })
})
