import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { ResolvedConfig, ResolvedExport } from '../config/index.js'
import { openDestination } from '../destination/index.js'
import type { CommittedFile, Destination, DestinationSink } from '../destination/index.js'
import { RivetError, toRivetError } from '../errors/index.js'
import { BatchBuilder } from '../arrow/index.js'
import { buildMysqlExtractPlan, buildPgExtractPlan, MYSQL_INCREMENTAL_DIALECT, mysqlSourceOf, pgSourceOf, planMetaColumns, planPgIncremental } from '../plan/index.js'
import type { ChunkRange, ExtractPlan, PgIncrementalRead, PgReadStrategy, SourceConnectParams, StoredCursor, TieHandling } from '../plan/index.js'
import { describePgExport, openPgClient, pgRowEstimate, toConnectParams } from '../source/pg/index.js'
import type { PgExportFacts } from '../source/pg/index.js'
import type { StateStore } from '../state/index.js'
import { describeType } from '../types/index.js'
import type { ColumnSpec } from '../types/index.js'
import { RIVET_VERSION } from '../version.js'
import { encodeBatch, runPipeline } from './export-pipeline.js'
import type { EncodeSpec, PipelineResult } from './export-pipeline.js'
import { ExportProgress, ProgressTimeline } from './progress.js'
import { panicPoint } from './fault-injection.js'
import { exportRetryPolicy, withRetries } from './retry.js'
import { ChangeChecks } from './change-checks.js'
import { RunJournal } from './run-journal.js'
import { buildRunSummary, keepSummary } from './run-summary.js'
import type { RunSummary } from './run-summary.js'
import { RssSampler } from './memory.js'
import type { ExtractStats } from './messages.js'
import { OutputWriter } from './output-writer.js'
import type { EncodedUnit } from './output-writer.js'
import type { EnginePools } from './pools.js'
import { sealRun } from './run-manifest.js'
import { ownedBytes } from './transfer.js'

/** What one export produced. */
export interface ExportResult {
  readonly exportName: string
  readonly runId: string
  readonly status: 'completed' | 'failed'
  readonly rows: number
  readonly bytes: number
  readonly files: readonly CommittedFileSummary[]
  readonly durationMs: number
  readonly peakRssBytes: number
  readonly stats: ExtractStats | null
  readonly columns: readonly ColumnSpec[]
  readonly error: RivetError | null
  /** The card the run ends with. */
  readonly summary: RunSummary
}

/** A published file as reported to the user. */
export interface CommittedFileSummary {
  readonly path: string
  readonly rows: number
  readonly bytes: number
  readonly xxh3: string
}

export interface ExportContext {
  /** The id of the run to start (a resumed run keeps its own); a new one is made when absent. */
  readonly runId?: string
  /** Most readers the export may open at once (its share of the budget when exports run at the same time). */
  readonly connectionCap?: number
  /** Continue the export's interrupted checkpointed run instead of starting a new one. */
  readonly resume?: boolean
  readonly config: ResolvedConfig
  readonly state: StateStore
  readonly pools: EnginePools
  readonly signal?: AbortSignal
  readonly log: (line: string) => void
  /** Receives each export's live counters when it starts (displays poll them). */
  readonly progress?: (progress: ExportProgress) => void
}

