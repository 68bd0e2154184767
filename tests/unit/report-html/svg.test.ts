import { describe, expect, it } from 'vitest'
import { CHART_BOX, MAX_LINE_DOTS, niceScale, renderBarChart, renderLineChart, renderRangeChart, renderStepChart, runLabels } from '../../../src/report-html/index.js'

const { plot } = CHART_BOX
const BASE = plot.y + plot.height
const fmt = (v: number) => String(v)

interface Bar { cls: string; x: number; y: number; width: number; height: number; title: string }

/** The bars of a chart, read back from its SVG. */
function bars(svg: string): Bar[] {
  const re = /<rect class="bar ([^"]+)" x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"><title>([^<]*)<\/title><\/rect>/g
  return [...svg.matchAll(re)].map((m) => ({ cls: m[1]!, x: Number(m[2]), y: Number(m[3]), width: Number(m[4]), height: Number(m[5]), title: m[6]! }))
}

/** Every number written into an attribute of the SVG. */
function attributeNumbers(svg: string): string[] {
  return [...svg.matchAll(/ (?:x|y|x1|x2|y1|y2|cx|cy|r|width|height)="([^"]*)"/g)].map((m) => m[1]!)
}

function expectDrawable(svg: string): void {
  expect(svg).not.toMatch(/NaN|Infinity|undefined/)
  for (const n of attributeNumbers(svg)) expect(Number.isFinite(Number(n)), n).toBe(true)
}

describe('niceScale', () => {
  it.each([
    [0, 1],
    [-5, 1],
    [Number.NaN, 1],
    [Number.POSITIVE_INFINITY, 1],
    [1, 1],
    [7, 8],
    [100, 100],
    [101, 125],
    [0.003, 0.003],
    [123_456, 125_000],
  ])('holds %s under a round maximum %s', (max, top) => {
    const scale = niceScale(max)
    expect(scale.max).toBeCloseTo(top, 10)
    if (Number.isFinite(max) && max > 0) expect(scale.max).toBeGreaterThanOrEqual(max)
    expect(scale.ticks[0]).toBe(0)
    expect(scale.ticks.at(-1)).toBeCloseTo(scale.max, 10)
    expect(scale.ticks.length).toBeGreaterThanOrEqual(3)
    expect(scale.ticks.length).toBeLessThanOrEqual(6)
  })
})

describe('niceScale for counts', () => {
  it.each([
    [0, [0, 1]],
    [1, [0, 1]],
    [3, [0, 1, 2, 3]],
    [28, [0, 10, 20, 30]],
  ])('puts whole-number ticks under %s', (max, ticks) => {
    expect(niceScale(max, true).ticks).toEqual(ticks)
  })
})

describe('runLabels', () => {
  it('labels runs by minute, or by second when two started in the same minute', () => {
    expect(runLabels(['2026-11-24T21:53:12.000Z', '2026-11-25T03:00:59.000Z'])).toEqual(['11-24 21:53', '11-25 03:00'])
    expect(runLabels(['2026-11-24T21:53:12.000Z', '2026-11-24T21:53:40.000Z'])).toEqual(['11-24 21:53:12', '11-24 21:53:40'])
  })
})

