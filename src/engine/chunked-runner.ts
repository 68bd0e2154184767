import { createHash } from 'node:crypto'
import { hostname } from 'node:os'
import type { ResolvedConfig, ResolvedExport } from '../config/index.js'
import { openDestination } from '../destination/index.js'
import type { Destination } from '../destination/index.js'
import { RivetError, toRivetError } from '../errors/index.js'
import {
  DEFAULT_CHUNK_SIZE, SPARSE_DENSITY, batchTargetBytes, chunkPredicate, findColumn, integerChunkStep, planDayRanges, planIntegerRanges, planMetaColumns,
  rangeDensity, rangesFromBoundaries,
} from '../plan/index.js'
import { mergeProfiles } from '../quality/index.js'
import type { ReadProfile } from '../quality/index.js'
import type { ChunkRange } from '../plan/index.js'
import { clampParallelism } from '../source/connection-budget.js'
import { toConnectParams } from '../source/pg/index.js'
import type { FileRecord, RunRecord, StateStore } from '../state/index.js'
import type { ColumnSpec } from '../types/index.js'
import { RIVET_VERSION } from '../version.js'
import { openChunkSource } from './chunk-source.js'
import type { ChunkSource } from './chunk-source.js'
import { runPipeline } from './export-pipeline.js'
import type { EncodeSpec } from './export-pipeline.js'
import { ExportProgress, ProgressTimeline } from './progress.js'
import { checkPlannedColumns, encodeEmpty, encodeSpecFor, logZeroDates, newRunId, publishFiles, runExport, withdrawRun } from './export-runner.js'
import type { CommittedFileSummary, ExportContext, ExportResult, PlannedChunks, PlannedRun } from './export-runner.js'
import { BASE_MEMORY_MB, BATCH_COPIES_PER_READER, RssSampler } from './memory.js'
import type { ExtractStats } from './messages.js'
import { panicPoint } from './fault-injection.js'
import { exportRetryPolicy, isRetryable, retryDelayMs, sleep, withRetries, MAX_RETRY_DELAY_MS } from './retry.js'
import type { RetryNotice, RetryPolicy } from './retry.js'
import { ChangeChecks } from './change-checks.js'
import { RunJournal } from './run-journal.js'
import { buildRunSummary, keepSummary } from './run-summary.js'
import { sealRun } from './run-manifest.js'
import { OutputWriter } from './output-writer.js'
import type { WrittenFile } from './output-writer.js'

const MB = 1024 * 1024
/** Memory the process needs besides the chunk pipelines (heaps, encoders, wasm). */

/** The chunk column and the ranges of one chunked run. */
export interface ChunkLayout {
  readonly column: ColumnSpec
  readonly expr: string
  readonly ranges: readonly ChunkRange[]
}

/** What a chunked run would do now, planned without reading a row (`rivet plan`). */
export interface ChunkedRunPlan {
  /** The chunks, or 'single' when the table is too small to chunk and is read in one snapshot. */
  readonly layout: ChunkLayout | 'single'
  /** The source columns. */
  readonly columns: readonly ColumnSpec[]
  /** Readers after the connection-budget and memory clamp. */
  readonly parallel: number
  /** The row estimate the chunk sizes were derived from. */
  readonly estimatedRows: number
}

/**
 * Plan a chunked export as `rivet run` would now — probe the chunk column, cut the ranges, clamp
 * `parallel` to the connections the source can spare — on one planning connection, closed after.
 */
export async function planChunkedRun(config: ResolvedConfig, exp: ResolvedExport, log: (line: string) => void): Promise<ChunkedRunPlan> {
  if (exp.chunked === null) throw new RivetError('RIVET_INTERNAL', `export ${exp.name} is not chunked`)
  const connect = toConnectParams(config.source.connection, config.configDir)
  const source = await openChunkSource(exp, config.source.type, connect, log)
  try {
    const { layout, estimatedRows } = await planChunks(source, exp, log)
    const parallel = await chooseParallelism(source, exp, exp.chunked.parallel, log)
    return { layout, columns: source.columns, parallel, estimatedRows }
  } finally {
    await source.close()
  }
}

/**
 * Run a chunked export: the rows are cut into ranges of the chunk column, each read in its own
 * short transaction by one of `parallel` concurrent readers (one connection each, never more
 * than the source can spare), each written to its own file(s). With `chunk_checkpoint` every
 * chunk is recorded in state and its files are published as soon as it completes, so
 * `rivet run --resume` continues an interrupted run without reading completed chunks again;
 * without it the files are published together when the last chunk completes.
 */
