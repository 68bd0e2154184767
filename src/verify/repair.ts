import type { ResolvedConfig } from '../config/index.js'
import { selectExports } from '../config/index.js'
import type { RunReport } from '../engine/index.js'
import type { RivetError } from '../errors/index.js'
import type { StateStore } from '../state/index.js'
import { runReconcile } from './reconcile.js'
import type { ChunkReconciliation, ReconcileReport } from './reconcile.js'

export interface RepairOptions {
  readonly config: ResolvedConfig
  readonly openState: () => StateStore | null
  readonly exportName: string
  readonly runId?: string
  /** Export again; without it, only say what would be exported. */
  readonly execute: boolean
  readonly log?: (line: string) => void
  readonly signal?: AbortSignal
}

/** What a repair does about a mismatch. */
export type RepairAction =
  /** Every row matches: nothing to do. */
  | { readonly kind: 'nothing' }
  /** Read these chunks again, as a new run with the same chunk numbers. */
  | { readonly kind: 'chunks'; readonly chunks: readonly ChunkReconciliation[] }
  /** Run the export again (`rivet run -e NAME`). */
  | { readonly kind: 'rerun'; readonly reason: string }
  /** No run can fix it; the reason says what will. */
  | { readonly kind: 'manual'; readonly reason: string }

export interface RepairReport {
  readonly exportName: string
  readonly before: ReconcileReport
  readonly action: RepairAction
  readonly executed: boolean
  /** The run the repair started, when it started one. */
  readonly repairRunId: string | null
  /** Why that run failed, or null. */
  readonly runError: RivetError | null
  /** Reconciliation after the repair run completed; null otherwise. */
  readonly after: ReconcileReport | null
}

/** What to do about a reconciliation's mismatches. */
export function repairAction(report: ReconcileReport, configPath: string): RepairAction {
  if (report.mismatches === 0) return { kind: 'nothing' }
  if (report.chunks !== null) return { kind: 'chunks', chunks: report.chunks.filter((c) => c.status !== 'ok') }
  if (report.mode === 'incremental') {
    return {
      kind: 'manual',
      reason: `an incremental run reads only rows after the stored cursor, so it cannot bring back rows at or below it: reset the cursor (\`rivet state reset -c ${configPath} -e ${report.exportName} --cursor-only\`) and run the export to read every row again`,
    }
  }
  const why = report.mode === 'chunked'
    ? 'the run recorded no chunks (no chunk_checkpoint, or a table small enough to be read in one snapshot), so single chunks cannot be read again'
    : `a ${report.mode} export is read as a whole`
  return { kind: 'rerun', reason: `${why}: the remedy is a new run of the export (\`rivet run -c ${configPath} -e ${report.exportName}\`)` }
}

/**
 * Reconcile, then (with `execute`) read again what does not match: the mismatched chunks of a
 * checkpointed run as a new run beside the old files (never replacing or deleting one), or the
 * whole export as a new run. Then reconcile again.
 */
export async function runRepair(options: RepairOptions): Promise<RepairReport> {
  const reconcile = () => runReconcile({ config: options.config, openState: options.openState, exportName: options.exportName, runId: options.runId, log: options.log })
  const before = await reconcile()
  const action = repairAction(before, options.config.configPath)
  const report = { exportName: before.exportName, before, action, executed: false, repairRunId: null, runError: null, after: null }
  if (!options.execute || action.kind === 'nothing' || action.kind === 'manual') return report
  const run = await runRepairRun(options, before, action)
  const result = run.results[0]
  if (result === undefined) return { ...report, executed: true }
  if (result.status !== 'completed') return { ...report, executed: true, repairRunId: result.runId, runError: result.error }
  // a chunk repair is reconciled with its original run; a new whole run is the latest run itself
  const after = await runReconcile({ config: options.config, openState: options.openState, exportName: options.exportName, runId: action.kind === 'chunks' ? before.runId! : undefined, log: options.log })
  return { ...report, executed: true, repairRunId: result.runId, after }
}

/** The run that repairs: the mismatched chunk ranges through the engine's sealed-plan path, or the whole export. */
async function runRepairRun(options: RepairOptions, before: ReconcileReport, action: RepairAction & { kind: 'chunks' | 'rerun' }): Promise<RunReport> {
  const { runExports } = await import('../engine/index.js')
  const common = { configPath: options.config.configPath, config: options.config, exports: [options.exportName], log: options.log, signal: options.signal }
  if (action.kind === 'rerun') return runExports(common)
  const [exp] = selectExports(options.config, [options.exportName])
  // each range keeps its original chunk index, so the new files carry the same chunk numbers
  const ranges = action.chunks.map((c) => ({ index: c.index, lo: c.lo, hi: c.hi }))
  const chunks = { column: before.chunkColumn!, ranges, parallel: exp!.chunked!.parallel }
  // the engine links the new run to the original (journal) and lists the whole export in its manifest
  return runExports({ ...common, planned: new Map([[options.exportName, { chunks, repairOf: before.runId! }]]) })
}
