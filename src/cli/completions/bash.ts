import type { CompletionCommand, CompletionModel } from './model.js'
import { configOptionNames, functionPrefix, groupValueCases, shQuote } from './script-parts.js'
import type { ValueSpec } from './value-specs.js'

/**
 * The bash completion script: one function registered with `complete -F`. It reads COMP_WORDS and
 * COMP_CWORD only (no bash-completion package needed) and works on bash 4 and later.
 */
export function renderBashScript(model: CompletionModel): string {
  const fn = functionPrefix(model.binaryName)
  const bin = model.binaryName
  const paths = [...model.next.keys(), ...model.commands.map((c) => c.path.join(' '))].filter((p) => p !== '')
  const configNames = configOptionNames(model)
  const lines = [
    `# bash completion for ${bin}, written by \`${bin} completions bash\` from the commands of this version.`,
    `# Load it with: source <(${bin} completions bash)   (or save it as ~/.local/share/bash-completion/completions/${bin})`,
    '',
    `${fn}_words() {`,
    '  local w',
    '  COMPREPLY=()',
    '  for w in $1; do [[ $w == "$cur"* ]] && COMPREPLY+=("$w"); done',
    '}',
    '',
    '# files with one of the extensions in $1 (an alternation such as yaml|yml; empty: any file), and directories',
    `${fn}_files() {`,
    '  local f',
    '  COMPREPLY=()',
    '  compopt -o filenames 2>/dev/null',
    '  while IFS= read -r f; do',
    '    if [[ -d $f || -z $1 || $f =~ \\.($1)$ ]]; then COMPREPLY+=("$f"); fi',
    '  done < <(compgen -f -- "$cur")',
    '}',
    '',
    `${fn}_dirs() {`,
    '  local f',
    '  COMPREPLY=()',
    '  compopt -o filenames 2>/dev/null',
    '  while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -d -- "$cur")',
    '}',
    '',
    `# export names of the config given with ${configNames.join(' or ')} on the line, read by \`${bin} completions --list-exports\``,
    `${fn}_exports() {`,
    '  local i cfg="" bin="${COMP_WORDS[0]}" n',
    '  for (( i = 1; i < ${#COMP_WORDS[@]} - 1; i++ )); do',
    '    case "${COMP_WORDS[i]}" in',
    `      ${configNames.map(shQuote).join('|')})`,
    '        if [[ ${COMP_WORDS[i+1]} == "=" ]]; then cfg="${COMP_WORDS[i+2]}"; else cfg="${COMP_WORDS[i+1]}"; fi ;;',
    '    esac',
    '  done',
    '  COMPREPLY=()',
    '  [[ -n $cfg ]] || return 0',
    '  # the word as typed: drop quotes and backslash escapes, expand a leading ~',
    `  cfg="\${cfg//[\\"\\'\\\\]/}"`,
    '  [[ $cfg == "~/"* ]] && cfg="$HOME/${cfg:2}"',
    '  [[ $bin == "~/"* ]] && bin="$HOME/${bin:2}"',
    '  while IFS= read -r n; do',
    '    [[ -n $n && $n == "$cur"* ]] && COMPREPLY+=("$n")',
    `  done < <("$bin" completions --list-exports -c "$cfg" 2>/dev/null)`,
    '}',
    '',
    `${fn}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" next i',
    '  (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  # --option=value: bash splits the word at "="',
    '  if [[ $cur == "=" ]]; then cur=""',
    '  elif [[ $prev == "=" ]] && (( COMP_CWORD > 1 )); then prev="${COMP_WORDS[COMP_CWORD-2]}"',
    '  fi',
    '  # the command: the longest run of leading words that names a command or a group of commands',
    '  for (( i = 1; i < COMP_CWORD; i++ )); do',
    '    next="${cmd:+$cmd }${COMP_WORDS[i]}"',
    '    case "$next" in',
    `      ${[...new Set(paths)].map(shQuote).join('|')}) cmd="$next" ;;`,
    '      *) break ;;',
    '    esac',
    '  done',
    '  # the value of the option before the cursor',
    '  case "$cmd|$prev" in',
    ...groupValueCases(model).map(({ keys, spec }) => `    ${keys.map(shQuote).join('|')}) ${valueCompletion(fn, spec)}; return 0 ;;`),
    '  esac',
    '  case "$cmd" in',
    ...[...model.next].map(([prefix, words]) => {
      const options = prefix === '' ? model.globalOptions.flatMap((o) => o.names) : []
      const wordList = shQuote(words.map((w) => w.word).join(' '))
      const body = options.length > 0 ? `if [[ $cur == -* ]]; then ${fn}_words ${shQuote(options.join(' '))}; else ${fn}_words ${wordList}; fi` : `${fn}_words ${wordList}`
      return `    ${shQuote(prefix)}) ${body} ;;`
    }),
    ...model.commands.filter((c) => !model.next.has(c.path.join(' '))).map((c) => `    ${shQuote(c.path.join(' '))}) ${commandCompletion(fn, c)} ;;`),
    '  esac',
    '  return 0',
    '}',
    '',
    `complete -F ${fn} ${bin}`,
    '',
  ]
  return lines.join('\n')
}

/** Options after `-`; the positional's values otherwise (or the options when there is no positional). */
function commandCompletion(fn: string, command: CompletionCommand): string {
  const options = `${fn}_words ${shQuote(command.options.flatMap((o) => o.names).join(' '))}`
  const positional = command.positionals[0]
  if (!positional) return options
  return `if [[ $cur == -* ]]; then ${options}; else ${valueCompletion(fn, positional.value)}; fi`
}

function valueCompletion(fn: string, spec: ValueSpec): string {
  switch (spec.kind) {
    case 'config':
      return `${fn}_files 'yaml|yml'`
    case 'exports':
      return `${fn}_exports`
    case 'file':
      return `${fn}_files ${shQuote(spec.extensions.join('|'))}`
    case 'directory':
      return `${fn}_dirs`
    case 'enum':
      return `${fn}_words ${shQuote(spec.values.join(' '))}`
    case 'none':
      return 'COMPREPLY=()'
  }
}
