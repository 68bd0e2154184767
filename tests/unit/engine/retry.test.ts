import { describe, expect, it } from 'vitest'
import { RivetError } from '../../../src/errors/index.js'
import type { ErrorCode } from '../../../src/errors/index.js'
import { MAX_RETRY_DELAY_MS, exportRetryPolicy, isRetryable, retryDelayMs, sleep, withRetries } from '../../../src/engine/retry.js'
import type { ResolvedExport } from '../../../src/config/index.js'
import type { RetryNotice } from '../../../src/engine/retry.js'
import { codeForSqlstate } from '../../../src/source/pg/wire/classify.js'
import { classifyMysqlError } from '../../../src/source/mysql/classify.js'
import { rejection } from '../../helpers/errors.js'

const err = (code: ErrorCode) => new RivetError(code, code)

describe('isRetryable', () => {
  it.each([
    ['08006', true], // connection_failure
    ['08001', true],
    ['40001', true], // serialization_failure
    ['40P01', true], // deadlock_detected
    ['57P01', true], // admin_shutdown
    ['57P03', true], // cannot_connect_now
    ['53300', true], // too_many_connections
    ['55P03', true], // lock_not_available
    ['57014', true], // statement timeout / cancel
    ['42501', false], // insufficient_privilege
    ['42P01', false], // undefined_table
    ['42601', false], // syntax_error
    ['28P01', false], // invalid_password
    ['22003', false], // numeric_value_out_of_range
  ])('PostgreSQL SQLSTATE %s → retryable %s', (sqlstate, expected) => {
    expect(isRetryable(err(codeForSqlstate(sqlstate)))).toBe(expected)
  })

  it.each([
    [1205, 'HY000', true], // lock wait timeout
    [1213, '40001', true], // deadlock
    [1040, '08004', true], // too many connections
    [2013, 'HY000', true], // lost connection during query
    [1053, '08S01', true], // server shutdown
    [1146, '42S02', false], // no such table
    [1142, '42000', false], // command denied
    [1045, '28000', false], // access denied
    [1064, '42000', false], // syntax
  ])('MySQL error %i → retryable %s', (errno, sqlState, expected) => {
    expect(isRetryable(classifyMysqlError({ errno, sqlState, code: 'X', message: 'm', sqlMessage: 'm' }))).toBe(expected)
  })

  it('treats socket resets and timeouts as retryable, an interrupt or a held lock as final', () => {
    expect(isRetryable(classifyMysqlError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })))).toBe(true)
    expect(isRetryable(err('RIVET_SOURCE_CONNECTION_LOST'))).toBe(true)
    expect(isRetryable(err('RIVET_DEST_WRITE'))).toBe(true)
    expect(isRetryable(err('RIVET_CANCELLED'))).toBe(false)
    expect(isRetryable(err('RIVET_EXPORT_LOCKED'))).toBe(false)
    expect(isRetryable(err('RIVET_DATA_DECODE'))).toBe(false)
    expect(isRetryable(err('RIVET_CONFIG_INVALID'))).toBe(false)
  })
})

describe('retryDelayMs', () => {
  const policy = { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: MAX_RETRY_DELAY_MS }

  it('doubles the window with each attempt and jitters over its upper half', () => {
    expect(retryDelayMs(policy, 1, () => 0)).toBe(500)
    expect(retryDelayMs(policy, 1, () => 1)).toBe(1000)
    expect(retryDelayMs(policy, 2, () => 0)).toBe(1000)
    expect(retryDelayMs(policy, 3, () => 1)).toBe(4000)
  })

  it('never waits longer than the cap', () => {
    for (const attempt of [7, 8, 20, 200]) expect(retryDelayMs(policy, attempt, () => 1)).toBe(MAX_RETRY_DELAY_MS)
    expect(retryDelayMs(policy, 200, () => 0)).toBe(MAX_RETRY_DELAY_MS / 2)
  })
})

describe('withRetries', () => {
  const policy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }

  it('retries retryable failures and returns the first success', async () => {
    const notices: RetryNotice[] = []
    let calls = 0
    const result = await withRetries(policy, undefined, (n) => notices.push(n), async (attempt) => {
      calls++
      if (attempt < 3) throw err('RIVET_SOURCE_CONNECTION_LOST')
      return 'done'
    })
    expect(result).toBe('done')
    expect(calls).toBe(3)
    expect(notices.map((n) => [n.nextAttempt, n.maxAttempts, n.error.code])).toEqual([
      [2, 3, 'RIVET_SOURCE_CONNECTION_LOST'],
      [3, 3, 'RIVET_SOURCE_CONNECTION_LOST'],
    ])
  })

  it('fails fast on a permanent error', async () => {
    let calls = 0
    const error = await rejection(withRetries(policy, undefined, () => undefined, async () => {
      calls++
      throw err('RIVET_SOURCE_PERMISSION')
    }))
    expect(error.code).toBe('RIVET_SOURCE_PERMISSION')
    expect(calls).toBe(1)
  })

  it('gives up after maxAttempts with the last error', async () => {
    let calls = 0
    const error = await rejection(withRetries(policy, undefined, () => undefined, async () => {
      calls++
      throw err('RIVET_SOURCE_BUSY')
    }))
    expect(error.code).toBe('RIVET_SOURCE_BUSY')
    expect(calls).toBe(3)
  })

  it('stops waiting when interrupted', async () => {
    const abort = new AbortController()
    const slow = { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 }
    const started = Date.now()
    const pending = withRetries(slow, abort.signal, () => setTimeout(() => abort.abort(), 10), async () => {
      throw err('RIVET_SOURCE_TIMEOUT')
    })
    const error = await rejection(pending)
    expect(error.code).toBe('RIVET_CANCELLED')
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it('sleep rejects at once when already interrupted', async () => {
    const abort = new AbortController()
    abort.abort()
    expect((await rejection(sleep(60_000, abort.signal))).code).toBe('RIVET_CANCELLED')
  })
})

describe('exportRetryPolicy', () => {
  const exportTo = (type: string) => ({ destination: { type }, tuning: { maxRetries: 3, retryBackoffMs: 250 } }) as unknown as ResolvedExport

  it('allows tuning.max_retries retries after the first attempt', () => {
    expect(exportRetryPolicy(exportTo('local'))).toEqual({ maxAttempts: 4, baseDelayMs: 250, maxDelayMs: MAX_RETRY_DELAY_MS })
    expect(exportRetryPolicy(exportTo('s3')).maxAttempts).toBe(4)
  })

  it('never retries an export to standard output as a whole (the reader already has the rows)', () => {
    expect(exportRetryPolicy(exportTo('stdout')).maxAttempts).toBe(1)
  })
})