export async function runChunkedExport(ctx: ExportContext, exp: ResolvedExport, planned?: PlannedRun): Promise<ExportResult> {
  const chunked = exp.chunked
  if (chunked === null) throw new RivetError('RIVET_INTERNAL', `export ${exp.name} is not chunked`)
  // a sealed plan that found the table too small to chunk is read in one snapshot, as planned
  if (planned?.chunks === 'single') return runExport(ctx, exp, planned)
  const plannedChunks = planned?.chunks
  const connect = toConnectParams(ctx.config.source.connection, ctx.config.configDir)
  const planHash = chunkPlanHash(exp)
  // planning is retried like any read; the retries are journaled once the run exists
  const planningRetries: RetryNotice[] = []
  const planning = await withRetries(exportRetryPolicy(exp), ctx.signal, (notice) => {
    planningRetries.push(notice)
    ctx.log(`export ${exp.name}: planning the chunks failed (${notice.error.code}: ${notice.error.message}); retry: attempt ${notice.nextAttempt} of ${notice.maxAttempts} in ${notice.delayMs} ms`)
  }, async () => {
    const source = await openChunkSource(exp, ctx.config.source.type, connect, ctx.log)
    try {
      checkPlannedColumns(exp, planned, source.columns)
      let layout: ChunkLayout | 'single'
      let resumed: ResumedRun | null = null
      if (ctx.resume) {
        resumed = resumableRun(ctx, exp, planHash)
        layout = { ...resolveChunkColumn(exp, source, ctx.log), ranges: [] }
      } else if (plannedChunks !== undefined) {
        layout = plannedLayout(exp, source, plannedChunks)
      } else {
        layout = (await planChunks(source, exp, ctx.log)).layout
      }
      // a plan's reader count is an upper bound: the source may spare fewer connections now
      const wanted = Math.min(plannedChunks !== undefined ? Math.min(plannedChunks.parallel, chunked.parallel) : chunked.parallel, ctx.connectionCap ?? Infinity)
      const parallel = await chooseParallelism(source, exp, wanted, ctx.log)
      return { source, layout, parallel, resumed }
    } finally {
      await source.close()
    }
  })
  if (planning.layout === 'single') return runExport(ctx, exp)
  const repairOf = planned?.repairOf !== undefined ? requireRepairable(ctx, exp, planned.repairOf) : undefined
  return runChunks(ctx, exp, planning.source, planning.layout, planning.parallel, planHash, planning.resumed, planningRetries, repairOf)
}

/** The interrupted checkpointed run being continued, with its unfinished chunks. */
interface ResumedRun {
  readonly run: RunRecord
  readonly pending: ChunkRange[]
  readonly done: number
}

/** The run a repair reads chunks of again: a completed, chunked run of this export. */
function requireRepairable(ctx: ExportContext, exp: ResolvedExport, runId: string): string {
  const run = ctx.state.getRun(runId)
  if (run === undefined || run.exportName !== exp.name || run.status !== 'completed' || run.mode !== 'chunked') {
    throw new RivetError('RIVET_RUN_NOT_FOUND', `export ${exp.name}: run ${runId} is not a completed chunked run of the export; there is nothing to repair in it`, {
      details: { export: exp.name, runId, status: run?.status ?? null, mode: run?.mode ?? null },
    })
  }
  return runId
}

/**
 * The files that hold each chunk of `base` now: the base run's, unless a later completed repair of
 * it read the chunk again — then the newest such repair's (none, if the chunk came back empty).
 */
function latestChunkFiles(state: StateStore, exportName: string, base: string): FileRecord[] {
  const byChunk = new Map<number, FileRecord[]>()
  const take = (runId: string, chunks: Iterable<number>) => {
    const own = state.listFiles({ runId }).filter((f) => f.chunkIndex !== null)
    for (const chunk of chunks) byChunk.set(chunk, own.filter((f) => f.chunkIndex === chunk))
  }
  if (state.getRun(base)?.status === 'completed') {
    const chunks = new Set(state.listFiles({ runId: base }).map((f) => f.chunkIndex).filter((c): c is number => c !== null))
    take(base, chunks)
  }
  // oldest first: a later repair of a chunk supersedes an earlier one
  for (const event of state.listEvents({ exportName, kind: 'plan' })) {
    if (event.data?.repair_of !== base || state.getRun(event.runId)?.status !== 'completed') continue
    const chunks = Array.isArray(event.data.chunks) ? event.data.chunks.filter((c): c is number => typeof c === 'number') : []
    take(event.runId, chunks)
  }
  return [...byChunk.values()].flat()
}

/** The layout of a sealed plan: its column, resolved against the source, and its ranges as they are. */
function plannedLayout(exp: ResolvedExport, source: ChunkSource, chunks: PlannedChunks): ChunkLayout {
  const column = findColumn(exp, source.columns, chunks.column, 'chunk_column')
  return { column, expr: chunkColumnExpr(exp, source, column), ranges: chunks.ranges }
}

