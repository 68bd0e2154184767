import { formatCount, formatDuration } from '../report/index.js'
import { escapeHtml } from './escape.js'
import type { ReportRun } from './model.js'
import { renderBarChart, renderRangeChart, renderStepChart } from './svg.js'
import type { BarSeries } from './svg.js'

const MIB = 1024 * 1024

/**
 * The charts of one export, over its runs (given newest first, drawn oldest to newest, left to
 * right): throughput, peak memory, statement times, statements, chunk sizes. A chart whose
 * figure no run recorded says so instead of drawing an empty frame.
 */
export function renderExportCharts(runsNewestFirst: readonly ReportRun[]): string {
  const runs = [...runsNewestFirst].reverse()
  if (runs.length === 0) return ''
  const labels = runLabels(runs.map((r) => r.startedAt))
  const tips = runs.map((r) => `run ${r.runId} (${r.status}), started ${r.startedAt}`)
  const bars = (title: string, series: BarSeries[], format: (v: number) => string, note = '', integer = false) =>
    figure(title, series.some((s) => s.values.some((v) => v !== null)) ? renderBarChart({ labels, tips, series, format, integer }, title) : null, series, note)
  const figures = [
    bars('Throughput (rows/s)', [{ name: 'rows/s', cls: 's1', values: runs.map((r) => r.rowsPerSec) }], formatRate),
    bars('Peak memory (RSS)', [{ name: 'peak RSS', cls: 's2', values: runs.map((r) => (r.peakRssBytes === null ? null : r.peakRssBytes / MIB)) }], (v) => `${formatNumber(v)} MiB`),
    bars(
      'Statement time',
      [
        { name: 'longest statement', cls: 's3', values: runs.map((r) => r.stats.maxStatementMs) },
        { name: 'mean statement', cls: 's4', values: runs.map((r) => meanStatementMs(r)) },
      ],
      formatMs,
      'Time the source took to answer each statement, measured by the reader; the total per run is in the run details.',
    ),
    bars('Statements per run', [{ name: 'statements', cls: 's1', values: runs.map((r) => r.stats.statements) }], formatCount, '', true),
    chunkSizeFigure(runs, labels, tips),
  ]
  return `<div class="charts">${figures.join('')}</div>`
}

/** Chunk completions of a chunked run over time, with its retries; '' when it has none. */
export function renderChunkTimeline(run: ReportRun): string {
  const chunks = run.timeline.filter((p) => p.kind === 'chunk')
  if (chunks.length === 0) return ''
  let total = 0
  const points = [...chunks].sort((a, b) => a.offsetMs - b.offsetMs).map((p) => {
    total += p.rows ?? 0
    return { x: p.offsetMs / 1000, y: total, tip: `+${formatDuration(p.offsetMs)}: ${p.message} (${formatCount(total)} rows so far)` }
  })
  const markers = run.timeline.filter((p) => p.kind === 'retry').map((p) => ({ x: p.offsetMs / 1000, tip: `+${formatDuration(p.offsetMs)}: retry: ${p.message}` }))
  const title = 'Chunks completed over time'
  const svg = renderStepChart({ points, markers, formatX: (s) => `${formatNumber(s)} s`, formatY: formatNumber }, title)
  const legend = [{ name: 'rows in completed chunks', cls: 's1' }, ...(markers.length > 0 ? [{ name: 'retry', cls: 'retry' }] : [])]
  return figure(title, svg, legend, 'Each dot is a chunk whose files were published, at the time it completed (from the run journal).')
}

/** Smallest, last and largest statement size per run, as chosen by the adaptive controller. */
function chunkSizeFigure(runs: readonly ReportRun[], labels: readonly string[], tips: readonly string[]): string {
  const title = 'Statement size chosen by the adaptive controller'
  const ranges = runs.map((r) => {
    const { minChunkSize: min, maxChunkSize: max, finalChunkSize: mark } = r.stats
    return min === null || max === null || mark === null ? null : { min, max, mark }
  })
  const svg = ranges.some((r) => r !== null) ? renderRangeChart({ labels, tips, ranges, format: formatNumber }, title) : null
  const note =
    'Per run: smallest and largest size used (bar) and the last one (dot), in pages (ctid reads) or rows (key reads) per statement. ' +
    'How the size moved during a run, sampled about once a second, is drawn in the details of each run (runs recorded by older versions lack it).'
  return figure(title, svg, [{ name: 'smallest – largest', cls: 'range' }, { name: 'last', cls: 'mark' }], note)
}

/** A chart in a figure with its caption, legend (two series or more) and note; null draws "Not recorded for these runs". */
export function figure(title: string, svg: string | null, legend: readonly { readonly name: string; readonly cls: string }[], note = ''): string {
  const body = svg ?? `<p class="empty">Not recorded for these runs.</p>`
  const keys = svg === null || legend.length < 2 ? '' : `<ul class="legend">${legend.map((l) => `<li><span class="key ${l.cls}"></span>${escapeHtml(l.name)}</li>`).join('')}</ul>`
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>${body}${keys}${note === '' ? '' : `<p class="note">${escapeHtml(note)}</p>`}</figure>`
}

function meanStatementMs(run: ReportRun): number | null {
  const { statements, totalStatementMs } = run.stats
  return statements === null || totalStatementMs === null || statements === 0 ? null : totalStatementMs / statements
}

/**
 * Labels of runs from their start times (UTC): `11-25 10:15`, or with seconds when two runs
 * started in the same minute, so that no two labels read alike.
 */
export function runLabels(startedAt: readonly string[]): string[] {
  const minutes = startedAt.map((iso) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`)
  if (new Set(minutes).size === minutes.length) return minutes
  return startedAt.map((iso) => `${iso.slice(5, 10)} ${iso.slice(11, 19)}`)
}

/** Whole numbers with separators; fractions with up to two decimals (axis ticks of small values). */
export function formatNumber(v: number): string {
  return Number.isInteger(v) ? formatCount(v) : v.toLocaleString('en-US', { maximumFractionDigits: 2 })
}

/** A rate: whole numbers from 1,000 up, one decimal below. */
export function formatRate(v: number): string {
  return v >= 1000 ? formatCount(v) : formatNumber(Math.round(v * 10) / 10)
}

/** A duration: milliseconds below a second, else as formatDuration writes it. */
export function formatMs(v: number): string {
  return v >= 1000 ? formatDuration(v) : `${formatNumber(Math.round(v * 100) / 100)} ms`
}
