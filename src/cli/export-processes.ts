import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { ExportProcessRunner, ExportResult, ProgressSnapshot } from '../engine/index.js'
import type { ResolvedExport } from '../config/index.js'
import { buildRunSummary } from '../engine/run-summary.js'
import { RivetError, toRivetError } from '../errors/index.js'
import type { RivetErrorJSON } from '../errors/index.js'
import type { ProgressDisplay } from './progress/index.js'

/** What the export processes of a run share. */
export interface ExportProcessOptions {
  /** The rivet command that runs one export, without the options every child gets (`run -c CONFIG -e NAME`). */
  readonly commandFor: (exportName: string) => readonly string[]
  readonly display: ProgressDisplay
  readonly signal: AbortSignal
  /** The command line that starts rivet (node, its flags, the entry script): defaults to this process's. */
  readonly command?: readonly string[]
}

/** Seconds between the progress events a child sends (the parent's display redraws in between). */
const CHILD_EVENTS_INTERVAL_S = '0.5'

/**
 * `--parallel-export-processes`: each export runs as `rivet run -c CONFIG -e NAME --json` (or
 * `rivet apply PLAN --only-export NAME --json`) in a process of its own, limited to the readers the parent granted it. The child's NDJSON events
 * (stderr) feed the parent's display; its JSON report (stdout) is the export's result. Children
 * run in their own process group, so a Ctrl-C reaches only the parent, which stops each child
 * once (SIGTERM: the child cleans up as after its own Ctrl-C).
 */
export function exportProcessRunner(options: ExportProcessOptions): ExportProcessRunner {
  const command = options.command ?? [process.execPath, ...process.execArgv, process.argv[1]!]
  // one listener each for all the children, however many run at once
  const live = new Set<ChildProcess>()
  options.signal.addEventListener('abort', () => {
    for (const child of live) child.kill('SIGTERM')
  }, { once: true })
  // the parent gone, no export outlives it
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL')
  })
  return (exp, connectionCap) => runChild(exp, connectionCap, command, options, live)
}

function runChild(exp: ResolvedExport, connectionCap: number, command: readonly string[], options: ExportProcessOptions, live: Set<ChildProcess>): Promise<ExportResult> {
  const started = Date.now()
  const args = [...command.slice(1), ...options.commandFor(exp.name), '--json', '--connection-cap', String(connectionCap), '--progress-interval', CHILD_EVENTS_INTERVAL_S]
  const child = spawn(command[0]!, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, [EXPORT_PROCESS_ENV]: '1' } })
  live.add(child)
  // interrupted before it started: it stops at once
  if (options.signal.aborted) child.kill('SIGTERM')
  let stdout = ''
  let childError: RivetErrorJSON | null = null
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
  createInterface({ input: child.stderr }).on('line', (line) => {
    const event = parseEvent(line)
    if (event === null) {
      if (line.trim() !== '') options.display.log(`export ${exp.name}: ${line}`)
    } else if (event.event === 'progress') {
      options.display.board.report(event as unknown as ProgressSnapshot)
    } else if (event.event === 'log' && typeof event.message === 'string') {
      options.display.log(event.message)
    } else if (typeof event.error === 'object' && event.error !== null) {
      childError = event.error as RivetErrorJSON
    }
  })
  return new Promise((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      live.delete(child)
      resolve(toResult(exp, stdout, childError, { code, signal, spawnError, durationMs: Date.now() - started }))
    }
    child.once('error', (err) => finish(null, null, err))
    child.once('close', (code, signal) => finish(code, signal))
  })
}

/** A line of the child's stderr as an event (or its JSON error), or null when it is not JSON. */
function parseEvent(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null
  try {
    const value = JSON.parse(line) as unknown
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

interface ChildEnd {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly spawnError?: Error
  readonly durationMs: number
}

/** The export's result from the child's report; a child that left none failed with what it said, or with how it ended. */
function toResult(exp: ResolvedExport, stdout: string, childError: RivetErrorJSON | null, end: ChildEnd): ExportResult {
  const reported = parseReport(stdout, exp.name)
  if (reported !== null) return reported
  const error = childError !== null
    ? RivetError.fromJSON(childError)
    : end.spawnError !== undefined
      ? toRivetError(end.spawnError, 'RIVET_WORKER_CRASHED')
      : new RivetError('RIVET_WORKER_CRASHED', `the process running export ${exp.name} ended ${end.signal !== null ? `on ${end.signal}` : `with exit code ${end.code}`} without a report`, {
          hint: 'run the export alone (rivet run -e NAME) to see what stops it',
          details: { export: exp.name, exitCode: end.code, signal: end.signal },
        })
  const finishedAt = new Date()
  const startedAt = new Date(finishedAt.getTime() - end.durationMs)
  const summary = buildRunSummary({ exp, runId: '', startedAt, finishedAt, rows: 0, files: 0, bytes: 0, peakRssBytes: 0, retries: 0, warnings: [], error })
  return { exportName: exp.name, runId: '', status: 'failed', rows: 0, bytes: 0, files: [], durationMs: end.durationMs, peakRssBytes: 0, stats: null, columns: [], error, summary }
}

/** The export's entry of a child's `--json` report. */
function parseReport(stdout: string, name: string): ExportResult | null {
  let document: { exports?: Record<string, unknown>[] }
  try {
    document = JSON.parse(stdout) as typeof document
  } catch {
    return null
  }
  const r = document.exports?.find((e) => e.name === name)
  if (r === undefined) return null
  const error = r.error === null || r.error === undefined ? null : RivetError.fromJSON(r.error as RivetErrorJSON)
  return {
    exportName: name,
    runId: String(r.runId),
    status: r.status === 'completed' ? 'completed' : 'failed',
    rows: Number(r.rows),
    bytes: Number(r.bytes),
    files: (r.files ?? []) as ExportResult['files'],
    durationMs: Number(r.durationMs),
    peakRssBytes: Number(r.peakRssBytes),
    stats: (r.stats ?? null) as ExportResult['stats'],
    columns: [],
    error,
    summary: r.summary as ExportResult['summary'],
  }
}

/** Set in the environment of an export's process by its parent run. */
export const EXPORT_PROCESS_ENV = 'RIVET_EXPORT_PROCESS'

/**
 * In an export's process: stop (as on SIGTERM: clean up, record the run interrupted) once the
 * parent run is gone — killed without a chance to stop its children, the child is re-parented.
 */
export function stopWithParent(intervalMs = 500): void {
  const parent = process.ppid
  // nobody reads the pipes once the parent is gone: writing to them must not end the clean-up
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined)
  const timer = setInterval(() => {
    if (process.ppid === parent) return
    clearInterval(timer)
    process.kill(process.pid, 'SIGTERM')
  }, intervalMs)
  timer.unref()
}

/** Whether this process runs one export for a parent run (`--parallel-export-processes`). */
export function isExportProcess(): boolean {
  return process.env[EXPORT_PROCESS_ENV] === '1'
}
