import type { ProgressSnapshot } from '../../engine/index.js'
import { formatBytes, formatCount, formatDuration } from '../render/format.js'
import type { BoardEntry, FinishedExport } from './board.js'

/** How cards are drawn. */
export interface CardOptions {
  /** Terminal width: no line is longer (a wrapped line would break the redraw). */
  readonly columns: number
  readonly color: boolean
}

const paint = (color: boolean, code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text)

/**
 * The live frame: a header line, then one card per running export (three lines: what it is and
 * how long it has run; rows, rate and bytes; chunks, ETA, the statement open now, the size the
 * controller chose and memory), one line per finished or waiting export. Every line fits
 * `columns`; colour codes do not count towards the width.
 */
export function renderFrame(entries: readonly BoardEntry[], options: CardOptions): string[] {
  const running = entries.filter((e) => e.state === 'running' || e.state === 'starting').length
  const done = entries.filter((e) => e.state === 'done').length
  const waiting = entries.filter((e) => e.state === 'waiting').length
  const header = `rivet · ${entries.length} export(s): ${running} running, ${done} done, ${waiting} waiting`
  const lines: { text: string; code?: string }[] = [{ text: header, code: '1' }]
  for (const e of entries) {
    if (e.state === 'running') for (const [i, text] of renderCard(e.snapshot).entries()) lines.push(i === 0 ? { text, code: '1;36' } : { text })
    else if (e.state === 'starting') lines.push({ text: `▸ ${e.name}  planning…` })
    else if (e.state === 'done') lines.push(finishedLine(e.name, e.finished))
    else lines.push({ text: `· ${e.name}  waiting`, code: '2' })
  }
  return lines.map((l) => {
    const text = fit(l.text, options.columns)
    return l.code === undefined ? text : paint(options.color, l.code, text)
  })
}

/** The three lines of a running export's card. */
export function renderCard(s: ProgressSnapshot): [string, string, string] {
  const title = `▸ ${s.export}  ${s.mode} · ${s.phase} · ${formatClock(s.elapsedMs)}`
  const figures = [
    `${formatCount(s.rows)} rows`,
    `${formatCount(s.rowsPerSec)} rows/s`,
    `read ${formatBytes(s.bytesRead)}`,
    `out ${formatBytes(s.bytesWritten)}`,
  ].join('  ')
  const details = [
    s.chunksTotal === null ? null : `chunks ${formatCount(s.chunksDone ?? 0)}/${formatCount(s.chunksTotal)}`,
    s.estimatedRows === null ? null : `of ~${formatCount(s.estimatedRows)}`,
    `ETA ${s.etaMs === null ? '–' : formatDuration(s.etaMs)}`,
    s.statementMs !== null ? `statement ${formatDuration(s.statementMs)}` : s.statements > 0 ? `last statement ${formatDuration(s.lastStatementMs)}` : 'no statement yet',
    s.statementSize > 0 ? `${formatCount(s.statementSize)} ${s.statementUnit}/statement` : null,
    `RSS ${formatBytes(s.rssBytes)}`,
  ].filter((x): x is string => x !== null)
  return [title, `   ${figures}`, `   ${details.join('  ')}`]
}

/** The compact line of an export that finished (also the summary left once the frame is gone). */
export function finishedLine(name: string, f: FinishedExport): { text: string; code?: string } {
  if (f.status === 'failed') return { text: `✗ ${name}  failed after ${formatDuration(f.durationMs)}: ${f.error?.code ?? 'error'}${f.error === null ? '' : `: ${f.error.message}`}`, code: '31' }
  const rate = f.durationMs > 0 ? `, ${formatCount((f.rows * 1000) / f.durationMs)} rows/s` : ''
  return { text: `✓ ${name}  ${formatCount(f.rows)} rows, ${f.files} file(s), ${formatBytes(f.bytes)} in ${formatDuration(f.durationMs)}${rate}`, code: '32' }
}

/** The figures of a running export on one line, for logs and plain terminals. */
export function renderProgressLine(s: ProgressSnapshot): string {
  const parts = [
    `${formatCount(s.rows)} rows`,
    `${formatCount(s.rowsPerSec)} rows/s`,
    `read ${formatBytes(s.bytesRead)}`,
    s.chunksTotal === null ? null : `chunks ${s.chunksDone ?? 0}/${s.chunksTotal}`,
    s.etaMs === null ? null : `ETA ${formatDuration(s.etaMs)}`,
    s.statementMs === null ? null : `statement open ${formatDuration(s.statementMs)}`,
    `RSS ${formatBytes(s.rssBytes)}`,
  ].filter((x): x is string => x !== null)
  return `export ${s.export}: ${s.phase}, ${parts.join(', ')} (${formatClock(s.elapsedMs)} elapsed)`
}

/** Elapsed time as a clock: 0:07, 12:45, 1:02:03. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** Cut a line to the width (by code points), marking the cut. */
export function fit(text: string, columns: number): string {
  const chars = [...text.replace(/\s*\n\s*/g, ' ')]
  const width = Math.max(1, columns - 1)
  if (chars.length <= width) return chars.join('')
  return width === 1 ? chars[0]! : `${chars.slice(0, width - 1).join('')}…`
}
