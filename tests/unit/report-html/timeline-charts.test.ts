import { describe, expect, it } from 'vitest'
import { renderReportPage, renderRunTimelineCharts } from '../../../src/report-html/index.js'
import type { ReportRun, RunTimelinePoint } from '../../../src/report-html/index.js'
import { FULL_STATS, NO_STATS, TIMELINE, reportData, reportRun } from './fixtures.js'

const MIB = 1024 * 1024

/** Each figure of the HTML: its caption, the points of its polyline and the labels of its value axis. */
function figures(html: string): { title: string; points: number; yTicks: string[]; xTicks: string[] }[] {
  return [...html.matchAll(/<figure><figcaption>([^<]*)<\/figcaption>([\s\S]*?)<\/figure>/g)].map((m) => {
    const body = m[2]!
    const line = /<polyline class="line [^"]+" points="([^"]*)"\/>/.exec(body)
    return {
      title: m[1]!,
      points: line === null ? 0 : line[1]!.split(' ').length,
      yTicks: [...body.matchAll(/<text class="tick"[^>]*text-anchor="end">([^<]*)<\/text>/g)].map((t) => t[1]!),
      xTicks: [...body.matchAll(/<text class="tick"[^>]*text-anchor="middle">([^<]*)<\/text>/g)].map((t) => t[1]!),
    }
  })
}

describe('renderRunTimelineCharts', () => {
  it('draws throughput, statement size, statement time and memory over the run', () => {
    const drawn = figures(renderRunTimelineCharts(reportRun({ progress: TIMELINE })))
    expect(drawn.map((f) => [f.title, f.points])).toEqual([
      // one rate per step between samples
      ['Throughput during the run (rows/s)', 4],
      // the samples before the first statement finished have no size and no time
      ['Statement size during the run (rows)', 4],
      ['Latest statement time during the run', 4],
      ['Memory during the run (RSS)', 5],
    ])
    // each value axis ends on the round number above the largest value: 6,000 rows/s, 16,000 rows,
    // 340 ms, 210 MiB
    expect(drawn.map((f) => f.yTicks.at(-1))).toEqual(['6,000', '20,000', '400 ms', '250 MiB'])
    // a 4.5 s run: the time axis is in seconds
    expect(drawn[0]!.xTicks.at(-1)).toBe('5 s')
  })

  it('puts the values in the hover texts', () => {
    const html = renderRunTimelineCharts(reportRun({ progress: TIMELINE }))
    expect(html).toContain('<title>+3.0 s: 6,000 rows/s (10,000 rows so far)</title>')
    expect(html).toContain('<title>+4.0 s: 16,000 rows per statement</title>')
    expect(html).toContain('<title>+3.0 s: latest statement took 340 ms</title>')
    expect(html).toContain('<title>+3.0 s: RSS 210 MiB</title>')
    expect(html).toContain('every 1.0 s')
  })

  it('draws nothing for a run without a timeline or with a single sample', () => {
    expect(renderRunTimelineCharts(reportRun({ progress: null }))).toBe('')
    expect(renderRunTimelineCharts(reportRun({ progress: { stepMs: 1000, points: TIMELINE.points.slice(-1) } }))).toBe('')
  })

  it('leaves out the size and time charts when no statement size or time was ever recorded', () => {
    const points: RunTimelinePoint[] = TIMELINE.points.map((p) => ({ ...p, size: 0, stmtMs: 0 }))
    const drawn = figures(renderRunTimelineCharts(reportRun({ progress: { stepMs: 1000, points } })))
    expect(drawn.map((f) => f.title)).toEqual(['Throughput during the run (rows/s)', 'Memory during the run (RSS)'])
  })

  it.each([
    ['a ctid read', 'pages', { stats: { ...FULL_STATS, strategy: 'ctid' } }],
    ['a chunked read', 'rows', { stats: { ...FULL_STATS, strategy: 'chunked' } }],
    ['a failed run whose plan names ctid', 'pages', { stats: NO_STATS, events: [{ at: '2026-11-24T21:53:12.100Z', offsetMs: 100, kind: 'plan', message: 'read by ctid', data: { strategy: 'ctid' } }] }],
    ['a run that recorded no strategy', 'rows or pages', { stats: NO_STATS }],
  ] as [string, string, Partial<ReportRun>][])('labels the statement size of %s in %s', (_, unit, overrides) => {
    const html = renderRunTimelineCharts(reportRun({ ...overrides, progress: TIMELINE }))
    expect(figures(html)[1]!.title).toBe(`Statement size during the run (${unit})`)
    expect(html).toContain(`<title>+4.0 s: 16,000 ${unit} per statement</title>`)
  })

  it('draws a long run in minutes or hours, every sample on the line', () => {
    const long = (endMs: number): RunTimelinePoint[] =>
      Array.from({ length: 240 }, (_, i) => ({ t: ((i + 1) * endMs) / 240, rows: i * 1000, bytes: 0, rss: (100 + (i % 10)) * MIB, size: 5000, stmtMs: 50, chunks: 0 }))
    const hour = figures(renderRunTimelineCharts(reportRun({ progress: { stepMs: 16_000, points: long(3_600_000) } })))
    expect(hour[0]!.xTicks.at(-1)).toMatch(/^\d+ min$/)
    expect(hour.map((f) => f.points)).toEqual([239, 240, 240, 240])
    const day = figures(renderRunTimelineCharts(reportRun({ progress: { stepMs: 512_000, points: long(20 * 3_600_000) } })))
    expect(day[0]!.xTicks.at(-1)).toBe('20 h')
  })
})

describe('renderReportPage: charts over a run', () => {
  it('shows them in the details of the run that has a timeline, not in those of an older run', () => {
    const sampled = reportRun({ runId: 'sampled', progress: TIMELINE })
    const older = reportRun({ runId: 'older', startedAt: '2026-11-23T21:53:12.000Z', progress: null })
    const html = renderReportPage(reportData([sampled, older]))
    const sections = Object.fromEntries([...html.matchAll(/<details class="run" id="run-([^"]+)"[\s\S]*?<\/details>/g)].map((m) => [m[1]!, m[0]]))
    expect(sections.sampled).toContain('<figcaption>Throughput during the run (rows/s)</figcaption>')
    expect((sections.sampled!.match(/<polyline /g) ?? []).length).toBe(4)
    expect(sections.older).not.toContain('<polyline')
    expect(sections.older).not.toContain('Over the run')
  })
})
