import type { Definition } from 'clipanion'
import { optionValueSpec, positionalValueSpec, type ValueSpec } from './value-specs.js'

/** One option of a command: its names (`-c`, `--config`) and, when it takes a value, how that completes. */
export interface CompletionOption {
  readonly names: readonly string[]
  readonly description: string
  /** null for a flag. */
  readonly value: ValueSpec | null
}

/** One positional argument of a command (`<plan.json>`, `[shell]`). */
export interface CompletionPositional {
  readonly name: string
  readonly value: ValueSpec
}

/** A command the CLI runs: `run`, `state files`. */
export interface CompletionCommand {
  readonly path: readonly string[]
  readonly description: string
  readonly options: readonly CompletionOption[]
  readonly positionals: readonly CompletionPositional[]
}

/** A word that can follow a partial path: a command's last word, or a group (`state`) leading to more. */
export interface CompletionWord {
  readonly word: string
  readonly description: string
}

/** Everything the shell scripts are written from. */
export interface CompletionModel {
  readonly binaryName: string
  readonly commands: readonly CompletionCommand[]
  /** Options before any command (`--help`, `--version`). */
  readonly globalOptions: readonly CompletionOption[]
  /** Every partial path (`''`, `'state'`) with the words that may follow it. */
  readonly next: ReadonlyMap<string, readonly CompletionWord[]>
}

/** The help and version builtins, which clipanion lists in no definition. */
export interface BuiltinPaths {
  readonly help: readonly (readonly string[])[]
  readonly version: readonly (readonly string[])[]
}

/** Build the model from the CLI's own command definitions (`cli.definitions()`), so it follows every registered command. */
export function buildCompletionModel(definitions: readonly Definition[], binaryName: string, builtins: BuiltinPaths): CompletionModel {
  const helpNames = builtins.help.flat()
  const help: CompletionOption = { names: helpNames, description: 'Show the usage of the command', value: null }
  const commands = definitions.map((d) => toCommand(d, binaryName, help))
  const next = new Map<string, CompletionWord[]>()
  for (const prefix of new Set(commands.flatMap((c) => c.path.map((_, i) => c.path.slice(0, i).join(' '))))) {
    next.set(
      prefix,
      wordsAfter(commands, prefix).map((word) => {
        const full = prefix === '' ? word : `${prefix} ${word}`
        const command = commands.find((c) => c.path.join(' ') === full)
        // a group (`state`) lists what follows it: `state commands: files, chunks, …`
        return { word, description: command?.description ?? `${word} commands: ${wordsAfter(commands, full).join(', ')}` }
      }),
    )
  }
  const globalOptions: CompletionOption[] = [help, { names: builtins.version.flat(), description: 'Print the version', value: null }]
  return { binaryName, commands, globalOptions, next }
}

function toCommand(d: Definition, binaryName: string, help: CompletionOption): CompletionCommand {
  const path = d.path.split(' ').slice(binaryName.split(' ').length)
  const options = d.options.map((o): CompletionOption => {
    // clipanion writes an option as `-c,--config #0`: the names, then one `#n` per value
    const [names = '', ...values] = o.definition.split(' ')
    const list = names.split(',')
    return { names: list, description: oneLine(o.description ?? ''), value: values.length > 0 ? optionValueSpec(path, list) : null }
  })
  const rest = d.usage.split(' ').slice(d.path.split(' ').length)
  const positionals = rest
    .filter((token) => /^[<[]/.test(token))
    .map((token): CompletionPositional => {
      const name = token.replace(/^[<[]|[>\]]$/g, '').replace(/\.\.\.$/, '')
      return { name, value: positionalValueSpec(path, name) }
    })
  return { path, description: oneLine(d.description ?? ''), options: [...options, help], positionals }
}

/** The distinct words that follow a partial path, in registration order. */
function wordsAfter(commands: readonly CompletionCommand[], prefix: string): string[] {
  const depth = prefix === '' ? 0 : prefix.split(' ').length
  const words = commands.filter((c) => c.path.length > depth && c.path.slice(0, depth).join(' ') === prefix).map((c) => c.path[depth] ?? '')
  return [...new Set(words)]
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** Every name of every option of every command, and of the global options (for checks and tests). */
export function allOptionNames(model: CompletionModel): string[] {
  return [...new Set([...model.globalOptions, ...model.commands.flatMap((c) => c.options)].flatMap((o) => o.names))]
}
