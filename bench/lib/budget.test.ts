import { describe, expect, it } from 'vitest'
import { checkBudget, type Budget } from './budget.js'
import type { ToolSummary } from './types.js'

const rivet = (over: Partial<ToolSummary> = {}): ToolSummary => ({
  tool: 'rivet', runs: 3, okRuns: 3, errors: [], wallS: 1, rowsPerS: 100, mbPerS: 1,
  ratioVsCeiling: 0.5, ratioVsPsqlCsv: 0.8, peakRssMb: 300, cpuS: 1, outputMb: 1, maxStatementS: 0.1, maxXactS: 0.2, ...over,
})
const budget = (over: Partial<Budget> = {}): Budget => ({
  fixture: 'mixed_200k', min_ratio_vs_psql_csv: null, min_ratio_vs_ceiling: null, max_peak_rss_mb: null, ...over,
})

describe('checkBudget', () => {
  it('only notes when no limit is set, even if rivet failed', () => {
    const v = checkBudget('q', budget(), rivet({ okRuns: 0, errors: ['exit 1'] }))
    expect(v.failures).toEqual([])
    expect(v.notes.join('\n')).toMatch(/no budget set/)
    expect(v.notes.join('\n')).toMatch(/exit 1/)
  })
  it('fails when a ratio is below its floor', () => {
    const v = checkBudget('q', budget({ min_ratio_vs_psql_csv: 0.9, min_ratio_vs_ceiling: 0.4 }), rivet())
    expect(v.failures).toHaveLength(1)
    expect(v.failures[0]).toMatch(/vs psql_csv 0\.800 is below the budget 0\.9/)
  })
  it('fails when peak RSS exceeds the budget and passes when within', () => {
    expect(checkBudget('q', budget({ max_peak_rss_mb: 250 }), rivet()).failures[0]).toMatch(/exceeds the budget 250/)
    expect(checkBudget('q', budget({ max_peak_rss_mb: 350 }), rivet()).failures).toEqual([])
  })
  it('fails when budgets are set but rivet never completed', () => {
    const v = checkBudget('q', budget({ max_peak_rss_mb: 350 }), rivet({ okRuns: 0, errors: ['boom'] }))
    expect(v.failures[0]).toMatch(/did not complete any run: boom/)
  })
})
