/**
 * POST a JSON body to a webhook with Node's fetch: a timeout per attempt, up to 3 attempts, with
 * backoff on network errors, timeouts and 5xx, and Slack's Retry-After honoured on 429.
 *
 * The URL is a secret (a Slack webhook URL is its own credential): no message, detail or cause of
 * the error this throws contains it.
 */
import { RivetError } from '../errors/index.js'
import { scrubSecrets } from './slack.js'

/** Options of sendWebhook; the defaults suit Slack. */
export interface SendWebhookOptions {
  /** Per attempt, from the request to the last byte of the answer. */
  readonly timeoutMs?: number
  readonly attempts?: number
  /** Delay before the second attempt; doubles for each further one. */
  readonly backoffMs?: number
  /** A 429 asking to wait longer than this ends the delivery instead of holding the command. */
  readonly maxRetryAfterMs?: number
  /** How to wait between attempts (tests pass one that records the delays). */
  readonly sleep?: (ms: number) => Promise<void>
}

/** A delivered message. */
export interface WebhookDelivery {
  readonly attempts: number
  readonly status: number
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000
export const DEFAULT_WEBHOOK_ATTEMPTS = 3
export const DEFAULT_WEBHOOK_BACKOFF_MS = 1000
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000

/** What one attempt came to. */
type Outcome =
  | { readonly kind: 'delivered'; readonly status: number }
  /** Worth another attempt, after `waitMs` when the server said so. */
  | { readonly kind: 'retry'; readonly reason: string; readonly status?: number; readonly waitMs?: number }
  | { readonly kind: 'give-up'; readonly reason: string; readonly status?: number }

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Deliver `body`; throws RIVET_NOTIFY_FAILED (without the URL) when every attempt failed. */
export async function sendWebhook(url: string, body: unknown, options: SendWebhookOptions = {}): Promise<WebhookDelivery> {
  const attempts = Math.max(1, options.attempts ?? DEFAULT_WEBHOOK_ATTEMPTS)
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS
  const backoffMs = options.backoffMs ?? DEFAULT_WEBHOOK_BACKOFF_MS
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS
  const sleep = options.sleep ?? defaultSleep
  const json = JSON.stringify(body)
  let last: Exclude<Outcome, { kind: 'delivered' }> = { kind: 'give-up', reason: 'not attempted' }
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const outcome = await attemptOnce(url, json, timeoutMs)
    if (outcome.kind === 'delivered') return { attempts: attempt, status: outcome.status }
    last = outcome
    if (outcome.kind === 'give-up' || attempt === attempts) return fail(url, attempt, outcome)
    if (outcome.waitMs !== undefined && outcome.waitMs > maxRetryAfterMs) {
      return fail(url, attempt, { ...outcome, reason: `${outcome.reason}; the server asked to wait ${Math.ceil(outcome.waitMs / 1000)} s, longer than the ${Math.round(maxRetryAfterMs / 1000)} s a command waits` })
    }
    await sleep(outcome.waitMs ?? backoffMs * 2 ** (attempt - 1))
  }
  return fail(url, attempts, last)
}

async function attemptOnce(url: string, json: string, timeoutMs: number): Promise<Outcome> {
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    // no redirects: the body would go to a host the config never named
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json, signal, redirect: 'manual' })
    const text = await res.text()
    if (res.status >= 200 && res.status < 300) return { kind: 'delivered', status: res.status }
    const reason = `HTTP ${res.status}${describeBody(text)}`
    if (res.status === 429) {
      const waitMs = retryAfterMs(res.headers.get('retry-after'))
      return { kind: 'retry', reason, status: res.status, ...(waitMs === null ? {} : { waitMs }) }
    }
    if (res.status >= 500) return { kind: 'retry', reason, status: res.status }
    return { kind: 'give-up', reason: res.status >= 300 && res.status < 400 ? `HTTP ${res.status} (a redirect, which is not followed)` : reason, status: res.status }
  } catch (err) {
    if (signal.aborted) return { kind: 'retry', reason: `no answer within ${formatSeconds(timeoutMs)}` }
    return { kind: 'retry', reason: `cannot reach the webhook host (${networkCode(err)})` }
  }
}

/** `: invalid_payload`: the first line of a short answer (Slack answers with a word). */
function describeBody(text: string): string {
  const line = text.trim().split(/\r?\n/)[0]?.trim() ?? ''
  if (line === '' || line.startsWith('<')) return ''
  return `: ${line.length > 120 ? `${line.slice(0, 119)}…` : line}`
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date = new Date()): number | null {
  if (header === null || header.trim() === '') return null
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime())
}

/** The system error code of a failed fetch (ECONNREFUSED, ENOTFOUND...), never its message: it may name the URL. */
function networkCode(err: unknown): string {
  let current: unknown = err
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code
    current = current.cause
  }
  return 'network error'
}

const formatSeconds = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`)

/** The URL and the parts of it that hold its secret: a server may echo the path in its answer. */
export function urlSecrets(url: string): string[] {
  try {
    const parsed = new URL(url)
    const path = `${parsed.pathname}${parsed.search}`
    return [url, ...(path.length > 1 ? [path] : []), ...parsed.pathname.split('/').filter((segment) => segment.length >= 12)]
  } catch {
    return [url]
  }
}

function fail(url: string, attempts: number, outcome: { readonly reason: string; readonly status?: number }): never {
  const reason = scrubSecrets(outcome.reason, urlSecrets(url))
  throw new RivetError('RIVET_NOTIFY_FAILED', `the notification was not delivered (${attempts} attempt${attempts === 1 ? '' : 's'}): ${reason}`, {
    details: { attempts, ...(outcome.status === undefined ? {} : { status: outcome.status }) },
  })
}
