/** Collecting every config problem before throwing one RIVET_CONFIG_INVALID. */
import { ERROR_CODES, RivetError, type ErrorCode } from '../errors/index.js'
import type { ConfigIssue } from './types.js'

/** A path into the config tree: keys and array indexes. */
export type ConfigPath = readonly (string | number)[]

/** Where a path points in the YAML text (1-based). */
export interface SourcePosition {
  readonly line: number
  readonly column: number
}

/** Path shown for problems with the file as a whole. */
export const ROOT_PATH = '(root)'

/** Render a path the way messages show it: `exports[1].tuning.batch_size`. */
export function formatPath(path: ConfigPath): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`
    else out += `[${JSON.stringify(seg)}]`
  }
  return out === '' ? ROOT_PATH : out
}

/** The problems found so far; `throwIfAny` turns them into one error. */
export class ConfigIssues {
  readonly items: ConfigIssue[] = []

  constructor(private readonly locate: (path: ConfigPath) => SourcePosition | undefined = () => undefined) {}

  /** Record a problem; `message` must already name the path and must not contain secrets. */
  add(code: ErrorCode, path: ConfigPath, message: string, hint?: string): void {
    const position = this.locate(path)
    this.items.push({
      code,
      path: formatPath(path),
      message,
      hint: hint ?? ERROR_CODES[code].hint,
      ...(position ? { line: position.line, column: position.column } : {}),
    })
  }

  get count(): number {
    return this.items.length
  }

  /** Throw RIVET_CONFIG_INVALID listing every problem, in file order. */
  throwIfAny(file: string): void {
    if (this.items.length === 0) return
    const items = this.items
      .map((item, index) => ({ item, index }))
      .sort((a, b) => (a.item.line ?? Infinity) - (b.item.line ?? Infinity) || a.index - b.index)
      .map(({ item }) => item)
    const n = items.length
    throw new RivetError('RIVET_CONFIG_INVALID', `${n} ${n === 1 ? 'problem' : 'problems'} in ${file}`, {
      items,
      details: { file },
    })
  }
}