/** The chunk column: `chunk_column`, else the single-column primary key (said so in the log). */
function resolveChunkColumn(exp: ResolvedExport, source: ChunkSource, log: (line: string) => void): { column: ColumnSpec; expr: string } {
  const chunked = exp.chunked!
  let column: ColumnSpec | undefined
  if (chunked.column !== null) {
    column = findColumn(exp, source.columns, chunked.column, 'chunk_column')
  } else {
    // keyset paging may also use unique_key; ranges need the integer primary key
    const pk = (chunked.strategy === 'keyset' ? exp.uniqueKey : null) ?? source.primaryKey
    const candidate = pk !== null && pk.length === 1 ? source.columns.find((c) => c.name === pk[0]) : undefined
    const usable = candidate !== undefined && (chunked.strategy === 'keyset' || chunked.strategy === 'dense' || candidate.type.kind === 'int')
    if (!usable) {
      throw new RivetError('RIVET_PLAN_CHUNK_COLUMN', `export ${exp.name}: no chunk_column is set and the ${exp.table !== null ? 'table has no single-column integer primary key' : 'export is a query'} to use instead`, {
        hint: 'set chunk_column to an indexed NOT NULL column (an integer for ranges; any sortable type with chunk_dense or chunk_by_key)',
        details: { export: exp.name, primaryKey: pk },
      })
    }
    column = candidate
    log(`export ${exp.name}: chunking on ${pk === exp.uniqueKey ? 'the unique key' : 'the primary key'} ${column.name}`)
  }
  return { column, expr: chunkColumnExpr(exp, source, column) }
}

/** The quoted chunk column, once the source confirms it can carry chunks. */
function chunkColumnExpr(exp: ResolvedExport, source: ChunkSource, column: ColumnSpec): string {
  const unusable = source.unusableChunkColumn(column)
  if (unusable !== null) {
    throw new RivetError('RIVET_PLAN_CHUNK_COLUMN', `export ${exp.name}: chunk column ${column.name} cannot carry chunks: ${unusable}`, {
      hint: 'chunk on an integer, decimal, date, timestamp or text column',
      details: { export: exp.name, column: column.name, type: column.sourceType },
    })
  }
  return source.quote(column.name)
}

/** Probe the chunk column and cut its values into ranges; 'single' when the table is too small to chunk. */
async function planChunks(source: ChunkSource, exp: ResolvedExport, log: (line: string) => void): Promise<{ layout: ChunkLayout | 'single'; estimatedRows: number }> {
  const { column, expr } = resolveChunkColumn(exp, source, log)
  const estimate = source.catalogRows >= 0 ? source.catalogRows : await source.estimateRows()
  return { layout: await cutChunks(source, exp, column, expr, estimate, log), estimatedRows: estimate }
}

/** Cut the chunk column's values into ranges; 'single' when the table is too small to chunk. */
async function cutChunks(source: ChunkSource, exp: ResolvedExport, column: ColumnSpec, expr: string, estimate: number, log: (line: string) => void): Promise<ChunkLayout | 'single'> {
  const chunked = exp.chunked!
  const rowsPerChunk = chunked.size ?? (chunked.count !== null ? Math.max(1, Math.ceil(estimate / chunked.count)) : DEFAULT_CHUNK_SIZE)
  if (chunked.strategy !== 'days' && chunked.count === null && estimate < rowsPerChunk && source.catalogRows >= 0) {
    log(`export ${exp.name}: about ${estimate} rows, fewer than one chunk (${rowsPerChunk}): read in a single snapshot instead`)
    return 'single'
  }
  const range = await source.columnRange(expr)
  if (range.hasNulls) {
    throw new RivetError('RIVET_PLAN_CHUNK_NULLS', `export ${exp.name}: chunk column ${column.name} holds NULLs; chunked reads would skip those rows`, {
      hint: `choose a NOT NULL chunk column, or export with a query that handles them (e.g. WHERE ${column.name} IS NOT NULL plus a second export for the NULL rows)`,
      details: { export: exp.name, column: column.name },
    })
  }
  if (range.min === null || range.max === null) return { column, expr, ranges: [{ index: 0, lo: null, hi: null }] }
  switch (chunked.strategy) {
    case 'range': {
      if (column.type.kind !== 'int') {
        throw new RivetError('RIVET_PLAN_CHUNK_COLUMN', `export ${exp.name}: chunk column ${column.name} is ${column.sourceType}; range chunks need an integer column`, {
          hint: 'use chunk_dense: true or chunk_by_key: true (any sortable type), or chunk_by_days for a date column',
        })
      }
      const min = BigInt(range.min)
      const max = BigInt(range.max)
      const step = integerChunkStep(min, max, chunked.size, chunked.count)
      const density = rangeDensity(estimate, min, max, step)
      if (density.density < SPARSE_DENSITY) {
        log(
          `export ${exp.name}: warning: ${column.name} is sparse — about ${estimate} rows over a span of ${density.span} values ` +
            `(density ${density.density.toFixed(4)}); about ${density.likelyEmptyChunks} chunk(s) will be empty. ` +
            'chunk_dense: true or chunk_by_key: true cut chunks by rows instead; chunk_count sets the number of chunks directly',
        )
      }
      return { column, expr, ranges: planIntegerRanges(exp.name, min, max, step) }
    }
    case 'days': {
      if (column.type.kind !== 'date' && column.type.kind !== 'timestamp') {
        throw new RivetError('RIVET_PLAN_CHUNK_COLUMN', `export ${exp.name}: chunk_by_days needs a date or timestamp column; ${column.name} is ${column.sourceType}`)
      }
      return { column, expr, ranges: planDayRanges(exp.name, range.min.slice(0, 10), range.max.slice(0, 10), chunked.days ?? 1) }
    }
    case 'dense':
    case 'keyset': {
      if (chunked.strategy === 'keyset' && !(await source.isUniqueNotNull(column.name))) {
        throw new RivetError('RIVET_PLAN_CHUNK_COLUMN', `export ${exp.name}: chunk_by_key needs a unique NOT NULL key; ${column.name} has no unique index of its own or allows NULL`, {
          hint: 'use chunk_dense: true for a non-unique column, or name the primary key in chunk_column',
        })
      }
      return { column, expr, ranges: rangesFromBoundaries(exp.name, await source.rowBoundaries(expr, column, rowsPerChunk)) }
    }
  }
}

