/**
 * Run a generated completion script in a real shell and collect the candidates it offers.
 * bash: the completion function is called with COMP_WORDS/COMP_CWORD set, as bash itself does.
 * zsh: the function runs with `words`/`CURRENT` set and the completion-system functions it calls
 * (_describe, compadd, _files, _message) replaced by stubs that print what they were given.
 * fish: `complete -C` asks fish itself for the completions of a command line.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Builtins } from 'clipanion'
import { createCli } from '../../../src/cli/index.js'
import { buildCompletionModel, renderCompletionScript, type CompletionModel, type CompletionShell } from '../../../src/cli/completions/index.js'

/** The model of the real CLI, as `rivet completions` builds it. */
export function realModel(): CompletionModel {
  const cli = createCli()
  return buildCompletionModel(cli.definitions(), 'rivet', { help: Builtins.HelpCommand.paths, version: Builtins.VersionCommand.paths })
}

/** Write the script of one shell to a temp file; returns its path. */
export function writeScript(shell: CompletionShell, dir = mkdtempSync(join(tmpdir(), 'rivet-compl-'))): string {
  const path = join(dir, `rivet.${shell}`)
  writeFileSync(path, renderCompletionScript(shell, realModel()))
  return path
}

/** Whether a shell can be started here; the reason to skip when it cannot. */
export function shellAvailable(shell: CompletionShell): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(shell, ['--version'], { encoding: 'utf8' })
  if (r.error || r.status !== 0) {
    const reason = `${shell} is not installed on this machine: run \`make tools\` (apt-get install ${shell})`
    // CI installs every shell (.ci/run): there a missing one fails the run instead of skipping
    if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${reason} — CI must install it`)
    console.warn(`SKIP: ${reason}`)
    return { ok: false, reason }
  }
  return { ok: true }
}

export interface DriveOptions {
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
  /** Index of the word under the cursor; default the last word. */
  readonly cword?: number
}

function run(command: string, args: string[], options: DriveOptions): string {
  const r = spawnSync(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8', timeout: 60_000 })
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`${command} exited ${r.status}: ${r.stderr}`)
  return r.stdout
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '')
}

/** The candidates bash completion offers for `words` (the first is the command, the cursor is on the last unless cword says). */
export function driveBash(scriptPath: string, words: readonly string[], options: DriveOptions = {}): string[] {
  const cword = options.cword ?? words.length - 1
  const program = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$CWORD; COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; _rivet; printf "%s\\n" "${COMPREPLY[@]}"'
  return lines(run('bash', ['--norc', '--noprofile', '-c', program, 'bash', scriptPath, ...words], { ...options, env: { ...options.env, CWORD: String(cword) } }))
}

const ZSH_STUBS = `
_describe() { local -a arr; arr=("\${(@P)\${@[-1]}}"); print -l -- "\${arr[@]%%:*}" }
compadd() { if [[ $1 == -a ]]; then print -l -- "\${(@P)2}"; else local -a a; a=("$@"); print -l -- "\${a[@]:\${a[(i)--]}}"; fi }
_files() { print -- "_files $*" }
_message() { print -- "_message $*" }
compset() { cur="\${cur#*=}" }
compdef() { : }
`

/** What the zsh function offers for `words` (stubs print items, `_files …` and `_message …` calls). */
export function driveZsh(scriptPath: string, words: readonly string[], options: DriveOptions = {}): string[] {
  const program = `${ZSH_STUBS}\nsource "$1"; shift; words=("$@"); CURRENT=$#; _rivet`
  return lines(run('zsh', ['-f', '-c', program, 'zsh', scriptPath, ...words], options))
}

/** The candidates fish offers for the command line `line` (descriptions dropped). */
export function driveFish(scriptPath: string, line: string, options: DriveOptions = {}): string[] {
  const program = 'source $argv[1]; complete -C $argv[2]'
  return lines(run('fish', ['--no-config', '-c', program, scriptPath, line], options)).map((l) => l.split('\t')[0] ?? '')
}
