/** Per-column type overrides: `decimal(p,s)` or one of the simple kinds (`text`, `int64`, ...). */
import { SIMPLE_OVERRIDE_KINDS, type ColumnOverride, type SimpleOverrideKind } from './types.js'

/** Largest decimal precision an override may declare (Arrow decimal256). */
export const MAX_DECIMAL_PRECISION = 76

const DECIMAL_RE = /^decimal\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/i

/** JSON Schema pattern of an override string. */
export const COLUMN_OVERRIDE_PATTERN = `^\\s*(?:[Dd][Ee][Cc][Ii][Mm][Aa][Ll]\\s*\\(\\s*[0-9]+\\s*(?:,\\s*[0-9]+\\s*)?\\)|${SIMPLE_OVERRIDE_KINDS.join('|')})\\s*$`

/** Parse an override; returns the override or a sentence saying what is wrong. */
export function parseColumnOverride(text: string): ColumnOverride | { error: string } {
  const trimmed = text.trim()
  const simple = trimmed.toLowerCase()
  if ((SIMPLE_OVERRIDE_KINDS as readonly string[]).includes(simple)) return { kind: simple as SimpleOverrideKind }
  const match = DECIMAL_RE.exec(trimmed)
  if (!match) return { error: `'${text}' is not a type override; use decimal(p,s) or one of ${SIMPLE_OVERRIDE_KINDS.join(', ')}` }
  const precision = Number(match[1])
  const scale = match[2] === undefined ? 0 : Number(match[2])
  if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
    return { error: `decimal precision must be between 1 and ${MAX_DECIMAL_PRECISION}, got ${precision}` }
  }
  if (scale > precision) return { error: `decimal scale must be between 0 and the precision (${precision}), got ${scale}` }
  return { kind: 'decimal', precision, scale }
}

/** A `columns:` key: `col`, `table.col` or `schema.table.col` (table and schema null when absent). */
export interface ColumnKey {
  readonly schema: string | null
  readonly table: string | null
  readonly column: string
}

/**
 * Split a `columns:` key on its dots. A key without dots is a bare column name; with one or two
 * dots it is `table.col` or `schema.table.col`. Quoted identifiers are not recognised: a name
 * part that holds a dot itself cannot be written in the qualified form.
 */
export function parseColumnKey(key: string): ColumnKey | { error: string } {
  const parts = key.split('.')
  if (parts.length === 1) return { schema: null, table: null, column: key }
  if (parts.length > 3) return { error: `"${key}" has ${parts.length} dot-separated parts; use col, table.col or schema.table.col` }
  if (parts.some((p) => p === '')) return { error: `"${key}" has an empty part; use col, table.col or schema.table.col` }
  const column = parts[parts.length - 1]!
  const table = parts[parts.length - 2]!
  return { schema: parts.length === 3 ? parts[0]! : null, table, column }
}

/** An override as the config spells it canonically: `decimal(p,s)` or the simple kind. */
export function formatColumnOverride(o: ColumnOverride): string {
  return o.kind === 'decimal' ? `decimal(${o.precision},${o.scale})` : o.kind
}
