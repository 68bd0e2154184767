import { Command, Option } from 'clipanion'
import { RivetCommand } from '../base-command.js'

/** `rivet plan`: resolve what `rivet run` would do now into a sealed, reviewable plan file. */
export class PlanCommand extends RivetCommand {
  static override paths = [['plan']]
  static override usage = Command.Usage({
    category: 'Extraction',
    description: 'write a sealed plan of what `rivet run` would do now',
    details: `
      Plans each selected export as \`rivet run\` would, reading no row: the mode and read strategy, the exact chunk ranges of a chunked export (and its readers after the connection-budget clamp), the cursor snapshot of an incremental export and the predicate it implies, row estimates, the output format and destination, and the planner's warnings. The plan is written as JSON and signed with a secret kept in the state file next to the config; \`rivet apply\` executes it exactly, and refuses it if it was edited, is older than 24 hours, or the config or a cursor changed since. See docs/plan-apply.md.
    `,
    examples: [
      ['Plan every export', '$0 plan -c rivet.yaml -o plan.json'],
      ['Plan two exports and print the plan as JSON', '$0 plan -c rivet.yaml -e orders -e events -o plan.json --json'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  exports = Option.Array('-e,--export', [], { description: 'Plan only this export (repeatable)' })
  output = Option.String('-o,--output', { required: true, description: 'Where to write the plan (JSON)' })
  json = Option.Boolean('--json', false, { description: 'Print the plan as JSON on stdout instead of a summary' })

  protected async run(): Promise<number> {
    // loaded on use: `rivet --help` and friends should not pay for the engine's modules
    const { createPlan, writePlanFile } = await import('../../plan-file/index.js')
    const { renderPlanText } = await import('../render/plan-summary.js')
    const plan = await createPlan({ configPath: this.config, exports: this.exports })
    const path = writePlanFile(this.output, plan)
    this.out(this.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanText(plan, path))
    return 0
  }
}