describe('bar chart scaling', () => {
  it('draws one run as one bar standing on the base line, most of the plot high', () => {
    const svg = renderBarChart({ labels: ['11-24 21:53'], series: [{ name: 'rows/s', cls: 's1', values: [4200] }], format: fmt }, 'throughput')
    const [bar, ...rest] = bars(svg)
    expect(rest).toEqual([])
    expect(bar!.y + bar!.height).toBeCloseTo(BASE, 1)
    // the scale ends on a round number above the value, never more than 1.5 times it
    expect(bar!.height / plot.height).toBeGreaterThan(0.6)
    expect(bar!.height).toBeLessThanOrEqual(plot.height)
    expect(bar!.x).toBeGreaterThanOrEqual(plot.x)
    expect(bar!.x + bar!.width).toBeLessThanOrEqual(plot.x + plot.width)
    expect(svg).toContain('11-24 21:53')
    expectDrawable(svg)
  })

  it('keeps many runs inside the plot, heights proportional to values, and thins the labels', () => {
    const values = Array.from({ length: 300 }, (_, i) => (i % 7) * 1000 + 1)
    const labels = values.map((_, i) => `L${i}`)
    const svg = renderBarChart({ labels, series: [{ name: 'rows/s', cls: 's1', values }], format: fmt }, 'throughput')
    const drawn = bars(svg)
    expect(drawn).toHaveLength(300)
    for (const b of drawn) {
      expect(b.x).toBeGreaterThanOrEqual(plot.x - 0.01)
      expect(b.x + b.width).toBeLessThanOrEqual(plot.x + plot.width + 0.6)
      expect(b.y + b.height).toBeCloseTo(BASE, 1)
    }
    // left to right in input order
    expect(drawn.map((b) => b.x)).toEqual([...drawn.map((b) => b.x)].sort((a, b) => a - b))
    const tallest = drawn[6]!
    expect(drawn[3]!.height / tallest.height).toBeCloseTo(values[3]! / values[6]!, 2)
    const shown = [...svg.matchAll(/<text class="label"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1])
    expect(shown.length).toBeLessThanOrEqual(6)
    expect(shown.at(-1)).toBe('L299')
    expectDrawable(svg)
  })

  it('draws all-zero values as flat bars on a 0..1 axis, without NaN', () => {
    const svg = renderBarChart({ labels: ['a', 'b', 'c'], series: [{ name: 'retries', cls: 's1', values: [0, 0, 0] }], format: fmt }, 'zeros')
    const drawn = bars(svg)
    expect(drawn.map((b) => b.height)).toEqual([0, 0, 0])
    expect(svg).toContain('>1</text>')
    expectDrawable(svg)
  })

  it('leaves a gap marked "not recorded" for a run without the figure', () => {
    const svg = renderBarChart({ labels: ['a', 'b'], tips: ['run A', 'run B'], series: [{ name: 'rows/s', cls: 's1', values: [null, 10] }], format: fmt }, 'gap')
    const drawn = bars(svg)
    expect(drawn).toHaveLength(1)
    expect(drawn[0]!.title).toBe('run B: rows/s 10')
    expect(svg).toContain('<title>run A: rows/s not recorded</title>')
    expectDrawable(svg)
  })

  it('puts the bars of two series side by side on one scale', () => {
    const svg = renderBarChart({ labels: ['a'], series: [{ name: 'longest', cls: 's3', values: [400] }, { name: 'mean', cls: 's4', values: [100] }], format: fmt }, 'two')
    const [longest, mean] = bars(svg)
    expect(longest!.cls).toBe('s3')
    expect(mean!.cls).toBe('s4')
    expect(mean!.x).toBeGreaterThan(longest!.x)
    expect(longest!.height / mean!.height).toBeCloseTo(4, 2)
  })

  it('escapes labels and hover texts', () => {
    const svg = renderBarChart({ labels: ['<b>"x"</b>'], tips: ['run <script>'], series: [{ name: 'n', cls: 's1', values: [1] }], format: fmt }, 'a"b')
    expect(svg).not.toContain('<b>')
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&lt;b&gt;&quot;x&quot;&lt;/b&gt;')
    expect(svg).toContain('aria-label="a&quot;b"')
  })
})

