import { formatBytes, formatCount, formatDuration } from '../report/index.js'
import { renderChunkTimeline } from './charts.js'
import { escapeHtml } from './escape.js'
import type { ReportRun } from './model.js'
import { renderRunTimelineCharts } from './timeline-charts.js'

/** The details of one run, folded unless `open`: figures, error, warnings, drift, quality, charts over the run, chunks, files, schema, journal, summary. */
export function renderRunDetails(run: ReportRun, open: boolean): string {
  const title = `${run.exportName} · run ${run.runId} · ${run.status}`
  const sections = [
    facts(run),
    run.error === null ? '' : `<div class="error-box"><strong>${escapeHtml(run.error.code)}</strong> ${escapeHtml(run.error.message)}</div>`,
    list('Warnings', run.warnings),
    list('Schema drift', run.events.filter((e) => e.kind === 'drift').map((e) => e.message)),
    list('Quality checks', run.events.filter((e) => e.kind === 'quality').map((e) => e.message)),
    renderRunTimelineCharts(run),
    renderChunkTimeline(run),
    chunkTable(run),
    fileTable(run),
    schemaTable(run),
    journalTable(run),
    run.summaryMarkdown === null ? '' : `<details class="inner"><summary>Summary kept with the state (Markdown)</summary><pre>${escapeHtml(run.summaryMarkdown)}</pre></details>`,
  ]
  return (
    `<details class="run" id="run-${escapeHtml(run.runId)}"${open ? ' open' : ''}>` +
    `<summary><span class="status ${escapeHtml(run.status)}">${escapeHtml(run.status)}</span> ${escapeHtml(title)}</summary>` +
    `<div class="run-body">${sections.join('')}</div></details>`
  )
}

/** Label–value pairs about the run and its engine statistics; figures the run did not record are left out. */
function facts(run: ReportRun): string {
  const s = run.stats
  const pairs: [string, string | null][] = [
    ['mode', run.mode],
    ['format', `${run.format} (${run.compression})`],
    ['started', run.startedAt],
    ['finished', run.finishedAt],
    ['host', run.hostname],
    ['rivet', run.rivetVersion],
    ['read strategy', s.strategy],
    ['chunks', s.chunks === null ? null : `${formatCount(s.chunks)}${s.parallel === null ? '' : `, ${formatCount(s.parallel)} in parallel`}`],
    ['statements', s.statements === null ? null : formatCount(s.statements)],
    ['time in statements', s.totalStatementMs === null ? null : formatDuration(s.totalStatementMs)],
    ['longest statement', s.maxStatementMs === null ? null : formatDuration(s.maxStatementMs)],
    ['read from source', s.sourceBytes === null ? null : formatBytes(s.sourceBytes)],
    ['statement size (smallest / last / largest)', s.minChunkSize === null ? null : [s.minChunkSize, s.finalChunkSize, s.maxChunkSize].map((v) => (v === null ? '–' : formatCount(v))).join(' / ')],
    ['recovered', s.recovered ? 'completed by recovery after its process died: no engine figures' : null],
  ]
  const items = pairs.filter((p): p is [string, string] => p[1] !== null).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
  return `<dl class="facts">${items.join('')}</dl>`
}

function list(title: string, items: readonly string[]): string {
  if (items.length === 0) return ''
  return `<h4>${escapeHtml(title)}</h4><ul class="messages">${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`
}

function table(title: string, headers: readonly string[], rows: readonly (readonly string[])[], after = ''): string {
  if (rows.length === 0) return ''
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')
  return `<h4>${escapeHtml(title)}</h4><div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${after === '' ? '' : `<p class="note">${escapeHtml(after)}</p>`}`
}

function chunkTable(run: ReportRun): string {
  const offset = (ms: number | null) => (ms === null ? '–' : `+${formatDuration(Math.max(0, ms))}`)
  const rows = run.chunks.map((c) => [
    String(c.index), c.lo ?? '(open)', c.hi ?? '(open)', c.status, String(c.attempts),
    c.rows === null ? '–' : formatCount(c.rows), c.bytes === null ? '–' : formatBytes(c.bytes), offset(c.startedMs), offset(c.finishedMs),
    c.errorCode === null ? '' : `[${c.errorCode}] ${c.errorMessage ?? ''}`,
  ])
  return table(`Chunks (${run.chunks.length})`, ['chunk', 'from', 'to', 'status', 'attempts', 'rows', 'bytes', 'started', 'finished', 'last error'], rows)
}

function fileTable(run: ReportRun): string {
  const rows = run.files.map((f) => [f.fileName, f.chunkIndex === null ? '' : String(f.chunkIndex), formatCount(f.rows), formatBytes(f.bytes)])
  const more = run.filesOmitted > 0 ? `${formatCount(run.filesOmitted)} more file(s) not listed; \`rivet state files --run-id ${run.runId}\` lists them all.` : ''
  return table(`Files (${formatCount(run.files.length + run.filesOmitted)})`, ['file', 'chunk', 'rows', 'bytes'], rows, more)
}

function schemaTable(run: ReportRun): string {
  if (run.schema === null) return ''
  const rows = run.schema.map((c) => [c.name, c.sourceType, c.type, c.nullable ? 'yes' : 'no'])
  return table(`Columns (${run.schema.length})`, ['column', 'source type', 'written as', 'nullable'], rows)
}

function journalTable(run: ReportRun): string {
  const rows = run.events.map((e) => [`+${formatDuration(Math.max(0, e.offsetMs))}`, e.kind, e.message])
  const more = run.eventsOmitted > 0 ? `${formatCount(run.eventsOmitted)} older event(s) not shown; \`rivet journal --run-id ${run.runId}\` shows them.` : ''
  return table('Journal', ['+time', 'kind', 'event'], rows, more)
}
