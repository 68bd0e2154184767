import { resolve } from 'node:path'
import { Command, Option } from 'clipanion'
import { RivetCommand } from '../base-command.js'
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

      Every export ends with a summary card: rows, files, bytes, duration, peak memory, retries, warnings, schema drift, shape growth, quality checks and the error of a failed run. With --summary-output FILE the same summaries are written to FILE as JSON, also when the run fails; a failed run keeps its own exit code when FILE cannot be written, a completed one then exits 1 with RIVET_SUMMARY_WRITE.

      Exit codes: 0 ok, 1 config or generic error, 2 retryable (run again), 3 data integrity, 4 schema drift.
    `,
    examples: [
      ['Run every export', '$0 run -c rivet.yaml'],
      ['Run two exports', '$0 run -c rivet.yaml -e orders -e customers'],
      ['Machine-readable report on stdout', '$0 run -c rivet.yaml --json'],
      ['Continue an interrupted checkpointed chunked run', '$0 run -c rivet.yaml -e orders --resume'],
      ['Keep the run summary as JSON for a scheduler', '$0 run -c rivet.yaml --summary-output run-summary.json'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  exports = Option.Array('-e,--export', [], { description: 'Run only this export (repeatable)' })
  json = Option.Boolean('--json', false, { description: 'Print the run report as JSON on stdout (on stderr when the export writes its data to stdout)' })
  quiet = Option.Boolean('-q,--quiet', false, { description: 'No progress lines on stderr' })
  resume = Option.Boolean('--resume', false, { description: 'Continue the interrupted run of each checkpointed chunked export, skipping its completed chunks' })
  parallelExports = Option.Boolean('--parallel-exports', false, { description: "Run the selected exports at the same time, within the source's connection budget and the memory budget, longest first" })
  summaryOutput = Option.String('--summary-output', { description: 'Also write the run summary of every export as JSON to this file (atomically, also when the run fails)' })

  protected async run(): Promise<number> {
    const summaryPath = this.summaryOutput === undefined ? null : checkSummaryOutput(this.summaryOutput)
    // loaded on use: `rivet --help` and friends should not pay for the engine's modules
    const { runExports } = await import('../../engine/index.js')
    const log = this.quiet ? () => undefined : (line: string) => this.err(`${line}\n`)
    const execute = () =>
      withInterruptSignal((signal) =>
        runExports({
          configPath: this.config,
          exports: this.exports,
          signal,
          resume: this.resume,
          parallelExports: this.parallelExports,
          log,
          progress: this.quiet || !process.stderr.isTTY ? undefined : (name, p) => log(`export ${name}: ${p.rows.toLocaleString('en-US')} rows written`),
        }),
      )
    // a run that stops before its first export still leaves a summary (with the error) behind
    const report = await withSummaryOnError(summaryPath, resolve(this.config), execute, (error) => this.reportError(error))
    // with the data on stdout, the report goes to stderr
    const stream = report.stdoutTaken ? this.context.stderr : this.context.stdout
    stream.write(this.json ? renderRunJson(report) : renderRunText(report, { color: useColor(stream) }))
    if (!this.json) for (const r of report.results) if (r.error) this.reportError(r.error)
    await (await import('../../notify/index.js')).notifyRunReport(report, 'run', { warn: (text) => this.err(text) })
    return saveRunSummary(summaryPath, report, (error) => this.reportError(error))
  }
}
