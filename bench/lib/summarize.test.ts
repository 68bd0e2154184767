import { describe, expect, it } from 'vitest'
import { median } from './stats.js'
import { summarize } from './summarize.js'
import type { Sample } from './types.js'

function sample(tool: string, rep: number, rowsPerS: number | null, ok = true): Sample {
  return {
    tool, fixture: 'f', rep, ok, wallS: rowsPerS ? 1000 / rowsPerS : 1, rowsPerS, mbPerS: rowsPerS ? rowsPerS / 100 : null,
    cpuS: 1, cpuSource: 'proc-poll', peakRssBytes: 100 * 1048576, outputBytes: 2e6, rows: 1000,
    maxStatementS: 0.5, maxXactS: 0.6, serverStatements: 1, backends: 1,
  }
}

describe('summarize', () => {
  it('pairs ratios within a repetition, then takes the median', () => {
    const samples = [
      sample('rivet', 0, 100), sample('psql_binary_devnull', 0, 200), sample('psql_csv', 0, 100),
      sample('rivet', 1, 50), sample('psql_binary_devnull', 1, 50), sample('psql_csv', 1, 25),
      sample('rivet', 2, 90), sample('psql_binary_devnull', 2, 100), sample('psql_csv', 2, 90),
    ]
    const s = summarize('rivet', samples, undefined)
    expect(s.ratioVsCeiling).toBeCloseTo(0.9) // per-rep ratios 0.5, 1.0, 0.9
    expect(s.ratioVsPsqlCsv).toBeCloseTo(1.0) // 1.0, 2.0, 1.0
    expect(s.rowsPerS).toBe(90)
    expect(s.peakRssMb).toBe(100)
    expect(s.outputMb).toBe(2)
  })
  it('ignores failed runs and keeps their errors', () => {
    const failed = { ...sample('rivet', 1, null, false), error: 'exit 1: boom' }
    const s = summarize('rivet', [sample('rivet', 0, 10), failed], 'gave up')
    expect(s.okRuns).toBe(1)
    expect(s.runs).toBe(2)
    expect(s.errors).toEqual(['exit 1: boom'])
    expect(s.skipped).toBe('gave up')
    expect(s.ratioVsCeiling).toBeNull()
  })
  it('median handles even counts and skips nulls', () => {
    expect(median([3, null, 1, 2, 10])).toBe(2.5)
    expect(median([])).toBeNull()
  })
})
