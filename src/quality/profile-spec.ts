import { RivetError } from '../errors/index.js'
import type { ColumnSpec, RivetType } from '../types/index.js'
import type { ProfileSpec, ResolvedQuality } from './types.js'

/** Whether the largest value of a column of this type is tracked (text, json, binary). */
export function isWidthType(type: RivetType): boolean {
  return type.kind === 'utf8' || type.kind === 'json' || type.kind === 'binary'
}

/** What the extraction workers profile for an export: its width columns and the column indexes of each unique key. */
export function profileSpecFor(columns: readonly ColumnSpec[], quality: ResolvedQuality | null): ProfileSpec {
  const widthColumns = columns.flatMap((c, i) => (isWidthType(c.type) ? [i] : []))
  const uniqueKeys = (quality?.uniqueColumns ?? []).map((key) =>
    key.map((name) => {
      const index = columns.findIndex((c) => c.name === name)
      if (index < 0) {
        // checkQualityColumns reports this with the export's name first; this is the backstop
        throw new RivetError('RIVET_PLAN_UNKNOWN_COLUMN', `quality.unique_columns names column ${JSON.stringify(name)}, which the export does not return`, {
          hint: `columns are: ${columns.map((c) => c.name).join(', ')}`,
        })
      }
      return index
    }),
  )
  return { widthColumns, uniqueKeys }
}
