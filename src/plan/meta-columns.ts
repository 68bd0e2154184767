import type { ResolvedExport } from '../config/index.js'
import { RivetError } from '../errors/index.js'
import type { ColumnSpec } from '../types/index.js'
import { findColumn } from './incremental-plan.js'

/** Name of the column holding the run's start time (`meta_columns.exported_at`). */
export const EXPORTED_AT_COLUMN = '_rivet_exported_at'
/** Name of the column holding each row's xxh3-64 (`meta_columns.row_hash`). */
export const ROW_HASH_COLUMN = '_rivet_row_hash'

/**
 * What an extraction worker appends to each row after the source's columns. Plain data: it
 * crosses threads.
 */
export interface MetaColumnsPlan {
  /** Microseconds since the epoch written in `_rivet_exported_at`, or null without that column. */
  readonly exportedAtUs: number | null
  /**
   * Source fields hashed into `_rivet_row_hash` (indexes into the source columns), 'all' for
   * the whole row, or null without that column.
   */
  readonly rowHash: readonly number[] | 'all' | null
}

/**
 * The meta columns of an export: their specs (appended to the output schema, in this order) and
 * the plan the worker follows. The row hash is xxh3-64 over the hashed fields as the source sends
 * them (PostgreSQL: binary form; MySQL: text protocol), each an int32 length (-1 for NULL) then the
 * bytes, stored as a signed int64 — stable from run to run while the column types stay the same.
 */
export function planMetaColumns(exp: ResolvedExport, source: readonly ColumnSpec[], startedAt: Date): { specs: ColumnSpec[]; plan: MetaColumnsPlan } {
  const meta = exp.metaColumns
  const specs: ColumnSpec[] = []
  const taken = new Set(source.map((c) => c.name))
  const add = (spec: ColumnSpec) => {
    if (taken.has(spec.name)) {
      throw new RivetError('RIVET_PLAN_UNKNOWN_COLUMN', `export ${exp.name}: the source already has a column named ${spec.name}, which meta_columns would add`, {
        hint: `rename or drop the source column in a query, or turn that meta column off`,
      })
    }
    specs.push(spec)
  }
  if (meta.exportedAt) {
    add({ name: EXPORTED_AT_COLUMN, type: { kind: 'timestamp', tz: 'UTC' }, nullable: false, sourceType: 'rivet: run start time', decoder: 'meta', fidelity: 'exact' })
  }
  let rowHash: MetaColumnsPlan['rowHash'] = null
  if (meta.rowHash !== null) {
    rowHash = meta.rowHash === 'all' ? 'all' : meta.rowHash.map((name) => source.indexOf(findColumn(exp, source, name, 'meta_columns.row_hash')))
    add({ name: ROW_HASH_COLUMN, type: { kind: 'int', bits: 64, signed: true }, nullable: false, sourceType: 'rivet: xxh3-64 of the row', decoder: 'meta', fidelity: 'exact' })
  }
  return { specs, plan: { exportedAtUs: meta.exportedAt ? startedAt.getTime() * 1000 : null, rowHash } }
}
