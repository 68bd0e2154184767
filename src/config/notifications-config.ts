/**
 * `notifications:`: its schema and its resolution. The webhook URL is a secret: it is read only
 * from the environment, checked here, and never put in a message.
 */
import { getArray, getObject, getString, type CleanObject } from './clean-tree.js'
import type { ResolveContext } from './connection.js'
import { list, nested, object, oneOf, str, type ObjectSpec } from './schema-dsl.js'
import { NOTIFY_EVENTS, SLACK_MENTIONS, type NotifyEventKind, type ResolvedNotifications, type SlackMention } from './types.js'

/** `notifications.slack`. */
export const SLACK_NOTIFICATIONS_SPEC: ObjectSpec = object(
  'notifications.slack',
  'Post one message to a Slack channel through an incoming webhook after `rivet run`, `rivet apply` and `rivet check`, covering every export of the command. A message that cannot be delivered is a warning (`RIVET_NOTIFY_FAILED`) and never changes the exit code. See docs/notifications.md.',
  {
    webhook_url_env: str('Name of the environment variable that holds the webhook URL (`https://hooks.slack.com/services/...`). The URL is only ever taken from the environment and never printed. Every command that reads the config refuses to start when the variable is unset (`RIVET_CONFIG_ENV_MISSING`) or is not an `https://` URL (`http://` only to this machine).', {
      required: true,
      format: 'env-name',
      examples: ['SLACK_WEBHOOK_URL'],
    }),
    on: list({ kind: 'enum', values: NOTIFY_EVENTS }, 'Events that send a message: `failure` (an export of `rivet run` or `rivet apply` failed), `schema_change` (a run saw its columns change, whatever `on_schema_drift` says), `degraded` (`rivet check` judged an export Degraded or Unsafe).', {
      minItems: 1,
      uniqueItems: true,
      default: [...NOTIFY_EVENTS],
      examples: [['failure']],
    }),
    mention: oneOf(SLACK_MENTIONS, 'Start a message that reports a failure with `@here` or `@channel`.', { defaultNote: 'unset (no mention)' }),
  },
)

/** `notifications`. */
export const NOTIFICATIONS_SPEC: ObjectSpec = object('notifications', 'Where Rivet reports failures, schema changes and degraded checks.', {
  slack: nested(SLACK_NOTIFICATIONS_SPEC, { required: true }),
})

/** Host names that reach this machine only: plain `http://` is allowed to them (a local relay, tests). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/** What is wrong with a webhook URL, in words that never quote it; null when it is usable. */
export function webhookUrlProblem(text: string): { problem: string; hint: string } | null {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { problem: 'is not a URL', hint: 'set it to the webhook URL Slack shows for the app, https://hooks.slack.com/services/...' }
  }
  if (url.username !== '' || url.password !== '') return { problem: 'is a URL with a user name or password in it', hint: 'a Slack webhook URL carries its secret in the path, not as credentials' }
  if (url.protocol === 'https:') return null
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return null
  if (url.protocol === 'http:') return { problem: 'is a plain http:// URL to another host', hint: 'Slack webhooks are https://; plain http:// is accepted only to this machine (localhost, 127.0.0.1, ::1)' }
  return { problem: `is a ${url.protocol}// URL`, hint: 'Slack webhooks are https:// URLs' }
}

/** Resolve `notifications`; null when the file has none or a problem was recorded. */
export function resolveNotifications(config: CleanObject, ctx: ResolveContext): ResolvedNotifications | null {
  const slack = getObject(getObject(config, 'notifications'), 'slack')
  const envName = getString(slack, 'webhook_url_env')
  if (slack === undefined || envName === undefined) return null
  const path = ['notifications', 'slack', 'webhook_url_env']
  const value = ctx.env[envName]
  if (value === undefined || value.trim() === '') {
    ctx.issues.add('RIVET_CONFIG_ENV_MISSING', path, `notifications.slack.webhook_url_env names ${envName}, which is ${value === undefined ? 'not set' : 'empty'}`, `export ${envName} with the Slack webhook URL before running rivet, or remove notifications: (alerts that cannot be sent are refused up front)`)
    return null
  }
  const problem = webhookUrlProblem(value.trim())
  if (problem !== null) {
    ctx.issues.add('RIVET_CONFIG_FORMAT', path, `notifications.slack.webhook_url_env names ${envName}, whose value ${problem.problem}`, problem.hint)
    return null
  }
  const on = getArray(slack, 'on').filter((e): e is NotifyEventKind => typeof e === 'string' && (NOTIFY_EVENTS as readonly string[]).includes(e))
  return {
    slack: {
      webhookUrlEnv: envName,
      webhookUrl: value.trim(),
      on: on.length > 0 ? on : [...NOTIFY_EVENTS],
      mention: (getString(slack, 'mention') as SlackMention | undefined) ?? null,
    },
  }
}
