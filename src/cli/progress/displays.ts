import type { ExportProgress, ExportResult, ProgressSnapshot, RunObserver, RunReport } from '../../engine/index.js'
import { ProgressBoard } from './board.js'
import type { FinishedExport } from './board.js'
import { runJsonDocument } from '../render/run-summary.js'
import { finishedLine, renderFrame, renderProgressLine } from './cards.js'

/** How progress is shown: live cards on a terminal, periodic lines in a log, NDJSON events, or nothing. */
export type ProgressMode = 'cards' | 'lines' | 'json' | 'quiet'

/** Shows a run's progress on one stream (stderr in the CLI) while the run goes on. */
export interface ProgressDisplay {
  /** Feeds the display: pass it to the engine as the run's observer. */
  readonly observer: RunObserver
  /** The run's figures (a child process's events go in through `report` and `finish`). */
  readonly board: ProgressBoard
  /** A message of the run (what used to be a plain stderr line). */
  log(line: string): void
  /** The run is over: stop redrawing, leave the compact summary (cards) or the last event (json). */
  close(report?: RunReport): void
}

/** Options of createProgressDisplay. */
export interface ProgressDisplayOptions {
  readonly mode: ProgressMode
  readonly stream: NodeJS.WritableStream
  /** Between two progress lines (lines) or two progress events per export (json); cards redraw every `redrawMs`. */
  readonly intervalMs: number
  readonly redrawMs?: number
  readonly color?: boolean
  /** json: leave out the periodic progress and the log events (`--quiet`). */
  readonly eventsOnly?: boolean
}

/** The display for a mode. */
export function createProgressDisplay(options: ProgressDisplayOptions): ProgressDisplay {
  switch (options.mode) {
    case 'cards':
      return new CardsDisplay(options.stream as NodeJS.WriteStream, options.redrawMs ?? 250, options.color ?? false)
    case 'lines':
      return new LinesDisplay(options.stream, options.intervalMs)
    case 'json':
      return new NdjsonDisplay(options.stream, options.intervalMs, options.eventsOnly ?? false)
    case 'quiet':
      return new QuietDisplay()
  }
}

/** The common part: the board, fed by the engine, plus hooks a display may add. */
abstract class BoardDisplay implements ProgressDisplay {
  readonly board = new ProgressBoard()
  readonly observer: RunObserver = {
    runStarted: (exports, parallel) => {
      this.board.runStarted(exports, parallel)
      this.onRunStarted(exports, parallel)
    },
    exportStarted: (name) => {
      this.board.exportStarted(name)
      this.onExportStarted(name)
    },
    exportProgress: (progress: ExportProgress) => this.board.exportProgress(progress),
    exportFinished: (result: ExportResult) => {
      this.board.exportFinished(result)
      this.onExportFinished(result.exportName, result.runId)
    },
  }
  protected timer: NodeJS.Timeout | null = null

  abstract log(line: string): void
  abstract close(report?: RunReport): void
  protected onRunStarted(_exports: readonly string[], _parallel: boolean): void {}
  protected onExportStarted(_name: string): void {}
  protected onExportFinished(_name: string, _runId: string): void {}

  protected every(ms: number, tick: () => void): void {
    this.timer = setInterval(tick, ms)
    this.timer.unref()
  }

  protected stop(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }
}

const HIDE_CURSOR = '\u001b[?25l'
const SHOW_CURSOR = '\u001b[?25h'
const CLEAR_LINE = '\u001b[2K'
const CLEAR_TO_END = '\u001b[K'
const CLEAR_BELOW = '\u001b[J'

/**
 * One line over whatever was on screen there: the row is cleared first, and after the text the
 * rest of its last row (a long line wraps onto the rows below).
 */
const overwrite = (line: string) => `${CLEAR_LINE}${line}${CLEAR_TO_END}\n`

/**
 * Live cards on a terminal: the frame is redrawn in place (cursor up, each line cleared and
 * rewritten, the rest of the screen cleared), messages are printed above it, and when the run
 * ends the frame gives way to one compact line per export.
 */