describe('range chart', () => {
  it('spans smallest to largest with the last size as a dot, on the same scale', () => {
    const svg = renderRangeChart({ labels: ['a', 'b'], ranges: [{ min: 1000, max: 16000, mark: 8000 }, null], format: fmt }, 'sizes')
    const spans = [...svg.matchAll(/<line class="span" x1="[^"]+" x2="[^"]+" y1="([^"]+)" y2="([^"]+)"\/>/g)].map((m) => [Number(m[1]), Number(m[2])])
    expect(spans).toHaveLength(1)
    const [yMin, yMax] = spans[0]!
    const cy = Number(/<circle class="mark" cx="[^"]+" cy="([^"]+)"/.exec(svg)![1])
    // higher values sit higher (smaller y); the dot lies between the ends, in proportion
    expect(yMax!).toBeLessThan(cy)
    expect(cy).toBeLessThan(yMin!)
    expect((BASE - cy) / (BASE - yMax!)).toBeCloseTo(8000 / 16000, 2)
    expect(svg).toContain('not recorded')
    expectDrawable(svg)
  })

  it('draws a run whose sizes never moved, and zero sizes, without NaN', () => {
    expectDrawable(renderRangeChart({ labels: ['a'], ranges: [{ min: 5, max: 5, mark: 5 }], format: fmt }, 'flat'))
    expectDrawable(renderRangeChart({ labels: ['a'], ranges: [{ min: 0, max: 0, mark: 0 }], format: fmt }, 'zero'))
  })
})

describe('step chart', () => {
  it('climbs to the total at the time of each point, with retry markers', () => {
    const svg = renderStepChart(
      { points: [{ x: 2, y: 100, tip: 'c0' }, { x: 1, y: 50, tip: 'c1' }], markers: [{ x: 1.5, tip: 'retry <x>' }], formatX: fmt, formatY: fmt },
      'chunks',
    )
    const points = [...svg.matchAll(/<circle class="point" cx="([^"]+)" cy="([^"]+)"/g)].map((m) => [Number(m[1]), Number(m[2])])
    // drawn in time order, each higher than the one before
    expect(points[0]![0]).toBeLessThan(points[1]![0]!)
    expect(points[0]![1]).toBeGreaterThan(points[1]![1]!)
    expect(svg).toMatch(/<line class="marker"/)
    expect(svg).toContain('retry &lt;x&gt;')
    expectDrawable(svg)
  })

  it('draws chunks all completed at time 0 with zero rows without NaN', () => {
    expectDrawable(renderStepChart({ points: [{ x: 0, y: 0, tip: 'a' }], markers: [], formatX: fmt, formatY: fmt }, 'zero'))
  })
})

/** The points of each polyline of a chart, read back from its SVG. */
function polylines(svg: string): { cls: string; points: [number, number][] }[] {
  return [...svg.matchAll(/<polyline class="line ([^"]+)" points="([^"]*)"\/>/g)].map((m) => ({
    cls: m[1]!,
    points: m[2]!.split(' ').map((pair) => pair.split(',').map(Number) as [number, number]),
  }))
}

/** The labels of the value axis, bottom to top. */
function yTicks(svg: string): string[] {
  return [...svg.matchAll(/<text class="tick" x="[^"]+" y="[^"]+" text-anchor="end">([^<]*)<\/text>/g)].map((m) => m[1]!)
}

describe('line chart', () => {
  const line = (ys: readonly number[]) => ys.map((y, i) => ({ x: i + 1, y, tip: `at ${i + 1}: ${y}` }))

  it('joins the points in time order, higher values higher, on a scale that holds the largest', () => {
    const points = line([100, 300, 200])
    const svg = renderLineChart({ series: [{ name: 'rows/s', cls: 's1', points: [points[2]!, points[0]!, points[1]!] }], formatX: fmt, formatY: fmt }, 'rate')
    const [drawn, ...rest] = polylines(svg)
    expect(rest).toEqual([])
    expect(drawn!.cls).toBe('s1')
    expect(drawn!.points).toHaveLength(3)
    const xs = drawn!.points.map((p) => p[0])
    expect(xs).toEqual([...xs].sort((a, b) => a - b))
    const ys = drawn!.points.map((p) => p[1])
    expect(ys[1]).toBeLessThan(ys[2]!)
    expect(ys[2]).toBeLessThan(ys[0]!)
    // heights above the base line in proportion to the values
    expect((BASE - ys[0]!) / (BASE - ys[1]!)).toBeCloseTo(100 / 300, 2)
    expect(yTicks(svg).at(-1)).toBe('300')
    for (const [x, y] of drawn!.points) {
      expect(x).toBeGreaterThanOrEqual(plot.x)
      expect(x).toBeLessThanOrEqual(plot.x + plot.width)
      expect(y).toBeGreaterThanOrEqual(plot.y)
      expect(y).toBeLessThanOrEqual(BASE)
    }
    expect(svg).toContain('<title>at 2: 300</title>')
    expectDrawable(svg)
  })

  it('leaves out non-finite points and draws zeros and a single point without NaN', () => {
    const svg = renderLineChart({ series: [{ name: 'n', cls: 's1', points: [{ x: 1, y: Number.NaN, tip: 'a' }, { x: Number.POSITIVE_INFINITY, y: 1, tip: 'b' }, { x: 2, y: 0, tip: 'c' }] }], formatX: fmt, formatY: fmt }, 'odd')
    expect(polylines(svg)[0]!.points).toHaveLength(1)
    expectDrawable(svg)
    expectDrawable(renderLineChart({ series: [{ name: 'n', cls: 's1', points: [{ x: 0, y: 0, tip: 'z' }, { x: 0, y: 0, tip: 'z' }] }], formatX: fmt, formatY: fmt }, 'zero'))
    expect(polylines(renderLineChart({ series: [{ name: 'n', cls: 's1', points: [] }], formatX: fmt, formatY: fmt }, 'none'))).toEqual([])
  })

  it('joins every point of a long series but puts hover dots on at most a few, the last one included', () => {
    const svg = renderLineChart({ series: [{ name: 'rss', cls: 's2', points: line(Array.from({ length: 240 }, (_, i) => i)) }], formatX: fmt, formatY: fmt }, 'long')
    expect(polylines(svg)[0]!.points).toHaveLength(240)
    const dots = [...svg.matchAll(/<circle class="dot s2"[^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1])
    expect(dots.length).toBeGreaterThan(MAX_LINE_DOTS / 2)
    expect(dots.length).toBeLessThanOrEqual(MAX_LINE_DOTS + 1)
    expect(dots.at(-1)).toBe('at 240: 239')
  })

  it('escapes hover texts and the label', () => {
    const svg = renderLineChart({ series: [{ name: 'n', cls: 's1', points: [{ x: 1, y: 1, tip: '<b>"x"</b>' }] }], formatX: fmt, formatY: fmt }, 'a"b')
    expect(svg).not.toContain('<b>')
    expect(svg).toContain('&lt;b&gt;&quot;x&quot;&lt;/b&gt;')
    expect(svg).toContain('aria-label="a&quot;b"')
  })
})
