import { formatPercent } from './format.js'
import type { ResolvedQuality } from './types.js'

/** Things worth a warning in a `quality:` block that is valid: unbounded memory, rules that cannot fail. */
export function qualityWarnings(q: ResolvedQuality): string[] {
  const warnings: string[] = []
  if (q.uniqueColumns.length > 0 && q.uniqueMaxEntries === null) {
    // measured: the key table holds 8 bytes per slot at a load of 3/8 to 3/4 (see UniqueTracker)
    warnings.push(
      `quality.unique_columns is set without unique_max_entries: each unique check remembers every distinct key of the run, 11 to 21 bytes per key (about 16 MB per million distinct keys${q.uniqueColumns.length > 1 ? `, times ${q.uniqueColumns.length} checks` : ''}); set unique_max_entries to bound it`,
    )
  }
  if (q.rowCountMin === 0) warnings.push('quality.row_count_min is 0, which every run passes')
  for (const [column, max] of Object.entries(q.nullRatioMax)) {
    if (max >= 1) warnings.push(`quality.null_ratio_max of column ${column} is ${formatPercent(max)}, which every run passes`)
  }
  return warnings
}
