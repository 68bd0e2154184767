import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { renderReportPage } from '../../../src/report-html/index.js'
import type { ReportRun } from '../../../src/report-html/index.js'
import { NO_STATS, reportData, reportRun, runSeries } from './fixtures.js'

const HOSTILE = `<script>alert("pwned")</script>'"&`
const ESCAPED = '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&#39;&quot;&amp;'

/** A run whose every text field carries markup and quotes. */
function hostileRun(): ReportRun {
  return reportRun({
    runId: `run-${HOSTILE}`,
    exportName: `exp-${HOSTILE}`,
    status: 'failed',
    hostname: `host-${HOSTILE}`,
    error: { code: 'RIVET_SOURCE_QUERY', message: `column "${HOSTILE}" <img src=x onerror=alert(1)> does not exist` },
    warnings: [`warning ${HOSTILE}`],
    events: [
      { at: '2026-11-24T21:53:13.000Z', offsetMs: 1000, kind: 'drift', message: `added column ${HOSTILE}`, data: null },
      { at: '2026-11-24T21:53:14.000Z', offsetMs: 2000, kind: 'quality', message: `unique(${HOSTILE}): failed`, data: null },
    ],
    timeline: [{ offsetMs: 1500, kind: 'chunk', chunk: 0, rows: 10, message: `chunk ${HOSTILE}` }, { offsetMs: 1200, kind: 'retry', chunk: 0, rows: null, message: `retry ${HOSTILE}` }],
    chunks: [{ index: 0, lo: HOSTILE, hi: null, status: 'failed', attempts: 2, rows: null, bytes: null, errorCode: 'RIVET_X', errorMessage: HOSTILE, startedMs: 0, finishedMs: null }],
    files: [{ fileName: `f-${HOSTILE}.csv`, rows: 1, bytes: 2, chunkIndex: 0 }],
    schema: [{ name: HOSTILE, type: 'string', sourceType: `text ${HOSTILE}`, nullable: true }],
    summaryMarkdown: `# ${HOSTILE}`,
    drift: { added: 1, removed: 0, retyped: 0 },
    quality: { passed: 1, failed: 1, skipped: 0 },
  })
}

/** The opening tags of the document, by element name. */
function tags(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase())
}

describe('renderReportPage: escaping', () => {
  const run = hostileRun()
  const html = renderReportPage(reportData([run], { configPath: `/cfg/${HOSTILE}.yaml`, selection: { exports: [run.exportName], runId: null, last: 10 } }))

  it('carries no markup from the data: one script element, no img, no event-handler attributes', () => {
    expect(tags(html).filter((t) => t === 'script')).toHaveLength(1)
    expect(tags(html)).not.toContain('img')
    expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i)
    expect(html).not.toContain('alert("pwned")')
  })

  it('shows every hostile text escaped, in the table, the details, the journal, the chunks, files, columns and the charts', () => {
    const occurrences = html.split(ESCAPED).length - 1
    // export name, run id, host, error, warning, drift, quality, chunk bounds and error, file, column, source type, markdown, chart tips, config
    expect(occurrences).toBeGreaterThanOrEqual(15)
    expect(html).toContain(`href="#run-run-${ESCAPED}"`)
    expect(html).toContain(`id="run-run-${ESCAPED}"`)
  })

  it('allows by hash exactly the inline stylesheet and script it carries, and nothing from the network', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replaceAll('&#39;', "'")
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!
    const hash = (text: string) => createHash('sha256').update(text).digest('base64')
    expect(csp).toContain(`style-src 'sha256-${hash(style)}'`)
    expect(csp).toContain(`script-src 'sha256-${hash(script)}'`)
    expect(csp).toContain("default-src 'none'")
    expect(html).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//)
    expect(html).not.toMatch(/@import|url\(/)
  })
})

