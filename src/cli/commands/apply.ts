import { resolve } from 'node:path'
import { Command, Option } from 'clipanion'
import { ExtractionCommand } from '../extraction-command.js'

/** `rivet apply`: execute a sealed plan written by `rivet plan`, exactly as planned. */
export class ApplyCommand extends ExtractionCommand {
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
  parallelExportProcesses = Option.Boolean('--parallel-export-processes', false, { description: "Run the plan's exports at the same time, each in a process of its own (as `rivet run --parallel-export-processes`)" })
  onlyExports = Option.Array('--only-export', [], { hidden: true, description: 'Apply only this export of the plan (set by a parent apply for its export processes)' })

  protected async run(): Promise<number> {
    const { applyPlan } = await import('../../plan-file/index.js')
    const plan = resolve(this.plan)
    const config = this.config === undefined ? undefined : resolve(this.config)
    return this.extract({
      command: 'apply',
      // a refused plan still leaves a summary (with the error) behind; its config is known only from -c
      summaryConfig: config ?? null,
      childCommand: (name) => ['apply', plan, '--only-export', name, ...(config === undefined ? [] : ['-c', config]), ...(this.force ? ['--force'] : [])],
      start: (io) =>
        applyPlan({
          planPath: this.plan,
          configPath: this.config,
          force: this.force,
          onlyExports: this.onlyExports.length === 0 ? undefined : this.onlyExports,
          parallelExportProcesses: this.parallelExportProcesses,
          ...io,
        }),
    })
  }
}
