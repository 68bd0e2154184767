import { Command } from 'clipanion'
import { RivetCommand } from '../../base-command.js'

/** `rivet schema config`: the JSON Schema of rivet.yaml. */
export class SchemaConfigCommand extends RivetCommand {
  static override paths = [['schema', 'config']]
  static override usage = Command.Usage({
    category: 'Configuration',
    description: 'print the JSON Schema of the config file',
    details: 'Point your editor at it for completion and validation, e.g. with the YAML language server: `# yaml-language-server: $schema=./rivet.schema.json`.',
    examples: [['Save the schema next to your config', '$0 schema config > rivet.schema.json']],
  })

  protected async run(): Promise<number> {
    const { configJsonSchema } = await import('../../../config/index.js')
    this.out(`${JSON.stringify(configJsonSchema(), null, 2)}\n`)
    return 0
  }
}
