import { Option } from 'clipanion'
import type { ExportProcessRunner, RunObserver, RunReport } from '../engine/index.js'
import { RivetCommand } from './base-command.js'
import { parseConnectionCap } from './connection-cap.js'
import { openProgressDisplay } from './progress/index.js'
import { renderRunJson, renderRunText, useColor } from './render/run-summary.js'
import { withInterruptSignal } from './signals.js'
import { checkSummaryOutput, saveRunSummary, withSummaryOnError } from './summary-output.js'

/** What a command that runs exports hands the engine: the interrupt, the progress display, how to start an export's process. */
export interface ExtractionIo {
  readonly signal: AbortSignal
  readonly log: (line: string) => void
  readonly observer: RunObserver
  readonly exportProcess: ExportProcessRunner
  /** Set by a parent run for its export processes. */
  readonly connectionCap: number | undefined
}

/** How one command runs its exports. */
export interface Extraction {
  readonly command: 'run' | 'apply'
  /** The config a summary written before the run started names (null when not known yet). */
  readonly summaryConfig: string | null
  /** The rivet command an export's process runs, without the options every child gets. */
  readonly childCommand: (exportName: string) => readonly string[]
  readonly start: (io: ExtractionIo) => Promise<RunReport>
}

/**
 * The part `rivet run` and `rivet apply` share: the progress flags and display, the interrupt, the
 * export processes, then the report, the notification and the summary file.
 */
export abstract class ExtractionCommand extends RivetCommand {
  json = Option.Boolean('--json', false, { description: 'Print the run report as JSON on stdout, and progress as NDJSON events on stderr (errors too); with the data on stdout, the report is the last event' })
  quiet = Option.Boolean('-q,--quiet', false, { description: 'No progress and no messages on stderr while the run goes on (errors and the report still come)' })
  progressInterval = Option.String('--progress-interval', { description: 'Seconds between progress lines off a terminal (default 10) or progress events with --json (default 1)' })
  summaryOutput = Option.String('--summary-output', { description: 'Also write the run summary of every export as JSON to this file (atomically, also when the command fails)' })
  connectionCap = Option.String('--connection-cap', { hidden: true, description: 'Readers each export may open at once (set by a parent run for its export processes)' })

  protected async extract(extraction: Extraction): Promise<number> {
    const summaryPath = this.summaryOutput === undefined ? null : checkSummaryOutput(this.summaryOutput)
    if (this.json) this.jsonErrors = true
    const display = openProgressDisplay(this, this.context.stderr)
    const log = (line: string) => display.log(line)
    const connectionCap = this.connectionCap === undefined ? undefined : parseConnectionCap(this.connectionCap)
    // loaded on use: `rivet --help` and friends should not pay for the engine's modules
    const { exportProcessRunner, isExportProcess, stopWithParent } = await import('./export-processes.js')
    // an export's process started by a parent run does not outlive it
    if (isExportProcess()) stopWithParent()
    const execute = () =>
      withInterruptSignal(
        (signal) =>
          extraction.start({ signal, log, observer: display.observer, exportProcess: exportProcessRunner({ commandFor: extraction.childCommand, display, signal }), connectionCap }),
        log,
      )
    // a run that stops before its first export still leaves a summary (with the error) behind
    let report: RunReport | undefined
    try {
      report = await withSummaryOnError(summaryPath, extraction.summaryConfig, execute, (error) => this.reportError(error))
    } finally {
      display.close(report)
    }
    // with the data on stdout, the report goes to stderr
    const stream = report.stdoutTaken ? this.context.stderr : this.context.stdout
    // (with --json, the event that ended the progress stream on stderr carried it)
    if (!(this.json && report.stdoutTaken)) stream.write(this.json ? renderRunJson(report) : renderRunText(report, { color: useColor(stream) }))
    if (!this.json) for (const r of report.results) if (r.error) this.reportError(r.error)
    // an export's process leaves the notifying to its parent: one message for the whole run
    if (!isExportProcess()) await (await import('../notify/index.js')).notifyRunReport(report, extraction.command, { warn: (text) => this.err(text) })
    return saveRunSummary(summaryPath, report, (error) => this.reportError(error))
  }
}
