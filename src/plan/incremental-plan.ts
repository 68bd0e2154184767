import type { ResolvedExport } from '../config/index.js'
import { RivetError } from '../errors/index.js'
import type { ColumnSpec } from '../types/index.js'
import { pgLiteral, pgTypedLiteral } from './sql-literal.js'

/** The cursor an earlier run left in state. */
export interface StoredCursor {
  /** The server's text rendering of the highest cursor value exported. */
  readonly value: string
  /** SQL type the value was read as. */
  readonly type: string
  /** Keys of the rows exported whose cursor equals `value`; null when no key is known. */
  readonly boundaryKeys: readonly (readonly (string | null)[])[] | null
  /** Whether `boundaryKeys` lists every such row (false once there were too many). */
  readonly boundaryComplete: boolean
}

/**
 * What an extraction worker needs for an incremental read. Plain data: it crosses threads. The
 * worker runs, inside one snapshot: `SELECT max(cursor)` over the rows after the stored cursor,
 * the read of those rows up to that maximum, and the keys of the rows at the maximum.
 */
export interface PgIncrementalRead {
  /** FROM item: a relation or `(query) AS rivet_q`. */
  readonly from: string
  readonly selectList: string
  /** SQL expression of the cursor (a column, or COALESCE of two). */
  readonly cursorExpr: string
  /** SQL type of the cursor, for literals. */
  readonly cursorType: string
  /** Predicate selecting the rows after the stored cursor; null on the first run (every row). */
  readonly after: string | null
  /** Quoted key columns captured at the new boundary; null when the export has no unique key. */
  readonly keyExprs: readonly string[] | null
  /** Most boundary keys kept; past it the boundary is recorded as incomplete. */
  readonly boundaryLimit: number
}

/** How the tie on the stored cursor value is handled on this run (reported to the user). */
export type TieHandling = 'first-run' | 'exclude-exported-keys' | 'reread-boundary' | 'overlap'

/** How the SQL of an incremental read is spelled on one server. */
export interface IncrementalDialect {
  quote(name: string): string
  /** A literal of `value` compared with a column of SQL type `type`. */
  typedLiteral(value: string, type: string): string
  /** A plain string literal. */
  literal(value: string): string
  /** An expression rendered as text, as the key values were captured. */
  asText(expr: string): string
  /** The fallback column converted to the cursor's type for COALESCE. */
  castTo(expr: string, type: string): string
  /** `last` minus a number of seconds (temporal cursors). */
  minusSeconds(last: string, seconds: number): string
}

/** PostgreSQL spelling. */
export const PG_INCREMENTAL_DIALECT: IncrementalDialect = {
  quote: (name) => `"${name.replace(/"/g, '""')}"`,
  typedLiteral: pgTypedLiteral,
  literal: pgLiteral,
  asText: (expr) => `${expr}::text`,
  castTo: (expr, type) => `${expr}::${type}`,
  minusSeconds: (last, seconds) => `(${last} - interval '${seconds} seconds')`,
}

/** Most keys kept for the boundary: enough for bursts of equal timestamps, small in state and SQL. */
export const BOUNDARY_KEY_LIMIT = 10_000

/** Cursor column types that order meaningfully and render as text losslessly. */
const CURSOR_KINDS = new Set(['int', 'decimal', 'date', 'timestamp', 'utf8', 'float'])

/**
 * Plan the incremental read of an export. The guarantee: no row whose cursor is above the stored
 * value, or equal to it but not exported before, is skipped — ties on the last value are handled
 * by the keys recorded at the boundary (rows with those keys and that cursor value are not read
 * again), or, without a unique key, by reading the boundary value again (its rows are exported
 * twice: at-least-once). `cursor_overlap` re-reads a window below the stored value (at-least-once).
 */
