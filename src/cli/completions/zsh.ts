import type { CompletionCommand, CompletionModel, CompletionOption, CompletionWord } from './model.js'
import { configOptionNames, functionPrefix, groupValueCases, shQuote } from './script-parts.js'
import type { ValueSpec } from './value-specs.js'

/**
 * The zsh completion script: a `#compdef` function with descriptions for commands and options. It
 * works from a directory in $fpath (as the file `_rivet`) and when sourced after compinit.
 */
export function renderZshScript(model: CompletionModel): string {
  const fn = functionPrefix(model.binaryName)
  const bin = model.binaryName
  const paths = [...model.next.keys(), ...model.commands.map((c) => c.path.join(' '))].filter((p) => p !== '')
  const configNames = configOptionNames(model)
  const lines = [
    `#compdef ${bin}`,
    `# zsh completion for ${bin}, written by \`${bin} completions zsh\` from the commands of this version.`,
    `# Save it as _${bin} in a directory of $fpath, or load it after compinit with: source <(${bin} completions zsh)`,
    '',
    `# export names of the config given with ${configNames.join(' or ')} on the line, read by \`${bin} completions --list-exports\``,
    `${fn}_exports() {`,
    '  local i cfg="" bin="${words[1]/#\\~/$HOME}"',
    '  local -a names',
    '  for (( i = 2; i < $#words; i++ )); do',
    '    case "${words[i]}" in',
    `      (${configNames.map(shQuote).join('|')}) cfg="\${words[i+1]}" ;;`,
    `      (${configNames.map((n) => `${n}=*`).join('|')}) cfg="\${words[i]#*=}" ;;`,
    '    esac',
    '  done',
    '  [[ -n $cfg ]] || return 1',
    '  cfg="${(Q)cfg}"',
    '  cfg="${cfg/#\\~/$HOME}"',
    `  names=(\${(f)"$("$bin" completions --list-exports -c "$cfg" 2>/dev/null)"})`,
    `  compadd -a names`,
    '}',
    '',
    `${fn}() {`,
    '  local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}" cmd="" next i',
    '  local -a candidates',
    '  # the command: the longest run of leading words that names a command or a group of commands',
    '  for (( i = 2; i < CURRENT; i++ )); do',
    '    next="${cmd:+$cmd }${words[i]}"',
    '    case "$next" in',
    `      (${[...new Set(paths)].map(shQuote).join('|')}) cmd="$next" ;;`,
    '      (*) break ;;',
    '    esac',
    '  done',
    '  # --option=value in one word',
    "  if [[ $cur == -*=* ]]; then prev=\"${cur%%=*}\"; compset -P '*='; fi",
    '  # the value of the option before the cursor',
    '  case "$cmd|$prev" in',
    ...groupValueCases(model).map(({ keys, spec }) => `    (${keys.map(shQuote).join('|')}) ${valueCompletion(fn, spec)}; return ;;`),
    '  esac',
    '  case "$cmd" in',
    ...[...model.next].map(([prefix, words]) => {
      const commands = describe('commands', prefix === '' ? 'command' : `${prefix} command`, words)
      const body = prefix === '' ? `if [[ $cur == -* ]]; then ${describeOptions(model.globalOptions)}; else ${commands}; fi` : commands
      return `    (${shQuote(prefix)}) ${body} ;;`
    }),
    ...model.commands.filter((c) => !model.next.has(c.path.join(' '))).map((c) => `    (${shQuote(c.path.join(' '))}) ${commandCompletion(fn, c)} ;;`),
    '  esac',
    '}',
    '',
    '# autoloaded from $fpath: complete now; sourced: register the function',
    'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then',
    `  ${fn} "$@"`,
    'else',
    `  compdef ${fn} ${bin}`,
    'fi',
    '',
  ]
  return lines.join('\n')
}

function describe(tag: string, label: string, words: readonly CompletionWord[]): string {
  const items = words.map((w) => shQuote(`${w.word.replace(/:/g, '\\:')}:${w.description}`))
  return `candidates=(${items.join(' ')}); _describe -t ${tag} ${shQuote(label)} candidates`
}

function describeOptions(options: readonly CompletionOption[]): string {
  return describe('options', 'option', options.flatMap((o) => o.names.map((word) => ({ word, description: o.description }))))
}

/** Options after `-`; the positional's values otherwise (or the options when there is no positional). */
function commandCompletion(fn: string, command: CompletionCommand): string {
  const options = describeOptions(command.options)
  const positional = command.positionals[0]
  if (!positional) return options
  return `if [[ $cur == -* ]]; then ${options}; else ${valueCompletion(fn, positional.value)}; fi`
}

function valueCompletion(fn: string, spec: ValueSpec): string {
  switch (spec.kind) {
    case 'config':
      return "_files -g '*.(yaml|yml)'"
    case 'exports':
      return `${fn}_exports`
    case 'file':
      return spec.extensions.length === 0 ? '_files' : `_files -g ${shQuote(`*.(${spec.extensions.join('|')})`)}`
    case 'directory':
      return '_files -/'
    case 'enum':
      return `compadd -- ${spec.values.map(shQuote).join(' ')}`
    case 'none':
      return "_message 'a value'"
  }
}
