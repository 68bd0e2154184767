import { parseConfig, selectExports } from '../config/index.js'
import type { ResolvedConfig, ResolvedDestination, ResolvedExport } from '../config/index.js'
import { checkStdoutAlone, planChunkedRun, planExportRead, toPlannedColumns } from '../engine/index.js'
import type { ChunkLayout, ExportReadPlan } from '../engine/index.js'
import { chunkPredicate, EXPORTED_AT_COLUMN, mysqlTypedLiteral, pgTypedLiteral, ROW_HASH_COLUMN } from '../plan/index.js'
import type { ExtractPlan } from '../plan/index.js'
import { openConfiguredState } from '../state/index.js'
import type { CursorRecord, StateStore } from '../state/index.js'
import type { ColumnSpec } from '../types/index.js'
import { RIVET_VERSION } from '../version.js'
import { readConfigFile } from './config-file.js'
import { ensurePlanSecret, signPlan } from './signature.js'
import { PLAN_VERSION } from './types.js'
import type { PlanFile, PlannedChunkSet, PlannedCursor, PlannedDestination, PlannedExport, PlannedRead } from './types.js'

/** Options of createPlan. */
export interface CreatePlanOptions {
  readonly configPath: string
  /** Export names to plan (default: all, in config order). */
  readonly exports?: readonly string[]
  /** The planning time written as created_at (default: now). */
  readonly now?: Date
}

/**
 * Resolve, per selected export, what `rivet run` would do now — with the engine's own planning
 * functions, on short planning connections, reading no row — and seal it with the state file's
 * plan-signing secret (created on first use).
 */
export async function createPlan(options: CreatePlanOptions): Promise<PlanFile> {
  const file = readConfigFile(options.configPath)
  const config = parseConfig(file.text, { configPath: file.path })
  const selected = selectExports(config, options.exports ?? [])
  checkStdoutAlone(selected)
  const now = options.now ?? new Date()
  const state = openConfiguredState(file.path)
  try {
    const secret = ensurePlanSecret(state)
    const exports: PlannedExport[] = []
    for (const exp of selected) exports.push(await planOneExport(config, state, exp, now))
    const { host, database } = config.source.connection
    return signPlan(
      {
        plan_version: PLAN_VERSION, created_at: now.toISOString(), rivet_version: RIVET_VERSION, config_path: file.path, config_sha256: file.sha256,
        source: { type: config.source.type, host, database }, exports,
      },
      secret,
    )
  } finally {
    state.close()
  }
}

/** One export as `rivet run` would read it now; the planner's log lines become its diagnostics. */
async function planOneExport(config: ResolvedConfig, state: StateStore, exp: ResolvedExport, now: Date): Promise<PlannedExport> {
  const diagnostics: string[] = []
  const prefix = `export ${exp.name}: `
  const log = (line: string) => diagnostics.push(line.startsWith(prefix) ? line.slice(prefix.length) : line)
  if (exp.mode === 'chunked') {
    const planned = await planChunkedRun(config, exp, log)
    if (planned.layout !== 'single') {
      const chunks = chunkSet(config, exp, planned.layout, planned.parallel)
      return entry(exp, planned.columns, planned.estimatedRows, { strategy: 'chunks', statement: null, page_key: null }, chunks, null, diagnostics)
    }
  }
  const cursor = exp.mode === 'incremental' ? (state.getCursor(exp.name) ?? null) : null
  // the same snapshot is recorded and planned from: the read below is the one `rivet apply` repeats
  const read = await planExportRead({ config, state, log }, exp, now, { cursor, estimateRows: true })
  const columns = read.plan.columns.slice(0, read.plan.sourceColumnCount)
  return entry(exp, columns, read.estimatedRows, describeRead(read.plan), null, incrementalOf(exp, read, cursor), diagnostics)
}

