/** `notifications:`: defaults, the webhook URL read from the environment only, and every refusal with its code. */
import { describe, expect, it } from 'vitest'
import { configJsonSchema, isLoopbackHost, parseConfig, type ConfigIssue, type ResolvedConfig } from '../../../src/config/index.js'
import { captureError, ORDERS_EXPORT } from './helpers.js'

const MARKER = 'T0MARKER/B0MARKER/hook-secret-77a1'
const SLACK_URL = `https://hooks.slack.com/services/${MARKER}`

const configText = (notifications: string): string =>
  `source:\n  type: postgres\n  url: postgresql://rivet@db.internal:5432/shop\nexports:\n${ORDERS_EXPORT}${notifications}`

const parse = (notifications: string, env: NodeJS.ProcessEnv): ResolvedConfig => parseConfig(configText(notifications), { configPath: '/etc/rivet/rivet.yaml', env })

/** The single issue a config produces; the whole error is checked for the marker on the way. */
function onlyIssue(notifications: string, env: NodeJS.ProcessEnv = {}): ConfigIssue {
  const err = captureError(() => parse(notifications, env))
  expect(err.code).toBe('RIVET_CONFIG_INVALID')
  expect(JSON.stringify({ json: err.toJSON(), message: err.message, stack: err.stack })).not.toContain('hook-secret-77a1')
  expect(err.items.map((i) => `${i.code} at ${i.path}`)).toHaveLength(1)
  return err.items[0] as ConfigIssue
}

const SLACK = 'notifications:\n  slack:\n    webhook_url_env: SLACK_WEBHOOK_URL\n'

describe('notifications: resolved', () => {
  it('is null without the block', () => {
    expect(parse('', {}).notifications).toBeNull()
  })

  it('reads the URL from the environment; every event and no mention by default', () => {
    const slack = parse(SLACK, { SLACK_WEBHOOK_URL: `  ${SLACK_URL}\n` }).notifications?.slack
    expect(slack).toEqual({ webhookUrlEnv: 'SLACK_WEBHOOK_URL', webhookUrl: SLACK_URL, on: ['failure', 'schema_change', 'degraded'], mention: null })
  })

  it('takes a subset of events and a mention', () => {
    const slack = parse(`${SLACK}    on: [failure, degraded]\n    mention: here\n`, { SLACK_WEBHOOK_URL: SLACK_URL }).notifications?.slack
    expect(slack?.on).toEqual(['failure', 'degraded'])
    expect(slack?.mention).toBe('here')
  })

  it.each(['http://127.0.0.1:8123/hook', 'http://localhost/hook', 'http://[::1]:9000/x', 'http://127.5.6.7/x'])('accepts plain http to this machine: %s', (url) => {
    expect(parse(SLACK, { SLACK_WEBHOOK_URL: url }).notifications?.slack.webhookUrl).toBe(url)
  })

  it('is in the JSON Schema, with the events as an enum', () => {
    const schema = configJsonSchema() as { properties: Record<string, { properties: Record<string, { properties: Record<string, unknown> }> }> }
    const slack = schema.properties.notifications?.properties.slack?.properties
    expect(Object.keys(slack ?? {}).sort()).toEqual(['mention', 'on', 'webhook_url_env'])
    expect(JSON.stringify(slack?.on)).toContain('schema_change')
  })
})

describe('notifications: refused before anything runs', () => {
  it('an unset variable: RIVET_CONFIG_ENV_MISSING naming the variable', () => {
    const issue = onlyIssue(SLACK)
    expect(issue.code).toBe('RIVET_CONFIG_ENV_MISSING')
    expect(issue.path).toBe('notifications.slack.webhook_url_env')
    expect(issue.message).toContain('SLACK_WEBHOOK_URL')
    expect(issue.message).toContain('not set')
  })

  it('an empty variable: RIVET_CONFIG_ENV_MISSING', () => {
    const issue = onlyIssue(SLACK, { SLACK_WEBHOOK_URL: '  ' })
    expect(issue.code).toBe('RIVET_CONFIG_ENV_MISSING')
    expect(issue.message).toContain('empty')
  })

  it.each([
    ['plain http to another host', `http://hooks.slack.com/services/${MARKER}`, /https/],
    ['not a URL', `hooks.slack.com/services/${MARKER}`, /webhook URL/],
    ['another scheme', `ftp://hooks.slack.com/${MARKER}`, /https/],
    ['credentials in the URL', 'https://user:hook-secret-77a1@hooks.slack.com/services/x', /path/],
  ])('%s: RIVET_CONFIG_FORMAT with a hint, the URL never quoted', (_name, url, hint) => {
    const issue = onlyIssue(SLACK, { SLACK_WEBHOOK_URL: url })
    expect(issue.code).toBe('RIVET_CONFIG_FORMAT')
    expect(issue.path).toBe('notifications.slack.webhook_url_env')
    expect(issue.hint).toMatch(hint)
  })

  it('a URL written in the file: there is no such key', () => {
    const issue = onlyIssue(`notifications:\n  slack:\n    webhook_url: ${SLACK_URL}\n    webhook_url_env: SLACK_WEBHOOK_URL\n`, { SLACK_WEBHOOK_URL: SLACK_URL })
    expect(issue.code).toBe('RIVET_CONFIG_UNKNOWN_KEY')
    expect(issue.path).toBe('notifications.slack.webhook_url')
  })

  it.each([
    ['an unknown event', `${SLACK}    on: [failure, crash]\n`, 'RIVET_CONFIG_ENUM'],
    ['a repeated event', `${SLACK}    on: [failure, failure]\n`, 'RIVET_CONFIG_FORMAT'],
    ['an unknown mention', `${SLACK}    mention: everyone\n`, 'RIVET_CONFIG_ENUM'],
    ['no slack block', 'notifications: {}\n', 'RIVET_CONFIG_MISSING'],
    ['no variable name', 'notifications:\n  slack: { on: [failure] }\n', 'RIVET_CONFIG_MISSING'],
    ['a variable name that is not one', 'notifications:\n  slack: { webhook_url_env: "https://x" }\n', 'RIVET_CONFIG_FORMAT'],
  ])('%s: %s', (_name, yaml, code) => {
    expect(onlyIssue(yaml, { SLACK_WEBHOOK_URL: SLACK_URL }).code).toBe(code)
  })

  it('an empty event list is refused', () => {
    const err = captureError(() => parse(`${SLACK}    on: []\n`, { SLACK_WEBHOOK_URL: SLACK_URL }))
    expect(err.items.map((i) => i.path)).toContain('notifications.slack.on')
  })
})

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['[::1]', true],
    ['127.example.com', false],
    ['hooks.slack.com', false],
    ['10.0.0.1', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })
})