/** `parallel`, clamped to the connections the source can spare and to the memory budget. */
async function chooseParallelism(source: ChunkSource, exp: ResolvedExport, wanted: number, log: (line: string) => void): Promise<number> {
  const budget = await source.connectionBudget()
  // the model `rivet check` reports: a fixed base plus six batches per reader
  const perChunkMb = (batchTargetBytes(exp) * BATCH_COPIES_PER_READER) / MB
  const memoryMax = Math.max(1, Math.floor((exp.tuning.memoryMb - BASE_MEMORY_MB) / perChunkMb))
  const { parallel, reason } = clampParallelism(wanted, budget, memoryMax)
  if (parallel < 1) {
    throw new RivetError('RIVET_SOURCE_NO_CONNECTIONS', `export ${exp.name}: ${reason ?? 'the source has no connection to spare'}`, { details: { export: exp.name } })
  }
  if (reason !== null) log(`export ${exp.name}: parallel ${wanted} clamped to ${parallel}: ${reason}`)
  return parallel
}

/** The interrupted checkpointed run to continue, with its unfinished chunks. */
function resumableRun(ctx: ExportContext, exp: ResolvedExport, planHash: string): ResumedRun {
  if (!exp.chunked!.checkpoint) {
    throw new RivetError('RIVET_RESUME_NOTHING', `export ${exp.name}: --resume needs chunk_checkpoint: true (only checkpointed chunked runs can be resumed)`)
  }
  const run = ctx.state.findResumableRun(exp.name)
  if (run === undefined) throw new RivetError('RIVET_RESUME_NOTHING', `export ${exp.name}: no interrupted checkpointed run to resume`)
  if (run.planHash !== planHash) {
    throw new RivetError('RIVET_RESUME_PLAN_CHANGED', `export ${exp.name}: the export's settings changed since run ${run.runId}; its chunks no longer match`, {
      details: { export: exp.name, runId: run.runId },
    })
  }
  ctx.state.resetRunningChunks(run.runId)
  const tasks = ctx.state.listChunkTasks({ runId: run.runId })
  const pending = tasks.filter((t) => t.status !== 'completed').map((t) => ({ index: t.index, lo: t.lo, hi: t.hi }))
  const done = tasks.length - pending.length
  ctx.log(`export ${exp.name}: resuming run ${run.runId}: ${done} of ${tasks.length} chunk(s) already completed, ${pending.length} to read`)
  return { run, pending, done }
}

/** Hash of everything that decides which rows land in which chunk file: a resume must match it. */
export function chunkPlanHash(exp: ResolvedExport): string {
  const c = exp.chunked!
  const relevant = {
    table: exp.table, query: exp.query, format: exp.format, compression: exp.compression, compressionLevel: exp.compressionLevel,
    maxFileSizeBytes: exp.maxFileSizeBytes, columns: exp.columns, destination: exp.destination, metaColumns: exp.metaColumns,
    chunk: { column: c.column, strategy: c.strategy, size: c.size, count: c.count, days: c.days },
  }
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 32)
}

