import type { ResolvedConfig, ResolvedExport } from '../config/index.js'
import { selectExports } from '../config/index.js'
import { openChunkSource } from '../engine/chunk-source.js'
import { chunkPlanHash } from '../engine/chunked-runner.js'
import type { ChunkSource } from '../engine/chunk-source.js'
import { planExportRead } from '../engine/index.js'
import { RivetError } from '../errors/index.js'
import { chunkPredicate, findColumn, mysqlTypedLiteral, pgTypedLiteral, planMetaColumns } from '../plan/index.js'
import type { SourceConnectParams } from '../plan/index.js'
import { toConnectParams } from '../source/pg/index.js'
import type { RunRecord, StateStore } from '../state/index.js'
import type { ColumnSpec } from '../types/index.js'
import { chunkStatus, latestCoverage } from './coverage.js'
import type { ChunkStatus, CoveredChunk } from './coverage.js'
import { completedRuns, originalRun, requireCompletedRun } from './run-selection.js'
import { countTargetOf, openRowCounter } from './source-count.js'
import type { CountTarget } from './source-count.js'
import type { RowStatus } from './types.js'
import { rowStatus } from './types.js'

export interface ReconcileOptions {
  readonly config: ResolvedConfig
  /** Opens the config's state store (null when nothing was ever recorded); closed after use. */
  readonly openState: () => StateStore | null
  readonly exportName: string
  readonly runId?: string
  readonly log?: (line: string) => void
}

/** One chunk: the source's rows in its range against the rows of the run that covers it. */
export interface ChunkReconciliation extends CoveredChunk {
  readonly sourceRows: number
  readonly status: ChunkStatus
}

/** The whole export: the source's rows against the rows written. */
export interface ExportReconciliation {
  readonly sourceRows: number
  readonly writtenRows: number
  readonly status: RowStatus
  /** The runs whose rows were summed. */
  readonly runIds: readonly string[]
  /** Extra rows are expected (an incremental export: updated rows are exported again) and not counted as a mismatch. */
  readonly extraAllowed: boolean
}

export interface ReconcileReport {
  readonly exportName: string
  readonly mode: string
  /** The run reconciled (for incremental exports: the run that stored the cursor); null when skipped. */
  readonly runId: string | null
  /** Repair runs of that run whose chunks replace the original's, oldest first. */
  readonly repairRunIds: readonly string[]
  /** The chunk column of a checkpointed chunked run; null otherwise. */
  readonly chunkColumn: string | null
  readonly chunks: readonly ChunkReconciliation[] | null
  readonly whole: ExportReconciliation | null
  /** Why nothing was compared, or null. */
  readonly skipped: string | null
  /** Chunks (or the export) whose rows do not match. */
  readonly mismatches: number
}

/** Compare the rows written by an export's run (and its repairs) with the rows in the source now. */
export async function runReconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const [exp] = selectExports(options.config, [options.exportName])
  const state = options.openState()
  try {
    const base = { exportName: exp!.name, mode: exp!.mode, repairRunIds: [], chunkColumn: null, chunks: null, whole: null, mismatches: 0 }
    const skip = (runId: string | null, reason: string): ReconcileReport => ({ ...base, runId, skipped: reason })
    if (exp!.mode === 'time_window') return skip(null, 'a time window moves with the clock: the rows a past run read cannot be counted again')
    if (exp!.mode === 'incremental') return await reconcileIncremental(options, exp!, state, skip)
    const { run, repairs } = originalRun(state, exp!.name, options.runId)
    if (run === undefined || state === null) return skip(null, 'no completed run is recorded')
    const tasks = state.listChunkTasks({ runId: run.runId })
    if (tasks.length > 0) return await reconcileChunks(options, exp!, state, run, repairs)
    return await reconcileWhole(options, exp!, state, run)
  } finally {
    state?.close()
  }
}

/** Planning logs what a run would read; of that, only warnings (a proxy in front of MySQL…) matter here. */
function planningLog(options: ReconcileOptions): (line: string) => void {
  return (line) => {
    if (/warning/i.test(line)) options.log?.(line)
  }
}

function connectParams(config: ResolvedConfig): SourceConnectParams {
  return toConnectParams(config.source.connection, config.configDir)
}

/** Count each target on one connection, opened after any planning connection was closed. */
async function countAll(config: ResolvedConfig, exp: ResolvedExport, targets: readonly CountTarget[]): Promise<number[]> {
  const counter = await openRowCounter(exp, config.source.type, connectParams(config))
  try {
    const counts: number[] = []
    for (const target of targets) counts.push(await counter.count(target))
    return counts
  } finally {
    await counter.close()
  }
}

