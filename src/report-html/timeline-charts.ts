import { formatCount, formatDuration } from '../report/index.js'
import { figure, formatMs, formatNumber, formatRate } from './charts.js'
import { escapeHtml } from './escape.js'
import type { ReportRun, RunTimelinePoint } from './model.js'
import { timelineRates } from './stats.js'
import { renderLineChart } from './svg.js'

const MIB = 1024 * 1024

/** Points of one chart: a time (ms since the start), a value and its hover text. */
type Sample = { readonly t: number; readonly y: number; readonly tip: string }

/**
 * Line charts of one run over its own time, from the counters the engine sampled while it ran:
 * throughput, the statement size chosen by the adaptive controller, the latest statement time and
 * memory. '' for a run without such a timeline or with fewer than two samples (a run shorter than
 * a step has only its end point): one sample draws no course.
 */
export function renderRunTimelineCharts(run: ReportRun): string {
  const points = run.progress?.points ?? []
  if (points.length < 2) return ''
  const axis = timeAxis(points.at(-1)!.t)
  const at = (t: number) => `+${formatDuration(t)}`
  const unit = sizeUnit(run)
  const chart = (title: string, samples: readonly Sample[], name: string, formatY: (v: number) => string, note = '') =>
    samples.length === 0
      ? ''
      : figure(title, renderLineChart({ series: [{ name, cls: 's1', points: samples.map((s) => ({ x: s.t / axis.msPer, y: s.y, tip: s.tip })) }], formatX: axis.format, formatY }, title), [], note)
  const figures = [
    chart(
      'Throughput during the run (rows/s)',
      timelineRates(points).map((r) => ({ t: r.t, y: r.rowsPerSec, tip: `${at(r.t)}: ${formatRate(r.rowsPerSec)} rows/s (${formatCount(r.rows)} rows so far)` })),
      'rows/s',
      formatRate,
      'Rows written per second between two samples, drawn at the later one.',
    ),
    chart(
      `Statement size during the run (${unit})`,
      fromFirstNonZero(points, (p) => p.size).map((p) => ({ t: p.t, y: p.size, tip: `${at(p.t)}: ${formatCount(p.size)} ${unit} per statement` })),
      'statement size',
      formatNumber,
      'The size the adaptive controller had chosen for the latest statement at each sample.',
    ),
    chart(
      'Latest statement time during the run',
      fromFirstNonZero(points, (p) => p.stmtMs).map((p) => ({ t: p.t, y: p.stmtMs, tip: `${at(p.t)}: latest statement took ${formatMs(p.stmtMs)}` })),
      'statement time',
      formatMs,
      'How long the latest finished statement took, as measured by the reader, at each sample.',
    ),
    chart('Memory during the run (RSS)', points.map((p) => ({ t: p.t, y: p.rss / MIB, tip: `${at(p.t)}: RSS ${formatNumber(Math.round(p.rss / MIB))} MiB` })), 'RSS', (v) => `${formatNumber(v)} MiB`),
  ]
  const step = run.progress?.stepMs ?? null
  const how = `The engine sampled the run's counters ${step === null ? 'at a fixed step' : `every ${formatDuration(step)}`} (the step doubles on long runs, so that at most 240 samples are kept) and once at its end.`
  return `<h4>Over the run</h4><div class="run-charts">${figures.join('')}</div><p class="note">${escapeHtml(how)}</p>`
}

/**
 * The points from the first whose value is not 0: the size and the statement time are 0 until
 * the first statement has finished, which is no size and no time rather than a size or time of 0.
 * None when the value never left 0 (a read whose statements have no adaptive size).
 */
function fromFirstNonZero(points: readonly RunTimelinePoint[], value: (p: RunTimelinePoint) => number): RunTimelinePoint[] {
  const first = points.findIndex((p) => value(p) !== 0)
  return first < 0 ? [] : points.slice(first)
}

/** Pages per statement for ctid reads, rows for the others; both when the run did not record its strategy. */
function sizeUnit(run: ReportRun): string {
  // failed runs keep no strategy in their statistics; the journal's plan event names it
  const planned = run.events.find((e) => e.kind === 'plan')?.data?.strategy
  const strategy = run.stats.strategy ?? (typeof planned === 'string' ? planned : null)
  return strategy === null ? 'rows or pages' : strategy === 'ctid' ? 'pages' : 'rows'
}

/** The time axis of a run: seconds, minutes or hours by its length, so the ticks stay round numbers of one unit. */
function timeAxis(endMs: number): { readonly msPer: number; readonly format: (v: number) => string } {
  const [msPer, unit] = endMs <= 180_000 ? [1000, 's'] : endMs <= 3 * 3_600_000 ? [60_000, 'min'] : [3_600_000, 'h']
  return { msPer, format: (v) => `${formatNumber(v)} ${unit}` }
}
