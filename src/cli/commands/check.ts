import { Command, Option } from 'clipanion'
import type { CheckReport } from '../../preflight/check.js'
import { RivetError } from '../../errors/index.js'
import { RivetCommand } from '../base-command.js'

/** `rivet check`: how each export would run, and whether the source suits it. */
export class CheckCommand extends RivetCommand {
  static override paths = [['check']]
  static override usage = Command.Usage({
    category: 'Preflight',
    description: 'judge each export before running it: strategy, index use, connections, memory, recommendations',
    details: `
      For each export: the read strategy Rivet would use and why; a verdict from the catalog (an index leading with the chunk, cursor or window column) and the EXPLAIN of a representative statement; the row estimate; sparse-key warnings; the connections wanted against what the source can spare (max_connections, current use, role limit); a memory estimate against tuning.memory_mb; and a recommended profile and parallelism. It also warns about a connection pooler in front of the server and about a remote source without required TLS.

      Verdicts: Efficient (statements bounded by an index or page ranges), Acceptable (works; bounded otherwise, or a small table), Degraded (each statement scans far more than it returns; the missing index is named), Unsafe (a concrete limit is breached: no connection to spare, memory estimate above the budget, or the export cannot run). Exits 1 when an export is Unsafe, else 0. No rows are read.
    `,
    examples: [
      ['Check every export', '$0 check -c rivet.yaml'],
      ['One export, as JSON', '$0 check -c rivet.yaml -e orders --json'],
      ['Column types and how BigQuery loads them; fail on lossy columns', '$0 check -c rivet.yaml --type-report --target bigquery --strict'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  exports = Option.Array('-e,--export', [], { description: 'Check only this export (repeatable)' })
  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' })
  typeReport = Option.Boolean('--type-report', false, { description: 'Report each column instead: source, Arrow and Parquet types, fidelity (and the BigQuery load with --target)' })
  target = Option.String('--target', { description: 'With --type-report: the warehouse the files are loaded into (bigquery)' })
  strict = Option.Boolean('--strict', false, { description: 'With --type-report: exit 1 when a column is lossy or unsupported (RIVET_TYPE_FIDELITY)' })

  protected async run(): Promise<number> {
    if (this.typeReport) return this.runTypeReport()
    if (this.target !== undefined || this.strict) {
      throw new RivetError('RIVET_USAGE', '--target and --strict apply to --type-report', { hint: 'add --type-report' })
    }
    const { runCheck } = await import('../../preflight/check.js')
    const report = await runCheck({ configPath: this.config, exports: this.exports })
    this.out(this.json ? `${JSON.stringify(checkJson(report), null, 2)}\n` : renderCheckText(report))
    await (await import('../../notify/index.js')).notifyCheckReport(report, { warn: (text) => this.err(text) })
    return report.exitCode
  }

  private async runTypeReport(): Promise<number> {
    if (this.target !== undefined && this.target !== 'bigquery') {
      throw new RivetError('RIVET_USAGE', `unknown --target '${this.target}'`, { hint: 'the supported target is bigquery' })
    }
    const { loadConfig, selectExports } = await import('../../config/index.js')
    const { describeExportColumns } = await import('../../preflight/describe-columns.js')
    const { buildTypeReport, renderTypeReportText, typeFidelityError, typeReportJson } = await import('../../preflight/type-report.js')
    const config = loadConfig(this.config)
    const reports = []
    for (const exp of selectExports(config, this.exports)) {
      const { columns, unsupported } = await describeExportColumns(config, exp)
      reports.push(buildTypeReport(columns, unsupported, { target: this.target === 'bigquery' ? 'bigquery' : null, exportName: exp.name }))
    }
    this.out(this.json ? `${JSON.stringify(typeReportJson(reports), null, 2)}\n` : renderTypeReportText(reports))
    const error = typeFidelityError(reports, { strict: this.strict })
    return error === null ? 0 : this.reportError(error)
  }
}

/** The report as JSON: stable snake_case keys. */
export function checkJson(report: CheckReport): unknown {
  return {
    config: report.configPath,
    server: report.server,
    pooler: report.pooler,
    warnings: report.warnings,
    exit_code: report.exitCode,
    exports: report.exports.map((e) => ({
      export: e.export, mode: e.mode, source: e.source, estimated_rows: e.estimatedRows, strategy: e.strategy, verdict: e.verdict, reasons: e.reasons,
      explain: e.explain, index_hint: e.indexHint,
      connections: { readers: e.connections.readers, available: e.connections.available, detail: e.connections.detail },
      memory: { estimate_mb: e.memory.estimateMb, budget_mb: e.memory.budgetMb, detail: e.memory.detail },
      warnings: e.warnings, recommended: e.recommended, ...(e.error ? { error: e.error.toJSON() } : {}),
    })),
  }
}

/** A block per export, labelled lines, then a one-line summary. */
export function renderCheckText(report: CheckReport): string {
  const lines = [`rivet check: ${report.configPath} — ${report.server}`]
  for (const w of report.warnings) lines.push(`warning: ${w}`)
  for (const e of report.exports) {
    lines.push('', `export ${e.export} (${e.mode}, ${e.source}${e.estimatedRows >= 0 ? `, ~${Math.round(e.estimatedRows).toLocaleString('en-US')} rows` : ''})`)
    const row = (label: string, text: string | null) => {
      if (text !== null && text !== '') lines.push(`  ${label.padEnd(12)}${text}`)
    }
    row('verdict', `${e.verdict} — ${e.reasons.join('; ')}`)
    row('strategy', e.strategy)
    row('explain', e.explain)
    row('fix', e.indexHint)
    row('connections', e.connections.detail)
    row('memory', e.memory.detail)
    for (const w of e.warnings) row('warning', w)
    row('recommend', `profile ${e.recommended.profile}${e.mode === 'chunked' || e.recommended.parallel > 1 ? `, parallel ${e.recommended.parallel}` : ''} — ${e.recommended.why}`)
  }
  const counts = ['Efficient', 'Acceptable', 'Degraded', 'Unsafe'].map((v) => `${report.exports.filter((e) => e.verdict === v).length} ${v.toLowerCase()}`)
  lines.push('', `${report.exports.length} export(s): ${counts.join(', ')}`)
  return `${lines.join('\n')}\n`
}