async function reconcileChunks(options: ReconcileOptions, exp: ResolvedExport, state: StateStore, run: RunRecord, repairs: readonly RunRecord[]): Promise<ReconcileReport> {
  // chunk bounds mean something only for the chunk column and source the run was planned with
  if (run.planHash !== null && run.planHash !== chunkPlanHash(exp)) {
    throw new RivetError('RIVET_VERIFY_PLAN_CHANGED', `export ${exp.name}: the export's settings changed since run ${run.runId}; its chunks cannot be counted or read again as they were`, {
      details: { export: exp.name, runId: run.runId },
    })
  }
  const facts = (r: RunRecord) => ({ runId: r.runId, tasks: state.listChunkTasks({ runId: r.runId }), files: state.listFiles({ runId: r.runId }) })
  const covered = latestCoverage(facts(run), repairs.map(facts))
  const source = await openChunkSource(exp, options.config.source.type, connectParams(options.config), planningLog(options))
  let column: ColumnSpec
  let targets: CountTarget[]
  try {
    column = chunkColumnOf(exp, source)
    const expr = source.quote(column.name)
    const meta = planMetaColumns(exp, source.columns, run.startedAt)
    // the statement each chunk was read with, counted instead of read
    targets = covered.map((c) => countTargetOf(source.planChunk(meta, chunkPredicate(expr, c, (v) => source.literal(v, column)), column)))
  } finally {
    await source.close()
  }
  const counts = await countAll(options.config, exp, targets)
  const chunks = covered.map((c, i) => ({ ...c, sourceRows: counts[i]!, status: chunkStatus(counts[i]!, c) }))
  return {
    exportName: exp.name, mode: exp.mode, runId: run.runId, repairRunIds: repairs.map((r) => r.runId), chunkColumn: column.name,
    chunks, whole: null, skipped: null, mismatches: chunks.filter((c) => c.status !== 'ok').length,
  }
}

/**
 * The chunk column the engine used: `chunk_column`, else the single-column primary key (for
 * `chunk_by_key`, `unique_key` first). Mirrors the engine's rule.
 */
function chunkColumnOf(exp: ResolvedExport, source: ChunkSource): ColumnSpec {
  const chunked = exp.chunked!
  if (chunked.column !== null) return findColumn(exp, source.columns, chunked.column, 'chunk_column')
  const key = (chunked.strategy === 'keyset' ? exp.uniqueKey : null) ?? source.primaryKey
  const column = key !== null && key.length === 1 ? source.columns.find((c) => c.name === key[0]) : undefined
  if (column === undefined) {
    throw new RivetError('RIVET_PLAN_CHUNK_COLUMN', `export ${exp.name}: no chunk_column is set and there is no single-column key to chunk on`, { details: { export: exp.name } })
  }
  return column
}

/** A full export, or a chunked run without chunk records: all rows of the read against the run's files. */
async function reconcileWhole(options: ReconcileOptions, exp: ResolvedExport, state: StateStore, run: RunRecord): Promise<ReconcileReport> {
  const { plan } = await planExportRead({ config: options.config, state, log: planningLog(options) }, exp, run.startedAt)
  const [sourceRows] = await countAll(options.config, exp, [countTargetOf(plan)])
  const writtenRows = state.listFiles({ runId: run.runId }).reduce((n, f) => n + f.rows, 0)
  const whole = { sourceRows: sourceRows!, writtenRows, status: rowStatus(sourceRows!, writtenRows), runIds: [run.runId], extraAllowed: false }
  return { exportName: exp.name, mode: exp.mode, runId: run.runId, repairRunIds: [], chunkColumn: null, chunks: null, whole, skipped: null, mismatches: whole.status === 'ok' ? 0 : 1 }
}

/**
 * An incremental export: the source's rows with a cursor at or below the stored cursor, against the
 * rows of every completed incremental run up to the one that stored it. Only missing rows are a
 * mismatch: a row updated after it was exported is exported again (and counted once in the
 * source), a deleted row stays in the files, and a cursor overlap or a boundary without a key reads
 * rows more than once by design, so extra rows are expected.
 */
async function reconcileIncremental(
  options: ReconcileOptions,
  exp: ResolvedExport,
  state: StateStore | null,
  skip: (runId: string | null, reason: string) => ReconcileReport,
): Promise<ReconcileReport> {
  if (options.runId !== undefined) {
    throw new RivetError('RIVET_USAGE', `--run-id does not apply to incremental export ${exp.name}`, { hint: 'reconcile compares every run up to the stored cursor; run it without --run-id' })
  }
  const cursor = state?.getCursor(exp.name)
  if (state === null || cursor === undefined) return skip(null, 'no cursor is stored: no incremental run has exported rows since the state was created or reset')
  const cursorRun = requireCompletedRun(state, exp.name, cursor.runId)
  const runs = completedRuns(state, exp.name).filter((r) => r.mode === 'incremental' && r.startedAt.getTime() <= cursorRun.startedAt.getTime())
  const { incremental } = await planExportRead({ config: options.config, state, log: planningLog(options) }, exp, cursorRun.startedAt)
  if (incremental === null) throw new RivetError('RIVET_INTERNAL', `export ${exp.name} was planned without an incremental read`)
  const read = incremental.strategy.read
  const literal = options.config.source.type === 'mysql' ? mysqlTypedLiteral(cursor.value, read.cursorType) : pgTypedLiteral(cursor.value, read.cursorType)
  const [sourceRows] = await countAll(options.config, exp, [{ from: read.from, where: `${read.cursorExpr} <= ${literal}` }])
  const writtenRows = runs.reduce((n, r) => n + (r.rows ?? 0), 0)
  const status = rowStatus(sourceRows!, writtenRows)
  const whole = { sourceRows: sourceRows!, writtenRows, status, runIds: runs.map((r) => r.runId).reverse(), extraAllowed: true }
  return { exportName: exp.name, mode: exp.mode, runId: cursorRun.runId, repairRunIds: [], chunkColumn: null, chunks: null, whole, skipped: null, mismatches: status === 'missing_rows' ? 1 : 0 }
}
