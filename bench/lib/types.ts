import type { FixtureFacts } from '../tools/index.js'

/** One measured invocation of one tool on one fixture. */
export interface Sample {
  tool: string
  fixture: string
  rep: number
  ok: boolean
  error?: string
  wallS: number
  rowsPerS: number | null
  /** CSV-equivalent MB/s: the table's CSV size (from the warm-up) / wall time. */
  mbPerS: number | null
  cpuS: number
  cpuSource: 'gnu-time' | 'proc-poll'
  peakRssBytes: number
  outputBytes: number | null
  rows: number | null
  /** Longest statement of the tool's backends, seen in pg_stat_activity. */
  maxStatementS: number | null
  maxXactS: number | null
  serverStatements: number
  backends: number
  rivetMaxStatementMs?: number | null
  rivetStatements?: number | null
  rivetPeakRssBytes?: number | null
}

/** Medians of one tool on one fixture. */
export interface ToolSummary {
  tool: string
  runs: number
  okRuns: number
  skipped?: string
  errors: string[]
  wallS: number | null
  rowsPerS: number | null
  mbPerS: number | null
  /** Median over repetitions of (tool rows/s ÷ ceiling rows/s in the same repetition). */
  ratioVsCeiling: number | null
  /** Median over repetitions of (tool rows/s ÷ psql_csv rows/s in the same repetition). */
  ratioVsPsqlCsv: number | null
  /** MiB. */
  peakRssMb: number | null
  cpuS: number | null
  /** 10^6 bytes. */
  outputMb: number | null
  maxStatementS: number | null
  maxXactS: number | null
  rivetMaxStatementS?: number | null
  rivetPeakRssMb?: number | null
}

/** Everything measured on one fixture. */
export interface FixtureResult {
  id: string
  table: string
  description: string
  facts: FixtureFacts
  csvBytes: number
  warmupS: number
  generatedS: number | null
  tools: ToolSummary[]
  samples: Sample[]
}
