import type { CompletionModel, CompletionOption } from './model.js'
import { configOptionNames, functionPrefix } from './script-parts.js'
import type { ValueSpec } from './value-specs.js'

/** The fish completion script: `complete` lines conditioned on the command typed so far. */
export function renderFishScript(model: CompletionModel): string {
  const fn = `_${functionPrefix(model.binaryName)}`
  const bin = model.binaryName
  const paths = [...new Set([...model.next.keys(), ...model.commands.map((c) => c.path.join(' '))].filter((p) => p !== ''))]
  const configNames = configOptionNames(model)
  const lines = [
    `# fish completion for ${bin}, written by \`${bin} completions fish\` from the commands of this version.`,
    `# Save it as ~/.config/fish/completions/${bin}.fish, or load it with: ${bin} completions fish | source`,
    '',
    '# the command typed so far: the longest run of leading words that names a command or a group of commands',
    `function ${fn}_command`,
    '    set -l tokens (commandline -opc)',
    '    set -e tokens[1]',
    "    set -l cmd ''",
    '    for word in $tokens',
    '        set -l next (string trim -- "$cmd $word")',
    '        switch $next',
    `            case ${paths.map(fishQuote).join(' ')}`,
    '                set cmd $next',
    '            case \'*\'',
    '                break',
    '        end',
    '    end',
    '    echo $cmd',
    'end',
    '',
    `function ${fn}_using`,
    `    set -l cmd (${fn}_command)`,
    '    test "$cmd" = "$argv"',
    'end',
    '',
    '# files with one of the extensions given (none: any file), and directories; a leading ~ is kept as typed',
    `function ${fn}_files`,
    '    set -l token (commandline -ct)',
    "    set -l pattern '\\.('(string join '|' -- $argv)')$'",
    "    set -l home ''",
    "    string match -q -- '~*' \"$token\"; and set home $HOME",
    '    set -l base "$token"',
    '    test -n "$home"; and set base $home(string sub -s 2 -- "$token")',
    '    for f in "$base"*',
    '        set -l shown $f',
    "        test -n \"$home\"; and set shown '~'(string sub -s (math (string length -- $home) + 1) -- $f)",
    '        if test -d $f',
    '            echo $shown/',
    '        else if test (count $argv) -eq 0; or string match -qr -- $pattern $f',
    '            echo $shown',
    '        end',
    '    end',
    'end',
    '',
    `# export names of the config given with ${configNames.join(' or ')} on the line, read by \`${bin} completions --list-exports\``,
    `function ${fn}_exports`,
    '    set -l tokens (commandline -opc)',
    "    set -l cfg ''",
    '    for i in (seq (count $tokens))',
    '        switch $tokens[$i]',
    `            case ${configNames.map(fishQuote).join(' ')}`,
    '                set -l j (math $i + 1)',
    '                test $j -le (count $tokens); and set cfg $tokens[$j]',
    `            case ${configNames.map((n) => fishQuote(`${n}=*`)).join(' ')}`,
    "                set cfg (string replace -r '^[^=]*=' '' -- $tokens[$i])",
    '        end',
    '    end',
    '    test -n "$cfg"; or return 0',
    "    set cfg (string replace -r '^~' $HOME -- $cfg)",
    "    set -l bin (string replace -r '^~' $HOME -- $tokens[1])",
    '    command -q $bin; or return 0',
    '    $bin completions --list-exports -c $cfg 2>/dev/null',
    'end',
    '',
    `complete -c ${bin} -f`,
    ...[...model.next].flatMap(([prefix, words]) => words.map((w) => `complete -c ${bin} -n ${fishQuote(`${fn}_using ${prefix}`.trim())} -a ${fishQuote(w.word)} -d ${fishQuote(w.description)}`)),
    ...model.globalOptions.map((o) => `complete -c ${bin} -n ${fishQuote(`${fn}_using`)} ${optionFlags(o)} -d ${fishQuote(o.description)}`),
    ...model.commands.flatMap((c) => {
      const condition = fishQuote(`${fn}_using ${c.path.join(' ')}`)
      return [
        ...c.options.map((o) => `complete -c ${bin} -n ${condition} ${optionFlags(o)}${o.value ? ` ${valueFlags(fn, o.value)}` : ''} -d ${fishQuote(o.description)}`),
        // a positional has no option names: only its candidates (-k keeps the order, -a lists them)
        ...c.positionals.filter((p) => p.value.kind !== 'none').map((p) => `complete -c ${bin} -n ${condition} ${valueFlags(fn, p.value).replace(/^-x /, '')}`),
      ]
    }),
    '',
  ]
  return lines.join('\n')
}

/** `-s c -l config`: fish takes single-letter names with -s and the rest with -l (or -o for `-xy`). */
function optionFlags(option: CompletionOption): string {
  return option.names
    .map((name) => (name.startsWith('--') ? `-l ${fishQuote(name.slice(2))}` : name.length === 2 ? `-s ${fishQuote(name.slice(1))}` : `-o ${fishQuote(name.slice(1))}`))
    .join(' ')
}

function valueFlags(fn: string, spec: ValueSpec): string {
  switch (spec.kind) {
    case 'config':
      return `-x -k -a ${fishQuote(`(${fn}_files yaml yml)`)}`
    case 'exports':
      return `-x -a ${fishQuote(`(${fn}_exports)`)}`
    case 'file':
      return `-x -k -a ${fishQuote(`(${fn}_files ${spec.extensions.join(' ')})`.replace(' )', ')'))}`
    case 'directory':
      return `-x -a ${fishQuote('(__fish_complete_directories (commandline -ct))')}`
    case 'enum':
      return `-x -a ${fishQuote(spec.values.join(' '))}`
    case 'none':
      return '-x'
  }
}

/** A word in single quotes for fish, where only \ and ' are escaped. */
function fishQuote(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`
}
