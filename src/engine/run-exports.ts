import { setMaxListeners } from 'node:events'
import { hostname } from 'node:os'
import { describeBudget } from '../source/connection-budget.js'
import { loadConfig, selectExports } from '../config/index.js'
import type { ResolvedConfig, ResolvedExport } from '../config/index.js'
import { openDestination, removeStaleTempFiles, resolveOutputDir } from '../destination/index.js'
import type { Destination } from '../destination/index.js'
import { RivetError, toRivetError } from '../errors/index.js'
import { openConfiguredState } from '../state/index.js'
import type { CursorInput, RunRecord, StateStore } from '../state/index.js'
import { runChunkedExport } from './chunked-runner.js'
import { newRunId, runExport } from './export-runner.js'
import type { ExportResult, PlannedRun } from './export-runner.js'
import { ExportScheduler, connectionsWanted, longestFirst, probeSourceBudget, readerMemoryMb, sharedMemoryMb } from './export-scheduler.js'
import { checkPanicEnvironment } from './fault-injection.js'
import { processPeakRssBytes } from './memory.js'
import type { ExportProgress } from './progress.js'
import { buildRunSummary } from './run-summary.js'
import { EnginePools, defaultPoolSizes } from './pools.js'

export interface RunExportsOptions {
  readonly configPath: string
  /** Export names to run (default: all, in config order). */
  readonly exports?: readonly string[]
  readonly signal?: AbortSignal
  /** Human progress lines (stderr in the CLI). */
  readonly log?: (line: string) => void
  /** Told when exports start, progress and finish (live progress displays). */
  readonly observer?: RunObserver
  /** Continue each selected export's interrupted checkpointed run (chunked exports only). */
  readonly resume?: boolean
  /** The config, already loaded from `configPath` (`rivet apply` parses the bytes it verified). */
  readonly config?: ResolvedConfig
  /** Runs fixed in advance by a sealed plan, by export name: executed as planned instead of planned anew. */
  readonly planned?: ReadonlyMap<string, PlannedRun>
  /** Run the exports at the same time (also `parallel_exports: true` in the config). */
  readonly parallelExports?: boolean
  /** Run the exports at the same time, each in a process of its own (also `parallel_export_processes: true`); needs `exportProcess`. */
  readonly parallelExportProcesses?: boolean
  /**
   * How an export runs in a process of its own (the CLI starts `rivet run -e NAME` and follows its
   * events); the budgets are shared out as for threads.
   */
  readonly exportProcess?: ExportProcessRunner
  /** Readers each export may open at once, when the caller shares out the source's budget (a parent process). */
  readonly connectionCap?: number
}

/** Runs one export in a process of its own, within `connectionCap` readers, and reports how it ended. */
export type ExportProcessRunner = (exp: ResolvedExport, connectionCap: number) => Promise<ExportResult>

/** What a live progress display is told about a run. */
export interface RunObserver {
  /** The exports about to run, and how: one after another or at the same time. */
  runStarted?(exports: readonly string[], parallel: boolean): void
  /** An export starts (it may still be planning). */
  exportStarted?(exportName: string): void
  /** An export's live counters, once it has a run; read them at any pace. */
  exportProgress?(progress: ExportProgress): void
  exportFinished?(result: ExportResult): void
}

/** The outcome of `rivet run`. */
export interface RunReport {
  readonly configPath: string
  readonly results: readonly ExportResult[]
  /** 0 when every export completed, else the highest exit class among the failures. */
  readonly exitCode: number
  /** Peak RSS of the whole process (all threads) over the run. */
  readonly processPeakRssBytes: number
  /** True when an export wrote its data to standard output: reports must go elsewhere. */
  readonly stdoutTaken: boolean
}

/**
 * Run the selected exports of a config: one after another, or — with `parallelExports` — at the
 * same time, sharing the source's connection budget and the memory budget, longest first.
 */
export async function runExports(outer: RunExportsOptions): Promise<RunReport> {
  // every running export and each of its readers listens for an interrupt: many at once, all
  // removed when they end; they listen on a signal of the run's own, which follows the caller's
  const interrupt = new AbortController()
  setMaxListeners(0, interrupt.signal)
  const onInterrupt = () => interrupt.abort(outer.signal?.reason)
  if (outer.signal?.aborted) onInterrupt()
  outer.signal?.addEventListener('abort', onInterrupt, { once: true })
  try {
    return await runAll({ ...outer, signal: interrupt.signal })
  } finally {
    outer.signal?.removeEventListener('abort', onInterrupt)
  }
}

