import { median } from './stats.js'
import type { Sample, ToolSummary } from './types.js'

/** The ceiling and the everyday baseline every ratio is taken against. */
export const CEILING_TOOL = 'psql_binary_devnull'
export const CSV_BASELINE_TOOL = 'psql_csv'

const MIB = 1048576

/** Medians of one tool's successful samples, with ratios paired per repetition. */
export function summarize(tool: string, samples: readonly Sample[], skipped: string | undefined): ToolSummary {
  const mine = samples.filter((s) => s.tool === tool)
  const ok = mine.filter((s) => s.ok)
  const pick = (f: (s: Sample) => number | null | undefined) => median(ok.map(f))
  const summary: ToolSummary = {
    tool,
    runs: mine.length,
    okRuns: ok.length,
    errors: [...new Set(mine.filter((s) => !s.ok).map((s) => s.error ?? 'failed'))],
    wallS: pick((s) => s.wallS),
    rowsPerS: pick((s) => s.rowsPerS),
    mbPerS: pick((s) => s.mbPerS),
    ratioVsCeiling: pairedRatio(ok, samples, CEILING_TOOL),
    ratioVsPsqlCsv: pairedRatio(ok, samples, CSV_BASELINE_TOOL),
    peakRssMb: pick((s) => s.peakRssBytes / MIB),
    cpuS: pick((s) => s.cpuS),
    outputMb: pick((s) => (s.outputBytes === null ? null : s.outputBytes / 1e6)),
    maxStatementS: pick((s) => s.maxStatementS),
    maxXactS: pick((s) => s.maxXactS),
  }
  if (skipped) summary.skipped = skipped
  if (ok.some((s) => s.rivetMaxStatementMs !== undefined)) {
    summary.rivetMaxStatementS = pick((s) => (s.rivetMaxStatementMs == null ? null : s.rivetMaxStatementMs / 1000))
    summary.rivetPeakRssMb = pick((s) => (s.rivetPeakRssBytes == null ? null : s.rivetPeakRssBytes / MIB))
  }
  return summary
}

/** Median over repetitions of this tool's rows/s divided by the reference's rows/s in the same repetition. */
function pairedRatio(ok: readonly Sample[], all: readonly Sample[], reference: string): number | null {
  const ratios = ok.map((s) => {
    const ref = all.find((r) => r.tool === reference && r.rep === s.rep && r.ok)
    return ref && s.rowsPerS && ref.rowsPerS ? s.rowsPerS / ref.rowsPerS : null
  })
  return median(ratios)
}
