import { escapeHtml, svgNumber } from './escape.js'

/**
 * Small inline-SVG charts: bars per category, ranges per category, steps and lines over time. Pure
 * string builders with a fixed viewBox (the page scales them with CSS); every number written into
 * an attribute goes through svgNumber, every text through escapeHtml. Hover titles carry the values.
 */

const WIDTH = 560
const HEIGHT = 220
const MARGIN = { top: 14, right: 14, bottom: 40, left: 64 }
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom
/** Where the plot area lies in every chart's viewBox. */
export const CHART_BOX = { width: WIDTH, height: HEIGHT, plot: { x: MARGIN.left, y: MARGIN.top, width: PLOT_W, height: PLOT_H } } as const

/** At most this many category labels under the axis; the others are left out (their titles stay). */
const MAX_LABELS = 6

/** A linear scale from 0 to a round maximum, with its tick values. */
export interface Scale {
  readonly max: number
  readonly ticks: readonly number[]
}

/**
 * A scale from 0 that holds `max` and ends on a round number (1, 2, 2.5 or 5 × 10^k), with 3 to 6
 * ticks (`integer`: whole-number steps, at least 2 ticks). Zero, negative or non-finite maxima get
 * the scale 0..1: the chart stays drawable.
 */
export function niceScale(max: number, integer = false): Scale {
  if (!Number.isFinite(max) || max <= 0) return integer ? { max: 1, ticks: [0, 1] } : { max: 1, ticks: [0, 0.5, 1] }
  const rough = max / 5
  const power = 10 ** Math.floor(Math.log10(rough))
  const nice = ([1, 2, 2.5, 5, 10].find((m) => m * power >= rough) ?? 10) * power
  // counts (statements, rows) get whole-number ticks
  const step = integer ? Math.max(1, Math.ceil(nice)) : nice
  const top = Math.max(step, Math.ceil(max / step - 1e-9) * step)
  const ticks: number[] = []
  for (let i = 0; i * step <= top + step / 1e6; i++) ticks.push(Number((i * step).toPrecision(12)))
  return { max: top, ticks }
}

/** One series of a bar chart: a value per category (null: not recorded). */
export interface BarSeries {
  readonly name: string
  /** CSS class of its bars (colour). */
  readonly cls: string
  readonly values: readonly (number | null)[]
}

/** A bar chart: one group of bars per category (a run), one bar per series. */
export interface BarChartInput {
  readonly labels: readonly string[]
  /** Hover text per category, before the values (the run id, say). */
  readonly tips?: readonly string[]
  readonly series: readonly BarSeries[]
  /** Axis and hover text of a value. */
  readonly format: (value: number) => string
  /** The values are counts: whole-number ticks. */
  readonly integer?: boolean
}

/** The SVG of a bar chart. */
export function renderBarChart(input: BarChartInput, label: string): string {
  const n = input.labels.length
  const values = input.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v))
  const scale = niceScale(Math.max(0, ...values), input.integer ?? false)
  const band = PLOT_W / Math.max(1, n)
  // a few runs get bars of a readable width, not one bar across the whole plot
  const group = Math.min(band * 0.8, 48 * Math.max(1, input.series.length))
  const barW = group / Math.max(1, input.series.length)
  const parts: string[] = [axes(scale, input.format)]
  for (let i = 0; i < n; i++) {
    const x0 = MARGIN.left + i * band + (band - group) / 2
    input.series.forEach((s, j) => {
      const v = s.values[i] ?? null
      const x = x0 + j * barW
      const tip = `${input.tips?.[i] ?? input.labels[i]}: ${s.name} ${v === null ? 'not recorded' : input.format(v)}`
      if (v === null || !Number.isFinite(v)) {
        if (n <= 40) parts.push(`<text class="na" x="${svgNumber(x + barW / 2)}" y="${svgNumber(MARGIN.top + PLOT_H - 3)}" text-anchor="middle"><title>${escapeHtml(tip)}</title>–</text>`)
        return
      }
      const h = (Math.max(0, v) / scale.max) * PLOT_H
      parts.push(
        `<rect class="bar ${s.cls}" x="${svgNumber(x)}" y="${svgNumber(MARGIN.top + PLOT_H - h)}" width="${svgNumber(Math.max(0.5, barW - 1))}" height="${svgNumber(h)}"><title>${escapeHtml(tip)}</title></rect>`,
      )
    })
  }
  parts.push(categoryLabels(input.labels, band))
  return svg(label, parts)
}

