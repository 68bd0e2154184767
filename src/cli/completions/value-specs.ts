import { OUTPUT_FORMATS } from '../../config/index.js'
import type { OutputFormat } from '../../config/index.js'
import type { TypeReportTarget } from '../../preflight/type-report.js'
import type { JournalEventKind } from '../../state/index.js'
import type { ValidateDepth } from '../../verify/index.js'
import { COMPLETION_SHELLS } from './shells.js'

/** What the value of an option or positional argument completes to. */
export type ValueSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'config' }
  | { readonly kind: 'exports' }
  | { readonly kind: 'file'; readonly extensions: readonly string[] }
  | { readonly kind: 'directory' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }

/**
 * Every member of the union T, checked at compile time: a value missing from the list (say a new
 * journal event kind) or one that is not a member is a type error, so the list cannot drift from the type.
 */
function allOf<T extends string>() {
  return <const A extends readonly T[]>(values: A & ([T] extends [A[number]] ? unknown : never)): readonly T[] => values
}

const NONE: ValueSpec = { kind: 'none' }
const FILE: ValueSpec = { kind: 'file', extensions: [] }

/** By long option name, for every command that has the option. */
const BY_OPTION: Readonly<Record<string, ValueSpec>> = {
  '--config': { kind: 'config' },
  '--export': { kind: 'exports' },
  '--output': FILE,
  '--summary-output': FILE,
  '--dir': { kind: 'directory' },
}

/**
 * Options and positionals whose values form a closed set, by `<command path> <long option>` or
 * `<command path> <positional name>`. The commands check these values at run time (journal
 * --kind, validate --depth, check --target); the lists are tied to the types the commands check against.
 */
const BY_COMMAND: Readonly<Record<string, ValueSpec>> = {
  'journal --kind': { kind: 'enum', values: allOf<JournalEventKind>()(['plan', 'file', 'chunk', 'retry', 'warning', 'drift', 'quality', 'outcome', 'recovery']) },
  'validate --depth': { kind: 'enum', values: allOf<ValidateDepth>()(['light', 'sample', 'full']) },
  'check --target': { kind: 'enum', values: allOf<TypeReportTarget>()(['bigquery']) },
  'init --format': { kind: 'enum', values: allOf<OutputFormat>()(OUTPUT_FORMATS) },
  'apply plan.json': { kind: 'file', extensions: ['json'] },
  'completions shell': { kind: 'enum', values: COMPLETION_SHELLS },
}

/** How the value of `option` (its names, e.g. ['-c', '--config']) of the command at `path` completes. */
export function optionValueSpec(path: readonly string[], names: readonly string[]): ValueSpec {
  const long = names.find((n) => n.startsWith('--')) ?? names[0] ?? ''
  return BY_COMMAND[`${path.join(' ')} ${long}`] ?? BY_OPTION[long] ?? NONE
}

/** How the positional argument `name` of the command at `path` completes. */
export function positionalValueSpec(path: readonly string[], name: string): ValueSpec {
  return BY_COMMAND[`${path.join(' ')} ${name}`] ?? NONE
}

/** The keys of the per-command table, for tests that check each names a real option or positional. */
export const COMMAND_VALUE_KEYS: readonly string[] = Object.keys(BY_COMMAND)

/** The long option names of the shared table, for the same tests. */
export const OPTION_VALUE_KEYS: readonly string[] = Object.keys(BY_OPTION)
