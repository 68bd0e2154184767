import { RivetError } from '../errors/index.js'
import { toRunMetrics } from '../state/index.js'
import type { JournalEvent, RunRecord, StateStore } from '../state/index.js'
import type { ReportChunk, ReportData, ReportExport, ReportFile, ReportRun, TimelinePoint } from './model.js'
import { parseDrift, parseQuality, parseRunStats, parseTimeline } from './stats.js'

/** Journal events listed per run on the page (the latest ones); the chunk chart uses every chunk event. */
export const EVENTS_SHOWN = 500
/** Files listed per run on the page. */
export const FILES_SHOWN = 100

/** Which runs to collect. */
export interface CollectReportOptions {
  readonly configPath: string
  /** The selected exports, in config order. */
  readonly exports: readonly string[]
  /** One run; it must belong to one of `exports`. */
  readonly runId?: string
  /** The last N runs of each export (ignored with runId). */
  readonly last: number
  readonly rivetVersion: string
  readonly now?: Date
}

/**
 * Read what the page shows from the state, reading only. `state` is null when no run was ever
 * recorded (no state file yet): the report then has exports without runs.
 */
export function collectReport(state: StateStore | null, options: CollectReportOptions): ReportData {
  const base = {
    generatedAt: (options.now ?? new Date()).toISOString(),
    rivetVersion: options.rivetVersion,
    configPath: options.configPath,
    stateLocation: state?.describeLocation() ?? null,
  }
  if (options.runId !== undefined) {
    const run = state?.getRun(options.runId)
    if (run === undefined || !options.exports.includes(run.exportName)) {
      throw new RivetError('RIVET_USAGE', `run ${options.runId} is not a run of ${options.exports.length === 1 ? `export ${options.exports[0]}` : 'the selected exports'}`, {
        hint: `list the runs with \`rivet metrics -c ${options.configPath}\``,
      })
    }
    return { ...base, selection: { exports: [run.exportName], runId: run.runId, last: null }, exports: [{ name: run.exportName, runs: [toReportRun(state!, run)] }] }
  }
  const exports: ReportExport[] = options.exports.map((name) => ({
    name,
    runs: state === null ? [] : state.listRuns({ exportName: name, limit: options.last }).map((run) => toReportRun(state, run)),
  }))
  return { ...base, selection: { exports: [...options.exports], runId: null, last: options.last }, exports }
}

/** One run with its journal, chunks, files and summary. */
function toReportRun(state: StateStore, run: RunRecord): ReportRun {
  const metrics = toRunMetrics(run)
  const start = run.startedAt.getTime()
  const journal = state.listEvents({ runId: run.runId })
  const files = state.listFiles({ runId: run.runId }).sort((a, b) => a.fileName.localeCompare(b.fileName))
  return {
    runId: run.runId,
    exportName: run.exportName,
    status: run.status,
    mode: run.mode,
    format: run.format,
    compression: run.compression,
    hostname: run.hostname,
    rivetVersion: run.rivetVersion,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.durationMs,
    rows: run.rows,
    bytes: run.bytes,
    filesCount: run.filesCount,
    peakRssBytes: run.peakRssBytes,
    rowsPerSec: metrics.rowsPerSec,
    retries: metrics.retries,
    error: run.errorCode === null ? null : { code: run.errorCode, message: run.errorMessage ?? '' },
    stats: parseRunStats(run.stats),
    drift: parseDrift(run.stats),
    quality: parseQuality(run.stats),
    warnings: journal.filter((e) => e.kind === 'warning').map((e) => e.message),
    // the chunk chart needs every chunk event; the journal table shows the latest ones
    timeline: toTimeline(journal, start),
    progress: parseTimeline(run.stats),
    events: journal.slice(-EVENTS_SHOWN).map((e) => ({ at: e.at.toISOString(), offsetMs: e.at.getTime() - start, kind: e.kind, message: e.message, data: e.data })),
    eventsOmitted: Math.max(0, journal.length - EVENTS_SHOWN),
    chunks: state.listChunkTasks({ runId: run.runId }).map((t): ReportChunk => ({
      index: t.index, lo: t.lo, hi: t.hi, status: t.status, attempts: t.attempts, rows: t.rows, bytes: t.bytes,
      errorCode: t.errorCode, errorMessage: t.errorMessage,
      startedMs: t.startedAt === null ? null : t.startedAt.getTime() - start,
      finishedMs: t.finishedAt === null ? null : t.finishedAt.getTime() - start,
    })),
    files: files.slice(0, FILES_SHOWN).map((f): ReportFile => ({ fileName: f.fileName, rows: f.rows, bytes: f.bytes, chunkIndex: f.chunkIndex })),
    filesOmitted: Math.max(0, files.length - FILES_SHOWN),
    schema: run.schema,
    summaryMarkdown: state.getRunSummary(run.runId) ?? null,
  }
}

/** Chunk completions and retries, from the journal's chunk and retry events. */
function toTimeline(journal: readonly JournalEvent[], start: number): TimelinePoint[] {
  const points: TimelinePoint[] = []
  for (const e of journal) {
    if (e.kind !== 'chunk' && e.kind !== 'retry') continue
    const chunk = typeof e.data?.chunk === 'number' ? e.data.chunk : null
    const rows = e.kind === 'chunk' && typeof e.data?.rows === 'number' ? e.data.rows : null
    points.push({ offsetMs: e.at.getTime() - start, kind: e.kind, chunk, rows, message: e.message })
  }
  return points
}
