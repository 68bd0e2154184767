import { resolve } from 'node:path'
import { Command, Option } from 'clipanion'
import { ExtractionCommand } from '../extraction-command.js'

/** `rivet run`: run the exports of a config. */
export class RunCommand extends ExtractionCommand {
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
  resume = Option.Boolean('--resume', false, { description: 'Continue the interrupted run of each checkpointed chunked export, skipping its completed chunks' })
  parallelExports = Option.Boolean('--parallel-exports', false, { description: "Run the selected exports at the same time, within the source's connection budget and the memory budget, longest first" })
  parallelExportProcesses = Option.Boolean('--parallel-export-processes', false, { description: 'Like --parallel-exports, with each export in a process of its own (a crash or a memory blow-up stays in its process); the live progress follows them all' })

  protected async run(): Promise<number> {
    const { runExports } = await import('../../engine/index.js')
    const config = resolve(this.config)
    return this.extract({
      command: 'run',
      summaryConfig: config,
      childCommand: (name) => ['run', '-c', config, '-e', name, ...(this.resume ? ['--resume'] : [])],
      start: (io) =>
        runExports({
          configPath: this.config,
          exports: this.exports,
          resume: this.resume,
          parallelExports: this.parallelExports,
          parallelExportProcesses: this.parallelExportProcesses,
          ...io,
        }),
    })
  }
}
