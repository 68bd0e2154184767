import type { Connection } from 'mysql2/promise'
import type { ResolvedExport } from '../../config/index.js'
import type { MysqlExportFacts } from '../../plan/build-mysql-plan.js'
import { describeMysqlQuery, describeMysqlTable } from './introspect.js'
import { mapMysqlColumns } from './type-map.js'

/** Resolve a MySQL export's table or query and map its columns (type errors are raised here, before any file). */
export async function describeMysqlExport(conn: Connection, exp: ResolvedExport): Promise<MysqlExportFacts> {
  if (exp.table !== null) {
    const t = await describeMysqlTable(conn, exp.table)
    return {
      columns: mapMysqlColumns(t.columns, exp.columns),
      relation: { schema: t.schema, name: t.name, isView: t.isView, estimatedRows: t.estimatedRows, primaryKey: t.primaryKey },
    }
  }
  return { columns: mapMysqlColumns(await describeMysqlQuery(conn, exp.query ?? ''), exp.columns), relation: null }
}
