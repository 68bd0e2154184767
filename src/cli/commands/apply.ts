import { resolve } from 'node:path'
import { Command, Option } from 'clipanion'
import { RivetCommand } from '../base-command.js'
import { parseConnectionCap } from '../connection-cap.js'
import type { RunReport } from '../../engine/index.js'
import { openProgressDisplay } from '../progress/index.js'
import { renderRunJson, renderRunText, useColor } from '../render/run-summary.js'
import { withInterruptSignal } from '../signals.js'
import { checkSummaryOutput, saveRunSummary, withSummaryOnError } from '../summary-output.js'

/** `rivet apply`: execute a sealed plan written by `rivet plan`, exactly as planned. */
export class ApplyCommand extends RivetCommand {
  static override paths = [['apply']]
  static override usage = Command.Usage({
    category: 'Extraction',
    description: 'execute a plan written by `rivet plan`, exactly as planned',
    details: `
      Checks the plan first and refuses it, writing nothing, when its signature does not match (RIVET_PLAN_TAMPERED), when it is older than 24 hours and --force is not given (RIVET_PLAN_EXPIRED), when the config file or its source changed since planning (RIVET_PLAN_STALE), or when another run moved the cursor of an incremental export (RIVET_PLAN_CURSOR_MOVED). Then runs the plan's exports with its chunk ranges and cursor snapshots, recorded in the state file like \`rivet run\`, and prints the same report: a summary card per export. --summary-output FILE writes the summaries as JSON, like \`rivet run\` (also when the plan is refused: then with the error and no exports).

      Exit codes as \`rivet run\`: 0 ok, 1 config or generic error (every refusal), 2 retryable, 3 data integrity, 4 schema drift.
    `,
    examples: [
      ['Apply a reviewed plan', '$0 apply plan.json'],
      ['Apply a plan older than 24 hours, report as JSON', '$0 apply plan.json --force --json'],
      ['Keep the run summary as JSON for a scheduler', '$0 apply plan.json --summary-output run-summary.json'],
      ['Apply every export of the plan at once, each in its own process', '$0 apply plan.json --parallel-export-processes'],
    ],
  })

  plan = Option.String({ name: 'plan.json' })
  config = Option.String('-c,--config', { description: "Read this config instead of the plan's config_path (same bytes required; its state file must hold the signing secret)" })
  force = Option.Boolean('--force', false, { description: 'Apply a plan older than 24 hours (no other check is skipped)' })
  json = Option.Boolean('--json', false, { description: 'Print the run report as JSON on stdout, and progress as NDJSON events on stderr (errors too); with the data on stdout, the report is the last event' })
  quiet = Option.Boolean('-q,--quiet', false, { description: 'No progress and no messages on stderr while the run goes on (errors and the report still come)' })
  progressInterval = Option.String('--progress-interval', { description: 'Seconds between progress lines off a terminal (default 10) or progress events with --json (default 1)' })
  parallelExportProcesses = Option.Boolean('--parallel-export-processes', false, { description: "Run the plan's exports at the same time, each in a process of its own (as `rivet run --parallel-export-processes`)" })
  connectionCap = Option.String('--connection-cap', { hidden: true, description: 'Readers each export may open at once (set by a parent apply for its export processes)' })
  onlyExports = Option.Array('--only-export', [], { hidden: true, description: "Apply only this export of the plan (set by a parent apply for its export processes)" })
  summaryOutput = Option.String('--summary-output', { description: 'Also write the run summary of every export as JSON to this file (atomically, also when the apply fails)' })

  protected async run(): Promise<number> {
    const summaryPath = this.summaryOutput === undefined ? null : checkSummaryOutput(this.summaryOutput)
    // loaded on use: `rivet --help` and friends should not pay for the engine's modules
    const { applyPlan } = await import('../../plan-file/index.js')
    if (this.json) this.jsonErrors = true
    const display = openProgressDisplay(this, this.context.stderr)
    const log = (line: string) => display.log(line)
    const connectionCap = this.connectionCap === undefined ? undefined : parseConnectionCap(this.connectionCap)
    const { exportProcessRunner, isExportProcess, stopWithParent } = await import('../export-processes.js')
    // an export's process started by a parent apply does not outlive it
    if (isExportProcess()) stopWithParent()
    const plan = resolve(this.plan)
    const childCommand = (name: string) => ['apply', plan, '--only-export', name, ...(this.config === undefined ? [] : ['-c', resolve(this.config)]), ...(this.force ? ['--force'] : [])]
    const execute = () =>
      withInterruptSignal((signal) =>
        applyPlan({
          planPath: this.plan,
          configPath: this.config,
          force: this.force,
          signal,
          log,
          observer: display.observer,
          onlyExports: this.onlyExports.length === 0 ? undefined : this.onlyExports,
          parallelExportProcesses: this.parallelExportProcesses,
          exportProcess: exportProcessRunner({ commandFor: childCommand, display, signal }),
          connectionCap,
        }),
        log,
      )
    // a refused plan still leaves a summary (with the error) behind; its config is known only from -c
    let report: RunReport | undefined
    try {
      report = await withSummaryOnError(summaryPath, this.config === undefined ? null : resolve(this.config), execute, (error) => this.reportError(error))
    } finally {
      display.close(report)
    }
    // with the data on stdout, the report goes to stderr
    const stream = report.stdoutTaken ? this.context.stderr : this.context.stdout
    // (with --json, the event that ended the progress stream on stderr carried it)
    if (!(this.json && report.stdoutTaken)) stream.write(this.json ? renderRunJson(report) : renderRunText(report, { color: useColor(stream) }))
    if (!this.json) for (const r of report.results) if (r.error) this.reportError(r.error)
    // an export's process leaves the notifying to its parent: one message for the whole apply
    if (!isExportProcess()) await (await import('../../notify/index.js')).notifyRunReport(report, 'apply', { warn: (text) => this.err(text) })
    return saveRunSummary(summaryPath, report, (error) => this.reportError(error))
  }
}
