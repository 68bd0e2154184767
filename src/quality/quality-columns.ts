import type { ResolvedExport } from '../config/index.js'
import { didYouMean } from '../config/did-you-mean.js'
import { RivetError } from '../errors/index.js'
import type { ColumnSpec } from '../types/index.js'

/** Every column a `quality:` rule names, with the key that names it. */
function namedColumns(exp: ResolvedExport): { key: string; column: string }[] {
  const q = exp.quality
  if (q === null) return []
  return [
    ...Object.keys(q.nullRatioMax).map((column) => ({ key: 'quality.null_ratio_max', column })),
    ...q.uniqueColumns.flatMap((key) => key.map((column) => ({ key: 'quality.unique_columns', column }))),
  ]
}

/**
 * Throws RIVET_PLAN_UNKNOWN_COLUMN when a quality rule names a column the export does not return
 * (names match exactly, as they appear in the files), with the closest name and the list of columns.
 */
export function checkQualityColumns(exp: ResolvedExport, columns: readonly ColumnSpec[]): void {
  const names = columns.map((c) => c.name)
  const available = new Set(names)
  const unknown = namedColumns(exp).filter((n) => !available.has(n.column))
  if (unknown.length === 0) return
  const source = exp.table !== null ? 'table' : 'query'
  const problems = unknown.map((n) => `${n.key} names column ${JSON.stringify(n.column)}, which the ${source} does not return${didYouMean(n.column, names)}`)
  throw new RivetError('RIVET_PLAN_UNKNOWN_COLUMN', `export ${exp.name}: ${problems.join('; ')}`, {
    hint: `columns are: ${names.join(', ')}`,
    details: { export: exp.name, columns: unknown },
  })
}
