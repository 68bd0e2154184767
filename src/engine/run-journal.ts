import type { JournalEventInput, JournalEventKind, StateStore } from '../state/index.js'
import { toRivetError } from '../errors/index.js'
import type { RetryNotice } from './retry.js'

/**
 * The journal of one run: what happened, in order (plan, files, chunks, retries, warnings,
 * outcome), kept in the state store so `rivet journal` can tell it after the fact. It also
 * counts the run's retries for the run's statistics.
 */
export class RunJournal {
  retries = 0
  /** Every warning logged, in order (for the run summary). */
  readonly warnings: string[] = []
  private broken = false

  constructor(
    private readonly state: StateStore,
    readonly runId: string,
    readonly exportName: string,
    private readonly sink: (line: string) => void,
  ) {}

  /** Record an event. A journal that cannot be written is reported once and never fails the run. */
  record(kind: JournalEventKind, message: string, data?: Record<string, unknown>): void {
    const event: JournalEventInput = data === undefined ? { kind, message } : { kind, message, data }
    try {
      this.state.appendEvent(this.runId, this.exportName, event)
    } catch (err) {
      if (this.broken) return
      this.broken = true
      this.sink(`export ${this.exportName}: warning: could not write the run journal: ${toRivetError(err).message}`)
    }
  }

  /** A log function that also journals the lines that carry a warning. */
  readonly log = (line: string): void => {
    this.sink(line)
    const at = line.indexOf('warning: ')
    if (at < 0) return
    const warning = line.slice(at + 'warning: '.length)
    this.warnings.push(warning)
    this.record('warning', warning)
  }

  /** Log and journal one retry; `scope` says what is tried again ('the export' or 'chunk 3'). */
  retry(scope: string, notice: RetryNotice, chunk?: number): void {
    this.retries++
    const { error, nextAttempt, maxAttempts, delayMs } = notice
    this.sink(`export ${this.exportName}: ${scope} failed (${error.code}: ${error.message}); retry: attempt ${nextAttempt} of ${maxAttempts} in ${delayMs} ms`)
    this.record('retry', `${scope}: ${error.code}: ${error.message}`, {
      scope: chunk === undefined ? 'export' : 'chunk',
      ...(chunk === undefined ? {} : { chunk }),
      attempt: nextAttempt,
      maxAttempts,
      delayMs,
      code: error.code,
    })
  }
}
