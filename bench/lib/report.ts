import type { MachineInfo } from './machine-info.js'
import type { FixtureResult, ToolSummary } from './types.js'

/** A complete benchmark report, as written to bench/results/*.json. */
export interface BenchReport {
  date: string
  set: string
  command: string
  runs: number
  tools: string[]
  machine: MachineInfo
  fixtures: FixtureResult[]
}

const f = (v: number | null | undefined, digits = 2) => (v == null ? '—' : v.toFixed(digits))
const int = (v: number | null | undefined) => (v == null ? '—' : Math.round(v).toLocaleString('en-US'))
const x = (v: number | null | undefined) => (v == null ? '—' : `${v.toFixed(2)}×`)

/** The per-fixture Markdown table. */
export function toolTable(tools: readonly ToolSummary[]): string[] {
  const lines = [
    '| tool | rows/s | MB/s | × ceiling | × psql_csv | peak RSS MiB | CPU s | output MB | longest stmt s | longest xact s | Rivet maxStatement s | wall s | ok runs |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const t of tools) {
    if (t.skipped && t.okRuns === 0) {
      lines.push(`| ${t.tool} | skipped: ${t.skipped} | | | | | | | | | | | 0 |`)
      continue
    }
    lines.push(
      `| ${t.tool} | ${int(t.rowsPerS)} | ${f(t.mbPerS, 1)} | ${x(t.ratioVsCeiling)} | ${x(t.ratioVsPsqlCsv)} | ${f(t.peakRssMb, 0)} | ${f(t.cpuS)} | ${f(t.outputMb, 1)} | ${f(t.maxStatementS)} | ${f(t.maxXactS)} | ${t.rivetMaxStatementS === undefined ? '' : f(t.rivetMaxStatementS)} | ${f(t.wallS)} | ${t.okRuns}/${t.runs} |`,
    )
  }
  return lines
}

/** The Markdown report. */
export function renderMarkdown(r: BenchReport): string {
  const m = r.machine
  const out = [
    `# Rivet benchmark — ${r.set} set, ${r.date}`,
    '',
    `Command: \`${r.command}\``,
    '',
    `Machine: ${m.nproc} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Linux ${m.kernel}; Node ${m.node}; PostgreSQL ${m.postgres}; ${m.psql}; CPU time via ${m.cpuMeasurement}; commit ${m.gitCommit ?? 'unknown'}.`,
    '',
    `Median of ${r.runs} repetitions; tools alternate within each repetition (order rotated every repetition); ratios are medians of per-repetition ratios. MB/s = the table's CSV size / wall time. Ceiling = \`psql_binary_devnull\`. Longest statement: pg_stat_activity polled every 10 ms (see docs/performance.md).`,
    '',
  ]
  for (const fx of r.fixtures) out.push(...fixtureSection(fx))
  return `${out.join('\n')}\n`
}

function fixtureSection(fx: FixtureResult): string[] {
  const gb = (b: number) => `${(b / 1e6).toFixed(0)} MB`
  const lines = [
    `## ${fx.id} — ${fx.facts.rows.toLocaleString('en-US')} rows`,
    '',
    `${fx.description}. Table \`${fx.table}\`: ${gb(fx.facts.tableBytes)} on disk (pg_table_size; ${gb(fx.facts.totalRelationBytes)} with indexes), ${gb(fx.csvBytes)} as CSV; warm-up read ${f(fx.warmupS, 1)} s.`,
    '',
    ...toolTable(fx.tools),
    '',
  ]
  for (const t of fx.tools) {
    if (t.rivetPeakRssMb != null) lines.push(`- ${t.tool}: its own report says processPeakRssBytes = ${f(t.rivetPeakRssMb, 0)} MiB (median)`)
    if (t.skipped) lines.push(`- ${t.tool}: ${t.okRuns ? 'partly ' : ''}skipped — ${t.skipped}`)
    for (const e of t.errors) lines.push(`- ${t.tool} failure: ${e.replaceAll('|', '\\|')}`)
  }
  if (lines[lines.length - 1] !== '') lines.push('')
  return lines
}
