import { formatBytes, formatCount, formatDuration } from '../report/index.js'
import { escapeHtml } from './escape.js'
import type { ReportRun } from './model.js'

/** Longest error message shown in the table; the run details show it whole. */
const ERROR_CLIP = 160

/** A table cell: its text, and the number the table sorts it by (none: sorted as text). */
interface Cell {
  readonly text: string
  readonly sort?: number | null
  readonly cls?: string
}

const HEADERS = ['export', 'run', 'status', 'started (UTC)', 'duration', 'rows', 'files', 'bytes', 'rows/s', 'peak RSS', 'retries', 'warnings', 'schema drift', 'quality', 'error']

/** The summary table: one row per run, in the order given (newest first). */
export function renderSummaryTable(runs: readonly ReportRun[]): string {
  const head = HEADERS.map((h, i) => `<th scope="col" data-col="${i}">${escapeHtml(h)}</th>`).join('')
  const body = runs.map((run) => `<tr class="${escapeHtml(run.status)}">${cells(run).map(renderCell).join('')}</tr>`).join('')
  return `<div class="table-wrap"><table class="summary sortable"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`
}

function cells(run: ReportRun): Cell[] {
  return [
    { text: run.exportName },
    { text: run.runId, cls: 'mono run-link' },
    { text: run.status, cls: `status ${run.status}` },
    { text: run.startedAt.replace('T', ' ').replace(/\.\d+Z$/, '').replace('Z', ''), sort: Date.parse(run.startedAt) },
    { text: run.durationMs === null ? '–' : formatDuration(run.durationMs), sort: run.durationMs },
    { text: run.rows === null ? '–' : formatCount(run.rows), sort: run.rows },
    { text: run.filesCount === null ? '–' : formatCount(run.filesCount), sort: run.filesCount },
    { text: run.bytes === null ? '–' : formatBytes(run.bytes), sort: run.bytes },
    { text: run.rowsPerSec === null ? '–' : formatCount(run.rowsPerSec), sort: run.rowsPerSec },
    { text: run.peakRssBytes === null ? '–' : `${formatCount(run.peakRssBytes / 1024 / 1024)} MiB`, sort: run.peakRssBytes },
    { text: run.retries === null ? '–' : formatCount(run.retries), sort: run.retries, cls: (run.retries ?? 0) > 0 ? 'warn' : '' },
    { text: formatCount(run.warnings.length), sort: run.warnings.length, cls: run.warnings.length > 0 ? 'warn' : '' },
    driftCell(run),
    qualityCell(run),
    { text: run.error === null ? '' : `[${run.error.code}] ${clip(run.error.message)}`, cls: run.error === null ? '' : 'error-text' },
  ]
}

function driftCell(run: ReportRun): Cell {
  if (run.drift === null) return { text: '–', sort: 0 }
  const { added, removed, retyped } = run.drift
  const parts = [added > 0 ? `+${added}` : '', removed > 0 ? `−${removed}` : '', retyped > 0 ? `~${retyped}` : ''].filter((p) => p !== '')
  return { text: parts.length === 0 ? 'none' : `${parts.join(' ')} column(s)`, sort: added + removed + retyped, cls: 'warn' }
}

function qualityCell(run: ReportRun): Cell {
  if (run.quality === null) return { text: '–', sort: -1 }
  const { passed, failed, skipped } = run.quality
  const parts = [`${passed} passed`, ...(failed > 0 ? [`${failed} failed`] : []), ...(skipped > 0 ? [`${skipped} skipped`] : [])]
  return { text: parts.join(', '), sort: failed, cls: failed > 0 ? 'error-text' : '' }
}

function renderCell(cell: Cell, index: number): string {
  const sort = cell.sort === undefined || cell.sort === null || !Number.isFinite(cell.sort) ? '' : ` data-sort="${cell.sort}"`
  const cls = cell.cls ? ` class="${escapeHtml(cell.cls)}"` : ''
  // the run id links to the run's details further down the page
  const text = index === 1 ? `<a href="#run-${escapeHtml(cell.text)}">${escapeHtml(cell.text)}</a>` : escapeHtml(cell.text)
  return `<td${cls}${sort}>${text}</td>`
}

/** A message cut to `max` characters, with an ellipsis. */
export function clip(text: string, max = ERROR_CLIP): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`
}