class CardsDisplay extends BoardDisplay {
  private height = 0
  private readonly restoreCursor = () => this.stream.write(SHOW_CURSOR)

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly redrawMs: number,
    private readonly color: boolean,
  ) {
    super()
  }

  protected override onRunStarted(): void {
    if (this.timer !== null) return
    this.stream.write(HIDE_CURSOR)
    process.once('exit', this.restoreCursor)
    this.every(this.redrawMs, () => this.draw())
    this.draw()
  }

  protected override onExportStarted(): void {
    this.draw()
  }

  protected override onExportFinished(): void {
    this.draw()
  }

  // Lines are overwritten in place and the screen below is cleared only after them: a terminal
  // multiplexer may keep a screen cleared from its top in its scrollback (tmux's scroll-on-clear).
  log(line: string): void {
    this.stream.write(`${this.up()}${line.split('\n').map(overwrite).join('')}${this.frame()}${CLEAR_BELOW}`)
  }

  close(): void {
    if (this.timer === null && this.height === 0) return
    this.stop()
    const summary = this.board.entries().flatMap((e) => {
      if (e.state === 'done') {
        const line = finishedLine(e.name, e.finished)
        const text = line.text.replace(/\s*\n\s*/g, ' ')
        return [this.color && line.code !== undefined ? `\u001b[${line.code}m${text}\u001b[0m` : text]
      }
      return [e.state === 'waiting' ? `· ${e.name}  not run` : `· ${e.name}  stopped before it finished`]
    })
    this.stream.write(`${this.up()}${summary.map(overwrite).join('')}${CLEAR_BELOW}${SHOW_CURSOR}`)
    this.height = 0
    process.off('exit', this.restoreCursor)
  }

  private draw(): void {
    if (this.timer === null) return
    this.stream.write(`${this.up()}${this.frame()}${CLEAR_BELOW}`)
  }

  /** Back to the first line of the frame on screen. */
  private up(): string {
    return this.height > 0 ? `\r\u001b[${this.height}A` : ''
  }

  private frame(): string {
    if (this.timer === null) return ''
    const lines = renderFrame(this.board.entries(), { columns: this.stream.columns ?? 80, color: this.color })
    // a frame taller than the screen could not be reached again by moving up: the rest is counted
    const rows = Math.max(4, (this.stream.rows ?? 40) - 2)
    if (lines.length > rows) lines.splice(rows - 1, lines.length, `… and ${lines.length - rows + 1} more line(s): a taller terminal shows every export`)
    this.height = lines.length
    return lines.map(overwrite).join('')
  }
}

/** Off a terminal (a log file, a scheduler): one line per running export every interval, messages as they come. */
class LinesDisplay extends BoardDisplay {
  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly intervalMs: number,
  ) {
    super()
  }

  protected override onRunStarted(): void {
    if (this.timer === null) this.every(this.intervalMs, () => this.tick())
  }

  log(line: string): void {
    this.stream.write(`${line}\n`)
  }

  close(): void {
    this.stop()
  }

  private tick(): void {
    for (const s of this.board.running()) this.stream.write(`${renderProgressLine(s)}\n`)
  }
}

/** One event of the `--json` progress stream (one JSON object per line). */
export type RunEvent =
  | { readonly event: 'run_started'; readonly at: string; readonly exports: readonly string[]; readonly parallel: boolean }
  | { readonly event: 'export_started'; readonly at: string; readonly export: string }
  | ({ readonly event: 'progress'; readonly at: string } & ProgressSnapshot)
  | { readonly event: 'log'; readonly at: string; readonly message: string }
  | ({ readonly event: 'export_finished'; readonly at: string; readonly export: string; readonly runId: string } & FinishedExport)
  | { readonly event: 'run_finished'; readonly at: string; readonly exitCode: number; readonly completed: number; readonly failed: number; readonly report?: Record<string, unknown> }

/** `--json`: NDJSON events — the run, each export starting and finishing, its figures every interval, every message. */
class NdjsonDisplay extends BoardDisplay {
  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly intervalMs: number,
    private readonly eventsOnly: boolean,
  ) {
    super()
  }

  protected override onRunStarted(exports: readonly string[], parallel: boolean): void {
    this.emit({ event: 'run_started', at: now(), exports, parallel })
    if (!this.eventsOnly && this.timer === null) this.every(this.intervalMs, () => this.tick())
  }

  protected override onExportStarted(name: string): void {
    this.emit({ event: 'export_started', at: now(), export: name })
  }

  protected override onExportFinished(name: string, runId: string): void {
    const entry = this.board.entries().find((e) => e.name === name)
    if (entry?.state === 'done') this.emit({ event: 'export_finished', at: now(), export: name, runId, ...entry.finished })
  }

  log(line: string): void {
    if (!this.eventsOnly) this.emit({ event: 'log', at: now(), message: line })
  }

  close(report?: RunReport): void {
    this.stop()
    if (report === undefined) return
    const completed = report.results.filter((r) => r.status === 'completed').length
    // with the data on stdout, the report has nowhere else to go
    const document = report.stdoutTaken ? { report: runJsonDocument(report) } : {}
    this.emit({ event: 'run_finished', at: now(), exitCode: report.exitCode, completed, failed: report.results.length - completed, ...document })
  }

  private tick(): void {
    for (const s of this.board.running()) this.emit({ event: 'progress', at: now(), ...s })
  }

  private emit(event: RunEvent): void {
    this.stream.write(`${JSON.stringify(event)}\n`)
  }
}

/** `--quiet`: nothing while the run goes on. */
class QuietDisplay extends BoardDisplay {
  log(): void {}
  close(): void {}
}

function now(): string {
  return new Date().toISOString()
}