/** Read the chunks with `parallel` concurrent readers, publish, record the run. */
async function runChunks(
  ctx: ExportContext,
  exp: ResolvedExport,
  source: ChunkSource,
  layout: ChunkLayout,
  parallel: number,
  planHash: string,
  resumed: ResumedRun | null,
  planningRetries: readonly RetryNotice[],
  repairOf?: string,
): Promise<ExportResult> {
  const chunked = exp.chunked!
  const began = new Date()
  const startedAt = resumed?.run.startedAt ?? began
  const runId = resumed?.run.runId ?? ctx.runId ?? newRunId(startedAt)
  const rss = new RssSampler()
  const progress = new ExportProgress(exp.name, runId, exp.mode)
  ctx.progress?.(progress)
  const timeline = new ProgressTimeline(progress)
  if (resumed !== null) {
    // the lock was taken under a new run id; the resumed run holds it under its own
    ctx.state.acquireExportLock(exp.name, { runId, pid: process.pid, hostname: hostname() })
    ctx.state.reopenRun(runId, { pid: process.pid, hostname: hostname() })
  } else {
    ctx.state.beginRun({
      runId, exportName: exp.name, startedAt, pid: process.pid, hostname: hostname(), rivetVersion: RIVET_VERSION,
      configPath: ctx.config.configPath, format: exp.format, compression: exp.compression, mode: exp.mode,
    })
    ctx.state.setRunPlanHash(runId, planHash)
    if (chunked.checkpoint) ctx.state.createChunkTasks(runId, exp.name, layout.ranges.map((r) => ({ index: r.index, lo: r.lo, hi: r.hi })))
  }
  const journal = new RunJournal(ctx.state, runId, exp.name, ctx.log)
  for (const notice of planningRetries) journal.retry('planning the chunks', notice)
  ctx = { ...ctx, log: journal.log }
  const checks = new ChangeChecks(ctx.state, exp, runId, journal)
  const pending = resumed?.pending ?? [...layout.ranges]
  const total = resumed !== null ? resumed.pending.length + resumed.done : layout.ranges.length
  progress.chunksTotal = total
  progress.chunksDone = progress.chunksResumed = resumed?.done ?? 0
  ctx.log(`export ${exp.name}: ${total} chunk(s) on ${layout.column.name}, ${parallel} in parallel${chunked.checkpoint ? ', checkpointed' : ''}`)
  const repairNote = repairOf === undefined ? '' : `, repairing run ${repairOf}: chunk(s) ${layout.ranges.map((r) => r.index).join(', ')} read again`
  journal.record('plan', `${total} chunk(s) on ${layout.column.name}, ${parallel} in parallel${resumed !== null ? `, resumed with ${pending.length} to read` : ''}${repairNote}`, {
    strategy: 'chunked', chunks: total, toRead: pending.length, parallel, column: layout.column.name, checkpoint: chunked.checkpoint, resumed: resumed !== null,
    // `rivet reconcile` links a repair run to the run it repaired through these two fields
    ...(repairOf === undefined ? {} : { repair_of: repairOf, chunks: layout.ranges.map((r) => r.index) }),
  })
  const destination = await openDestination(exp.destination, { vars: { export: exp.name, date: startedAt }, runId })
  if (resumed !== null) {
    // files of unfinished chunks that were renamed into place before the process died: read again below
    const unfinished = new Set(resumed.pending.map((r) => r.index))
    const stale = ctx.state.listFiles({ runId, includeUncommitted: true }).filter((f) => !f.committed && f.chunkIndex !== null && unfinished.has(f.chunkIndex))
    const removed = await destination.removeUnrecorded(stale.map((f) => f.fileName))
    if (removed.length > 0) ctx.log(`export ${exp.name}: removed ${removed.length} file(s) of unfinished chunks published just before the interruption`)
  }
  // a resumed run stamps _rivet_exported_at with the original start, like the chunks read before
  const meta = planMetaColumns(exp, source.columns, startedAt)
  const columns = [...source.columns, ...meta.specs]
  const encode = encodeSpecFor(exp, columns)
  const abort = new AbortController()
  const onOuterAbort = () => abort.abort()
  ctx.signal?.addEventListener('abort', onOuterAbort, { once: true })
  // an interrupt during planning, before the listener existed
  if (ctx.signal?.aborted) abort.abort()
  const written: WrittenFile[] = []
  const committed: CommittedFileSummary[] = []
  const stats = new StatsTotal()
  let rows = 0
  let failure: RivetError | null = null
  let earlier: ReadProfile | null = null
  try {
    // before any data file: a schema that drifted past the export's policy stops the run here (exit 4)
    checks.checkSchema(columns)
    checks.start(columns)
    // a resumed run: what the chunks completed before the interruption saw, from their journal
    earlier = resumed === null ? null : earlierChunkProfiles(ctx.state, runId)
    if (earlier !== null) checks.addEarlierChunks(earlier)
    await destination.prepare()
    const csvHeader = encode.kind === 'csv' ? await encodeEmpty(ctx.pools, columns, { ...encode, options: { ...encode.options, header: true } }) : null
    progress.phase = 'reading'
    const reader = async (): Promise<void> => {
      for (let range = pending.shift(); range !== undefined && failure === null && !abort.signal.aborted; range = pending.shift()) {
        try {
          const result = await readChunk(ctx, exp, source, meta, layout, range, destination, encode, csvHeader, startedAt, progress, abort.signal, runId, journal, checks)
          rows += result.rows
          progress.chunksDone++
          stats.add(result.stats)
          if (chunked.checkpoint) committed.push(...result.committed)
          else written.push(...result.files)
        } catch (err) {
          failure ??= toRivetError(err)
          abort.abort()
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(parallel, pending.length) }, reader))
    if (failure === null && ctx.signal?.aborted) failure = new RivetError('RIVET_CANCELLED', 'the run was interrupted')
    if (failure !== null) throw failure
    progress.phase = 'publishing'
    // a resumed run also owns the rows of the chunks completed before the interruption
    const totalRows = chunked.checkpoint
      ? ctx.state.listChunkTasks({ runId }).filter((t) => t.status === 'completed').reduce((n, t) => n + (t.rows ?? 0), 0)
      : rows
    // the gates see every chunk; a failed gate publishes nothing more and seals nothing
    checks.judge(totalRows, resumed === null ? 'nothing' : earlier !== null ? 'keys' : 'profile')
    if (!chunked.checkpoint) {
      written.sort((a, b) => a.finalName.localeCompare(b.finalName))
      committed.push(...(await publishFiles(ctx.state, runId, exp, destination, written, journal)))
    }
    if (totalRows === 0 && !exp.skipEmpty && ctx.state.listFiles({ runId }).length === 0) {
      // an export without rows still gets one file carrying the schema
      const writer = newWriter(exp, columns, destination, runId, null, csvHeader)
      const files = await writer.finish(await encodeEmpty(ctx.pools, columns, encode))
      committed.push(...(await publishFiles(ctx.state, runId, exp, destination, files, journal)))
    }
    const allFiles = ctx.state.listFiles({ runId, includeUncommitted: true })
    // never seal a set of files that does not hold every row the chunks read
    assertFilesHoldRows(exp, chunked.checkpoint ? ctx.state.listChunkTasks({ runId }) : null, allFiles, totalRows)
    ctx.state.prepareCompletion(runId, null)
    // a repair run's manifest is the whole export: the original's files stand in for the chunks not read again
    const read = new Set(layout.ranges.map((r) => r.index))
    const carried = repairOf === undefined ? [] : latestChunkFiles(ctx.state, exp.name, repairOf).filter((f) => !read.has(f.chunkIndex!))
    await sealRun(destination, { exp, runId, startedAt, finishedAt: new Date(), columns, files: [...allFiles, ...carried], repairOf })
    panicPoint('after_manifest_update')
    const bytes = allFiles.reduce((n, f) => n + f.bytes, 0)
    const durationMs = Date.now() - began.getTime()
    const peakRssBytes = rss.stop()
    const finalStats = { ...stats.result(parallel, total), retries: journal.retries, ...checks.stats() }
    checks.recordShape()
    logZeroDates(ctx, exp, finalStats)
    ctx.state.completeRun(runId, { rows: totalRows, bytes, filesCount: allFiles.length, durationMs, peakRssBytes, finishedAt: new Date(), stats: { ...finalStats, timeline: timeline.stop() } })
    panicPoint('after_cursor_commit')
    journal.record('outcome', `completed: ${totalRows} rows in ${allFiles.length} file(s)`, { status: 'completed', rows: totalRows, bytes, files: allFiles.length, durationMs, retries: journal.retries, chunks: total })
    const files = allFiles.map((f) => ({ path: f.path, rows: f.rows, bytes: f.bytes, xxh3: f.xxh3 })).sort((a, b) => a.path.localeCompare(b.path))
    const summary = buildRunSummary({ exp, runId, startedAt: began, finishedAt: new Date(), rows: totalRows, files: allFiles.length, bytes, peakRssBytes, retries: journal.retries, warnings: journal.warnings, error: null, ...checks.outcome() })
    keepSummary(ctx.state, summary, journal)
    return { exportName: exp.name, runId, status: 'completed', rows: totalRows, bytes, files, durationMs, peakRssBytes, stats: finalStats, columns, error: null, summary }
  } catch (err) {
    const error = toRivetError(err)
    const withdrawn = await withdrawRun(ctx, exp, runId, destination)
    const peakRssBytes = rss.stop()
    const durationMs = Date.now() - began.getTime()
    const status = error.code === 'RIVET_CANCELLED' ? 'interrupted' : 'failed'
    // a sealed run stays 'running' in state: the next run's recovery completes it from its prepared record
    if (withdrawn === 'withdrawn') ctx.state.failRun(runId, {
      status, errorCode: error.code, errorMessage: error.message, finishedAt: new Date(), durationMs, peakRssBytes, rows: progress.rows, bytes: 0,
      stats: { retries: journal.retries, ...checks.stats(), timeline: timeline.stop() },
    })
    journal.record('outcome', `${status}: ${error.code}: ${error.message}`, { status, code: error.code, rows: progress.rows, durationMs, retries: journal.retries })
    // a run stopped by its checks has read every chunk: there is nothing to resume
    if (chunked.checkpoint && error.code !== 'RIVET_QUALITY_FAILED' && error.code !== 'RIVET_SCHEMA_DRIFT') {
      ctx.log(`export ${exp.name}: completed chunks are kept; \`rivet run --resume -e ${exp.name}\` continues with the rest`)
    }
    const summary = buildRunSummary({ exp, runId, startedAt: began, finishedAt: new Date(), rows: progress.rows, files: 0, bytes: 0, peakRssBytes, retries: journal.retries, warnings: journal.warnings, error, ...checks.outcome() })
    keepSummary(ctx.state, summary, journal)
    return { exportName: exp.name, runId, status: 'failed', rows: progress.rows, bytes: 0, files: [], durationMs, peakRssBytes, stats: null, columns, error, summary }
  } finally {
    ctx.signal?.removeEventListener('abort', onOuterAbort)
    timeline.stop()
  }
}

