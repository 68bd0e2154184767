/**
 * Names in the generated config: `table:` references that resolve to exactly the discovered
 * table, export names in the export-name format, and the include/exclude globs of `--schema`.
 */
import type { SourceType } from '../config/index.js'

const PG_BARE_RE = /^[a-z_][a-z0-9_]*$/
const MYSQL_BARE_RE = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * One part of a `table:` value. PostgreSQL folds unquoted names to lower case, so anything but a
 * lower-case identifier is quoted with `"`; MySQL keeps case, so only odd characters need
 * backticks. A quote inside a quoted part is doubled.
 */
export function tableNamePart(name: string, type: SourceType): string {
  if (type === 'postgres') return PG_BARE_RE.test(name) ? name : `"${name.replace(/"/g, '""')}"`
  return MYSQL_BARE_RE.test(name) ? name : `\`${name.replace(/`/g, '``')}\``
}

/** A `table:` value: `schema.name`, or `name` alone when `schema` is null. */
export function tableRef(schema: string | null, name: string, type: SourceType): string {
  return schema === null ? tableNamePart(name, type) : `${tableNamePart(schema, type)}.${tableNamePart(name, type)}`
}

/** A name in the export-name format (letters, digits, `_`, `.`, `-`): other characters become `_`. */
export function sanitizeExportName(name: string): string {
  // leading dots would make hidden (or, for `..`, escaping) folders under ./out/{export}
  const cleaned = name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '')
  return /^[_.-]*$/.test(cleaned) ? 'table' : cleaned
}

/**
 * Unique export names for the given table names, in order. Uniqueness ignores case, so that two
 * exports never share an output folder on a case-insensitive file system: `Orders` and `orders`
 * become `Orders` and `orders_2`.
 */
export function exportNames(tableNames: readonly string[]): string[] {
  const taken = new Set<string>()
  return tableNames.map((table) => {
    const base = sanitizeExportName(table)
    let name = base
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}_${n}`
    taken.add(name.toLowerCase())
    return name
  })
}

/** A glob over table names: `*` any run of characters, `?` one character, everything else literal (case-sensitive). */
export function globToRegExp(glob: string): RegExp {
  let source = ''
  for (const ch of glob) {
    if (ch === '*') source += '.*'
    else if (ch === '?') source += '.'
    else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 's')
}

/** Table names kept by `--include` (any of them; all when none) and not dropped by `--exclude`. */
export function filterTables(names: readonly string[], include: readonly string[], exclude: readonly string[]): string[] {
  const inc = include.map(globToRegExp)
  const exc = exclude.map(globToRegExp)
  return names.filter((n) => (inc.length === 0 || inc.some((r) => r.test(n))) && !exc.some((r) => r.test(n)))
}
