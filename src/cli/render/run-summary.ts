import type { RunReport } from '../../engine/index.js'
import { formatBytes, formatCount, formatDuration } from './format.js'

/** The human summary of a run: one block per export with its files. */
export function renderRunText(report: RunReport): string {
  const lines: string[] = []
  for (const r of report.results) {
    if (r.status === 'completed') {
      const rate = r.durationMs > 0 ? ` (${formatCount((r.rows * 1000) / r.durationMs)} rows/s)` : ''
      const unit = r.stats?.strategy === 'ctid' ? 'pages' : 'rows'
      const sizes = r.stats && r.stats.statements > 0 ? ` (${r.stats.statements} statements, ${formatCount(r.stats.minChunkSize)}–${formatCount(r.stats.maxChunkSize)} ${unit} each)` : ''
      const longest = r.stats ? ` · longest statement ${formatDuration(r.stats.maxStatementMs)}${sizes}` : ''
      const retries = r.stats?.retries ? ` · ${r.stats.retries} retr${r.stats.retries === 1 ? 'y' : 'ies'}` : ''
      lines.push(
        `✓ ${r.exportName}: ${formatCount(r.rows)} rows → ${r.files.length} file(s), ${formatBytes(r.bytes)} in ${formatDuration(r.durationMs)}${rate}` +
          ` · peak RSS ${formatBytes(r.peakRssBytes)}${longest}${retries}`,
      )
      for (const f of r.files) lines.push(`    ${f.path}  ${formatCount(f.rows)} rows  ${formatBytes(f.bytes)}  xxh3 ${f.xxh3}`)
    } else {
      lines.push(`✗ ${r.exportName}: failed after ${formatDuration(r.durationMs)} — [${r.error?.code}] ${r.error?.message}`)
    }
  }
  const ok = report.results.filter((r) => r.status === 'completed').length
  lines.push(`${ok} of ${report.results.length} export(s) completed`)
  return `${lines.join('\n')}\n`
}

/** The `--json` report: one JSON document on stdout. */
export function renderRunJson(report: RunReport): string {
  return `${JSON.stringify(
    {
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
      })),
    },
    null,
    2,
  )}\n`
}