async function runAll(options: RunExportsOptions): Promise<RunReport> {
  const config = options.config ?? loadConfig(options.configPath)
  const selected = options.exports && options.exports.length > 0 ? selectExports(config, [...options.exports]) : config.exports
  const log = options.log ?? (() => undefined)
  const stdoutTaken = checkStdoutAlone(selected)
  checkPanicEnvironment()
  const processes = (options.parallelExportProcesses === true || config.parallelExportProcesses) && options.exportProcess !== undefined
  // asked for processes where none can be started: the exports still run at the same time, in threads
  const asked = options.parallelExports === true || options.parallelExportProcesses === true || config.parallelExports || config.parallelExportProcesses
  const parallel = asked && selected.length > 1
  const state = openConfiguredState(config.configPath)
  let pools: EnginePools | null = null
  const results: ExportResult[] = []
  try {
    await recoverInterruptedRuns(config, state, log)
    options.observer?.runStarted?.(selected.map((e) => e.name), parallel)
    const one = (exp: ResolvedExport, connectionCap?: number) => runOne(exp, { config, state, pools: pools!, options, log, connectionCap })
    const spawned = async (exp: ResolvedExport, connectionCap: number) => {
      options.observer?.exportStarted?.(exp.name)
      const result = await options.exportProcess!(exp, connectionCap)
      options.observer?.exportFinished?.(result)
      return result
    }
    if (!parallel) {
      // one extraction thread per concurrent chunk reader; threads start on demand up to this count
      pools = new EnginePools(defaultPoolSizes(Math.max(1, ...selected.map((e) => e.chunked?.parallel ?? 1))))
      for (const exp of selected) {
        if (options.signal?.aborted) break
        results.push(await one(exp, options.connectionCap))
      }
    } else {
      const budget = await probeSourceBudget(config)
      if (budget.available < 1) {
        throw new RivetError('RIVET_SOURCE_NO_CONNECTIONS', `the source has no connection to spare for the exports: ${describeBudget(budget)}`)
      }
      const scheduler = new ExportScheduler(budget.available, sharedMemoryMb(selected))
      const order = longestFirst(selected, state)
      const readers = Math.min(budget.available, selected.reduce((n, e) => n + connectionsWanted(e), 0))
      log(`running ${selected.length} exports at once${processes ? ', one process each' : ''}: up to ${readers} reader(s) on ${describeBudget(budget).replace(/^the source can spare /, '')}, ${Math.round(scheduler.memoryMb)} MiB for batches; longest first: ${order.map((e) => e.name).join(', ')}`)
      // each process has pools of its own
      if (!processes) pools = new EnginePools(defaultPoolSizes(readers))
      const done = new Map<string, ExportResult>()
      // an equal share of the budget each, so that exports really run side by side
      const share = Math.max(1, Math.floor(budget.available / Math.min(selected.length, budget.available)))
      await Promise.all(order.map(async (exp) => {
        const grant = await scheduler.acquire(Math.min(connectionsWanted(exp), share), readerMemoryMb(exp))
        try {
          if (options.signal?.aborted) return
          done.set(exp.name, processes ? await spawned(exp, grant.connections) : await one(exp, grant.connections))
        } finally {
          scheduler.release(grant)
        }
      }))
      // reported in config order, whatever order they finished in
      for (const exp of selected) if (done.has(exp.name)) results.push(done.get(exp.name)!)
    }
  } finally {
    await pools?.close()
    state.close()
  }
  const exitCode = results.reduce((code, r) => Math.max(code, r.error?.exitCode ?? 0), 0)
  return { configPath: config.configPath, results, exitCode, processPeakRssBytes: processPeakRssBytes(), stdoutTaken }
}

/** What running one export needs from the run around it. */
interface RunOneContext {
  readonly config: ResolvedConfig
  readonly state: StateStore
  readonly pools: EnginePools
  readonly options: RunExportsOptions
  readonly log: (line: string) => void
  /** Readers the export may open at once (its share of the source's budget when exports run at the same time). */
  readonly connectionCap?: number
}

/** Run one export under its lock: refused (not run) when another live run of it holds the lock. */
async function runOne(exp: ResolvedExport, c: RunOneContext): Promise<ExportResult> {
  const observer = c.options.observer
  observer?.exportStarted?.(exp.name)
  const result = await runLocked(exp, c)
  observer?.exportFinished?.(result)
  return result
}

