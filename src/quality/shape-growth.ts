import { formatCount } from './format.js'
import type { ShapeGrowth } from './types.js'

/**
 * The width columns whose largest value grew past `factor` times the baseline run's. A column
 * the baseline did not record (new in this run) or recorded as 0 bytes is not compared; factor 0
 * turns the check off.
 */
export function shapeGrowth(previous: Readonly<Record<string, number>> | null, baselineRunId: string, current: Readonly<Record<string, number>>, factor: number): ShapeGrowth[] {
  if (previous === null || factor <= 0) return []
  return Object.entries(current).flatMap(([column, maxBytes]) => {
    const previousMaxBytes = previous[column]
    if (previousMaxBytes === undefined || previousMaxBytes <= 0 || maxBytes <= factor * previousMaxBytes) return []
    return [{ column, previousMaxBytes, maxBytes, factor: maxBytes / previousMaxBytes, baselineRunId }]
  })
}

/** One line for a column that grew. */
export function describeShapeGrowth(g: ShapeGrowth): string {
  return `the largest value of ${g.column} grew ${g.factor.toFixed(1)}× since run ${g.baselineRunId}: ${formatCount(g.previousMaxBytes)} → ${formatCount(g.maxBytes)} bytes`
}
