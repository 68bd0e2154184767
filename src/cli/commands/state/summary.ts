import { Command, Option } from 'clipanion'
import { RivetError } from '../../../errors/index.js'
import type { RunRecord } from '../../../state/index.js'
import { RivetCommand } from '../../base-command.js'

/** `rivet state summary`: the Markdown summary a run keeps with the state. */
export class StateSummaryCommand extends RivetCommand {
  static override paths = [['state', 'summary']]
  static override usage = Command.Usage({
    category: 'State',
    description: 'print the Markdown summary kept with the state for a run of an export',
    details: `
      Every run keeps its summary with the state, as a Markdown document: the figures (rows, files, bytes, duration, rows per second, peak memory, retries), then its error, warnings, schema drift, shape growth and quality checks when it has any. Without --run-id the latest run of the export is shown. Runs recorded by a Rivet that kept no summary have none; the command says so and exits 0.

      With --json: \`{ "runId": ..., "markdown": ... }\` (\`markdown\` is null when the run keeps no summary, \`runId\` is null when the export has no run).
    `,
    examples: [
      ['The latest run of an export', '$0 state summary -c rivet.yaml -e orders'],
      ['One run, into a file', '$0 state summary -c rivet.yaml -e orders --run-id 20261124T215312Z-4f2a > summary.md'],
      ['As JSON', '$0 state summary -c rivet.yaml -e orders --json'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  export = Option.String('-e,--export', { required: true, description: 'The export whose run to show' })
  runId = Option.String('--run-id', { description: 'This run instead of the latest one' })
  json = Option.Boolean('--json', false, { description: 'Print JSON: {runId, markdown}' })

  protected async run(): Promise<number> {
    const { openStateForConfig, requireExportName } = await import('../../state-access.js')
    await requireExportName(this.config, this.export)
    const state = openStateForConfig(this.config)
    let run: RunRecord | undefined
    let markdown: string | undefined
    try {
      run = this.runId !== undefined ? state?.getRun(this.runId) : state?.listRuns({ exportName: this.export, limit: 1 })[0]
      if (this.runId !== undefined && (run === undefined || run.exportName !== this.export)) {
        throw new RivetError('RIVET_USAGE', `run ${this.runId} is not a run of export ${this.export}`, { hint: `list the runs with \`rivet metrics -c ${this.config} -e ${this.export}\`` })
      }
      if (run !== undefined && state) markdown = state.getRunSummary(run.runId)
    } finally {
      state?.close()
    }
    if (this.json) {
      this.out(`${JSON.stringify({ runId: run?.runId ?? null, markdown: markdown ?? null }, null, 2)}\n`)
      return 0
    }
    // the explanations go to stderr: stdout carries the Markdown alone, so it can be redirected to a file
    if (run === undefined) {
      this.err(`no runs recorded for export ${this.export} — run \`rivet run -c ${this.config} -e ${this.export}\` first\n`)
    } else if (markdown === undefined) {
      this.err(`run ${run.runId} of export ${this.export} (${run.status}) keeps no summary: runs recorded before Rivet kept summaries, and runs still in progress, have none — \`rivet journal -c ${this.config} -e ${this.export} --run-id ${run.runId}\` shows what it did\n`)
    } else {
      this.out(markdown.endsWith('\n') ? markdown : `${markdown}\n`)
    }
    return 0
  }
}
