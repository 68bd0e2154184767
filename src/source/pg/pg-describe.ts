import type pg from 'pg'
import type { ResolvedExport } from '../../config/index.js'
import type { ColumnSpec } from '../../types/index.js'
import { describePgQuery, describePgTable } from './introspect/index.js'
import { mapPgColumns } from './types/index.js'

/** What the coordinator learns about an export from the catalog before planning it. */
export interface PgExportFacts {
  readonly columns: readonly ColumnSpec[]
  /** The relation behind a `table:` export; null for `query:` exports. */
  readonly relation: {
    readonly oid: number
    readonly schema: string
    readonly name: string
    readonly relkind: string
    readonly pages: number
    readonly estimatedRows: number
    readonly primaryKey: readonly string[] | null
  } | null
}

/** Resolve an export's relation or query and map its columns (type errors are raised here, before any file). */
export async function describePgExport(client: pg.Client, exp: ResolvedExport): Promise<PgExportFacts> {
  if (exp.table !== null) {
    const { columns: raw, ...relation } = await describePgTable(client, exp.table)
    return { columns: mapPgColumns(raw, exp.columns), relation }
  }
  const raw = await describePgQuery(client, exp.query ?? '')
  return { columns: mapPgColumns(raw, exp.columns), relation: null }
}

/** Quote an identifier for PostgreSQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
