import { Command, Option } from 'clipanion'
import { RivetError } from '../../errors/index.js'
import type { ChunkReconciliation, ReconcileReport } from '../../verify/index.js'
import { RivetCommand } from '../base-command.js'
import { formatCount, renderTable } from '../render/format.js'

/** `rivet reconcile`: rows written against rows in the source, per chunk. */
export class ReconcileCommand extends RivetCommand {
  static override paths = [['reconcile']]
  static override usage = Command.Usage({
    category: 'Verification',
    description: 'compare the rows a run wrote with the rows in the source, per chunk',
    details: `
      For a checkpointed chunked run (chunk_checkpoint: true): per chunk, COUNT(*) of the chunk's range in the source — the statement the chunk was read with, counted instead of read — against the rows the chunk wrote (its record and its committed files). A chunk that a later \`rivet repair\` run read again is judged by that run's files. Other exports get one line: the source's rows of the export's read against the run's rows; for an incremental export, the rows at or below the stored cursor against the rows of every completed run up to the one that stored it (only missing rows count as a mismatch there: updated rows are exported again). A time_window export is not reconciled.

      Counts run on one read-only connection with the export's statement timeout, one short statement at a time. The source is counted as it is now: rows changed since the run show up as a mismatch.

      Exits 0 when everything matches, 3 (RIVET_RECONCILE_MISMATCH) on a mismatch. See docs/verify.md.
    `,
    examples: [
      ['Reconcile the latest run of an export', '$0 reconcile -c rivet.yaml -e orders'],
      ['One run, as JSON', '$0 reconcile -c rivet.yaml -e orders --run-id 20261124T215312Z-4f2a91c0 --json'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  export = Option.String('-e,--export', { required: true, description: 'The export to reconcile' })
  runId = Option.String('--run-id', { description: 'This run instead of the latest completed one' })
  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' })

  protected async run(): Promise<number> {
    const { loadConfig } = await import('../../config/index.js')
    const { openStateForConfig } = await import('../state-access.js')
    const { runReconcile } = await import('../../verify/index.js')
    const config = loadConfig(this.config)
    const report = await runReconcile({ config, openState: () => openStateForConfig(this.config), exportName: this.export, runId: this.runId, log: (line) => this.err(`${line}\n`) })
    this.out(this.json ? `${JSON.stringify(reconcileJson(report), null, 2)}\n` : renderReconcileText(report))
    return report.mismatches === 0 ? 0 : this.reportError(reconcileMismatch(report))
  }
}

/** The error a mismatch exits with. */
export function reconcileMismatch(report: ReconcileReport): RivetError {
  const what = report.chunks !== null ? `${report.mismatches} chunk(s) (${report.chunks.filter((c) => c.status !== 'ok').map((c) => c.index).join(', ')})` : 'the export'
  return new RivetError('RIVET_RECONCILE_MISMATCH', `export ${report.exportName}: the rows of ${what} differ from the source`, {
    details: { export: report.exportName, runId: report.runId, mismatches: report.mismatches },
  })
}

const STATUS_TEXT: Record<string, string> = { ok: 'ok', missing_rows: 'missing rows', extra_rows: 'extra rows', files_differ: 'files differ from the chunk record' }

/** A chunk's bounds for people. */
export function chunkRange(c: Pick<ChunkReconciliation, 'lo' | 'hi'>): string {
  return `${c.lo ?? '-∞'} .. ${c.hi ?? '+∞'}`
}

/** A table of chunks or one line for the export, then a summary. */
export function renderReconcileText(report: ReconcileReport): string {
  const head = `export ${report.exportName} (${report.mode})`
  if (report.skipped !== null) return `${head}: nothing to reconcile — ${report.skipped}\n`
  const lines = [`${head}, run ${report.runId}${report.chunkColumn !== null ? `, chunks on ${report.chunkColumn}` : ''}${report.repairRunIds.length > 0 ? `, repaired by ${report.repairRunIds.join(', ')}` : ''}`]
  if (report.chunks !== null) {
    const rows = report.chunks.map((c) => [String(c.index), chunkRange(c), formatCount(c.sourceRows), formatCount(c.fileRows), c.runId === report.runId ? '' : c.runId, STATUS_TEXT[c.status]!])
    lines.push(renderTable(['chunk', 'range', 'source rows', 'written rows', 'repair run', 'status'], rows).trimEnd())
    lines.push(`${report.chunks.length} chunk(s): ${report.chunks.length - report.mismatches} ok, ${report.mismatches} mismatched`)
  } else if (report.whole !== null) {
    const w = report.whole
    const allowed = w.status === 'extra_rows' && w.extraAllowed ? ' (expected for an incremental export: updated rows are exported again, deleted rows stay in the files)' : ''
    lines.push(`source ${formatCount(w.sourceRows)} rows, written ${formatCount(w.writtenRows)} rows in ${w.runIds.length} run(s): ${STATUS_TEXT[w.status]}${allowed}`)
  }
  return `${lines.join('\n')}\n`
}

/** The report as JSON: stable snake_case keys. */
export function reconcileJson(report: ReconcileReport): unknown {
  return {
    export: report.exportName, mode: report.mode, run_id: report.runId, repair_run_ids: report.repairRunIds, chunk_column: report.chunkColumn,
    skipped: report.skipped, mismatches: report.mismatches,
    chunks: report.chunks?.map((c) => ({ index: c.index, lo: c.lo, hi: c.hi, source_rows: c.sourceRows, written_rows: c.fileRows, recorded_rows: c.recordedRows, run_id: c.runId, status: c.status })) ?? null,
    whole: report.whole === null ? null : { source_rows: report.whole.sourceRows, written_rows: report.whole.writtenRows, status: report.whole.status, run_ids: report.whole.runIds, extra_allowed: report.whole.extraAllowed },
  }
}
