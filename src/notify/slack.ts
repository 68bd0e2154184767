/**
 * One Slack message (Block Kit, with a plain-text fallback in `text`) for all the events of one
 * command. Pure: the same events and context always give the same payload.
 *
 * Slack limits: 50 blocks per message, 3000 characters per section, 150 per header. Long lists
 * are cut with "…and N more", and the blocks stay under a total text budget, so 40 failing exports
 * still make one message Slack accepts.
 */
import type { SlackMention } from '../config/index.js'
import type { DegradedEvent, FailureEvent, NotifyEvent, SchemaChangeEvent } from './events.js'

/** Limits the builder keeps to. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  /** All block texts together; Slack refuses much longer messages even when each block fits. */
  totalText: 12_000,
  fallbackText: 3000,
} as const

/** Characters kept back for the overflow line while events are added. */
const OVERFLOW_RESERVE = 1000
/** Below this, an event's section would be cut to its first line: it goes to the overflow line instead. */
const MIN_SECTION = 400

/** Where the events come from: printed in the message's context line. */
export interface MessageContext {
  readonly command: 'run' | 'apply' | 'check'
  readonly configPath: string
  readonly host: string
  readonly at: Date
  /** How many exports the command covered. */
  readonly exportCount: number
  readonly mention: SlackMention | null
  /** Text that must never reach the message (the source password, the webhook URL): replaced by `***`. */
  readonly secrets: readonly string[]
}

interface TextObject {
  readonly type: 'plain_text' | 'mrkdwn'
  readonly text: string
}

/** The blocks this builder uses. */
export type SlackBlock =
  | { readonly type: 'header'; readonly text: TextObject }
  | { readonly type: 'section'; readonly text: TextObject }
  | { readonly type: 'context'; readonly elements: readonly TextObject[] }

/** The JSON body of an incoming-webhook POST. */
export interface SlackPayload {
  /** Plain-text fallback: shown in notifications and by clients without blocks. */
  readonly text: string
  readonly blocks: readonly SlackBlock[]
}

/** Escape the three characters Slack treats as control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Replace every secret by `***` (longest first, so a URL goes before the password inside it). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('***')
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret) out = out.split(encoded).join('***')
  }
  return out
}

/** Cut text to at most `max` characters, ending with `…`; never splits a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  let cut = Math.max(0, max - 1)
  const code = text.charCodeAt(cut - 1)
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1
  return `${text.slice(0, cut)}…`
}

/** Escaped text of at most `max` characters (the escapes counted), without a broken `&amp;`. */
function escapedClip(raw: string, max: number): string {
  let out = escapeSlack(raw)
  let keep = raw.length
  while (out.length > max && keep > 0) {
    keep = Math.max(0, keep - Math.max(1, out.length - max))
    out = escapeSlack(clip(raw, keep))
  }
  return out
}

/** Head lines, then as many item lines as fit in `max`, then "…and N more". */
export function fitLines(head: readonly string[], items: readonly string[], max: number): string {
  const lines = [...head]
  let length = lines.join('\n').length
  for (let i = 0; i < items.length; i++) {
    const rest = items.length - i - 1
    const more = rest > 0 ? `\n…and ${rest} more` : ''
    if (length + 1 + items[i].length + more.length > max) {
      lines.push(`…and ${items.length - i} more`)
      return clip(lines.join('\n'), max)
    }
    lines.push(items[i])
    length += 1 + items[i].length
  }
  return clip(lines.join('\n'), max)
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)} s`
  const m = Math.floor(s / 60)
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`
}

const POLICY_OUTCOME: Record<SchemaChangeEvent['policy'], string> = {
  warn: 'the run went on with a warning',
  continue: 'the run went on',
  fail: 'the run stopped before writing a data file (exit 4)',
}

/** `numeric(10,2)`: the source type, or the file type when the source type did not change. */
function typeLabel(t: { readonly type: string; readonly sourceType: string }): string {
  return t.sourceType !== '' ? t.sourceType : t.type
}

function failureSection(e: FailureEvent, scrub: (s: string) => string, max: number): string {
  const head = [
    `:x: *${escapeSlack(e.exportName)}* failed — \`${e.code}\``,
    escapedClip(scrub(e.message), Math.min(1500, max / 2)),
    `_Hint:_ ${escapedClip(scrub(e.hint), 500)}`,
    `Run \`${escapeSlack(e.runId)}\` · ${e.rows.toLocaleString('en-US')} rows read · ${formatDuration(e.durationMs)}`,
  ]
  return clip(head.join('\n'), max)
}

function schemaChangeSection(e: SchemaChangeEvent, scrub: (s: string) => string, max: number): string {
  const { drift } = e
  const name = (n: string) => `\`${escapedClip(scrub(n), 200)}\``
  const items = [
    ...drift.added.map((c) => `• added ${name(c.name)} ${escapeSlack(typeLabel(c))}`),
    ...drift.removed.map((c) => `• removed ${name(c.name)} ${escapeSlack(typeLabel(c))}`),
    ...drift.retyped.map((c) => {
      const same = c.from.sourceType === c.to.sourceType
      return `• retyped ${name(c.name)} ${escapeSlack(same ? c.from.type : typeLabel(c.from))} → ${escapeSlack(same ? c.to.type : typeLabel(c.to))}`
    }),
  ]
  const counts = [
    drift.added.length > 0 ? `${drift.added.length} added` : '',
    drift.removed.length > 0 ? `${drift.removed.length} removed` : '',
    drift.retyped.length > 0 ? `${drift.retyped.length} retyped` : '',
  ].filter(Boolean)
  const head = [
    `:warning: *${escapeSlack(e.exportName)}*: schema change (${counts.join(', ')}) since run \`${escapeSlack(drift.baselineRunId)}\``,
    `on_schema_drift: \`${e.policy}\` — ${POLICY_OUTCOME[e.policy]} · run \`${escapeSlack(e.runId)}\``,
  ]
  return fitLines(head, items, max)
}

