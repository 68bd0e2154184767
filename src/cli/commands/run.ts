import { resolve } from 'node:path'
import { Command, Option } from 'clipanion'
import { RivetCommand } from '../base-command.js'
import { parseConnectionCap } from '../connection-cap.js'
import type { RunReport } from '../../engine/index.js'
import { openProgressDisplay } from '../progress/index.js'
import { renderRunJson, renderRunText, useColor } from '../render/run-summary.js'
import { withInterruptSignal } from '../signals.js'
import { checkSummaryOutput, saveRunSummary, withSummaryOnError } from '../summary-output.js'

/** `rivet run`: run the exports of a config. */
export class RunCommand extends RivetCommand {
  static override paths = [['run']]
  static override usage = Command.Usage({
    category: 'Extraction',
    description: 'run the exports of a config',
    details: `
      Reads each export's table or query in one consistent snapshot, with only short statements on the source, and publishes Parquet or CSV files atomically. Every run and file is recorded in the state file next to the config (.rivet_state.db).

      While it runs, a terminal shows one live card per running export (rows, rows/s, bytes, chunks, ETA, the statement open now, memory), redrawn in place; off a terminal a progress line per export comes every --progress-interval seconds (default 10); --json turns stderr into NDJSON events; --quiet prints nothing until the report.

      Every export ends with a summary card: rows, files, bytes, duration, peak memory, retries, warnings, schema drift, shape growth, quality checks and the error of a failed run. With --summary-output FILE the same summaries are written to FILE as JSON, also when the run fails; a failed run keeps its own exit code when FILE cannot be written, a completed one then exits 1 with RIVET_SUMMARY_WRITE.

      Exit codes: 0 ok, 1 config or generic error, 2 retryable (run again), 3 data integrity, 4 schema drift.
    `,
    examples: [
      ['Run every export', '$0 run -c rivet.yaml'],
      ['Run two exports', '$0 run -c rivet.yaml -e orders -e customers'],
      ['Run every export at once, each in its own process', '$0 run -c rivet.yaml --parallel-export-processes'],
      ['Progress as NDJSON events on stderr, a line every 5 s', '$0 run -c rivet.yaml --json --progress-interval 5 2> events.ndjson'],
      ['Machine-readable report on stdout', '$0 run -c rivet.yaml --json'],
      ['Continue an interrupted checkpointed chunked run', '$0 run -c rivet.yaml -e orders --resume'],
      ['Keep the run summary as JSON for a scheduler', '$0 run -c rivet.yaml --summary-output run-summary.json'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  exports = Option.Array('-e,--export', [], { description: 'Run only this export (repeatable)' })
  json = Option.Boolean('--json', false, { description: 'Print the run report as JSON on stdout, and progress as NDJSON events on stderr (errors too); with the data on stdout, the report is the last event' })
  quiet = Option.Boolean('-q,--quiet', false, { description: 'No progress and no messages on stderr while the run goes on (errors and the report still come)' })
  progressInterval = Option.String('--progress-interval', { description: 'Seconds between progress lines off a terminal (default 10) or progress events with --json (default 1)' })
  resume = Option.Boolean('--resume', false, { description: 'Continue the interrupted run of each checkpointed chunked export, skipping its completed chunks' })
  parallelExports = Option.Boolean('--parallel-exports', false, { description: "Run the selected exports at the same time, within the source's connection budget and the memory budget, longest first" })
  parallelExportProcesses = Option.Boolean('--parallel-export-processes', false, { description: 'Like --parallel-exports, with each export in a process of its own (a crash or a memory blow-up stays in its process); the live progress follows them all' })
  connectionCap = Option.String('--connection-cap', { hidden: true, description: 'Readers each export may open at once (set by a parent run for its export processes)' })
  summaryOutput = Option.String('--summary-output', { description: 'Also write the run summary of every export as JSON to this file (atomically, also when the run fails)' })

  protected async run(): Promise<number> {
    const summaryPath = this.summaryOutput === undefined ? null : checkSummaryOutput(this.summaryOutput)
    // loaded on use: `rivet --help` and friends should not pay for the engine's modules
    const { runExports } = await import('../../engine/index.js')
    if (this.json) this.jsonErrors = true
    const display = openProgressDisplay(this, this.context.stderr)
    const log = (line: string) => display.log(line)
    const connectionCap = this.connectionCap === undefined ? undefined : parseConnectionCap(this.connectionCap)
    const { exportProcessRunner, isExportProcess, stopWithParent } = await import('../export-processes.js')
    // an export's process started by a parent run does not outlive it
    if (isExportProcess()) stopWithParent()
    const execute = () =>
      withInterruptSignal((signal) =>
        runExports({
          configPath: this.config,
          exports: this.exports,
          signal,
          resume: this.resume,
          parallelExports: this.parallelExports,
          parallelExportProcesses: this.parallelExportProcesses,
          exportProcess: exportProcessRunner({ commandFor: (name) => ['run', '-c', resolve(this.config), '-e', name, ...(this.resume ? ['--resume'] : [])], display, signal }),
          connectionCap,
          log,
          observer: display.observer,
        }),
        log,
      )
    // a run that stops before its first export still leaves a summary (with the error) behind
    let report: RunReport | undefined
    try {
      report = await withSummaryOnError(summaryPath, resolve(this.config), execute, (error) => this.reportError(error))
    } finally {
      display.close(report)
    }
    // with the data on stdout, the report goes to stderr
    const stream = report.stdoutTaken ? this.context.stderr : this.context.stdout
    // (with --json, the event that ended the progress stream on stderr carried it)
    if (!(this.json && report.stdoutTaken)) stream.write(this.json ? renderRunJson(report) : renderRunText(report, { color: useColor(stream) }))
    if (!this.json) for (const r of report.results) if (r.error) this.reportError(r.error)
    // an export's process leaves the notifying to its parent run: one message for the whole run
    if (!isExportProcess()) await (await import('../../notify/index.js')).notifyRunReport(report, 'run', { warn: (text) => this.err(text) })
    return saveRunSummary(summaryPath, report, (error) => this.reportError(error))
  }
}
