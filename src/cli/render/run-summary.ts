import type { ExportResult, RunReport } from '../../engine/index.js'
import { renderSummaryCard } from '../../report/index.js'
import { formatBytes, formatCount, formatDuration } from './format.js'

/** Options of the human report. */
export interface RunTextOptions {
  /** ANSI colours (the caller decides: a terminal, and NO_COLOR unset). */
  readonly color?: boolean
}

/** The human report of a run: each export's summary card, its statement figures and files, then a count. */
export function renderRunText(report: RunReport, options: RunTextOptions = {}): string {
  const blocks: string[] = []
  for (const r of report.results) {
    const lines = [renderSummaryCard(r.summary, { color: options.color }).trimEnd()]
    const statements = statementLine(r)
    if (statements !== null) lines.push(`  ${statements}`)
    for (const f of r.files) lines.push(`    ${f.path}  ${formatCount(f.rows)} rows  ${formatBytes(f.bytes)}  xxh3 ${f.xxh3}`)
    blocks.push(lines.join('\n'))
  }
  const ok = report.results.filter((r) => r.status === 'completed').length
  blocks.push(`${ok} of ${report.results.length} export(s) completed`)
  return `${blocks.join('\n')}\n`
}

/** The `--json` report: one JSON document on stdout. */
export function renderRunJson(report: RunReport): string {
  return `${JSON.stringify(runJsonDocument(report), null, 2)}\n`
}

/** The `--json` report as a value (also the `report` of the last progress event when the data goes to stdout). */
export function runJsonDocument(report: RunReport): Record<string, unknown> {
  return {
      config: report.configPath,
      exitCode: report.exitCode,
      processPeakRssBytes: report.processPeakRssBytes,
      exports: report.results.map((r) => ({
        name: r.exportName,
        runId: r.runId,
        status: r.status,
        rows: r.rows,
        bytes: r.bytes,
        durationMs: r.durationMs,
        peakRssBytes: r.peakRssBytes,
        files: r.files,
        stats: r.stats,
        error: r.error ? r.error.toJSON() : null,
        summary: r.summary,
      })),
  }
}

/** How the source was read, for a completed export: statements, the longest one, the chunk sizes. */
function statementLine(r: ExportResult): string | null {
  if (r.status !== 'completed' || r.stats === null || r.stats.statements === 0) return null
  const unit = r.stats.strategy === 'ctid' ? 'pages' : 'rows'
  const sizes = r.stats.statements > 1 ? `, ${formatCount(r.stats.minChunkSize)}–${formatCount(r.stats.maxChunkSize)} ${unit} each` : ''
  return `read in ${formatCount(r.stats.statements)} statement(s)${sizes}, longest ${formatDuration(r.stats.maxStatementMs)}`
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: NodeJS.WritableStream): boolean {
  const noColor = process.env.NO_COLOR
  return (stream as NodeJS.WriteStream).isTTY === true && (noColor === undefined || noColor === '')
}
