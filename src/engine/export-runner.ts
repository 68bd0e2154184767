import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { ResolvedConfig, ResolvedExport } from '../config/index.js'
import { openDestination } from '../destination/index.js'
import type { CommittedFile, Destination, DestinationSink } from '../destination/index.js'
import { RivetError, toRivetError } from '../errors/index.js'
import { BatchBuilder } from '../arrow/index.js'
import { buildMysqlExtractPlan, buildPgExtractPlan, MYSQL_INCREMENTAL_DIALECT, mysqlSourceOf, pgSourceOf, planMetaColumns, planPgIncremental } from '../plan/index.js'
import type { ExtractPlan, PgIncrementalRead, PgReadStrategy, SourceConnectParams, TieHandling } from '../plan/index.js'
import { describePgExport, openPgClient, quoteIdent, toConnectParams } from '../source/pg/index.js'
import type { PgExportFacts } from '../source/pg/index.js'
import type { StateStore } from '../state/index.js'
import type { ColumnSpec } from '../types/index.js'
import { RIVET_VERSION } from '../version.js'
import { encodeBatch, runPipeline } from './export-pipeline.js'
import type { EncodeSpec, PipelineProgress } from './export-pipeline.js'
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
}

/** A published file as reported to the user. */
export interface CommittedFileSummary {
  readonly path: string
  readonly rows: number
  readonly bytes: number
  readonly xxh3: string
}