function degradedSection(e: DegradedEvent, scrub: (s: string) => string, max: number): string {
  const icon = e.verdict === 'Unsafe' ? ':red_circle:' : ':large_orange_diamond:'
  const head = [`${icon} *${escapeSlack(e.exportName)}* is *${e.verdict}* (${escapedClip(scrub(e.source), 200)})`]
  if (e.fix !== null) head.push(`Fix: \`${escapedClip(scrub(e.fix), 600)}\``)
  const items = e.reasons.map((r) => `• ${escapedClip(scrub(r), 600)}`)
  // the fix reads best last, but must survive a long list of reasons: it stays in the head
  return fitLines(head, items, max)
}

function eventSection(e: NotifyEvent, scrub: (s: string) => string, max: number): string {
  switch (e.kind) {
    case 'failure':
      return failureSection(e, scrub, max)
    case 'schema_change':
      return schemaChangeSection(e, scrub, max)
    case 'degraded':
      return degradedSection(e, scrub, max)
  }
}

/** `2 failed, 1 schema change`: the counts by kind, for the header and the fallback. */
export function summarizeEvents(events: readonly NotifyEvent[]): string {
  const failures = events.filter((e) => e.kind === 'failure').length
  const changes = events.filter((e) => e.kind === 'schema_change').length
  const degraded = events.filter((e) => e.kind === 'degraded' && e.verdict === 'Degraded').length
  const unsafe = events.filter((e) => e.kind === 'degraded' && e.verdict === 'Unsafe').length
  const parts = [
    failures > 0 ? `${failures} failed` : '',
    changes > 0 ? plural(changes, 'schema change', 'schema changes') : '',
    unsafe > 0 ? `${unsafe} unsafe` : '',
    degraded > 0 ? `${degraded} degraded` : '',
  ].filter(Boolean)
  return parts.join(', ')
}

/** One short line per event, for the plain-text fallback and the overflow list. */
function eventLine(e: NotifyEvent): string {
  switch (e.kind) {
    case 'failure':
      return `${e.exportName} failed: ${e.code}`
    case 'schema_change':
      return `${e.exportName}: schema change (${e.policy})`
    case 'degraded':
      return `${e.exportName}: ${e.verdict}`
  }
}

function mentionText(context: MessageContext, events: readonly NotifyEvent[]): string | null {
  return context.mention !== null && events.some((e) => e.kind === 'failure') ? `<!${context.mention}>` : null
}

/** The message for the events of one command; an empty list gives no message (null). */
export function buildSlackPayload(events: readonly NotifyEvent[], context: MessageContext): SlackPayload | null {
  if (events.length === 0) return null
  const scrub = (s: string) => scrubSecrets(s, context.secrets)
  const summary = summarizeEvents(events)
  const title = `Rivet ${context.command}: ${summary}`
  const when = `${context.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
  const where = `\`rivet ${context.command}\` on *${escapedClip(context.host, 200)}* · ${plural(context.exportCount, 'export', 'exports')} · ${when}\nconfig \`${escapedClip(scrub(context.configPath), 600)}\``
  const mention = mentionText(context, events)
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, SLACK_LIMITS.headerText) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: where }] },
  ]
  if (mention !== null) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${mention} ${escapeSlack(summary)}` } })
  let budget = SLACK_LIMITS.totalText - blocks.reduce((n, b) => n + blockLength(b), 0)
  let shown = 0
  for (const [i, event] of events.entries()) {
    const last = i === events.length - 1
    // unless this is the last event, room stays for the overflow line
    if (SLACK_LIMITS.blocks - blocks.length - (last ? 0 : 1) < 1) break
    const available = Math.min(SLACK_LIMITS.sectionText, budget - (last ? 0 : OVERFLOW_RESERVE))
    // a section cut to a sliver of its head is worse than the overflow line
    if (available < MIN_SECTION) break
    const text = eventSection(event, scrub, available)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } })
    budget -= text.length
    shown++
  }
  const hidden = events.slice(shown)
  if (hidden.length > 0) {
    const where = context.command === 'check' ? '`rivet check` prints every verdict' : '`rivet journal -c CONFIG -e EXPORT` has every run'
    const head = [`…and ${hidden.length} more not shown here (${where}):`]
    const max = Math.min(SLACK_LIMITS.sectionText, Math.max(OVERFLOW_RESERVE, budget))
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fitLines(head, hidden.map((e) => `• ${escapeSlack(eventLine(e))}`), max) } })
  }
  return { text: fallbackText(events, context, mention, summary), blocks }
}

function blockLength(block: SlackBlock): number {
  return block.type === 'context' ? block.elements.reduce((n, e) => n + e.text.length, 0) : block.text.text.length
}

function fallbackText(events: readonly NotifyEvent[], context: MessageContext, mention: string | null, summary: string): string {
  const first = `${mention !== null ? `${mention} ` : ''}Rivet ${context.command} on ${escapeSlack(context.host)}: ${escapeSlack(summary)}`
  return fitLines([clip(first, 500)], events.map((e) => `- ${escapeSlack(scrubSecrets(eventLine(e), context.secrets))}`), SLACK_LIMITS.fallbackText)
}
