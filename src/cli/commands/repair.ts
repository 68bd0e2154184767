import { Command, Option } from 'clipanion'
import { runManifestName } from '../../destination/index.js'
import type { RepairReport } from '../../verify/index.js'
import { RivetCommand } from '../base-command.js'
import { formatCount } from '../render/format.js'
import { withInterruptSignal } from '../signals.js'
import { chunkRange, reconcileJson, reconcileMismatch, renderReconcileText } from './reconcile.js'

/** `rivet repair`: read again what `rivet reconcile` finds mismatched. */
export class RepairCommand extends RivetCommand {
  static override paths = [['repair']]
  static override usage = Command.Usage({
    category: 'Verification',
    description: 'reconcile, then read again the chunks (or the export) whose rows do not match the source',
    details: `
      Runs \`rivet reconcile\` first. Without --execute it only says what it would read again (chunks, ranges, the rows expected) and writes nothing. With --execute, the mismatched chunks of a checkpointed chunked run are read again as a NEW run: its files carry the same chunk numbers, sit beside the old ones (nothing is deleted or replaced) and are listed in its own manifest-<run_id>.json; the run is linked to the run it repairs in the state's journal, so later reconciles judge those chunks by the new files. Other exports are repaired by running them again (\`rivet run -e NAME\`), which --execute does; an incremental export cannot be repaired by a run (the message says what to do).

      Exits 0 when nothing needed repair or the repair left every row matching; 3 (RIVET_RECONCILE_MISMATCH) when a dry run finds something to repair or mismatches remain after the repair; the run's own exit code when the repair run fails. See docs/verify.md.
    `,
    examples: [
      ['What would be read again', '$0 repair -c rivet.yaml -e orders'],
      ['Read the mismatched chunks again', '$0 repair -c rivet.yaml -e orders --execute'],
    ],
  })

  config = Option.String('-c,--config', { required: true, description: 'Path to rivet.yaml' })
  export = Option.String('-e,--export', { required: true, description: 'The export to repair' })
  runId = Option.String('--run-id', { description: 'Repair this run instead of the latest completed one' })
  executeRepair = Option.Boolean('--execute', false, { description: 'Export again (without it: a dry run that writes nothing)' })
  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' })

  protected async run(): Promise<number> {
    const { loadConfig } = await import('../../config/index.js')
    const { openStateForConfig } = await import('../state-access.js')
    const { runRepair } = await import('../../verify/index.js')
    const config = loadConfig(this.config)
    const log = (line: string) => this.err(`${line}\n`)
    const report = await withInterruptSignal((signal) =>
      runRepair({ config, openState: () => openStateForConfig(this.config), exportName: this.export, runId: this.runId, execute: this.executeRepair, log, signal }),
    )
    this.out(this.json ? `${JSON.stringify(repairJson(report), null, 2)}\n` : renderRepairText(report))
    if (report.runError !== null) return this.reportError(report.runError)
    const remaining = report.after ?? report.before
    return remaining.mismatches === 0 ? 0 : this.reportError(reconcileMismatch(remaining))
  }
}

/** Reconciliation before, what the repair does or did, reconciliation after. */
export function renderRepairText(report: RepairReport): string {
  const lines = [renderReconcileText(report.before).trimEnd()]
  const a = report.action
  if (a.kind === 'nothing') lines.push('repair: nothing to repair')
  else if (a.kind === 'manual' || a.kind === 'rerun') lines.push(`repair: ${a.reason}`)
  if (a.kind === 'chunks') {
    lines.push(`repair: ${report.executed ? 'read' : 'would read'} ${a.chunks.length} chunk(s) again as a new run of export ${report.exportName}:`)
    for (const c of a.chunks) lines.push(`  chunk ${c.index}  ${chunkRange(c)}  expected ${formatCount(c.sourceRows)} rows (written ${formatCount(c.fileRows)})`)
  }
  if (!report.executed && (a.kind === 'chunks' || a.kind === 'rerun')) lines.push('dry run: nothing was written; --execute exports them')
  if (report.repairRunId !== null && report.runError === null) {
    lines.push(`repair run ${report.repairRunId} completed; its files are listed in ${runManifestName(report.repairRunId)}`)
  } else if (report.runError !== null) {
    lines.push(`repair run ${report.repairRunId ?? '?'} failed: [${report.runError.code}] ${report.runError.message}`)
  }
  if (report.after !== null) lines.push('after the repair:', renderReconcileText(report.after).trimEnd())
  return `${lines.join('\n')}\n`
}

/** The report as JSON: stable snake_case keys. */
export function repairJson(report: RepairReport): unknown {
  const a = report.action
  return {
    export: report.exportName,
    action: a.kind,
    reason: a.kind === 'manual' || a.kind === 'rerun' ? a.reason : null,
    chunks: a.kind === 'chunks' ? a.chunks.map((c) => ({ index: c.index, lo: c.lo, hi: c.hi, expected_rows: c.sourceRows, written_rows: c.fileRows })) : [],
    executed: report.executed,
    repair_run_id: report.repairRunId,
    run_error: report.runError?.toJSON() ?? null,
    before: reconcileJson(report.before),
    after: report.after === null ? null : reconcileJson(report.after),
  }
}