export interface ExportContext {
  /** Continue the export's interrupted checkpointed run instead of starting a new one. */
  readonly resume?: boolean
  readonly config: ResolvedConfig
  readonly state: StateStore
  readonly pools: EnginePools
  readonly signal?: AbortSignal
  readonly log: (line: string) => void
  readonly progress?: (exportName: string, progress: PipelineProgress) => void
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
export async function runExport(ctx: ExportContext, exp: ResolvedExport): Promise<ExportResult> {
  const startedAt = new Date()
  const runId = newRunId(startedAt)
  const rss = new RssSampler()
  const progress: PipelineProgress = { rows: 0, batches: 0, statements: 0, maxStatementMs: 0, rawBytes: 0 }
  const progressTimer = ctx.progress ? setInterval(() => ctx.progress!(exp.name, progress), 1000) : null
  progressTimer?.unref()
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
  let destination: Destination | null = null
  let writer: OutputWriter | null = null
  let columns: readonly ColumnSpec[] = []
  try {
    const connect = toConnectParams(ctx.config.source.connection, ctx.config.configDir)
    let plan: ExtractPlan
    let incremental: IncrementalRun | null = null
    if (ctx.config.source.type === 'mysql') {
      ;({ plan, incremental } = await planMysqlExport(ctx, exp, connect, startedAt))
    } else {
      const client = await openPgClient(connect)
      const facts = await describePgExport(client, exp).finally(() => client.end().catch(() => undefined))
      incremental = exp.mode === 'incremental' ? planIncremental(ctx, exp, facts) : null
      plan = buildPgExtractPlan(exp, connect, facts, incremental?.strategy, planMetaColumns(exp, facts.columns, startedAt))
    }
    columns = plan.columns
    destination = await openDestination(exp.destination, { vars: { export: exp.name, date: startedAt }, runId })
    await destination.prepare()
    const encode = encodeSpecFor(exp, columns)
    const csvHeader = encode.kind === 'csv' ? await encodeEmpty(ctx.pools, columns, { ...encode, options: { ...encode.options, header: true } }) : null
    writer = new OutputWriter({
      exportName: exp.name,
      startedAt,
      format: exp.format,
      compression: exp.compression,
      maxFileSizeBytes: exp.maxFileSizeBytes,
      columns,
      destination,
      csvHeader: csvHeader?.kind === 'csv' ? csvHeader.bytes : undefined,
      createdBy: `rivet ${RIVET_VERSION}`,
    })
    const result = await runPipeline(ctx.pools, plan, encode, writer, progress, ctx.signal)
    logZeroDates(ctx, exp, result.stats)
    const empty = result.rows === 0 ? (exp.skipEmpty ? null : await encodeEmpty(ctx.pools, columns, encode)) : null
    const written = await writer.finish(empty)
    const files = await publishFiles(ctx.state, runId, exp, destination, written)
    await sealRun(destination, { exp, runId, startedAt, finishedAt: new Date(), columns, files: ctx.state.listFiles({ runId, includeUncommitted: true }) })
    const summary = { rows: result.rows, bytes: files.reduce((n, f) => n + f.bytes, 0), durationMs: Date.now() - startedAt.getTime() }
    const peakRssBytes = rss.stop()
    const cursor = incremental !== null && result.cursor !== undefined && result.cursor.value !== null
      ? { value: result.cursor.value, type: incremental.cursorType, boundaryKeys: result.cursor.boundaryKeys, boundaryComplete: result.cursor.boundaryComplete }
      : undefined
    // write before cursor: the cursor moves in the transaction that commits the files
    ctx.state.completeRun(runId, { ...summary, filesCount: files.length, peakRssBytes, finishedAt: new Date(), stats: result.stats }, { cursor })
    if (incremental !== null) ctx.log(`export ${exp.name}: ${cursor === undefined ? `no new rows; the cursor stays${incremental.from === null ? ' unset' : ` at ${incremental.from}`}` : `cursor now ${cursor.value}${cursor.boundaryComplete ? '' : ' (too many rows at this value to remember: the next run reads it again)'}`}`)
    return { exportName: exp.name, runId, status: 'completed', ...summary, files, peakRssBytes, stats: result.stats, columns, error: null }
  } catch (err) {
    const error = toRivetError(err)
    if (destination !== null) await destination.abort().catch(() => undefined)
    const peakRssBytes = rss.stop()
    const durationMs = Date.now() - startedAt.getTime()
    ctx.state.failRun(runId, {
      status: error.code === 'RIVET_CANCELLED' ? 'interrupted' : 'failed',
      errorCode: error.code,
      errorMessage: error.message,
      finishedAt: new Date(),
      durationMs,
      peakRssBytes,
      rows: progress.rows,
      bytes: 0,
    })
    return { exportName: exp.name, runId, status: 'failed', rows: progress.rows, bytes: 0, files: [], durationMs, peakRssBytes, stats: null, columns, error }
  } finally {
    if (progressTimer) clearInterval(progressTimer)
  }
}

/** Describe and plan a MySQL/MariaDB export. */
async function planMysqlExport(
  ctx: ExportContext,
  exp: ResolvedExport,
  connect: SourceConnectParams,
  startedAt: Date,
): Promise<{ plan: ExtractPlan; incremental: IncrementalRun | null }> {
  const log = ctx.log
  // loaded on use: mysql2 is a large CommonJS tree that PostgreSQL runs should not pay for
  const { describeMysqlExport, openMysqlConnection } = await import('../source/mysql/index.js')
  const { warnIfMysqlProxy } = await import('./mysql-proxy-warning.js')
  const session = await openMysqlConnection(connect)
  try {
    await warnIfMysqlProxy(session.connection, exp, log)
    const facts = await describeMysqlExport(session.connection, exp)
    let incremental: IncrementalRun | null = null
    let read: PgIncrementalRead | null = null
    if (exp.mode === 'incremental') {
      const stored = ctx.state.getCursor(exp.name)
      const { from, selectList } = mysqlSourceOf(exp, facts)
      const planned = planPgIncremental(exp, facts.columns, from, selectList, facts.relation?.primaryKey ?? null, stored, MYSQL_INCREMENTAL_DIALECT)
      logTie(ctx, exp, planned.tie, stored?.value)
      read = planned.read
      incremental = { strategy: { type: 'incremental', read }, cursorType: read.cursorType, from: stored?.value ?? null }
    }
    const plan = buildMysqlExtractPlan(exp, connect, facts, planMetaColumns(exp, facts.columns, startedAt), { incremental: read ?? undefined })
    if (plan.strategy.type === 'stream' || (plan.strategy.type === 'incremental' && plan.strategy.page === null)) {
      log(`export ${exp.name}: no primary key to page by: read as one streaming statement (set unique_key to page a query or a view)`)
    }
    return { plan, incremental }
  } finally {
    await session.close().catch(() => undefined)
  }
}

/** Warn about the MySQL zero dates a read wrote as NULL (see docs/type-mapping.md). */
export function logZeroDates(ctx: ExportContext, exp: ResolvedExport, stats: ExtractStats): void {
  for (const [column, count] of Object.entries(stats.zeroDates ?? {})) {
    ctx.log(`export ${exp.name}: warning: ${count} zero date(s) in column ${column} were written as NULL (MySQL '0000-00-00' has no calendar value)`)
  }
}

/** What an incremental run needs to move the cursor when it completes. */
interface IncrementalRun {
  readonly strategy: PgReadStrategy
  readonly cursorType: string
  /** The stored cursor this run started from, or null on the first run. */
  readonly from: string | null
}

/** The incremental read of this run, from the cursor the last completed run left in state. */
function planIncremental(ctx: ExportContext, exp: ResolvedExport, facts: PgExportFacts): IncrementalRun {
  const stored = ctx.state.getCursor(exp.name)
  const { from, selectList } = pgSourceOf(exp, facts)
  const { read, tie } = planPgIncremental(exp, facts.columns, from, selectList, facts.relation?.primaryKey ?? null, stored)
  logTie(ctx, exp, tie, stored?.value)
  return { strategy: { type: 'incremental', read }, cursorType: read.cursorType, from: stored?.value ?? null }
}

/** Say how this run handles rows that tie on the stored cursor value. */
function logTie(ctx: ExportContext, exp: ResolvedExport, tie: TieHandling, stored: string | undefined): void {
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
  return committed.map((c, i) => ({ path: c.finalPath, rows: written[i]!.rows, bytes: c.bytes, xxh3: c.xxh3 }))
}
