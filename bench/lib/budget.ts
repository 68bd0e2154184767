import type { ToolSummary } from './types.js'

/** One gate budget (bench/budget.json); a null limit is not enforced. */
export interface Budget {
  fixture: string
  min_ratio_vs_psql_csv: number | null
  min_ratio_vs_ceiling: number | null
  /** Median peak RSS of Rivet's process tree, MiB. */
  max_peak_rss_mb: number | null
}

/** Outcome of checking one summary against one budget. */
export interface Verdict {
  failures: string[]
  notes: string[]
}

/** Compare Rivet's medians with the budget: ratios, never absolute times. */
export function checkBudget(name: string, budget: Budget, rivet: ToolSummary | undefined): Verdict {
  const failures: string[] = []
  const notes: string[] = []
  const limits = [budget.min_ratio_vs_psql_csv, budget.min_ratio_vs_ceiling, budget.max_peak_rss_mb]
  if (limits.every((l) => l === null)) {
    notes.push(`${name}: no budget set (all limits null in bench/budget.json) — measured only`)
    if (!rivet || rivet.okRuns === 0) notes.push(`${name}: rivet did not complete a run: ${rivet?.errors.join('; ') || 'not run'}`)
    return { failures, notes }
  }
  if (!rivet || rivet.okRuns === 0) {
    failures.push(`${name}: rivet did not complete any run: ${rivet?.errors.join('; ') || 'not run'}`)
    return { failures, notes }
  }
  const floor = (label: string, value: number | null, min: number | null) => {
    if (min === null) return notes.push(`${name}: ${label} has no budget (measured ${fmt(value)})`)
    if (value === null) return failures.push(`${name}: ${label} could not be measured (budget ≥ ${min})`)
    if (value < min) return failures.push(`${name}: rivet ${label} ${fmt(value)} is below the budget ${min}`)
    return notes.push(`${name}: ${label} ${fmt(value)} ≥ ${min} ok`)
  }
  floor('rows/s ratio vs psql_csv', rivet.ratioVsPsqlCsv, budget.min_ratio_vs_psql_csv)
  floor('rows/s ratio vs ceiling', rivet.ratioVsCeiling, budget.min_ratio_vs_ceiling)
  const rss = rivet.peakRssMb
  if (budget.max_peak_rss_mb === null) notes.push(`${name}: peak RSS has no budget (measured ${fmt(rss)} MiB)`)
  else if (rss === null) failures.push(`${name}: peak RSS could not be measured`)
  else if (rss > budget.max_peak_rss_mb) failures.push(`${name}: rivet peak RSS ${fmt(rss)} MiB exceeds the budget ${budget.max_peak_rss_mb} MiB`)
  else notes.push(`${name}: peak RSS ${fmt(rss)} MiB ≤ ${budget.max_peak_rss_mb} MiB ok`)
  return { failures, notes }
}

function fmt(v: number | null): string {
  return v === null ? 'n/a' : v.toFixed(3)
}