function entry(
  exp: ResolvedExport,
  columns: readonly ColumnSpec[],
  estimatedRows: number | null,
  read: PlannedRead,
  chunks: PlannedChunkSet | null,
  incremental: PlannedExport['incremental'],
  diagnostics: readonly string[],
): PlannedExport {
  const tw = exp.timeWindow
  return {
    name: exp.name, mode: exp.mode, table: exp.table === null ? null : [exp.table.schema, exp.table.name].filter((p) => p !== null).join('.'), query: exp.query,
    columns: toPlannedColumns(columns).map((c) => ({ name: c.name, source_type: c.sourceType, type: c.type })),
    estimated_rows: estimatedRows, read, chunks, incremental,
    time_window: tw === null ? null : { column: tw.column, column_type: tw.columnType, days_window: tw.daysWindow },
    output: {
      format: exp.format, compression: exp.compression, compression_level: exp.compressionLevel, max_file_size_bytes: exp.maxFileSizeBytes, skip_empty: exp.skipEmpty,
      meta_columns: [...(exp.metaColumns.exportedAt ? [EXPORTED_AT_COLUMN] : []), ...(exp.metaColumns.rowHash !== null ? [ROW_HASH_COLUMN] : [])],
      destination: plannedDestination(exp.destination),
    },
    diagnostics,
  }
}

/** The chunks of the layout, each with the predicate its reader applies. */
function chunkSet(config: ResolvedConfig, exp: ResolvedExport, layout: ChunkLayout, parallel: number): PlannedChunkSet {
  const chunked = exp.chunked!
  const typed = config.source.type === 'mysql' ? mysqlTypedLiteral : pgTypedLiteral
  const literal = (value: string) => typed(value, layout.column.sourceType)
  return {
    column: layout.column.name, column_type: layout.column.sourceType, strategy: chunked.strategy, parallel, parallel_requested: chunked.parallel, checkpoint: chunked.checkpoint,
    ranges: layout.ranges.map((r) => ({ index: r.index, lo: r.lo, hi: r.hi, predicate: chunkPredicate(layout.expr, r, literal) })),
  }
}

/** The read strategy of a plan, as a statement a reviewer can run by hand. */
function describeRead(plan: ExtractPlan): PlannedRead {
  const s = plan.strategy
  switch (s.type) {
    case 'ctid':
      return { strategy: 'ctid', statement: `SELECT ${s.selectList} FROM ${s.relation}`, page_key: null }
    case 'cursor':
      return { strategy: 'cursor', statement: s.query, page_key: null }
    case 'stream':
      return { strategy: 'stream', statement: s.query, page_key: null }
    case 'keyset':
      return { strategy: 'keyset', statement: `SELECT ${s.selectList} FROM ${s.from}${s.where === null ? '' : ` WHERE ${s.where}`} ORDER BY ${s.keyExprs.join(', ')}`, page_key: s.keyExprs }
    case 'incremental': {
      const r = s.read
      const pageKey = 'page' in s && s.page !== null ? s.page.keyExprs : null
      return { strategy: 'incremental', statement: `SELECT ${r.selectList} FROM ${r.from}${r.after === null ? '' : ` WHERE ${r.after}`}`, page_key: pageKey }
    }
  }
}

function incrementalOf(exp: ResolvedExport, read: ExportReadPlan, cursor: CursorRecord | null): PlannedExport['incremental'] {
  if (exp.incremental === null || read.incremental === null) return null
  return {
    cursor_column: exp.incremental.cursorColumn, cursor_type: read.incremental.cursorType, cursor: cursor === null ? null : toPlannedCursor(cursor),
    tie: read.incremental.tie, predicate: read.incremental.strategy.read.after,
  }
}

/** A state cursor as a plan records it. */
export function toPlannedCursor(c: CursorRecord): PlannedCursor {
  return { value: c.value, type: c.type, boundary_keys: c.boundaryKeys, boundary_complete: c.boundaryComplete, run_id: c.runId, updated_at: c.updatedAt.toISOString() }
}

/** Where the files go, without credentials (templates keep their placeholders). */
function plannedDestination(d: ResolvedDestination): PlannedDestination {
  switch (d.type) {
    case 'local':
      return { type: 'local', path: d.path }
    case 's3':
    case 'gcs':
      return { type: d.type, bucket: d.bucket, prefix: d.prefix, endpoint: d.endpoint }
    case 'stdout':
      return { type: 'stdout' }
  }
}