/**
 * The run's files must account for every row its chunks read: every checkpointed chunk completed,
 * and each chunk's rows found in files tagged with it. A mismatch is a bug; failing here keeps an
 * incomplete set of files from being sealed as complete.
 */
export function assertFilesHoldRows(
  exp: ResolvedExport,
  tasks: readonly { readonly index: number; readonly status: string; readonly rows: number | null }[] | null,
  files: readonly { readonly rows: number; readonly chunkIndex: number | null }[],
  totalRows: number,
): void {
  const problems: string[] = []
  if (tasks !== null) {
    for (const task of tasks) {
      if (task.status !== 'completed') {
        problems.push(`chunk ${task.index} is ${task.status}`)
        continue
      }
      const inFiles = files.filter((f) => f.chunkIndex === task.index).reduce((n, f) => n + f.rows, 0)
      if (inFiles !== (task.rows ?? 0)) problems.push(`chunk ${task.index} read ${task.rows ?? 0} row(s) but its files hold ${inFiles}`)
    }
  }
  const inAll = files.reduce((n, f) => n + f.rows, 0)
  if (problems.length === 0 && inAll !== totalRows) problems.push(`the chunks read ${totalRows} row(s) but the files hold ${inAll}`)
  if (problems.length > 0) {
    throw new RivetError('RIVET_INTERNAL', `export ${exp.name}: the files do not hold every row read (${problems.join('; ')}); the run is not sealed`, {
      hint: 'run again; this is a bug in rivet, please report it with the log',
      details: { export: exp.name, problems },
    })
  }
}

