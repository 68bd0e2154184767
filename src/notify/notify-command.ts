/**
 * After a command: read the notification settings, build one message for all of the command's
 * events, and send it. Never throws and never changes the command's exit code or files: a message
 * that cannot be sent is a warning on stderr (RIVET_NOTIFY_FAILED) and, for runs, a journal event.
 */
import { hostname } from 'node:os'
import { loadConfig, type ResolvedConfig } from '../config/index.js'
import type { RunReport } from '../engine/index.js'
import { RivetError, toRivetError } from '../errors/index.js'
import type { CheckReport } from '../preflight/check.js'
import { checkEvents, runEvents, selectEvents, type NotifyEvent } from './events.js'
import { buildSlackPayload, scrubSecrets, type MessageContext } from './slack.js'
import { sendWebhook, urlSecrets, type SendWebhookOptions } from './webhook-sender.js'

/** Options of the notify functions. */
export interface NotifyOptions {
  /** Prints a warning (stderr in the CLI); the text ends with a newline. */
  readonly warn: (text: string) => void
  /** Delivery settings; the defaults are those documented in docs/notifications.md. */
  readonly send?: SendWebhookOptions
  /** The config, when the caller has it; otherwise it is read again from the report's path. */
  readonly config?: ResolvedConfig
}

/** Report the failures and schema changes of `rivet run` or `rivet apply`. */
export async function notifyRunReport(report: RunReport, command: 'run' | 'apply', options: NotifyOptions): Promise<void> {
  await notify(report.configPath, command, runEvents(report), report.results.length, options, true)
}

/** Report the Degraded and Unsafe verdicts of `rivet check`. */
export async function notifyCheckReport(report: CheckReport, options: NotifyOptions): Promise<void> {
  await notify(report.configPath, 'check', checkEvents(report), report.exports.length, options, false)
}

async function notify(configPath: string, command: MessageContext['command'], events: readonly NotifyEvent[], exportCount: number, options: NotifyOptions, journal: boolean): Promise<void> {
  // nothing to report: not even the config is read again
  if (events.length === 0) return
  const secrets: string[] = []
  let selected: NotifyEvent[] = []
  try {
    const config = options.config ?? loadConfig(configPath)
    const slack = config.notifications?.slack
    if (slack === undefined) return
    secrets.push(...urlSecrets(slack.webhookUrl), ...(config.source.connection.password === undefined ? [] : [config.source.connection.password]))
    selected = selectEvents(events, slack.on)
    const payload = buildSlackPayload(selected, { command, configPath: config.configPath, host: hostname(), at: new Date(), exportCount, mention: slack.mention, secrets })
    if (payload === null) return
    await sendWebhook(slack.webhookUrl, payload, options.send)
  } catch (err) {
    const warning = asNotifyError(err)
    const message = scrubSecrets(warning.message, secrets)
    options.warn(`warning: [${warning.code}] ${message}\n  hint: ${scrubSecrets(warning.hint, secrets)}\n`)
    if (journal) await recordInJournal(configPath, selected, `[${warning.code}] ${message}`, options.warn)
  }
}

function asNotifyError(err: unknown): RivetError {
  const error = toRivetError(err)
  if (error.code === 'RIVET_NOTIFY_FAILED') return error
  // the settings could not be read again (the config changed during the run...)
  return new RivetError('RIVET_NOTIFY_FAILED', `the notification was not sent: [${error.code}] ${error.message}`, { hint: error.hint })
}

/** Note the lost notification in the journal of each run it was about; a journal that cannot be written is only noted on stderr. */
async function recordInJournal(configPath: string, events: readonly NotifyEvent[], message: string, warn: (text: string) => void): Promise<void> {
  const runs = new Map<string, string>()
  for (const e of events) if (e.kind !== 'degraded') runs.set(e.runId, e.exportName)
  if (runs.size === 0) return
  try {
    // loaded on use: the state store's native module is not needed unless a delivery failed
    const { openExistingState } = await import('../state/index.js')
    const state = openExistingState(configPath)
    if (state === null) return
    try {
      for (const [runId, exportName] of runs) state.appendEvent(runId, exportName, { kind: 'warning', message, data: { code: 'RIVET_NOTIFY_FAILED' } })
    } finally {
      state.close()
    }
  } catch (err) {
    warn(`warning: could not record the failed notification in the run journal: ${toRivetError(err).message}\n`)
  }
}
