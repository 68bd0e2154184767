import { Command, Option } from 'clipanion'
import { RivetCommand } from '../../base-command.js'
import { resetExportState } from './reset.js'

/** `rivet state reset-chunks`: forget an export's chunk checkpoints, keep its cursor. */
export class StateResetChunksCommand extends RivetCommand {
  static override paths = [['state', 'reset-chunks']]
  static override usage = Command.Usage({
    category: 'State',
    description: "clear an export's chunk checkpoints (the cursor stays)",
    details: `
      The same as \`rivet state reset --chunks-only\`: \`rivet run --resume\` then finds nothing to continue and the next run of the export reads every chunk again. Files already published, runs and the journal are history and stay. Refused while a run of the export is in progress.
    `,
    examples: [['Start a chunked export over', '$0 state reset-chunks -c rivet.yaml -e orders']],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  export = Option.String('-e,--export', { required: true, description: 'The export whose chunk checkpoints to clear' })

  protected async run(): Promise<number> {
    this.out(`${await resetExportState(this.config, this.export, { cursor: false, chunks: true })}\n`)
    return 0
  }
}
