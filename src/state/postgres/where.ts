import { RivetError } from '../../errors/index.js'

/** A WHERE clause with $n placeholders and its parameters. */
export interface PgWhereClause {
  readonly sql: string
  readonly params: unknown[]
}

/**
 * Build a WHERE clause from [column expression, value] pairs (each compared with =); pairs whose
 * value is undefined are skipped. Placeholders are numbered from $1.
 */
export function whereEquals(conditions: ReadonlyArray<readonly [string, unknown]>): PgWhereClause {
  const used = conditions.filter(([, value]) => value !== undefined)
  return {
    sql: used.length === 0 ? '' : `WHERE ${used.map(([column], i) => `${column} = $${i + 1}`).join(' AND ')}`,
    params: used.map(([, value]) => value),
  }
}

/** A LIMIT parameter: null (no limit) when not given; a non-negative integer otherwise. */
export function toLimitParam(limit: number | undefined): number | null {
  if (limit === undefined) return null
  if (!Number.isInteger(limit) || limit < 0) throw new RivetError('RIVET_INTERNAL', `invalid limit ${limit}: expected a non-negative integer`)
  return limit
}
