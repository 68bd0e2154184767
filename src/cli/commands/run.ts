import { Command, Option } from 'clipanion'
import { RivetCommand } from '../base-command.js'
import { renderRunJson, renderRunText } from '../render/run-summary.js'
import { withInterruptSignal } from '../signals.js'

/** `rivet run`: run the exports of a config. */
export class RunCommand extends RivetCommand {
  static override paths = [['run']]
  static override usage = Command.Usage({
    category: 'Extraction',
    description: 'run the exports of a config',
    details: `
      Reads each export's table or query in one consistent snapshot, with only short statements on the source, and publishes Parquet or CSV files atomically. Every run and file is recorded in the state file next to the config (.rivet_state.db).

      Exit codes: 0 ok, 1 config or generic error, 2 retryable (run again), 3 data integrity, 4 schema drift.
    `,
    examples: [
      ['Run every export', '$0 run -c rivet.yaml'],
      ['Run two exports', '$0 run -c rivet.yaml -e orders -e customers'],
      ['Machine-readable report on stdout', '$0 run -c rivet.yaml --json'],
      ['Continue an interrupted checkpointed chunked run', '$0 run -c rivet.yaml -e orders --resume'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  exports = Option.Array('-e,--export', [], { description: 'Run only this export (repeatable)' })
  json = Option.Boolean('--json', false, { description: 'Print the run report as JSON on stdout (on stderr when the export writes its data to stdout)' })
  quiet = Option.Boolean('-q,--quiet', false, { description: 'No progress lines on stderr' })
  resume = Option.Boolean('--resume', false, { description: 'Continue the interrupted run of each checkpointed chunked export, skipping its completed chunks' })

  protected async run(): Promise<number> {
    // loaded on use: `rivet --help` and friends should not pay for the engine's modules
    const { runExports } = await import('../../engine/index.js')
    const log = this.quiet ? () => undefined : (line: string) => this.err(`${line}\n`)
    const report = await withInterruptSignal((signal) =>
      runExports({
        configPath: this.config,
        exports: this.exports,
        signal,
        resume: this.resume,
        log,
        progress: this.quiet || !process.stderr.isTTY ? undefined : (name, p) => log(`export ${name}: ${p.rows.toLocaleString('en-US')} rows written`),
      }),
    )
    // with the data on stdout, the report goes to stderr
    const print = report.stdoutTaken ? (text: string) => this.err(text) : (text: string) => this.out(text)
    print(this.json ? renderRunJson(report) : renderRunText(report))
    if (!this.json) for (const r of report.results) if (r.error) this.reportError(r.error)
    return report.exitCode
  }
}