/** A sortable, unique run id: UTC timestamp plus random suffix. */
export function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(4).toString('hex')}`
}

/**
 * Run one export end to end: plan against the catalog, stream through the pools into temp
 * files, then publish. The run is recorded as completed only after every file is renamed into
 * place; any failure removes this run's temp files and records the run as failed.
 */
export async function runExport(ctx: ExportContext, exp: ResolvedExport, planned?: PlannedRun): Promise<ExportResult> {
  const startedAt = new Date()
  const runId = ctx.runId ?? newRunId(startedAt)
  const rss = new RssSampler()
  const progress = new ExportProgress(exp.name, runId, exp.mode)
  ctx.progress?.(progress)
  const timeline = new ProgressTimeline(progress)
  ctx.state.beginRun({
    runId,
    exportName: exp.name,
    startedAt,
    pid: process.pid,
    hostname: hostname(),
    rivetVersion: RIVET_VERSION,
    configPath: ctx.config.configPath,
    format: exp.format,
    compression: exp.compression,
    mode: exp.mode,
  })
  const journal = new RunJournal(ctx.state, runId, exp.name, ctx.log)
  const runCtx: ExportContext = { ...ctx, log: journal.log }
  const checks = new ChangeChecks(ctx.state, exp, runId, journal)
  let destination: Destination | null = null
  let columns: readonly ColumnSpec[] = []
  try {
    // the read is retried as a whole: a new snapshot, new temp files, the failed attempt's discarded
    const read = await withRetries(exportRetryPolicy(exp), ctx.signal, (notice) => journal.retry('the export', notice), async (attempt) => {
      if (attempt > 1) progress.restart()
      const attemptRead = await readExport(runCtx, exp, runId, startedAt, planned, progress, journal, checks, attempt)
      destination = attemptRead.destination
      columns = attemptRead.columns
      return attemptRead
    })
    const { result, incremental, written } = read
    // shape drift warnings, then the quality gates: nothing is published when a gate fails
    checks.judge(result.rows, 'nothing')
    // never publish (or move a cursor past) rows the files do not hold
    const inFiles = written.reduce((n, w) => n + w.rows, 0)
    if (inFiles !== result.rows) {
      throw new RivetError('RIVET_INTERNAL', `export ${exp.name}: the read returned ${result.rows} row(s) but the files hold ${inFiles}; the run is not published`, {
        hint: 'run again; this is a bug in rivet, please report it with the log',
        details: { export: exp.name, read: result.rows, inFiles },
      })
    }
    panicPoint('after_source_read')
    const files = await publishFiles(ctx.state, runId, exp, read.destination, written, journal)
    const cursor = incremental !== null && result.cursor !== undefined && result.cursor.value !== null
      ? { value: result.cursor.value, type: incremental.cursorType, boundaryKeys: result.cursor.boundaryKeys, boundaryComplete: result.cursor.boundaryComplete }
      : undefined
    // prepared before the seal: a crash between seal and completion is rolled forward by the next run
    ctx.state.prepareCompletion(runId, cursor ?? null)
    await sealRun(read.destination, { exp, runId, startedAt, finishedAt: new Date(), columns, files: ctx.state.listFiles({ runId, includeUncommitted: true }) })
    panicPoint('after_manifest_update')
    const summary = { rows: result.rows, bytes: files.reduce((n, f) => n + f.bytes, 0), durationMs: Date.now() - startedAt.getTime() }
    const peakRssBytes = rss.stop()
    const stats = { ...result.stats, retries: journal.retries, ...checks.stats() }
    checks.recordShape()
    // write before cursor: the cursor moves in the transaction that commits the files
    ctx.state.completeRun(runId, { ...summary, filesCount: files.length, peakRssBytes, finishedAt: new Date(), stats: { ...stats, timeline: timeline.stop() } }, { cursor })
    panicPoint('after_cursor_commit')
    journal.record('outcome', `completed: ${summary.rows} rows in ${files.length} file(s)`, { status: 'completed', rows: summary.rows, bytes: summary.bytes, files: files.length, durationMs: summary.durationMs, retries: journal.retries, ...(cursor ? { cursor: cursor.value } : {}) })
    if (incremental !== null) runCtx.log(`export ${exp.name}: ${cursor === undefined ? `no new rows; the cursor stays${incremental.from === null ? ' unset' : ` at ${incremental.from}`}` : `cursor now ${cursor.value}${cursor.boundaryComplete ? '' : ' (too many rows at this value to remember: the next run reads it again)'}`}`)
    const runSummary = buildRunSummary({ exp, runId, startedAt, finishedAt: new Date(), rows: summary.rows, files: files.length, bytes: summary.bytes, peakRssBytes, retries: journal.retries, warnings: journal.warnings, error: null, ...checks.outcome() })
    keepSummary(ctx.state, runSummary, journal)
    return { exportName: exp.name, runId, status: 'completed', ...summary, files, peakRssBytes, stats, columns, error: null, summary: runSummary }
  } catch (err) {
    const error = toRivetError(err)
    const withdrawn = destination !== null ? await withdrawRun(ctx, exp, runId, destination) : 'withdrawn'
    const peakRssBytes = rss.stop()
    const durationMs = Date.now() - startedAt.getTime()
    const status = error.code === 'RIVET_CANCELLED' ? 'interrupted' : 'failed'
    // a sealed run stays 'running' in state: the next run's recovery completes it from its prepared record
    if (withdrawn === 'withdrawn') ctx.state.failRun(runId, { status, errorCode: error.code, errorMessage: error.message, finishedAt: new Date(), durationMs, peakRssBytes, rows: progress.rows, bytes: 0, stats: { retries: journal.retries, ...checks.stats(), timeline: timeline.stop() } })
    journal.record('outcome', `${status}: ${error.code}: ${error.message}`, { status, code: error.code, rows: progress.rows, durationMs, retries: journal.retries })
    const runSummary = buildRunSummary({ exp, runId, startedAt, finishedAt: new Date(), rows: progress.rows, files: 0, bytes: 0, peakRssBytes, retries: journal.retries, warnings: journal.warnings, error, ...checks.outcome() })
    keepSummary(ctx.state, runSummary, journal)
    return { exportName: exp.name, runId, status: 'failed', rows: progress.rows, bytes: 0, files: [], durationMs, peakRssBytes, stats: null, columns, error, summary: runSummary }
  } finally {
    timeline.stop()
  }
}

/** One attempt at reading a non-chunked export into unpublished files. */
interface ExportRead {
  readonly destination: Destination
  readonly columns: readonly ColumnSpec[]
  readonly result: PipelineResult
  readonly incremental: IncrementalRun | null
  readonly written: Awaited<ReturnType<OutputWriter['finish']>>
}

/** Plan the read, open the destination and stream every row into its (unpublished) files; on failure nothing is left behind. */
async function readExport(
  ctx: ExportContext,
  exp: ResolvedExport,
  runId: string,
  startedAt: Date,
  planned: PlannedRun | undefined,
  progress: ExportProgress,
  journal: RunJournal,
  checks: ChangeChecks,
  attempt: number,
): Promise<ExportRead> {
  const { plan, incremental, catalogRows } = await planExportRead(ctx, exp, startedAt, { cursor: planned?.cursor })
  progress.estimatedRows = catalogRows
  progress.statementUnit = plan.strategy.type === 'ctid' ? 'pages' : 'rows'
  checkPlannedColumns(exp, planned, plan.columns.slice(0, plan.sourceColumnCount))
  const columns = plan.columns
  // before any data file: a schema that drifted past the export's policy stops the run here (exit 4)
  if (attempt === 1) checks.checkSchema(columns)
  checks.start(columns)
  journal.record('plan', `read by ${plan.strategy.type}${incremental === null ? '' : incremental.from === null ? ', every row (no cursor yet)' : ` after cursor ${incremental.from}`}`, {
    strategy: plan.strategy.type, attempt, columns: columns.length, ...(incremental === null ? {} : { cursorFrom: incremental.from, tie: incremental.tie }),
  })
  const destination = await openDestination(exp.destination, { vars: { export: exp.name, date: startedAt }, runId })
  try {
    await destination.prepare()
    const encode = encodeSpecFor(exp, columns)
    const csvHeader = encode.kind === 'csv' ? await encodeEmpty(ctx.pools, columns, { ...encode, options: { ...encode.options, header: true } }) : null
    const writer = new OutputWriter({
      exportName: exp.name,
      runId,
      format: exp.format,
      compression: exp.compression,
      maxFileSizeBytes: exp.maxFileSizeBytes,
      columns,
      destination,
      csvHeader: csvHeader?.kind === 'csv' ? csvHeader.bytes : undefined,
      createdBy: `rivet ${RIVET_VERSION}`,
    })
    const profiled = checks.read()
    progress.phase = 'reading'
    const result = await runPipeline(ctx.pools, plan, encode, writer, progress, ctx.signal, profiled.checks)
    progress.phase = 'publishing'
    profiled.accept(result.profile)
    logZeroDates(ctx, exp, result.stats)
    const empty = result.rows === 0 ? (exp.skipEmpty ? null : await encodeEmpty(ctx.pools, columns, encode)) : null
    const written = await writer.finish(empty)
    return { destination, columns, result, incremental, written }
  } catch (err) {
    await destination.abort().catch(() => undefined)
    throw err
  }
}

/**
 * Take back what a failed run put in place: files it published whose run never completed (not in
 * any manifest) are removed, then unfinished uploads and temp files. Files of completed chunks of
 * a checkpointed run are committed in state and stay for `--resume`.
 */
export async function withdrawRun(ctx: Pick<ExportContext, 'state' | 'log'>, exp: ResolvedExport, runId: string, destination: Destination): Promise<'sealed' | 'withdrawn'> {
  let outcome: 'sealed' | 'withdrawn' = 'withdrawn'
  try {
    const unsealed = ctx.state.listFiles({ runId, includeUncommitted: true }).filter((f) => !f.committed)
    if (ctx.state.getPreparedCompletion(runId) !== undefined && (await destination.isSealed(runId))) {
      // sealed output is listed in a manifest a reader may already trust: it stays, and the run is rolled forward
      ctx.log(`export ${exp.name}: warning: run ${runId} failed after its files were sealed; they stay, and the next run completes it in state`)
      outcome = 'sealed'
    } else if (unsealed.length > 0) {
      const removed = await destination.removeUnrecorded(unsealed.map((f) => f.fileName))
      if (removed.length > 0) ctx.log(`export ${exp.name}: removed ${removed.length} published file(s) of the failed run (they are in no manifest)`)
    }
  } catch (err) {
    ctx.log(`export ${exp.name}: warning: could not remove the failed run's published files: ${toRivetError(err).message}`)
  }
  await destination.abort().catch(() => undefined)
  return outcome
}