export function planPgIncremental(
  exp: ResolvedExport,
  columns: readonly ColumnSpec[],
  from: string,
  selectList: string,
  primaryKey: readonly string[] | null,
  stored: StoredCursor | undefined,
  dialect: IncrementalDialect = PG_INCREMENTAL_DIALECT,
): { read: PgIncrementalRead; tie: TieHandling } {
  const quote = dialect.quote
  const inc = exp.incremental
  if (inc === null) throw new RivetError('RIVET_INTERNAL', `export ${exp.name} is not incremental`)
  const cursor = findColumn(exp, columns, inc.cursorColumn, 'cursor_column')
  const cursorType = cursor.sourceType
  let cursorExpr = quote(cursor.name)
  if (inc.cursorMode === 'coalesce' && inc.fallbackColumn !== null) {
    const fallback = findColumn(exp, columns, inc.fallbackColumn, 'cursor_fallback_column')
    cursorExpr = `COALESCE(${quote(cursor.name)}, ${dialect.castTo(quote(fallback.name), cursorType)})`
  }
  if (!CURSOR_KINDS.has(cursor.type.kind)) {
    throw new RivetError('RIVET_PLAN_CURSOR_TYPE', `export ${exp.name}: cursor_column ${JSON.stringify(cursor.name)} has type ${cursorType}, which cannot serve as a cursor`, {
      hint: 'use a monotonically growing integer, numeric, date, timestamp or text column (typically updated_at or an id)',
      details: { export: exp.name, column: cursor.name, type: cursorType },
    })
  }
  const keyNames = exp.uniqueKey ?? primaryKey
  const keyExprs = keyNames === null ? null : keyNames.map((k) => quote(findColumn(exp, columns, k, 'unique_key').name))
  const read = { from, selectList, cursorExpr, cursorType, keyExprs, boundaryLimit: BOUNDARY_KEY_LIMIT }
  if (stored === undefined) return { read: { ...read, after: null }, tie: 'first-run' }
  if (stored.type !== cursorType) {
    throw new RivetError('RIVET_PLAN_CURSOR_TYPE', `export ${exp.name}: the stored cursor was read as ${stored.type}, the cursor column is now ${cursorType}`, {
      hint: `check the column; \`rivet state reset -e ${exp.name} --cursor-only\` starts over with a full read`,
      details: { export: exp.name, stored: stored.type, now: cursorType },
    })
  }
  const last = dialect.typedLiteral(stored.value, cursorType)
  if (inc.overlap !== null) {
    return { read: { ...read, after: `${cursorExpr} >= ${overlapBound(exp, cursor, last, inc.overlap, dialect)}` }, tie: 'overlap' }
  }
  const keys = stored.boundaryKeys
  if (keyExprs === null || keys === null || !stored.boundaryComplete || keys.length === 0 || keys.some((k) => k.length !== keyExprs.length)) {
    return { read: { ...read, after: `${cursorExpr} >= ${last}` }, tie: 'reread-boundary' }
  }
  const tuple = (values: readonly (string | null)[]) => `(${values.map((v) => (v === null ? 'NULL' : dialect.literal(v))).join(', ')})`
  const exported = `(${keyExprs.map((k) => dialect.asText(k)).join(', ')}) IN (${keys.map(tuple).join(', ')})`
  // COALESCE: a NULL key makes IN unknown; such a row must be read, not dropped
  return { read: { ...read, after: `(${cursorExpr} > ${last} OR (${cursorExpr} = ${last} AND NOT COALESCE(${exported}, false)))` }, tie: 'exclude-exported-keys' }
}

function overlapBound(exp: ResolvedExport, cursor: ColumnSpec, last: string, overlap: NonNullable<NonNullable<ResolvedExport['incremental']>['overlap']>, dialect: IncrementalDialect): string {
  const temporal = cursor.type.kind === 'timestamp' || cursor.type.kind === 'date'
  const numeric = cursor.type.kind === 'int' || cursor.type.kind === 'decimal' || cursor.type.kind === 'float'
  if (overlap.kind === 'duration' && temporal) return dialect.minusSeconds(last, overlap.seconds)
  if (overlap.kind === 'number' && numeric) return `(${last} - ${overlap.value})`
  throw new RivetError('RIVET_PLAN_CURSOR_TYPE', `export ${exp.name}: cursor_overlap ${overlap.kind === 'duration' ? 'is a duration' : 'is a number'} but the cursor column has type ${cursor.sourceType}`, {
    hint: temporal ? 'give cursor_overlap as a duration such as "15m" or "2h"' : numeric ? 'give cursor_overlap as a number in the cursor\'s units' : 'remove cursor_overlap: it needs a temporal or numeric cursor',
  })
}

/** The column named by a config key, or a plan error with the closest name. */
export function findColumn(exp: ResolvedExport, columns: readonly ColumnSpec[], name: string, key: string): ColumnSpec {
  const found = columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase())
  if (found !== undefined) return found
  throw new RivetError('RIVET_PLAN_UNKNOWN_COLUMN', `export ${exp.name}: ${key} names column ${JSON.stringify(name)}, which the ${exp.table !== null ? 'table' : 'query'} does not return`, {
    hint: `columns are: ${columns.map((c) => c.name).join(', ')}`,
    details: { export: exp.name, key, column: name },
  })
}