/** A range per category: a line from min to max and a dot at a marked value (the final chunk size). */
export interface RangeChartInput {
  readonly labels: readonly string[]
  readonly tips?: readonly string[]
  readonly ranges: readonly ({ readonly min: number; readonly max: number; readonly mark: number } | null)[]
  readonly format: (value: number) => string
}

/** The SVG of a range chart. */
export function renderRangeChart(input: RangeChartInput, label: string): string {
  const n = input.labels.length
  const present = input.ranges.filter((r): r is NonNullable<typeof r> => r !== null)
  const scale = niceScale(Math.max(0, ...present.map((r) => Math.max(r.max, r.mark, r.min))))
  const band = PLOT_W / Math.max(1, n)
  const y = (v: number) => MARGIN.top + PLOT_H - (Math.max(0, v) / scale.max) * PLOT_H
  const parts: string[] = [axes(scale, input.format)]
  input.ranges.forEach((r, i) => {
    const cx = MARGIN.left + i * band + band / 2
    const head = input.tips?.[i] ?? input.labels[i]
    if (r === null) {
      if (n <= 40) parts.push(`<text class="na" x="${svgNumber(cx)}" y="${svgNumber(MARGIN.top + PLOT_H - 3)}" text-anchor="middle"><title>${escapeHtml(`${head}: not recorded`)}</title>–</text>`)
      return
    }
    const tip = `${head}: smallest ${input.format(r.min)}, last ${input.format(r.mark)}, largest ${input.format(r.max)}`
    const half = Math.min(8, band * 0.3)
    parts.push(
      `<g class="range"><title>${escapeHtml(tip)}</title>` +
        `<line class="span" x1="${svgNumber(cx)}" x2="${svgNumber(cx)}" y1="${svgNumber(y(r.min))}" y2="${svgNumber(y(r.max))}"/>` +
        `<line class="cap" x1="${svgNumber(cx - half)}" x2="${svgNumber(cx + half)}" y1="${svgNumber(y(r.min))}" y2="${svgNumber(y(r.min))}"/>` +
        `<line class="cap" x1="${svgNumber(cx - half)}" x2="${svgNumber(cx + half)}" y1="${svgNumber(y(r.max))}" y2="${svgNumber(y(r.max))}"/>` +
        `<circle class="mark" cx="${svgNumber(cx)}" cy="${svgNumber(y(r.mark))}" r="3.5"/></g>`,
    )
  })
  parts.push(categoryLabels(input.labels, band))
  return svg(label, parts)
}

/** Points over a time axis (seconds from 0), joined as steps, with vertical markers (retries). */
export interface StepChartInput {
  readonly points: readonly { readonly x: number; readonly y: number; readonly tip: string }[]
  readonly markers: readonly { readonly x: number; readonly tip: string }[]
  readonly formatX: (value: number) => string
  readonly formatY: (value: number) => string
}

/** The SVG of a step chart starting at (0, 0). */
export function renderStepChart(input: StepChartInput, label: string): string {
  const xs = [...input.points.map((p) => p.x), ...input.markers.map((m) => m.x)].filter(Number.isFinite)
  const xScale = niceScale(Math.max(0, ...xs))
  const yScale = niceScale(Math.max(0, ...input.points.map((p) => p.y).filter(Number.isFinite)))
  const px = (v: number) => MARGIN.left + (Math.max(0, v) / xScale.max) * PLOT_W
  const py = (v: number) => MARGIN.top + PLOT_H - (Math.max(0, v) / yScale.max) * PLOT_H
  const parts: string[] = [axes(yScale, input.formatY), timeTicks(xScale, input.formatX)]
  const sorted = [...input.points].sort((a, b) => a.x - b.x)
  let path = `M${svgNumber(px(0))},${svgNumber(py(0))}`
  for (const p of sorted) path += ` H${svgNumber(px(p.x))} V${svgNumber(py(p.y))}`
  for (const m of input.markers) {
    parts.push(`<line class="marker" x1="${svgNumber(px(m.x))}" x2="${svgNumber(px(m.x))}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}"><title>${escapeHtml(m.tip)}</title></line>`)
  }
  parts.push(`<path class="step" d="${path}"/>`)
  for (const p of sorted) parts.push(`<circle class="point" cx="${svgNumber(px(p.x))}" cy="${svgNumber(py(p.y))}" r="3"><title>${escapeHtml(p.tip)}</title></circle>`)
  return svg(label, parts)
}