/** What planning the read of a non-chunked export needs. */
export interface ReadPlanningContext {
  readonly config: ResolvedConfig
  readonly state: StateStore
  readonly log: (line: string) => void
}

/** Options of planExportRead. */
export interface PlanExportReadOptions {
  /** Read after this cursor instead of the one stored in state (a sealed plan's snapshot); null reads every row. */
  readonly cursor?: StoredCursor | null
  /** Also estimate the rows the read returns (one EXPLAIN on the planning connection; `rivet plan` asks for it). */
  readonly estimateRows?: boolean
}

/** The read of a non-chunked export (or of a chunked one too small to chunk), planned against the catalog. */
export interface ExportReadPlan {
  readonly plan: ExtractPlan
  readonly incremental: IncrementalRun | null
  /** The planner's row estimate; null unless asked for. */
  readonly estimatedRows: number | null
  /** The catalog's row count when the read is the whole table (free: no statement), else null; progress measures an ETA against it. */
  readonly catalogRows: number | null
}

/** The catalog's row count of a whole-table read, or null (a query, a filter, an incremental read or a never-analyzed table). */
function wholeTableRows(exp: ResolvedExport, catalog: number | undefined): number | null {
  return exp.query === null && exp.mode !== 'incremental' && exp.timeWindow === null && catalog !== undefined && catalog >= 0 ? catalog : null
}

