import type { CompletionModel } from './model.js'
import type { ValueSpec } from './value-specs.js'

/** A word in single quotes for sh, bash and zsh. */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/** The prefix of the script's function names: `_rivet`. */
export function functionPrefix(binaryName: string): string {
  return `_${binaryName.replace(/[^A-Za-z0-9_]/g, '_')}`
}

/** The names of the options that take the config file (`-c`, `--config`): export names are read from it. */
export function configOptionNames(model: CompletionModel): string[] {
  const names = model.commands.flatMap((c) => c.options.filter((o) => o.value?.kind === 'config').flatMap((o) => o.names))
  return [...new Set(names)]
}

/** Every `<command path>|<option name>` that takes a value, grouped by how the value completes. */
export function groupValueCases(model: CompletionModel): { keys: string[]; spec: ValueSpec }[] {
  const groups = new Map<string, { keys: string[]; spec: ValueSpec }>()
  for (const command of model.commands) {
    for (const option of command.options) {
      if (option.value === null) continue
      const id = JSON.stringify(option.value)
      const group = groups.get(id) ?? { keys: [], spec: option.value }
      group.keys.push(...option.names.map((name) => `${command.path.join(' ')}|${name}`))
      groups.set(id, group)
    }
  }
  return [...groups.values()]
}
