/**
 * What a command has to report, as data: the failures and schema changes of a run, the Degraded
 * and Unsafe verdicts of a check. Pure functions of the command's report; no I/O.
 */
import type { NotifyEventKind } from '../config/index.js'
import type { RunReport } from '../engine/index.js'
import type { CheckReport } from '../preflight/check.js'
import type { SchemaDrift, SchemaDriftPolicy } from '../quality/index.js'

/** An export of `rivet run` or `rivet apply` failed. */
export interface FailureEvent {
  readonly kind: 'failure'
  readonly exportName: string
  readonly runId: string
  readonly code: string
  /** Already redacted by the engine; scrubbed once more before sending. */
  readonly message: string
  readonly hint: string
  /** Rows the run had read when it stopped. */
  readonly rows: number
  readonly durationMs: number
}

/** A run saw its columns differ from the last completed run's (any `on_schema_drift` policy). */
export interface SchemaChangeEvent {
  readonly kind: 'schema_change'
  readonly exportName: string
  readonly runId: string
  readonly policy: SchemaDriftPolicy
  readonly drift: SchemaDrift
}

/** `rivet check` judged an export Degraded or Unsafe. */
export interface DegradedEvent {
  readonly kind: 'degraded'
  readonly exportName: string
  readonly verdict: 'Degraded' | 'Unsafe'
  /** `"public"."orders"`, or `query`. */
  readonly source: string
  readonly reasons: readonly string[]
  /** The index that would fix it, when one is missing. */
  readonly fix: string | null
}

/** Anything a notification reports. */
export type NotifyEvent = FailureEvent | SchemaChangeEvent | DegradedEvent

/** The failures and schema changes of a run, in export order (a failure before the export's drift). */
export function runEvents(report: Pick<RunReport, 'results'>): NotifyEvent[] {
  const events: NotifyEvent[] = []
  for (const result of report.results) {
    const { summary } = result
    if (result.error !== null) {
      events.push({
        kind: 'failure',
        exportName: result.exportName,
        runId: result.runId,
        code: result.error.code,
        message: result.error.message,
        hint: result.error.hint,
        rows: summary.rows,
        durationMs: summary.durationMs,
      })
    }
    if (summary.schemaDrift !== null) {
      events.push({ kind: 'schema_change', exportName: result.exportName, runId: result.runId, policy: summary.schemaDriftPolicy, drift: summary.schemaDrift })
    }
  }
  return events
}

/** The exports a check judged Degraded or Unsafe (an export that could not be checked is Unsafe). */
export function checkEvents(report: Pick<CheckReport, 'exports'>): NotifyEvent[] {
  return report.exports.flatMap((e): NotifyEvent[] =>
    e.verdict === 'Degraded' || e.verdict === 'Unsafe' ? [{ kind: 'degraded', exportName: e.export, verdict: e.verdict, source: e.source, reasons: [...e.reasons], fix: e.indexHint }] : [],
  )
}

/** The events of the kinds a config asks for (`notifications.slack.on`). */
export function selectEvents(events: readonly NotifyEvent[], on: readonly NotifyEventKind[]): NotifyEvent[] {
  return events.filter((e) => on.includes(e.kind))
}
