import { createHash } from 'node:crypto'
import { formatCount } from '../report/index.js'
import { REPORT_CSS, REPORT_JS } from './assets.js'
import { renderExportCharts } from './charts.js'
import { escapeHtml } from './escape.js'
import type { ReportData, ReportExport, ReportRun } from './model.js'
import { renderRunDetails } from './run-details.js'
import { renderSummaryTable } from './summary-table.js'

/**
 * The report as one self-contained HTML document: inline stylesheet and script, inline SVG
 * charts, no fetches. Its Content-Security-Policy allows only that stylesheet and that script
 * (by hash) and no network at all, so even text that escaped escaping could not run or load.
 */
export function renderReportPage(data: ReportData): string {
  const runs = allRuns(data)
  const csp = [
    "default-src 'none'",
    `style-src '${sha256(REPORT_CSS)}'`,
    `script-src '${sha256(REPORT_JS)}'`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
  const title = `Rivet report — ${data.selection.runId !== null ? `run ${data.selection.runId}` : data.selection.exports.join(', ') || 'no exports'}`
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head><body>',
    header(data),
    '<main>',
    runs.length === 0 ? emptyState(data) : body(data, runs),
    '</main>',
    footer(),
    `<script>${REPORT_JS}</script>`,
    '</body></html>',
    '',
  ].join('\n')
}

/** Every run of the report, newest first across exports. */
function allRuns(data: ReportData): ReportRun[] {
  return data.exports.flatMap((e) => e.runs).sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
}

function header(data: ReportData): string {
  const { selection } = data
  const scope = selection.runId !== null
    ? `run ${selection.runId} of export ${selection.exports[0] ?? ''}`
    : `the last ${formatCount(selection.last ?? 0)} run(s) of ${selection.exports.length === 1 ? 'export' : 'exports'} ${selection.exports.join(', ')}`
  const meta = [`config ${data.configPath}`, `state ${data.stateLocation ?? '(none yet)'}`, `generated ${data.generatedAt}`, `rivet ${data.rivetVersion}`]
  return `<header><h1>Rivet report</h1><p>${escapeHtml(`Showing ${scope}.`)}</p><p class="meta">${meta.map(escapeHtml).join(' · ')}</p></header>`
}

function emptyState(data: ReportData): string {
  const names = data.selection.exports.join(', ')
  return `<section><p class="empty" id="no-runs">${escapeHtml(`No runs recorded for ${names === '' ? 'this config' : names}. Run \`rivet run -c ${data.configPath}\` first; this page shows the runs recorded in the state.`)}</p></section>`
}

function body(data: ReportData, runs: readonly ReportRun[]): string {
  const single = data.selection.runId !== null
  return [
    '<section id="overview"><h2>Overview</h2>',
    tiles(runs),
    single ? '' : '<p><button type="button" data-fold="open">Unfold all runs</button><button type="button" data-fold="close">Fold all runs</button></p>',
    renderSummaryTable(runs),
    '<p class="note">Click a column heading to sort; click a run to see its details. Times are UTC.</p>',
    '</section>',
    ...data.exports.map((e) => exportSection(e, single)),
  ].join('')
}

/** Counts across the runs shown: by status, and the problems worth a look. */
function tiles(runs: readonly ReportRun[]): string {
  const count = (status: string) => runs.filter((r) => r.status === status).length
  const sum = (f: (r: ReportRun) => number) => runs.reduce((n, r) => n + f(r), 0)
  const items: [string, number][] = [
    ['runs', runs.length],
    ['completed', count('completed')],
    ['failed', count('failed')],
    ['interrupted', count('interrupted')],
    ['running', count('running')],
    ['rows', sum((r) => r.rows ?? 0)],
    ['retries', sum((r) => r.retries ?? 0)],
    ['warnings', sum((r) => r.warnings.length)],
  ]
  return `<ul class="tiles">${items.map(([label, n]) => `<li class="tile-${label}"><b>${formatCount(n)}</b>${escapeHtml(label)}</li>`).join('')}</ul>`
}

function exportSection(exp: ReportExport, single: boolean): string {
  const heading = `<h2>Export ${escapeHtml(exp.name)}</h2>`
  if (exp.runs.length === 0) return `<section class="export">${heading}<p class="empty">No runs recorded for this export.</p></section>`
  return (
    `<section class="export">${heading}` +
    renderExportCharts(exp.runs) +
    `<h3>Runs</h3>${exp.runs.map((run, i) => renderRunDetails(run, single || (i === 0 && exp.runs.length === 1))).join('')}` +
    '</section>'
  )
}

function footer(): string {
  return (
    '<footer><p>Made by <code>rivet report</code> from the state store, reading only. ' +
    'Throughput is rows divided by the run’s duration. Statement sizes are recorded per run (smallest, last, largest), not per statement. ' +
    'See docs/report.md for what each figure means.</p></footer>'
  )
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`
}