/** One chunk, retried on retryable errors up to chunk_max_attempts (exponential backoff from tuning.retry_backoff_ms, with jitter). */
async function readChunk(
  ctx: ExportContext,
  exp: ResolvedExport,
  source: ChunkSource,
  meta: ReturnType<typeof planMetaColumns>,
  layout: ChunkLayout,
  range: ChunkRange,
  destination: Destination,
  encode: EncodeSpec,
  csvHeader: Awaited<ReturnType<typeof encodeEmpty>> | null,
  startedAt: Date,
  progress: ExportProgress,
  signal: AbortSignal,
  runId: string,
  journal: RunJournal,
  checks: ChangeChecks,
): Promise<{ rows: number; stats: ExtractStats; files: WrittenFile[]; committed: CommittedFileSummary[] }> {
  const chunked = exp.chunked!
  const predicate = chunkPredicate(layout.expr, range, (value) => source.literal(value, layout.column))
  const plan = source.planChunk(meta, predicate, layout.column)
  for (let attempt = 1; ; attempt++) {
    if (chunked.checkpoint) ctx.state.startChunk(runId, range.index)
    const writer = newWriter(exp, plan.columns, destination, runId, range.index, csvHeader)
    try {
      const profiled = checks.read()
      const result = await runPipeline(ctx.pools, plan, encode, writer, progress, signal, profiled.checks)
      profiled.accept(result.profile)
      panicPoint('after_source_read')
      const files = await writer.finish(null)
      if (!chunked.checkpoint) return { rows: result.rows, stats: result.stats, files, committed: [] }
      const committed = await publishChunk(ctx, exp, destination, runId, range.index, files, result.rows, journal, attempt, result.profile)
      return { rows: result.rows, stats: result.stats, files, committed }
    } catch (err) {
      const error = toRivetError(err)
      await destination.discard(writer.sinks).catch(() => undefined)
      const retry = isRetryable(error) && attempt < chunked.maxAttempts && !signal.aborted
      if (chunked.checkpoint) ctx.state.failChunk(runId, range.index, { errorCode: error.code, errorMessage: error.message })
      if (!retry) throw error
      const notice = { error, nextAttempt: attempt + 1, maxAttempts: chunked.maxAttempts, delayMs: retryDelayMs(chunkRetryPolicy(exp), attempt) }
      journal.retry(`chunk ${range.index}`, notice, range.index)
      await sleep(notice.delayMs, signal)
    }
  }
}

/** Publish a checkpointed chunk's files and record the chunk completed with them, in that order. */
async function publishChunk(
  ctx: ExportContext,
  exp: ResolvedExport,
  destination: Destination,
  runId: string,
  index: number,
  files: WrittenFile[],
  rows: number,
  journal: RunJournal,
  attempt: number,
  profile: ReadProfile | undefined,
): Promise<CommittedFileSummary[]> {
  // recorded before the rename: after a crash in between, the resumed run knows these names are its own
  ctx.state.recordPendingFiles(
    runId,
    files.map((f) => {
      const info = f.sink.result!
      return { path: info.finalPath, fileName: f.finalName, partIndex: f.partIndex, rows: f.rows, bytes: info.bytes, xxh3: info.xxh3, format: exp.format, compression: exp.compression, chunkIndex: index }
    }),
  )
  const committed = files.length === 0 ? [] : await destination.commit(files.map((f) => f.sink))
  const records = committed.map((c, i) => ({
    path: c.finalPath, fileName: c.fileName, partIndex: files[i]!.partIndex, rows: files[i]!.rows, bytes: c.bytes, xxh3: c.xxh3,
    format: exp.format, compression: exp.compression, chunkIndex: index,
  }))
  panicPoint('after_file_write')
  panicPoint('after_chunk_file', index)
  const bytes = committed.reduce((n, c) => n + c.bytes, 0)
  ctx.state.completeChunk(runId, index, { rows, bytes, files: records })
  panicPoint('after_chunk_complete', index)
  journal.record('chunk', `chunk ${index} completed: ${rows} rows in ${records.length} file(s)${attempt > 1 ? ` (attempt ${attempt})` : ''}`, {
    chunk: index, rows, bytes, files: records.map((r) => r.fileName), attempt,
    // what the chunk saw, for the checks of a run resumed after it (NULLs and widths; not row keys)
    ...(profile === undefined ? {} : { profile }),
  })
  return committed.map((c, i) => ({ path: c.finalPath, rows: files[i]!.rows, bytes: c.bytes, xxh3: c.xxh3 }))
}

