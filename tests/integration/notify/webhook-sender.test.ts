/**
 * The webhook sender and the command notifier against a local HTTP receiver: retries, backoff,
 * Retry-After, timeouts, unreachable hosts, and the URL never in a message.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/index.js'
import type { ExportResult, RunReport } from '../../../src/engine/index.js'
import { isRivetError, RivetError } from '../../../src/errors/index.js'
import { notifyRunReport, sendWebhook, type SendWebhookOptions } from '../../../src/notify/index.js'
import { startHttpReceiver, unreachableUrl, type HttpReceiver } from '../../helpers/http-receiver.js'

const SECRET_PATH = '/services/T0NOTIFY/B0NOTIFY/url-marker-3b9f'
const MARKER = 'url-marker-3b9f'

let receiver: HttpReceiver
let url = ''
beforeAll(async () => {
  receiver = await startHttpReceiver()
  url = `${receiver.baseUrl}${SECRET_PATH}`
})
afterAll(() => receiver.close())

/** Delays the sender asked for; the test never actually waits them. */
let delays: number[] = []
const options = (over: SendWebhookOptions = {}): SendWebhookOptions => ({
  backoffMs: 1000,
  sleep: async (ms) => {
    delays.push(ms)
  },
  ...over,
})
let firstRequest = 0
beforeEach(() => {
  delays = []
  firstRequest = receiver.requests.length
})
const received = () => receiver.requests.slice(firstRequest)

/** The RIVET_NOTIFY_FAILED a promise rejects with, checked for the URL marker. */
async function failure(promise: Promise<unknown>): Promise<RivetError> {
  const err = await promise.then(
    () => {
      throw new Error('expected the delivery to fail')
    },
    (e: unknown) => e,
  )
  if (!isRivetError(err)) throw err
  expect(err.code).toBe('RIVET_NOTIFY_FAILED')
  const everything = JSON.stringify({ json: err.toJSON(), message: err.message, stack: err.stack, cause: String(err.cause) })
  expect(everything).not.toContain(MARKER)
  return err
}

describe('sendWebhook', () => {
  it('posts the body as JSON to the URL, once', async () => {
    const delivery = await sendWebhook(url, { text: 'hello' }, options())
    expect(delivery).toEqual({ attempts: 1, status: 200 })
    expect(received()).toHaveLength(1)
    const [req] = received()
    expect(req!.method).toBe('POST')
    expect(req!.path).toBe(SECRET_PATH)
    expect(req!.headers['content-type']).toBe('application/json')
    expect(JSON.parse(req!.body)).toEqual({ text: 'hello' })
  })

  it('retries a 5xx with doubling backoff and delivers on the third attempt', async () => {
    receiver.script({ status: 500, body: 'oops' }, { status: 503 })
    const delivery = await sendWebhook(url, { text: 'x' }, options())
    expect(delivery.attempts).toBe(3)
    expect(received()).toHaveLength(3)
    expect(delays).toEqual([1000, 2000])
  })

  it('gives up after 3 attempts of 5xx: RIVET_NOTIFY_FAILED with the status, without the URL', async () => {
    receiver.script({ status: 500, body: 'internal_error' }, { status: 500, body: 'internal_error' }, { status: 500, body: `internal_error at ${SECRET_PATH}` })
    const err = await failure(sendWebhook(url, { text: 'x' }, options()))
    expect(err.message).toMatch(/\(3 attempts\): HTTP 500: internal_error/)
    expect(err.details).toMatchObject({ attempts: 3, status: 500 })
    expect(err.exitCode).toBe(1)
    expect(received()).toHaveLength(3)
  })

  it('honours Retry-After on 429 (seconds), then delivers', async () => {
    receiver.script({ status: 429, headers: { 'retry-after': '7' }, body: 'rate_limited' })
    const delivery = await sendWebhook(url, { text: 'x' }, options())
    expect(delivery.attempts).toBe(2)
    expect(delays).toEqual([7000])
  })

  it('a 429 without Retry-After falls back to the backoff', async () => {
    receiver.script({ status: 429 })
    await sendWebhook(url, { text: 'x' }, options({ backoffMs: 250 }))
    expect(delays).toEqual([250])
  })

  it('a 429 asking for longer than the command waits ends the delivery at once', async () => {
    receiver.script({ status: 429, headers: { 'retry-after': '120' }, body: 'rate_limited' })
    const err = await failure(sendWebhook(url, { text: 'x' }, options()))
    expect(err.message).toContain('asked to wait 120 s')
    expect(received()).toHaveLength(1)
    expect(delays).toEqual([])
  })

  it.each([
    [404, 'no_service'],
    [400, 'invalid_payload'],
    [403, 'action_prohibited'],
  ])('a %i is not retried: the webhook is gone or the message refused', async (status, body) => {
    receiver.script({ status, body })
    const err = await failure(sendWebhook(url, { text: 'x' }, options()))
    expect(err.message).toContain(`(1 attempt): HTTP ${status}: ${body}`)
    expect(received()).toHaveLength(1)
  })

  it('a redirect is not followed (the body would go to another host)', async () => {
    receiver.script({ status: 302, headers: { location: `${receiver.baseUrl}/elsewhere` } })
    const err = await failure(sendWebhook(url, { text: 'x' }, options()))
    expect(err.message).toContain('HTTP 302 (a redirect, which is not followed)')
    expect(received().map((r) => r.path)).toEqual([SECRET_PATH])
  })

  it('a receiver that never answers times out on each attempt', async () => {
    receiver.script('hang', 'hang')
    const err = await failure(sendWebhook(url, { text: 'x' }, options({ timeoutMs: 300, attempts: 2 })))
    expect(err.message).toContain('(2 attempts): no answer within 0.3 s')
    expect(received()).toHaveLength(2)
    expect(delays).toEqual([1000])
  })

  it('an unreachable host: retried, then the error code only (no host, port or path)', async () => {
    const closed = await unreachableUrl(SECRET_PATH)
    const err = await failure(sendWebhook(closed, { text: 'x' }, options()))
    expect(err.message).toContain('(3 attempts): cannot reach the webhook host (ECONNREFUSED)')
    expect(err.message).not.toContain(new URL(closed).port)
    expect(delays).toEqual([1000, 2000])
  })
})

