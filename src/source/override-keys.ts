import { parseColumnKey } from '../config/column-override.js'
import type { ColumnOverride } from '../config/index.js'
import type { ErrorItem } from '../errors/index.js'
import { closestName } from './pg/types/suggest-name.js'

/** The table column an output column comes straight from (a table export's own column, or a query column that reads one). */
export interface ColumnOrigin {
  readonly schema: string
  readonly table: string
  /** The column's name in that table (a query may give it another name). */
  readonly column: string
}

/**
 * How the table and schema parts of a `table.col` key compare with the catalog's names:
 * `pg` — as written, or folded to lower case (PostgreSQL folds unquoted identifiers);
 * `exact` — as written (MySQL with case-sensitive table names); `nocase` — ignoring case
 * (MySQL with lower_case_table_names 1 or 2).
 */
export type TableNameRule = 'pg' | 'exact' | 'nocase'

/** The override applied to one column and the key it came from. */
export interface OverrideMatch {
  readonly key: string
  readonly override: ColumnOverride
}

/** A column as the matcher sees it. */
export interface OverrideTarget {
  readonly name: string
  readonly origin?: ColumnOrigin
}

/** Precedence of the key forms: `schema.table.col` over `table.col` over `col`. */
const BARE = 1
const TABLE = 2
const SCHEMA = 3

const KEY_HINT = 'override keys are column names (matched case-sensitively), table.column or schema.table.column'

/**
 * Match `columns:` keys to columns. A key equal to a column's name names that column (also when
 * it holds dots); `table.col` names the columns read straight from column `col` of table
 * `table`, `schema.table.col` likewise within `schema`. When several keys name one column the
 * most qualified wins; keys naming no column (or, qualified, a table the export does not read)
 * become RIVET_TYPE_OVERRIDE_INVALID items.
 */
export function matchColumnOverrides(
  columns: readonly OverrideTarget[],
  overrides: Readonly<Record<string, ColumnOverride>>,
  rule: TableNameRule,
): { readonly matches: (OverrideMatch | undefined)[]; readonly items: ErrorItem[] } {
  const items: ErrorItem[] = []
  const best: { level: number; key: string; override: ColumnOverride; tie: string | null }[] = []
  const names = columns.map((c) => c.name)
  for (const [key, override] of Object.entries(overrides)) {
    const hit = targetsOf(key, columns, rule)
    if ('error' in hit) {
      items.push({ code: 'RIVET_TYPE_OVERRIDE_INVALID', path: key, message: hit.error, hint: KEY_HINT })
      continue
    }
    for (const i of hit.indexes) {
      const cur = best[i]
      if (cur === undefined || hit.level > cur.level) best[i] = { level: hit.level, key, override, tie: null }
      else if (hit.level === cur.level) cur.tie = key
    }
  }
  const matches = names.map((name, i) => {
    const b = best[i]
    if (b === undefined) return undefined
    if (b.tie !== null) {
      items.push({ code: 'RIVET_TYPE_OVERRIDE_INVALID', path: b.key, message: `columns overrides "${b.key}" and "${b.tie}" both name column "${name}"`, hint: 'keep one of them' })
    }
    return { key: b.key, override: b.override }
  })
  return { matches, items }
}

/** The columns one key names and its precedence, or why it names none. */
function targetsOf(key: string, columns: readonly OverrideTarget[], rule: TableNameRule): { level: number; indexes: number[] } | { error: string } {
  const exact = indexesWhere(columns, (c) => c.name === key)
  if (exact.length > 0) return { level: BARE, indexes: exact }
  const parsed = parseColumnKey(key)
  const names = columns.map((c) => c.name)
  if ('error' in parsed) return { error: `columns override ${parsed.error}` }
  if (parsed.table === null) {
    const near = closestName(key, names)
    return { error: `columns override "${key}" names no column of the source${near === null ? '' : ` — did you mean "${near}"?`}` }
  }
  const { schema, table, column } = parsed
  const inTable = (o: ColumnOrigin | undefined): o is ColumnOrigin => o !== undefined && sameName(o.table, table, rule) && (schema === null || sameName(o.schema, schema, rule))
  const indexes = indexesWhere(columns, (c) => inTable(c.origin) && c.origin.column === column)
  if (indexes.length > 0) return { level: schema === null ? TABLE : SCHEMA, indexes }
  const fromTable = columns.filter((c) => inTable(c.origin))
  if (fromTable.length === 0) {
    const tables = [...new Set(columns.flatMap((c) => (c.origin === undefined ? [] : [`${c.origin.schema}.${c.origin.table}`])))]
    const read = tables.length === 0 ? 'no column of the export comes straight from a table' : `the export reads columns of ${tables.join(', ')}`
    return { error: `columns override "${key}" names table "${schema === null ? table : `${schema}.${table}`}", which is not part of the export: ${read}` }
  }
  const origin = fromTable[0]!.origin!
  const near = closestName(column, fromTable.map((c) => c.origin!.column))
  return { error: `columns override "${key}": the export reads no column "${column}" of ${origin.schema}.${origin.table}${near === null ? '' : ` — did you mean "${table}.${near}"?`}` }
}

function indexesWhere(columns: readonly OverrideTarget[], test: (c: OverrideTarget) => boolean): number[] {
  const out: number[] = []
  columns.forEach((c, i) => {
    if (test(c)) out.push(i)
  })
  return out
}

/** Whether a name from the catalog is the one a key writes, under the source's rule. */
function sameName(actual: string, written: string, rule: TableNameRule): boolean {
  if (actual === written) return true
  if (rule === 'pg') return written.toLowerCase() === actual
  if (rule === 'nocase') return written.toLowerCase() === actual.toLowerCase()
  return false
}