/** One series of a line chart: values over a time axis. */
export interface LineSeries {
  readonly name: string
  /** CSS class of its line and dots (colour). */
  readonly cls: string
  readonly points: readonly { readonly x: number; readonly y: number; readonly tip: string }[]
}

/** A line chart over a time axis from 0; both axes start at 0. */
export interface LineChartInput {
  readonly series: readonly LineSeries[]
  readonly formatX: (value: number) => string
  readonly formatY: (value: number) => string
}

/** Hover dots per series at most: the line joins every point, the dots carry the values of some. */
export const MAX_LINE_DOTS = 60

/** The SVG of a line chart: one polyline per series through its points in x order, with hover dots. */
export function renderLineChart(input: LineChartInput, label: string): string {
  const series = input.series.map((s) => ({ ...s, points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x) }))
  const all = series.flatMap((s) => s.points)
  const xScale = niceScale(Math.max(0, ...all.map((p) => p.x)))
  const yScale = niceScale(Math.max(0, ...all.map((p) => p.y)))
  const px = (v: number) => MARGIN.left + (Math.max(0, v) / xScale.max) * PLOT_W
  const py = (v: number) => MARGIN.top + PLOT_H - (Math.max(0, v) / yScale.max) * PLOT_H
  const parts: string[] = [axes(yScale, input.formatY), timeTicks(xScale, input.formatX)]
  for (const s of series) {
    if (s.points.length === 0) continue
    parts.push(`<polyline class="line ${escapeHtml(s.cls)}" points="${s.points.map((p) => `${svgNumber(px(p.x))},${svgNumber(py(p.y))}`).join(' ')}"/>`)
  }
  for (const s of series) {
    const every = Math.ceil(s.points.length / MAX_LINE_DOTS)
    s.points.forEach((p, i) => {
      // evenly thinned, the last point (the run's end) always kept
      if (i % every !== 0 && i !== s.points.length - 1) return
      parts.push(`<circle class="dot ${escapeHtml(s.cls)}" cx="${svgNumber(px(p.x))}" cy="${svgNumber(py(p.y))}" r="2.5"><title>${escapeHtml(p.tip)}</title></circle>`)
    })
  }
  return svg(label, parts)
}

function svg(label: string, parts: readonly string[]): string {
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`
}

/** The value axis with grid lines at the ticks, and the base line. */
function axes(scale: Scale, format: (value: number) => string): string {
  const parts = scale.ticks.map((t) => {
    const y = MARGIN.top + PLOT_H - (t / scale.max) * PLOT_H
    return `<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${svgNumber(y)}" y2="${svgNumber(y)}"/><text class="tick" x="${MARGIN.left - 6}" y="${svgNumber(y + 4)}" text-anchor="end">${escapeHtml(format(t))}</text>`
  })
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${MARGIN.top + PLOT_H}" y2="${MARGIN.top + PLOT_H}"/>`)
  return parts.join('')
}

/** The labels of a time axis under the plot, at the ticks of its scale. */
function timeTicks(scale: Scale, format: (value: number) => string): string {
  return scale.ticks
    .map((t) => `<text class="tick" x="${svgNumber(MARGIN.left + (t / scale.max) * PLOT_W)}" y="${svgNumber(MARGIN.top + PLOT_H + 16)}" text-anchor="middle">${escapeHtml(format(t))}</text>`)
    .join('')
}

/** Category labels under the plot, thinned to at most MAX_LABELS (the last one always shown). */
function categoryLabels(labels: readonly string[], band: number): string {
  const every = Math.ceil(labels.length / MAX_LABELS)
  return labels
    .map((text, i) => {
      if (i % every !== 0 && i !== labels.length - 1) return ''
      if (i !== labels.length - 1 && labels.length - 1 - i < every) return ''
      const x = MARGIN.left + i * band + band / 2
      return `<text class="label" x="${svgNumber(x)}" y="${svgNumber(MARGIN.top + PLOT_H + 16)}" text-anchor="middle">${escapeHtml(text)}</text>`
    })
    .join('')
}