async function runLocked(exp: ResolvedExport, c: RunOneContext): Promise<ExportResult> {
  const { state, options, log } = c
  log(`export ${exp.name}: starting`)
  const runId = newRunId(new Date())
  try {
    // two runs of one export never overlap: the second is refused before it reads anything
    state.acquireExportLock(exp.name, { runId, pid: process.pid, hostname: hostname() })
  } catch (err) {
    const error = toRivetError(err)
    log(`export ${exp.name}: ${error.code}: ${error.message}`)
    return refusedResult(exp, runId, error)
  }
  try {
    const ctx = { config: c.config, state, pools: c.pools, signal: options.signal, log, progress: options.observer?.exportProgress?.bind(options.observer), resume: options.resume, runId, connectionCap: c.connectionCap }
    if (options.resume && exp.mode !== 'chunked') {
      log(`export ${exp.name}: --resume applies to chunked exports with chunk_checkpoint; running it normally`)
    }
    const planned = options.planned?.get(exp.name)
    if (!(options.resume && exp.mode === 'chunked')) await discardSupersededRuns(exp, state, log)
    const result = exp.mode === 'chunked' ? await runChunkedExport(ctx, exp, planned) : await runExport(ctx, exp, planned)
    // a resumed run holds the lock under its own id
    if (result.runId !== runId) state.releaseExportLock(exp.name, result.runId)
    return result
  } finally {
    state.releaseExportLock(exp.name, runId)
  }
}

/** Whether an export writes to standard output; refuses when it is not the only one selected. */
export function checkStdoutAlone(selected: readonly ResolvedExport[]): boolean {
  const stdoutTaken = selected.some((e) => e.destination.type === 'stdout')
  if (stdoutTaken && selected.length > 1) {
    throw new RivetError('RIVET_CONFIG_CONFLICT', `export ${selected.find((e) => e.destination.type === 'stdout')!.name} writes to standard output, which carries one export; ${selected.length} exports are selected`, {
      hint: 'select that export alone with -e NAME',
      details: { exports: selected.map((e) => e.name) },
    })
  }
  return stdoutTaken
}

/**
 * Runs left 'running' by a process that died (SIGKILL, power loss) are settled before anything
 * else runs. A run that had sealed its output (its `manifest-<run_id>.json` is in place and its
 * completion was prepared) is rolled forward: recorded completed, cursor included, exactly as it
 * would have been. Any other is marked interrupted; its temp files are removed, and so are the
 * data files it published but never sealed (uncommitted in state, listed in no manifest). Only
 * files of those runs are touched; the committed chunks of a checkpointed run stay for `--resume`.
 */
async function recoverInterruptedRuns(config: ResolvedConfig, state: StateStore, log: (line: string) => void): Promise<void> {
  for (const run of state.findStaleRuns()) {
    const exp = config.exports.find((e) => e.name === run.exportName)
    try {
      const destination = exp === undefined ? null : await openDestination(exp.destination, { vars: { export: exp.name, date: run.startedAt }, runId: run.runId })
      try {
        const prepared = state.getPreparedCompletion(run.runId)
        if (destination !== null && prepared !== undefined && (await destination.isSealed(run.runId))) {
          rollForward(state, run, prepared.cursor, log)
          continue
        }
        state.markInterrupted([run.runId], 'the process running it stopped before it finished')
        if (exp === undefined || destination === null) continue
        const removedTemp = exp.destination.type === 'local'
          ? await removeStaleTempFiles(resolveOutputDir(exp.destination.path, { export: exp.name, date: run.startedAt }), [run.runId])
          : []
        const removedFiles = await removeStrays(state, exp, run, destination)
        const message = `run ${run.runId} was interrupted; removed ${removedTemp.length} temp file(s) and ${removedFiles.length} unsealed data file(s)`
        log(`export ${run.exportName}: ${message}`)
        state.appendEvent(run.runId, run.exportName, { kind: 'recovery', message, data: { tempFiles: removedTemp.length, unsealedFiles: removedFiles } })
      } finally {
        await destination?.abort().catch(() => undefined)
      }
    } catch (err) {
      log(`export ${run.exportName}: could not clean up interrupted run ${run.runId}: ${toRivetError(err).message}`)
      // an unprepared run cannot have sealed anything: it is interrupted whatever the destination says
      if (state.getPreparedCompletion(run.runId) === undefined) state.markInterrupted([run.runId], 'the process running it stopped before it finished')
    }
  }
}

