/**
 * Finding the "last changed" column of a table: a timestamp whose name says it is updated on
 * every change, preferably the first key column of an index (so each incremental run's
 * `max(cursor)` and `cursor > last` are index range reads instead of table scans).
 */
import type { ColumnShape, IndexShape, TableShape } from './types.js'

/** Names (after normalisation to snake_case) of columns that track the last change, best first. */
export const CURSOR_NAMES: readonly string[] = [
  'updated_at',
  'modified_at',
  'last_modified',
  'last_modified_at',
  'changed_at',
  'last_updated',
  'last_updated_at',
  'last_update',
  'updated_on',
  'modified_on',
  'updated',
  'modified',
  'changed',
  'mtime',
  'date_modified',
  'update_time',
  'updated_time',
  'modify_time',
  'modification_time',
  'change_time',
]

/** `updatedAt`, `Updated-At`, `UPDATED_AT` → `updated_at`. */
export function normalizeColumnName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

/** A cursor candidate and the index whose first key column it is (null when none leads with it). */
export interface CursorCandidate {
  readonly column: ColumnShape
  readonly index: IndexShape | null
}

/** The index that serves range reads on `column` best: usable, leading with it, fewest key columns. */
export function leadingIndex(indexes: readonly IndexShape[], column: string): IndexShape | null {
  const leading = indexes.filter((i) => i.usable && i.columns[0] === column)
  leading.sort((a, b) => a.columns.length - b.columns.length || a.name.localeCompare(b.name))
  return leading[0] ?? null
}

/**
 * The best updated-at-like timestamp column of a table, or null. Indexed candidates win over
 * unindexed ones, then the name list's order, then NOT NULL over nullable.
 */
export function pickCursor(table: TableShape): CursorCandidate | null {
  const candidates = table.columns
    .filter((c) => c.kind === 'timestamp' && CURSOR_NAMES.includes(normalizeColumnName(c.name)))
    .map((column) => ({ column, index: leadingIndex(table.indexes, column.name), rank: CURSOR_NAMES.indexOf(normalizeColumnName(column.name)) }))
  candidates.sort((a, b) => Number(b.index !== null) - Number(a.index !== null) || a.rank - b.rank || Number(a.column.nullable) - Number(b.column.nullable))
  const best = candidates[0]
  return best === undefined ? null : { column: best.column, index: best.index }
}

/**
 * Columns that identify a row, to break ties on the cursor value: the primary key, else the
 * narrowest unique index over NOT NULL plain columns. Null when the table has neither.
 */
export function tieBreakerKey(table: TableShape): { columns: readonly string[]; what: string } | null {
  if (table.primaryKey !== null && table.primaryKey.length > 0) return { columns: table.primaryKey, what: 'the primary key' }
  const notNull = new Set(table.columns.filter((c) => !c.nullable).map((c) => c.name))
  const unique = table.indexes
    .filter((i) => i.unique && i.usable && i.columns.every((c) => c !== null && notNull.has(c)))
    .sort((a, b) => a.columns.length - b.columns.length || a.name.localeCompare(b.name))[0]
  return unique === undefined ? null : { columns: unique.columns as string[], what: `unique index ${unique.name}` }
}