function newWriter(
  exp: ResolvedExport,
  columns: readonly ColumnSpec[],
  destination: Destination,
  runId: string,
  chunk: number | null,
  csvHeader: Awaited<ReturnType<typeof encodeEmpty>> | null,
): OutputWriter {
  return new OutputWriter({
    exportName: exp.name, runId, chunk, format: exp.format, compression: exp.compression, maxFileSizeBytes: exp.maxFileSizeBytes, columns, destination,
    csvHeader: csvHeader?.kind === 'csv' ? csvHeader.bytes : undefined, createdBy: `rivet ${RIVET_VERSION}`,
  })
}

/** Source statistics summed over the chunks of a run. */
class StatsTotal {
  private statements = 0
  private maxStatementMs = 0
  private totalStatementMs = 0
  private sourceBytes = 0
  private minChunkSize = Infinity
  private maxChunkSize = 0
  private finalChunkSize = 0
  private readonly zeroDates = new Map<string, number>()

  add(s: ExtractStats): void {
    for (const [column, count] of Object.entries(s.zeroDates ?? {})) this.zeroDates.set(column, (this.zeroDates.get(column) ?? 0) + count)
    this.statements += s.statements
    this.maxStatementMs = Math.max(this.maxStatementMs, s.maxStatementMs)
    this.totalStatementMs += s.totalStatementMs
    this.sourceBytes += s.sourceBytes
    this.minChunkSize = Math.min(this.minChunkSize, s.minChunkSize)
    this.maxChunkSize = Math.max(this.maxChunkSize, s.maxChunkSize)
    this.finalChunkSize = s.finalChunkSize
  }

  result(parallel: number, chunks: number): ExtractStats & { parallel: number; chunks: number } {
    return {
      strategy: 'chunked', statements: this.statements, maxStatementMs: this.maxStatementMs, totalStatementMs: this.totalStatementMs,
      sourceBytes: this.sourceBytes, finalChunkSize: this.finalChunkSize, minChunkSize: Number.isFinite(this.minChunkSize) ? this.minChunkSize : 0,
      maxChunkSize: this.maxChunkSize, parallel, chunks,
      ...(this.zeroDates.size > 0 ? { zeroDates: Object.fromEntries(this.zeroDates) } : {}),
    }
  }
}

/** A chunk's retries: `chunk_max_attempts` in all, the backoff of the export's tuning. */
function chunkRetryPolicy(exp: ResolvedExport): RetryPolicy {
  return { maxAttempts: exp.chunked!.maxAttempts, baseDelayMs: exp.tuning.retryBackoffMs, maxDelayMs: MAX_RETRY_DELAY_MS }
}

/**
 * The profile of the chunks a run completed before it was interrupted, merged, from the journal
 * event each completion recorded (the latest per chunk); null when one of them has none (a process
 * stopped between completing a chunk and recording it, or a run recorded before profiles were kept).
 */
export function earlierChunkProfiles(state: StateStore, runId: string): ReadProfile | null {
  const done = state.listChunkTasks({ runId }).filter((t) => t.status === 'completed').map((t) => t.index)
  const byChunk = new Map<number, ReadProfile>()
  for (const event of state.listEvents({ runId, kind: 'chunk' })) {
    const profile = asProfile(event.data?.profile)
    if (typeof event.data?.chunk === 'number' && profile !== null) byChunk.set(event.data.chunk, profile)
  }
  let merged: ReadProfile = { rows: 0, nulls: {}, maxBytes: {} }
  for (const index of done) {
    const profile = byChunk.get(index)
    if (profile === undefined) return null
    merged = mergeProfiles(merged, profile)
  }
  return merged
}

/** A profile read back from stored JSON, or null when it is not one. */
function asProfile(value: unknown): ReadProfile | null {
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  const counts = (x: unknown): x is Record<string, number> =>
    typeof x === 'object' && x !== null && !Array.isArray(x) && Object.values(x).every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)
  return typeof v.rows === 'number' && Number.isFinite(v.rows) && counts(v.nulls) && counts(v.maxBytes) ? { rows: v.rows, nulls: v.nulls, maxBytes: v.maxBytes } : null
}