describe('renderReportPage: empty states', () => {
  it('says that no run is recorded, and draws no chart, when the exports have no runs', () => {
    const html = renderReportPage(reportData([], { selection: { exports: ['orders', 'customers'], runId: null, last: 10 }, exports: [{ name: 'orders', runs: [] }, { name: 'customers', runs: [] }] }))
    expect(html).toContain('id="no-runs"')
    expect(html).toContain('No runs recorded for orders, customers.')
    expect(html).not.toContain('<svg')
    expect(html).not.toContain('<table')
    expect(html).toMatch(/<\/html>\n$/)
  })

  it('says so for a config without state yet', () => {
    const html = renderReportPage(reportData([], { stateLocation: null }))
    expect(html).toContain('state (none yet)')
    expect(html).toContain('No runs recorded for orders.')
  })

  it('lists an export without runs next to one with runs', () => {
    const html = renderReportPage(reportData([reportRun()], { exports: [{ name: 'orders', runs: [reportRun()] }, { name: 'customers', runs: [] }] }))
    expect(html).toMatch(/<h2>Export customers<\/h2><p class="empty">No runs recorded for this export\.<\/p>/)
    expect(html).toContain('<h2>Export orders</h2><div class="charts">')
  })

  it('says "not recorded" for charts no run has figures for (a failed run), and points to the statement sizes over the run', () => {
    const failed = reportRun({ status: 'failed', stats: NO_STATS, rowsPerSec: null, peakRssBytes: null, error: { code: 'RIVET_SOURCE_NOT_FOUND', message: 'no table' } })
    const html = renderReportPage(reportData([failed]))
    const figures = [...html.matchAll(/<figure><figcaption>([^<]+)<\/figcaption>(<svg|<p class="empty">)/g)].map((m) => [m[1], m[2]])
    expect(figures).toEqual([
      ['Throughput (rows/s)', '<p class="empty">'],
      ['Peak memory (RSS)', '<p class="empty">'],
      ['Statement time', '<p class="empty">'],
      ['Statements per run', '<p class="empty">'],
      ['Statement size chosen by the adaptive controller', '<p class="empty">'],
    ])
    expect(html).toContain('How the size moved during a run, sampled about once a second, is drawn in the details of each run')
    expect(html).toContain('[RIVET_SOURCE_NOT_FOUND] no table')
  })
})

describe('renderReportPage: content', () => {
  it('puts one summary row per run, newest first, with the figures formatted', () => {
    const runs = runSeries(3, (i) => 1000 * (i + 1))
    const html = renderReportPage(reportData(runs))
    const rows = [...html.matchAll(/<tr class="completed"><td>orders<\/td><td class="mono run-link"><a href="#run-([^"]+)">/g)].map((m) => m[1])
    expect(rows).toEqual(['run-0002', 'run-0001', 'run-0000'])
    expect(html).toContain('<td data-sort="50000">50,000</td>')
    expect(html).toContain('<td data-sort="209715200">200 MiB</td>')
    expect((html.match(/<svg /g) ?? []).length).toBe(5)
    // bars oldest to newest: the throughput chart's first bar is run-0000's
    expect(html).toMatch(/<rect class="bar s1"[^>]*><title>run run-0000 \(completed\)[^<]*: rows\/s 1,000<\/title>/)
  })

  it('draws the chunk timeline of a chunked run from its journal, with its retries', () => {
    const run = reportRun({
      timeline: [
        { offsetMs: 900, kind: 'chunk', chunk: 1, rows: 300, message: 'chunk 1 completed: 300 rows in 1 file(s)' },
        { offsetMs: 1200, kind: 'retry', chunk: 0, rows: null, message: 'chunk 0: RIVET_SOURCE_CONNECTION_LOST: reset' },
        { offsetMs: 2100, kind: 'chunk', chunk: 0, rows: 200, message: 'chunk 0 completed: 200 rows in 1 file(s) (attempt 2)' },
      ],
    })
    const html = renderReportPage(reportData([run]))
    expect(html).toContain('<figcaption>Chunks completed over time</figcaption>')
    expect(html).toContain('(500 rows so far)')
    expect((html.match(/<circle class="point"/g) ?? []).length).toBe(2)
    expect((html.match(/<line class="marker"/g) ?? []).length).toBe(1)
  })

  it('opens the details of the one run of a --run-id page', () => {
    const html = renderReportPage(reportData([reportRun()], { selection: { exports: ['orders'], runId: '20261124T215312Z-aaaa', last: null } }))
    expect(html).toContain('<details class="run" id="run-20261124T215312Z-aaaa" open>')
    expect(html).toContain('Showing run 20261124T215312Z-aaaa of export orders.')
  })
})
