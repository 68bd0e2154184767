import { loadConfig, selectExports } from '../config/index.js'
import type { ResolvedConfig, ResolvedExport } from '../config/index.js'
import { removeStaleTempFiles, resolveOutputDir } from '../destination/index.js'
import { RivetError, toRivetError } from '../errors/index.js'
import { defaultStatePath, openStateStore } from '../state/index.js'
import type { StateStore } from '../state/index.js'
import type { PipelineProgress } from './export-pipeline.js'
import { runChunkedExport } from './chunked-runner.js'
import { runExport } from './export-runner.js'
import type { ExportResult, PlannedRun } from './export-runner.js'
import { processPeakRssBytes } from './memory.js'
import { EnginePools, defaultPoolSizes } from './pools.js'

export interface RunExportsOptions {
  readonly configPath: string
  /** Export names to run (default: all, in config order). */
  readonly exports?: readonly string[]
  readonly signal?: AbortSignal
  /** Human progress lines (stderr in the CLI). */
  readonly log?: (line: string) => void
  readonly progress?: (exportName: string, progress: PipelineProgress) => void
  /** Continue each selected export's interrupted checkpointed run (chunked exports only). */
  readonly resume?: boolean
  /** The config, already loaded from `configPath` (`rivet apply` parses the bytes it verified). */
  readonly config?: ResolvedConfig
  /** Runs fixed in advance by a sealed plan, by export name: executed as planned instead of planned anew. */
  readonly planned?: ReadonlyMap<string, PlannedRun>
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

/** Run the selected exports of a config one after another. */
export async function runExports(options: RunExportsOptions): Promise<RunReport> {
  const config = options.config ?? loadConfig(options.configPath)
  const selected = options.exports && options.exports.length > 0 ? selectExports(config, [...options.exports]) : config.exports
  const log = options.log ?? (() => undefined)
  const stdoutTaken = checkStdoutAlone(selected)
  const state = openStateStore(defaultStatePath(config.configPath))
  // one extraction thread per concurrent chunk reader; threads start on demand up to this count
  const pools = new EnginePools(defaultPoolSizes(Math.max(1, ...selected.map((e) => e.chunked?.parallel ?? 1))))
  const results: ExportResult[] = []
  try {
    await recoverInterruptedRuns(config, state, log)
    for (const exp of selected) {
      if (options.signal?.aborted) break
      log(`export ${exp.name}: starting`)
      const ctx = { config, state, pools, signal: options.signal, log, progress: options.progress, resume: options.resume }
      if (options.resume && exp.mode !== 'chunked') {
        log(`export ${exp.name}: --resume applies to chunked exports with chunk_checkpoint; running it normally`)
      }
      const planned = options.planned?.get(exp.name)
      const result = exp.mode === 'chunked' ? await runChunkedExport(ctx, exp, planned) : await runExport(ctx, exp, planned)
      results.push(result)
    }
  } finally {
    await pools.close()
    state.close()
  }
  const exitCode = results.reduce((code, r) => Math.max(code, r.error?.exitCode ?? 0), 0)
  return { configPath: config.configPath, results, exitCode, processPeakRssBytes: processPeakRssBytes(), stdoutTaken }
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
 * Runs left 'running' by a process that died (SIGKILL, power loss) are marked interrupted and
 * their temp files removed. Only files carrying those runs' ids are touched.
 */
async function recoverInterruptedRuns(config: ResolvedConfig, state: StateStore, log: (line: string) => void): Promise<void> {
  const stale = state.findStaleRuns()
  if (stale.length === 0) return
  state.markInterrupted(
    stale.map((r) => r.runId),
    'the process running it stopped before it finished',
  )
  for (const run of stale) {
    const exp = config.exports.find((e) => e.name === run.exportName)
    // only local directories hold temp files; object uploads that never completed leave no object
    if (!exp || exp.destination.type !== 'local') continue
    try {
      const dir = resolveOutputDir(exp.destination.path, { export: exp.name, date: run.startedAt })
      const removed = await removeStaleTempFiles(dir, [run.runId])
      log(`export ${run.exportName}: run ${run.runId} was interrupted; removed ${removed.length} temp file(s)`)
    } catch (err) {
      log(`export ${run.exportName}: could not clean up interrupted run ${run.runId}: ${toRivetError(err).message}`)
    }
  }
}
