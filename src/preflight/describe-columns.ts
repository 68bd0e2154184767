import type { ColumnOverride, ResolvedConfig, ResolvedExport } from '../config/index.js'
import { isRivetError, type ErrorItem } from '../errors/index.js'
import { planMetaColumns } from '../plan/index.js'
import { openPgClient, toConnectParams } from '../source/pg/index.js'
import { describePgQuery, describePgTable } from '../source/pg/introspect/index.js'
import { mapPgColumns, type PgRawColumn } from '../source/pg/types/index.js'
import type { MysqlRawColumn } from '../source/mysql/index.js'
import type { ColumnSpec } from '../types/index.js'
import type { UnsupportedColumn } from './type-report.js'

/** An export's output columns as `rivet run` writes them, and the source columns it would refuse. */
export interface ExportColumns {
  /** Source columns in order (overrides applied), then the meta columns: the schema of the files. */
  readonly columns: ColumnSpec[]
  /** Columns (and override keys) that make `rivet run` stop with a RIVET_TYPE_* error. */
  readonly unsupported: UnsupportedColumn[]
}

/** The type mapping of one source: its own function, which throws a RIVET_TYPE_* error with one item per refused column. */
type MapColumns<R> = (cols: readonly R[], overrides: Readonly<Record<string, ColumnOverride>>) => ColumnSpec[]

/** Marks a column that is kept only so that meta_columns.row_hash can name it. */
const REFUSED = 'refused'

/**
 * Describe an export's columns from the catalog exactly as `rivet run` plans them: the source's
 * own describe and type mapping (overrides included), then planMetaColumns. Where `run` would stop
 * on a type it cannot export, the column is returned in `unsupported` with the reason and the
 * suggested override instead. Reads no rows.
 */
export async function describeExportColumns(config: ResolvedConfig, exp: ResolvedExport): Promise<ExportColumns> {
  const connect = toConnectParams(config.source.connection, config.configDir)
  if (config.source.type === 'mysql') {
    // loaded on use: mysql2 is a large CommonJS tree that PostgreSQL sources should not pay for
    const { describeMysqlQuery, describeMysqlTable, mapMysqlColumns, openMysqlConnection } = await import('../source/mysql/index.js')
    const session = await openMysqlConnection(connect)
    try {
      const raw = exp.table !== null ? (await describeMysqlTable(session.connection, exp.table)).columns : await describeMysqlQuery(session.connection, exp.query ?? '')
      return withMetaColumns(exp, mapEach<MysqlRawColumn>(raw, exp.columns, mapMysqlColumns, (c) => c.columnType))
    } finally {
      await session.close().catch(() => undefined)
    }
  }
  const client = await openPgClient(connect)
  try {
    const raw = exp.table !== null ? (await describePgTable(client, exp.table)).columns : await describePgQuery(client, exp.query ?? '')
    return withMetaColumns(exp, mapEach<PgRawColumn>(raw, exp.columns, mapPgColumns, (c) => c.formattedType))
  } finally {
    await client.end().catch(() => undefined)
  }
}

/**
 * Map the columns one at a time through the source's own mapping, so that a refused column is
 * recorded (from the items of the error the mapping throws) without hiding the others. The mapping
 * looks at each column on its own; only override keys naming no column involve the whole list,
 * and those are mapped against an empty list to get the same error.
 */
function mapEach<R extends { readonly name: string }>(
  raw: readonly R[],
  overrides: Readonly<Record<string, ColumnOverride>>,
  map: MapColumns<R>,
  sourceType: (col: R) => string,
): { source: (ColumnSpec | UnsupportedColumn)[] } {
  const source: (ColumnSpec | UnsupportedColumn)[] = []
  raw.forEach((col, position) => {
    const override = overrides[col.name]
    const items = refusals(() => source.push(...map([col], override === undefined ? {} : { [col.name]: override })))
    if (items.length > 0) source.push(unsupported(col.name, sourceType(col), position, items))
  })
  const names = new Set(raw.map((c) => c.name))
  const strays = Object.entries(overrides).filter(([key]) => !names.has(key))
  for (const item of refusals(() => map([], Object.fromEntries(strays)))) {
    source.push(unsupported(item.path ?? '?', '(no such column)', raw.length, [item]))
  }
  return { source }
}

/** The items of the RIVET_TYPE_* error `fn` throws, or none; other errors propagate. */
function refusals(fn: () => unknown): readonly ErrorItem[] {
  try {
    fn()
    return []
  } catch (err) {
    if (!isRivetError(err) || !err.code.startsWith('RIVET_TYPE_')) throw err
    return err.items.length > 0 ? err.items : [{ code: err.code, message: err.message, hint: err.hint }]
  }
}

function unsupported(name: string, sourceType: string, position: number, items: readonly ErrorItem[]): UnsupportedColumn {
  const first = items[0]!
  return {
    name,
    sourceType,
    position,
    code: first.code,
    reason: items.map((i) => i.message).join('; '),
    hint: first.hint ?? null,
  }
}

/**
 * Append the meta columns the plan adds (planMetaColumns, as the runners call it). Refused columns
 * stand in by name only, so that a row_hash list naming one is judged as `run` would judge it.
 */
function withMetaColumns(exp: ResolvedExport, mapped: { source: (ColumnSpec | UnsupportedColumn)[] }): ExportColumns {
  const isSpec = (c: ColumnSpec | UnsupportedColumn): c is ColumnSpec => 'type' in c
  const columns = mapped.source.filter(isSpec)
  const refused = mapped.source.filter((c): c is UnsupportedColumn => !isSpec(c))
  const byName = mapped.source.map((c): ColumnSpec => (isSpec(c) ? c : { name: c.name, type: { kind: 'utf8' }, nullable: true, sourceType: c.sourceType, decoder: REFUSED, fidelity: 'lossy' }))
  const meta = planMetaColumns(exp, byName, new Date())
  return { columns: [...columns, ...meta.specs], unsupported: refused }
}
