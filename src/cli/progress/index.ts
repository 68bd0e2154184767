import { RivetError } from '../../errors/index.js'
import { useColor } from '../render/run-summary.js'
import { createProgressDisplay } from './displays.js'
import type { ProgressDisplay, ProgressMode } from './displays.js'

export { ProgressBoard } from './board.js'
export type { BoardEntry, FinishedExport } from './board.js'
export { createProgressDisplay } from './displays.js'
export type { ProgressDisplay, ProgressDisplayOptions, ProgressMode, RunEvent } from './displays.js'
export { renderCard, renderFrame, renderProgressLine } from './cards.js'

/** The progress flags `rivet run` and `rivet apply` share. */
export interface ProgressFlags {
  readonly json: boolean
  readonly quiet: boolean
  /** `--progress-interval`, in seconds, as typed. */
  readonly progressInterval?: string
}

/** Seconds between progress lines in a log, and between progress events with --json, by default. */
export const DEFAULT_LINES_INTERVAL_S = 10
export const DEFAULT_EVENTS_INTERVAL_S = 1

/**
 * The display the flags and the stream ask for: NDJSON events with --json (--quiet keeps only the
 * start and end events), nothing with --quiet, live cards on a terminal (not a dumb one), else
 * periodic lines.
 */
export function chooseProgressMode(flags: ProgressFlags, stream: NodeJS.WritableStream): ProgressMode {
  if (flags.json) return 'json'
  if (flags.quiet) return 'quiet'
  const tty = (stream as NodeJS.WriteStream).isTTY === true && process.env.TERM !== 'dumb'
  return tty ? 'cards' : 'lines'
}

/** Open the progress display of a run on `stream` (stderr). */
export function openProgressDisplay(flags: ProgressFlags, stream: NodeJS.WritableStream): ProgressDisplay {
  const mode = chooseProgressMode(flags, stream)
  const seconds = flags.progressInterval === undefined ? (mode === 'json' ? DEFAULT_EVENTS_INTERVAL_S : DEFAULT_LINES_INTERVAL_S) : parseInterval(flags.progressInterval)
  return createProgressDisplay({ mode, stream, intervalMs: seconds * 1000, color: useColor(stream), eventsOnly: flags.json && flags.quiet })
}

/** `--progress-interval`: seconds, 0.1 to 3600. */
export function parseInterval(text: string): number {
  const value = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !Number.isFinite(value) || value < 0.1 || value > 3600) {
    throw new RivetError('RIVET_USAGE', `--progress-interval must be a number of seconds from 0.1 to 3600, got "${text}"`, {
      hint: 'for example --progress-interval 30 for a line every half minute',
    })
  }
  return value
}
