/** A WHERE clause and its positional parameters. */
export interface WhereClause {
  readonly sql: string
  readonly params: unknown[]
}

/** Build a WHERE clause from [condition, value] pairs; pairs whose value is undefined are skipped. */
export function whereClause(conditions: ReadonlyArray<readonly [string, unknown]>): WhereClause {
  const used = conditions.filter(([, value]) => value !== undefined)
  return {
    sql: used.length === 0 ? '' : `WHERE ${used.map(([condition]) => condition).join(' AND ')}`,
    params: used.map(([, value]) => value),
  }
}
