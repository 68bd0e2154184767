import type { QualityCheckResult, ShapeGrowth } from '../quality/types.js'

/** A column type for people: the source type, and the type written when it reads differently. */
export function describeColumnType(column: { readonly type: string; readonly sourceType: string }): string {
  return column.sourceType === column.type || column.sourceType === '' ? column.type : `${column.sourceType} (${column.type})`
}

/** The name of a quality check with the column(s) it checks: `null_ratio_max(email)`. */
export function qualityLabel(result: QualityCheckResult): string {
  return result.columns && result.columns.length > 0 ? `${result.check}(${result.columns.join(', ')})` : result.check
}

/** How the checks went, counted: `2 passed, 1 failed`. */
export function countQuality(results: readonly QualityCheckResult[]): string {
  const counts = (['passed', 'failed', 'skipped'] as const).map((status) => [status, results.filter((r) => r.status === status).length] as const)
  return counts
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ')
}

/** The run every shape growth is compared with, when they share one (they do when one run reports them). */
export function sharedBaseline(growth: readonly ShapeGrowth[]): string | null {
  const first = growth[0]?.baselineRunId ?? null
  return growth.every((g) => g.baselineRunId === first) ? first : null
}
