import { Builtins, Command, Option } from 'clipanion'
import { RivetError } from '../../errors/index.js'
import { RivetCommand } from '../base-command.js'
// the shell list alone, not the folder's index: every CLI start loads this file, the generators load on use
import { COMPLETION_SHELLS, isCompletionShell } from '../completions/shells.js'

/** `rivet completions`: a shell completion script written from the registered commands. */
export class CompletionsCommand extends RivetCommand {
  static override paths = [['completions']]
  static override usage = Command.Usage({
    category: 'Configuration',
    description: `print a completion script for ${COMPLETION_SHELLS.slice(0, -1).join(', ')} or ${COMPLETION_SHELLS.at(-1)}`,
    details: `
      Prints a script that completes commands (also two-word ones such as \`state files\`), their options, config files after -c/--config, export names after -e/--export (read from the config given earlier on the line, without connecting anywhere), and the values of --depth, --kind, --target and --format. The script is written from the commands of this version: write it again after upgrading.

      bash (4 or later): add \`source <(rivet completions bash)\` to ~/.bashrc, or save the script as ~/.local/share/bash-completion/completions/rivet.

      zsh: save the script as \`_rivet\` in a directory of $fpath (e.g. \`rivet completions zsh > ~/.zfunc/_rivet\` with \`fpath=(~/.zfunc $fpath)\` before \`compinit\` in ~/.zshrc), or add \`source <(rivet completions zsh)\` to ~/.zshrc after \`compinit\`.

      fish: \`rivet completions fish > ~/.config/fish/completions/rivet.fish\`.
    `,
    examples: [
      ['Load bash completion in the current shell', 'source <($0 completions bash)'],
      ['Install zsh completion', '$0 completions zsh > ~/.zfunc/_rivet'],
      ['Install fish completion', '$0 completions fish > ~/.config/fish/completions/rivet.fish'],
    ],
  })

  shell = Option.String({ name: 'shell', required: false })
  // used by the scripts themselves: export names of a config, one a line, never an error
  listExports = Option.Boolean('--list-exports', false, { hidden: true })
  config = Option.String('-c,--config', { hidden: true })

  protected async run(): Promise<number> {
    if (this.listExports) {
      const { listExportNames } = await import('../completions/index.js')
      const names = this.config === undefined ? [] : listExportNames(this.config)
      this.out(names.map((n) => `${n}\n`).join(''))
      return 0
    }
    if (this.shell === undefined || !isCompletionShell(this.shell)) {
      const what = this.shell === undefined ? 'no shell given' : `unknown shell '${this.shell}'`
      throw new RivetError('RIVET_USAGE', `${what}: rivet completions writes scripts for ${COMPLETION_SHELLS.join(', ')}`, {
        hint: `use one of ${COMPLETION_SHELLS.join(', ')} — for example \`source <(rivet completions bash)\``,
      })
    }
    const { buildCompletionModel, renderCompletionScript } = await import('../completions/index.js')
    const model = buildCompletionModel(this.cli.definitions(), this.cli.binaryName, { help: Builtins.HelpCommand.paths, version: Builtins.VersionCommand.paths })
    this.out(renderCompletionScript(this.shell, model))
    return 0
  }
}
