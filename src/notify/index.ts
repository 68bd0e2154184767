/**
 * Notifications: one Slack message per command for its failures, schema changes and degraded
 * checks. See docs/notifications.md.
 */
export { notifyCheckReport, notifyRunReport } from './notify-command.js'
export type { NotifyOptions } from './notify-command.js'
export { checkEvents, runEvents, selectEvents } from './events.js'
export type { DegradedEvent, FailureEvent, NotifyEvent, SchemaChangeEvent } from './events.js'
export { buildSlackPayload, clip, escapeSlack, fitLines, scrubSecrets, summarizeEvents, SLACK_LIMITS } from './slack.js'
export type { MessageContext, SlackBlock, SlackPayload } from './slack.js'
export { DEFAULT_MAX_RETRY_AFTER_MS, DEFAULT_WEBHOOK_ATTEMPTS, DEFAULT_WEBHOOK_BACKOFF_MS, DEFAULT_WEBHOOK_TIMEOUT_MS, retryAfterMs, sendWebhook } from './webhook-sender.js'
export type { SendWebhookOptions, WebhookDelivery } from './webhook-sender.js'