/**
 * Describe the export on one short planning connection and plan its read: the strategy and, for
 * an incremental export, the read after the stored cursor (or after `options.cursor`).
 */
export async function planExportRead(ctx: ReadPlanningContext, exp: ResolvedExport, startedAt: Date, options: PlanExportReadOptions = {}): Promise<ExportReadPlan> {
  const connect = toConnectParams(ctx.config.source.connection, ctx.config.configDir)
  const stored = options.cursor !== undefined ? (options.cursor ?? undefined) : ctx.state.getCursor(exp.name)
  if (ctx.config.source.type === 'mysql') return planMysqlExport(ctx, exp, connect, startedAt, stored, options.estimateRows === true)
  const client = await openPgClient(connect)
  try {
    const facts = await describePgExport(client, exp)
    const incremental = exp.mode === 'incremental' ? planIncremental(ctx, exp, facts, stored) : null
    const plan = buildPgExtractPlan(exp, connect, facts, incremental?.strategy, planMetaColumns(exp, facts.columns, startedAt))
    let estimatedRows: number | null = null
    if (options.estimateRows === true) {
      const catalog = facts.relation?.estimatedRows ?? -1
      // the catalog's count serves a whole table; a filtered read or a query needs the planner's estimate
      estimatedRows = plan.strategy.type === 'ctid' && catalog >= 0 ? catalog : await pgRowEstimate(client, estimateFrom(plan))
    }
    return { plan, incremental, estimatedRows, catalogRows: wholeTableRows(exp, facts.relation?.estimatedRows) }
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** The rows a plan reads as a FROM item (with its filter), for an EXPLAIN estimate: `SELECT 1 FROM <this>`. */
function estimateFrom(plan: ExtractPlan): string {
  const s = plan.strategy
  switch (s.type) {
    case 'ctid':
      return s.relation
    case 'cursor':
    case 'stream':
      return `(${s.query}) AS rivet_estimate`
    case 'keyset':
      return s.where === null ? s.from : `${s.from} WHERE ${s.where}`
    case 'incremental':
      return s.read.after === null ? s.read.from : `${s.read.from} WHERE ${s.read.after}`
  }
}

/** Describe and plan a MySQL/MariaDB export. */
async function planMysqlExport(
  ctx: ReadPlanningContext,
  exp: ResolvedExport,
  connect: SourceConnectParams,
  startedAt: Date,
  stored: StoredCursor | undefined,
  estimateRows: boolean,
): Promise<ExportReadPlan> {
  const log = ctx.log
  // loaded on use: mysql2 is a large CommonJS tree that PostgreSQL runs should not pay for
  const { describeMysqlExport, mysqlRowEstimate, openMysqlConnection } = await import('../source/mysql/index.js')
  const { warnIfMysqlProxy } = await import('./mysql-proxy-warning.js')
  const session = await openMysqlConnection(connect)
  try {
    await warnIfMysqlProxy(session.connection, exp, log)
    const facts = await describeMysqlExport(session.connection, exp)
    let incremental: IncrementalRun | null = null
    let read: PgIncrementalRead | null = null
    const { from, selectList } = mysqlSourceOf(exp, facts)
    if (exp.mode === 'incremental') {
      const planned = planPgIncremental(exp, facts.columns, from, selectList, facts.relation?.primaryKey ?? null, stored, MYSQL_INCREMENTAL_DIALECT)
      logTie(ctx, exp, planned.tie, stored?.value)
      read = planned.read
      incremental = { strategy: { type: 'incremental', read }, cursorType: read.cursorType, from: stored?.value ?? null, tie: planned.tie }
    }
    const plan = buildMysqlExtractPlan(exp, connect, facts, planMetaColumns(exp, facts.columns, startedAt), { incremental: read ?? undefined })
    if (plan.strategy.type === 'stream' || (plan.strategy.type === 'incremental' && plan.strategy.page === null)) {
      log(`export ${exp.name}: no primary key to page by: read as one streaming statement (set unique_key to page a query or a view)`)
    }
    const estimatedRows = estimateRows ? await mysqlRowEstimate(session.connection, estimateFrom(plan)) : null
    return { plan, incremental, estimatedRows, catalogRows: wholeTableRows(exp, facts.relation?.estimatedRows) }
  } finally {
    await session.close().catch(() => undefined)
  }
}

/** A run fixed in advance by a sealed plan (`rivet apply`): the engine executes it instead of planning anew. */
export interface PlannedRun {
  /** The source columns the plan was made for; a run whose source now returns others is refused. */
  readonly columns?: readonly PlannedColumn[]
  /** Incremental exports: the cursor snapshot to read after; null reads every row (no cursor when planned). */
  readonly cursor?: StoredCursor | null
  /** Chunked exports: the chunk column, ranges and readers; 'single' reads the export in one snapshot. */
  readonly chunks?: PlannedChunks | 'single'
  /**
   * A repair (`rivet repair --execute`): the completed chunked run whose chunks `chunks` reads again.
   * The new run's manifest then lists the whole export: its own files for those chunks and the
   * original run's files for every other chunk. Nothing of the original is removed or replaced.
   */
  readonly repairOf?: string
}

/** A source column as a plan records it. */
export interface PlannedColumn {
  readonly name: string
  readonly sourceType: string
  /** describeType() of the column's Rivet type (after `columns:` overrides). */
  readonly type: string
}

/** The chunks of a planned chunked run. */
export interface PlannedChunks {
  readonly column: string
  readonly ranges: readonly ChunkRange[]
  /** Readers at planning time (after the connection-budget clamp); the run clamps again, never raises it. */
  readonly parallel: number
}

/** A plan's view of source columns. */
export function toPlannedColumns(columns: readonly ColumnSpec[]): PlannedColumn[] {
  return columns.map((c) => ({ name: c.name, sourceType: c.sourceType, type: describeType(c.type) }))
}

/** Refuse a planned run whose source columns changed since the plan was made (RIVET_PLAN_STALE). */
export function checkPlannedColumns(exp: ResolvedExport, planned: PlannedRun | undefined, columns: readonly ColumnSpec[]): void {
  if (planned?.columns === undefined) return
  const now = toPlannedColumns(columns)
  const was = planned.columns
  const same = now.length === was.length && now.every((c, i) => c.name === was[i]!.name && c.sourceType === was[i]!.sourceType && c.type === was[i]!.type)
  if (same) return
  throw new RivetError('RIVET_PLAN_STALE', `export ${exp.name}: the source columns changed since the plan was made`, {
    details: { export: exp.name, planned: planned.columns.map((c) => `${c.name} ${c.sourceType}`), now: now.map((c) => `${c.name} ${c.sourceType}`) },
  })
}

/** Warn about the MySQL zero dates a read wrote as NULL (see docs/type-mapping.md). */
export function logZeroDates(ctx: ExportContext, exp: ResolvedExport, stats: ExtractStats): void {
  for (const [column, count] of Object.entries(stats.zeroDates ?? {})) {
    ctx.log(`export ${exp.name}: warning: ${count} zero date(s) in column ${column} were written as NULL (MySQL '0000-00-00' has no calendar value)`)
  }
}

/** What an incremental run needs to move the cursor when it completes. */
export interface IncrementalRun {
  readonly strategy: PgReadStrategy & { readonly type: 'incremental' }
  readonly cursorType: string
  /** The stored cursor this run started from, or null on the first run. */
  readonly from: string | null
  /** How rows tying on the stored cursor value are handled. */
  readonly tie: TieHandling
}

/** The incremental read of this run, after `stored` (the cursor the last completed run left in state). */
function planIncremental(ctx: ReadPlanningContext, exp: ResolvedExport, facts: PgExportFacts, stored: StoredCursor | undefined): IncrementalRun {
  const { from, selectList } = pgSourceOf(exp, facts)
  const { read, tie } = planPgIncremental(exp, facts.columns, from, selectList, facts.relation?.primaryKey ?? null, stored)
  logTie(ctx, exp, tie, stored?.value)
  return { strategy: { type: 'incremental', read }, cursorType: read.cursorType, from: stored?.value ?? null, tie }
}

/** Say how this run handles rows that tie on the stored cursor value. */
function logTie(ctx: ReadPlanningContext, exp: ResolvedExport, tie: TieHandling, stored: string | undefined): void {
  const how: Record<TieHandling, string> = {
    'first-run': 'no cursor yet: reading every row',
    'exclude-exported-keys': `reading rows after cursor ${stored}; rows at that value already exported are skipped by key`,
    'reread-boundary': `reading rows from cursor ${stored} on; rows at that value are read again (no complete key list: at-least-once)`,
    overlap: `reading rows from cursor ${stored} minus cursor_overlap (rows in the window are exported again: at-least-once)`,
  }
  ctx.log(`export ${exp.name}: ${how[tie]}`)
}

export function encodeSpecFor(exp: ResolvedExport, columns: readonly ColumnSpec[]): EncodeSpec {
  if (exp.format === 'parquet') return { kind: 'parquet', options: { compression: exp.compression, compressionLevel: exp.compressionLevel } }
  // the config rejects csv + snappy; this narrows the type and guards the invariant
  if (exp.compression === 'snappy') throw new RivetError('RIVET_INTERNAL', `export ${exp.name}: snappy reached the CSV encoder`)
  return { kind: 'csv', options: { header: false, compression: exp.compression, compressionLevel: exp.compressionLevel, columns } }
}

/** Encode a zero-row batch: the schema of an empty Parquet file, or a CSV header unit. */
export async function encodeEmpty(pools: EnginePools, columns: readonly ColumnSpec[], spec: EncodeSpec): Promise<EncodedUnit> {
  const builder = new BatchBuilder(columns)
  const ipc = ownedBytes(builder.toIPC(builder.finishBatch()))
  return encodeBatch(pools, spec, ipc.buffer as ArrayBuffer, 0)
}

/** Record the files as pending, rename them into place, then let the caller complete the run. */
export async function publishFiles(
  state: StateStore,
  runId: string,
  exp: ResolvedExport,
  destination: Destination,
  written: Awaited<ReturnType<OutputWriter['finish']>>,
  journal?: RunJournal,
): Promise<CommittedFileSummary[]> {
  if (written.length === 0) return []
  const closed = written.map((w) => ({ w, info: w.sink.result! }))
  state.recordPendingFiles(
    runId,
    closed.map(({ w, info }) => ({
      path: info.finalPath,
      fileName: w.finalName,
      partIndex: w.partIndex,
      rows: w.rows,
      bytes: info.bytes,
      xxh3: info.xxh3,
      format: exp.format,
      compression: exp.compression,
    })),
  )
  const committed: CommittedFile[] = await destination.commit(written.map((w): DestinationSink => w.sink))
  for (const [i, c] of committed.entries()) {
    journal?.record('file', `published ${c.fileName}: ${written[i]!.rows} rows, ${c.bytes} bytes`, { file: c.fileName, rows: written[i]!.rows, bytes: c.bytes, xxh3: c.xxh3 })
  }
  panicPoint('after_file_write')
  return committed.map((c, i) => ({ path: c.finalPath, rows: written[i]!.rows, bytes: c.bytes, xxh3: c.xxh3 }))
}
