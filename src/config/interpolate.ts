/**
 * `${VAR}` interpolation in string values, before validation. `${VAR:-default}` falls back when
 * VAR is unset or empty; `$$` is a literal `$`; any other `$` is kept as written.
 * Messages name variables and paths only: the values may be secrets.
 */
import { INVALID, isMapping } from './clean-tree.js'
import { formatPath, type ConfigIssues, type ConfigPath } from './issues.js'

const REFERENCE_RE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([^]*))?$/

type Expansion = { value: string; substituted: boolean } | { missing: string[] } | { syntax: string }

/** Expand the references of one string. */
export function expandString(text: string, env: NodeJS.ProcessEnv): Expansion {
  let out = ''
  let substituted = false
  const missing: string[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c !== '$') { out += c; i++; continue }
    const next = text[i + 1]
    if (next === '$') { out += '$'; i += 2; continue }
    if (next !== '{') { out += c; i++; continue }
    const close = text.indexOf('}', i + 2)
    if (close < 0) return { syntax: 'has a "${" without a closing "}" (write $$ for a literal $)' }
    const ref = REFERENCE_RE.exec(text.slice(i + 2, close))
    if (!ref) return { syntax: 'has an invalid ${...} reference: use ${NAME} or ${NAME:-default}' }
    const [, name, fallback] = ref
    const value = env[name]
    if (fallback !== undefined && (value === undefined || value === '')) out += fallback
    else if (value === undefined) missing.push(name)
    else out += value
    substituted = true
    i = close + 1
  }
  return missing.length > 0 ? { missing: [...new Set(missing)] } : { value: out, substituted }
}

function describeMissing(names: readonly string[]): string {
  const refs = names.map((n) => `\${${n}}`)
  if (refs.length === 1) return `${refs[0]}, which is not set`
  return `${refs.slice(0, -1).join(', ')} and ${refs[refs.length - 1]}, which are not set`
}

/** The result of interpolating a tree: the new tree and the paths whose value came from the environment. */
export interface Interpolated {
  readonly tree: unknown
  readonly substituted: ReadonlySet<string>
}

/** Interpolate every string in a parsed YAML tree; problems are recorded, their values become INVALID. */
export function interpolateTree(tree: unknown, env: NodeJS.ProcessEnv, issues: ConfigIssues): Interpolated {
  const substituted = new Set<string>()
  const walk = (value: unknown, path: ConfigPath): unknown => {
    if (typeof value === 'string') {
      const result = expandString(value, env)
      if ('value' in result) {
        if (result.substituted) substituted.add(formatPath(path))
        return result.value
      }
      if ('missing' in result) issues.add('RIVET_CONFIG_ENV_MISSING', path, `${formatPath(path)} references ${describeMissing(result.missing)}`)
      else issues.add('RIVET_CONFIG_FORMAT', path, `${formatPath(path)} ${result.syntax}`)
      return INVALID
    }
    if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, index]))
    if (isMapping(value)) {
      const out: Record<string, unknown> = {}
      for (const [key, item] of Object.entries(value)) out[key] = walk(item, [...path, key])
      return out
    }
    return value
  }
  return { tree: walk(tree, []), substituted }
}
