import { readFileSync, statSync } from 'node:fs'
import { parse } from 'yaml'

/** Names as the config schema allows them (the `export-name` format); anything else is not printed. */
const EXPORT_NAME_RE = /^[A-Za-z0-9_.-]+$/

/** Larger files are not read: completion must answer at once. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024

/**
 * The export names of a config file, read from its YAML without resolving it: no `${VAR}` is
 * substituted, no secret is read, no connection is made. Returns [] when the file cannot be read or
 * parsed. Only names of letters, digits, `_`, `.` and `-` are returned, so a shell can use them as
 * words without quoting (a name holding `$(…)` is never handed to a shell).
 */
export function listExportNames(configPath: string): string[] {
  try {
    const stat = statSync(configPath)
    if (!stat.isFile() || stat.size > MAX_CONFIG_BYTES) return []
    const raw: unknown = parse(readFileSync(configPath, 'utf8'), { logLevel: 'silent', prettyErrors: false, maxAliasCount: 100 })
    const exportsList = raw !== null && typeof raw === 'object' ? (raw as { exports?: unknown }).exports : undefined
    if (!Array.isArray(exportsList)) return []
    const names = exportsList.map((e: unknown) => (e !== null && typeof e === 'object' ? (e as { name?: unknown }).name : undefined))
    return [...new Set(names.filter((n): n is string => typeof n === 'string' && EXPORT_NAME_RE.test(n)))]
  } catch {
    return []
  }
}