/**
 * A new run of an export starts over: the chunk files that earlier unfinished checkpointed runs
 * published (kept for a `--resume` that is not coming now) are in no manifest and would never be,
 * so they are removed. Each run is settled once; its journal says what was removed.
 */
async function discardSupersededRuns(exp: ResolvedExport, state: StateStore, log: (line: string) => void): Promise<void> {
  // newest first; runs before the last completed one were settled when it started
  for (const run of state.listRuns({ exportName: exp.name })) {
    if (run.status === 'completed') break
    if (run.status !== 'failed' && run.status !== 'interrupted') continue
    const files = state.listFiles({ runId: run.runId })
    if (files.length === 0 || state.listEvents({ runId: run.runId, kind: 'recovery' }).some((e) => e.data?.superseded === true)) continue
    try {
      const destination = await openDestination(exp.destination, { vars: { export: exp.name, date: run.startedAt }, runId: run.runId })
      let removed: string[] = []
      try {
        removed = await destination.removeUnrecorded(files.map((f) => f.fileName))
      } finally {
        await destination.abort().catch(() => undefined)
      }
      const message = `run ${run.runId} was not resumed and this run starts over; removed the ${removed.length} file(s) of its completed chunks (they are in no manifest)`
      if (removed.length > 0) log(`export ${exp.name}: ${message}`)
      state.appendEvent(run.runId, exp.name, { kind: 'recovery', message, data: { superseded: true, removedFiles: removed } })
    } catch (err) {
      log(`export ${exp.name}: warning: could not remove the files of unfinished run ${run.runId}: ${toRivetError(err).message}`)
    }
  }
}

/**
 * Remove what a dead run published under its own names but never committed: files it recorded as
 * pending, and — in a bucket, where an upload appears under its final key as soon as it completes —
 * objects it finished uploading before it could record them. Every file of a run is named
 * `<export>_<run id>...`; whatever carries that prefix and is no committed file of the run is the
 * dead run's.
 */
async function removeStrays(state: StateStore, exp: ResolvedExport, run: RunRecord, destination: Destination): Promise<string[]> {
  const prefix = `${exp.name}_${run.runId}`
  const committed = new Set(state.listFiles({ runId: run.runId }).map((f) => f.fileName))
  const strays = (await destination.listNames(prefix)).filter((name) => !committed.has(name))
  return strays.length === 0 ? [] : destination.removeUnrecorded(strays)
}

/** Complete a run that sealed its output before its process died, from what it recorded in state. */
function rollForward(state: StateStore, run: RunRecord, cursor: CursorInput | null, log: (line: string) => void): void {
  const files = state.listFiles({ runId: run.runId, includeUncommitted: true })
  const rows = files.reduce((n, f) => n + f.rows, 0)
  const bytes = files.reduce((n, f) => n + f.bytes, 0)
  const finishedAt = new Date()
  state.completeRun(
    run.runId,
    { rows, bytes, filesCount: files.length, durationMs: finishedAt.getTime() - run.startedAt.getTime(), peakRssBytes: 0, finishedAt, stats: { recovered: true } },
    cursor === null ? {} : { cursor },
  )
  const message = `run ${run.runId} had sealed its files (${files.length}, ${rows} rows) when its process stopped; recorded it completed${cursor === null ? '' : `, cursor ${cursor.value}`}`
  log(`export ${run.exportName}: ${message}`)
  state.appendEvent(run.runId, run.exportName, { kind: 'recovery', message, data: { rolledForward: true, rows, files: files.length, ...(cursor === null ? {} : { cursor: cursor.value }) } })
}

/** The result of an export refused before it started (its lock is held by another run). */
function refusedResult(exp: ResolvedExport, runId: string, error: RivetError): ExportResult {
  const now = new Date()
  const summary = buildRunSummary({ exp, runId, startedAt: now, finishedAt: now, rows: 0, files: 0, bytes: 0, peakRssBytes: 0, retries: 0, warnings: [], error })
  return { exportName: exp.name, runId, status: 'failed', rows: 0, bytes: 0, files: [], durationMs: 0, peakRssBytes: 0, stats: null, columns: [], error, summary }
}