describe('notifyRunReport', () => {
  const config = (webhook: string, on = '') =>
    parseConfig(
      `source:\n  type: postgres\n  url: postgresql://etl:pw-marker-77@127.0.0.1:5432/test\nexports:\n  - name: orders\n    table: public.orders\n    format: csv\n    destination: { type: local, path: ./out }\nnotifications:\n  slack:\n    webhook_url_env: HOOK\n${on}`,
      { configPath: '/nonexistent/rivet-notify/rivet.yaml', env: { HOOK: webhook } },
    )
  const failed = (name: string): ExportResult =>
    ({
      exportName: name,
      runId: `run-${name}`,
      error: new RivetError('RIVET_SOURCE_NOT_FOUND', `relation "public.${name}" does not exist`),
      summary: { rows: 0, durationMs: 10, schemaDrift: null, schemaDriftPolicy: 'warn' },
    }) as unknown as ExportResult
  const report = (...results: ExportResult[]): RunReport => ({ configPath: '/nonexistent/rivet-notify/rivet.yaml', results, exitCode: 1, processPeakRssBytes: 0, stdoutTaken: false })

  it('sends one message for all failing exports', async () => {
    const warnings: string[] = []
    await notifyRunReport(report(failed('a'), failed('b'), failed('c')), 'run', { warn: (t) => warnings.push(t), config: config(url), send: options() })
    expect(warnings).toEqual([])
    expect(received()).toHaveLength(1)
    const body = JSON.parse(received()[0]!.body) as { text: string; blocks: unknown[] }
    expect(body.text).toContain('3 failed')
    for (const name of ['a', 'b', 'c']) expect(body.text).toContain(`${name} failed: RIVET_SOURCE_NOT_FOUND`)
    expect(received()[0]!.body).not.toContain('pw-marker-77')
  })

  it('sends nothing when the configured events did not happen', async () => {
    await notifyRunReport(report(failed('a')), 'run', { warn: () => undefined, config: config(url, '    on: [schema_change]\n'), send: options() })
    expect(received()).toHaveLength(0)
  })

  it('an undeliverable message is one warning on the warn channel, without the URL, and no exception', async () => {
    receiver.script({ status: 500 }, { status: 500 }, { status: 500 })
    const warnings: string[] = []
    await notifyRunReport(report(failed('a')), 'run', { warn: (t) => warnings.push(t), config: config(url), send: options() })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^warning: \[RIVET_NOTIFY_FAILED\] the notification was not delivered \(3 attempts\): HTTP 500\n {2}hint: /)
    expect(warnings.join('')).not.toContain(MARKER)
  })
})
