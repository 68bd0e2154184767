import type { ResolvedExport } from '../config/index.js'
import { RivetError, toRivetError } from '../errors/index.js'
import type { ErrorCode } from '../errors/index.js'

/** How often and how patiently a failed step is tried again. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number
  /** Delay before the first retry; doubles with each attempt. */
  readonly baseDelayMs: number
  /** No delay is longer than this. */
  readonly maxDelayMs: number
}

/** The longest wait between two attempts, whatever the base and the attempt. */
export const MAX_RETRY_DELAY_MS = 60_000

/**
 * Retryable codes a retry cannot help: an interrupt is the user's decision, and a lock held by
 * another live run will be held for as long as that run takes.
 */
const NEVER_RETRIED: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['RIVET_CANCELLED', 'RIVET_EXPORT_LOCKED', 'RIVET_STATE_LOCKED'])

/**
 * Whether trying again may succeed. The source and destination adapters classify driver errors
 * into codes at the boundary (SQLSTATE class 08, 40001, 40P01, 53300, 55P03, 57P01/57P03; MySQL
 * 1205, 1213, 1040, 2013...; socket resets and timeouts) and the code's exit class 2 marks the
 * transient ones. Everything else — permissions, syntax, missing tables, bad data — fails at once.
 */
export function isRetryable(error: RivetError): boolean {
  return error.exitCode === 2 && !NEVER_RETRIED.has(error.code)
}

/**
 * The run-level retry policy of an export: `tuning.max_retries` retries after the first attempt.
 * Standard output cannot take back what it already wrote, so an export to it is never retried
 * as a whole: a second attempt would repeat rows the reader has already consumed.
 */
export function exportRetryPolicy(exp: ResolvedExport): RetryPolicy {
  const maxAttempts = exp.destination.type === 'stdout' ? 1 : exp.tuning.maxRetries + 1
  return { maxAttempts, baseDelayMs: exp.tuning.retryBackoffMs, maxDelayMs: MAX_RETRY_DELAY_MS }
}

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with jitter
 * over the upper half of the window so that parallel readers hit by one outage spread out.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(window * (0.5 + random() / 2))
}

/** Wait `ms`, or less when `signal` aborts (then RIVET_CANCELLED). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new RivetError('RIVET_CANCELLED', 'the run was interrupted'))
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(new RivetError('RIVET_CANCELLED', 'the run was interrupted'))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** What is said about one retry: the failure, the attempt coming next and the wait before it. */
export interface RetryNotice {
  readonly error: RivetError
  /** The attempt about to start (2 for the first retry). */
  readonly nextAttempt: number
  readonly maxAttempts: number
  readonly delayMs: number
}

/**
 * Run `step` until it succeeds, fails with an error that is not retryable, runs out of attempts
 * or is interrupted. `onRetry` hears of each retry before its wait (to log and journal it).
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  onRetry: (notice: RetryNotice) => void,
  step: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt)
    } catch (err) {
      const error = toRivetError(err)
      if (!isRetryable(error) || attempt >= policy.maxAttempts || signal?.aborted) throw error
      const delayMs = retryDelayMs(policy, attempt)
      onRetry({ error, nextAttempt: attempt + 1, maxAttempts: policy.maxAttempts, delayMs })
      await sleep(delayMs, signal)
    }
  }
}
