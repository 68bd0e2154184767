import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultStatePath, openStateStore } from '../../src/state/index.js'
import type { RunRecord } from '../../src/state/index.js'
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js'
import { runCli as spawnRivet, tempDir, writeConfig } from '../helpers/cli.js'
import type { CliResult } from '../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../helpers/db.js'
import { FaultProxy } from '../helpers/fault-proxy.js'

/**
 * `rivet report` end to end: real runs of the spawned CLI against PostgreSQL (completed, failed,
 * chunked with a retry caused by a connection reset, schema drift adding a column whose name is
 * markup, one slowed down by the proxy so that it lasts a few seconds), the page written from their
 * state, then loaded in headless Chromium: no console errors, no requests, the summary table and the
 * charts as the state says.
 */

const ORDERS = 'rptx_orders'
const BIG = 'rptx_big'
const DRIFTY = 'rptx_drifty'
const BIG_ROWS = 40_000
/** A column name that is markup with both kinds of quotes: the page must show it as text. */
const HOSTILE_COLUMN = `<script>alert("x")</script>'`
/** The proxy cuts one connection this far into a result stream (a chunk carries several times more). */
const DROP_AT = 256 * 1024
/** Bytes per second the proxy lets through during the second orders run: slow enough to last a few seconds. */
const SLOW_BYTES_PER_SEC = 32 * 1024
/** The screenshot of the page, kept as a test artifact (tests/artifacts/ is git-ignored). */
const SCREENSHOT = resolve(import.meta.dirname, '../artifacts/report-html.png')

const available = await pgAvailable()
const hasBrowser = chromiumAvailable()

// the state of these runs is the SQLite file next to the config, whatever the environment says
const sqliteEnv = { RIVET_STATE_URL: '' }
const runCli = (args: readonly string[], env: NodeJS.ProcessEnv = sqliteEnv) => spawnRivet(args, { env })

function ran(r: CliResult): string {
  return `exit ${r.code}\n--- stderr ---\n${r.stderr}\n--- stdout ---\n${r.stdout.slice(0, 2000)}`
}

describe.skipIf(!available)('rivet report: an HTML page from real runs (spawned CLI, PostgreSQL)', () => {
  let dir: string
  let cfg: string
  let proxy: FaultProxy

  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query(`DROP TABLE IF EXISTS ${ORDERS}, ${BIG}, ${DRIFTY}`)
      await c.query(`CREATE TABLE ${ORDERS} (id int PRIMARY KEY, note text)`)
      await c.query(`INSERT INTO ${ORDERS} SELECT g, 'note ' || g FROM generate_series(1, 3000) g`)
      await c.query(`CREATE TABLE ${BIG} (id bigint PRIMARY KEY, payload text NOT NULL)`)
      await c.query(`INSERT INTO ${BIG} SELECT g, repeat(md5(g::text), 2) FROM generate_series(1, ${BIG_ROWS}) g`)
      await c.query(`CREATE TABLE ${DRIFTY} (id int PRIMARY KEY, note text)`)
      await c.query(`INSERT INTO ${DRIFTY} SELECT g, 'n' FROM generate_series(1, 100) g`)
    })
    proxy = FaultProxy.forUrl(PG_URL)
    await proxy.start()
    dir = tempDir('rivet-report-html-')
    cfg = writeConfig(
      dir,
      `source:
  type: postgres
  url: "${proxy.urlFor(PG_URL)}"
exports:
  - name: orders
    table: public.${ORDERS}
    format: csv
    destination: { type: local, path: ./out-orders }
  - name: missing
    table: public.rptx_no_such_table
    format: csv
    destination: { type: local, path: ./out-missing }
  - name: drifty
    table: public.${DRIFTY}
    format: csv
    on_schema_drift: warn
    destination: { type: local, path: ./out-drifty }
  - name: chunky
    table: public.${BIG}
    mode: chunked
    chunk_column: id
    chunk_count: 4
    parallel: 2
    chunk_checkpoint: true
    format: csv
    tuning: { retry_backoff_ms: 100 }
    destination: { type: local, path: ./out-chunky }
`,
    )
    for (let i = 0; i < 2; i++) {
      // the engine samples a run once a second and at its end: the slowed run has several samples
      if (i === 1) proxy.bandwidth(SLOW_BYTES_PER_SEC)
      const r = await runCli(['run', '-c', cfg, '-e', 'orders', '-q'])
      proxy.clearFaults()
      expect(r.code, ran(r)).toBe(0)
    }
    const failed = await runCli(['run', '-c', cfg, '-e', 'missing', '-q'])
    expect(failed.code, ran(failed)).not.toBe(0)
    const first = await runCli(['run', '-c', cfg, '-e', 'drifty', '-q'])
    expect(first.code, ran(first)).toBe(0)
    await withPg((c) => c.query(`ALTER TABLE ${DRIFTY} ADD COLUMN "${HOSTILE_COLUMN.replaceAll('"', '""')}" text`))
    const drifted = await runCli(['run', '-c', cfg, '-e', 'drifty', '-q'])
    expect(drifted.code, ran(drifted)).toBe(0)
    proxy.dropAfterBytes(DROP_AT)
    const chunked = await runCli(['run', '-c', cfg, '-e', 'chunky', '-q'])
    expect(chunked.code, ran(chunked)).toBe(0)
    expect(proxy.stats().dropped, ran(chunked)).toBe(1)
    proxy.clearFaults()
  }, 240_000)

  afterAll(async () => {
    await proxy?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
    if (available) await withPg((c) => c.query(`DROP TABLE IF EXISTS ${ORDERS}, ${BIG}, ${DRIFTY}`))
  })

  /** Every run in the state, newest first, with the retry events of each. */
  function stateRuns(): { runs: RunRecord[]; retryEvents: Map<string, number> } {
    const state = openStateStore(defaultStatePath(cfg))
    try {
      const runs = state.listRuns()
      return { runs, retryEvents: new Map(runs.map((r) => [r.runId, state.listEvents({ runId: r.runId, kind: 'retry' }).length])) }
    } finally {
      state.close()
    }
  }

  /** The times of the samples the engine kept in a run's statistics ([] without a timeline). */
  function sampleTimes(run: RunRecord): number[] {
    const timeline = (run.stats as { timeline?: { points?: { t: number }[] } } | null)?.timeline
    return (timeline?.points ?? []).map((p) => p.t)
  }

  it('writes the page atomically with every run of the config, and prints it with -o -', async () => {
    const out = join(dir, 'report.html')
    const r = await runCli(['report', '-c', cfg, '-o', out])
    expect(r.code, ran(r)).toBe(0)
    const { runs } = stateRuns()
    expect(runs).toHaveLength(6)
    expect(r.stdout).toBe(`report written to ${out}: 6 run(s) of 4 export(s)\n`)
    // no temp file left beside it
    expect(readdirSync(dir).filter((f) => f.includes('report'))).toEqual(['report.html'])
    const html = readFileSync(out, 'utf8')
    for (const run of runs) expect(html).toContain(`id="run-${run.runId}"`)
    expect(html).not.toContain(HOSTILE_COLUMN)

    const piped = await runCli(['report', '-c', cfg, '-e', 'orders', '--last', '1', '-o', '-'])
    expect(piped.code, ran(piped)).toBe(0)
    expect(piped.stdout.startsWith('<!doctype html>')).toBe(true)
    expect(piped.stdout.match(/<tr class="completed">/g)).toHaveLength(1)
    expect(piped.stdout).toContain(`id="run-${runs.find((x) => x.exportName === 'orders')!.runId}"`)
  })

  it.skipIf(!hasBrowser)('renders in headless Chromium with no console errors, no requests, the table and charts of the state', async () => {
    const out = join(dir, 'browser.html')
    const r = await runCli(['report', '-c', cfg, '-o', out])
    expect(r.code, ran(r)).toBe(0)
    const { runs, retryEvents } = stateRuns()
    const chunky = runs.find((x) => x.exportName === 'chunky')!
    expect(retryEvents.get(chunky.runId)).toBe(1)

    const browser = await launchChromium()
    try {
      const page = await browser.context.newPage()
      const errors: string[] = []
      const requests: string[] = []
      const dialogs: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text())
      })
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('request', (req) => requests.push(req.url()))
      page.on('dialog', (d) => {
        dialogs.push(d.message())
        void d.dismiss()
      })
      await page.goto(`file://${out}`, { waitUntil: 'load' })

      // the summary table: one row per run, with the state's status, rows and error
      const table = await page.$$eval('table.summary tbody tr', (trs) => trs.map((tr) => Array.from(tr.cells, (c) => (c.textContent ?? '').trim())))
      expect(table).toHaveLength(runs.length)
      for (const run of runs) {
        const row = table.find((cells) => cells[1] === run.runId)
        expect(row, run.runId).toBeDefined()
        expect(row![0]).toBe(run.exportName)
        expect(row![2]).toBe(run.status)
        expect(row![5]).toBe(run.rows === null ? '–' : run.rows.toLocaleString('en-US'))
      }
      expect(table.find((c) => c[1] === chunky.runId)![10]).toBe('1')
      expect(table.find((c) => c[0] === 'missing')![14]).toContain('RIVET_SOURCE_NOT_FOUND')
      const drifted = runs.find((x) => x.exportName === 'drifty')!
      expect(table.find((c) => c[1] === drifted.runId)![12]).toBe('+1 column(s)')

      // charts per export: five each, the throughput chart of orders with one bar per run
      const charts = await page.$$eval('section.export', (sections) =>
        sections.map((s) => ({
          name: s.querySelector('h2')?.textContent ?? '',
          charts: s.querySelectorAll('.charts svg.chart').length,
          firstChartBars: s.querySelector('.charts svg.chart')?.querySelectorAll('rect.bar').length ?? 0,
        })),
      )
      expect(charts).toEqual([
        { name: 'Export orders', charts: 5, firstChartBars: 2 },
        { name: 'Export missing', charts: 2, firstChartBars: 1 },
        { name: 'Export drifty', charts: 5, firstChartBars: 2 },
        { name: 'Export chunky', charts: 5, firstChartBars: 1 },
      ])

      // a click on the chunked run opens its details: one dot per chunk, one marker per retry
      await page.click(`a[href="#run-${chunky.runId}"]`)
      const details = page.locator(`details[id="run-${chunky.runId}"]`)
      expect(await details.getAttribute('open')).not.toBeNull()
      expect(await details.locator('svg circle.point').count()).toBe(4)
      expect(await details.locator('svg line.marker').count()).toBe(1)

      // every run, failed ones included, kept its sampled counters; the page draws them over the
      // run when there are two samples or more (a run shorter than a second has only its end)
      for (const run of runs) expect(sampleTimes(run).length, run.runId).toBeGreaterThan(0)
      const sampled = runs.filter((run) => sampleTimes(run).length >= 2)
      expect(sampled.map((run) => run.exportName)).toContain('orders')
      for (const run of runs) {
        const figures = await page.$$eval(`details[id="run-${run.runId}"] .run-charts figure`, (els) =>
          els.map((f) => ({
            title: f.querySelector('figcaption')?.textContent ?? '',
            points: (f.querySelector('polyline')?.getAttribute('points') ?? '').split(' ').filter((p) => p !== '').length,
          })),
        )
        const times = sampleTimes(run)
        if (times.length < 2) {
          expect(figures, run.runId).toEqual([])
          continue
        }
        // one rate per step of positive length, one memory point per sample
        const steps = times.filter((t, i) => i > 0 && t > times[i - 1]!).length
        expect(figures.find((f) => f.title === 'Throughput during the run (rows/s)'), run.runId).toEqual({ title: 'Throughput during the run (rows/s)', points: steps })
        expect(figures.find((f) => f.title === 'Memory during the run (RSS)'), run.runId).toEqual({ title: 'Memory during the run (RSS)', points: times.length })
      }

      // the column named as markup is shown as text and did not run
      await page.click('button[data-fold="open"]')
      expect(await page.locator('body').innerText()).toContain(HOSTILE_COLUMN)
      expect(await page.evaluate(() => document.scripts.length)).toBe(1)
      expect(dialogs).toEqual([])

      // sorting by rows puts the largest run last
      await page.click('table.summary th:nth-child(6)')
      const sorted = await page.$$eval('table.summary tbody tr td:nth-child(6)', (tds) => tds.map((td) => Number(td.getAttribute('data-sort') ?? -1)))
      expect(sorted).toEqual([...sorted].sort((a, b) => a - b))

      mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true })
      await page.screenshot({ path: SCREENSHOT, fullPage: true })
      console.log(`report-html: screenshot at ${SCREENSHOT}`)
      expect(existsSync(SCREENSHOT)).toBe(true)

      expect(errors).toEqual([])
      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([])
    } finally {
      await browser.close()
    }
  }, 120_000)

  it('reads a state kept in PostgreSQL (RIVET_STATE_URL) the same way', async () => {
    const schema = 'rptx_state'
    const env = { RIVET_STATE_URL: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}` }
    try {
      const r = await runCli(['run', '-c', cfg, '-e', 'orders', '-q'], env)
      expect(r.code, ran(r)).toBe(0)
      const metrics = JSON.parse((await runCli(['metrics', '-c', cfg, '--json'], env)).stdout) as { runs: { runId: string }[] }
      expect(metrics.runs).toHaveLength(1)
      const page = await runCli(['report', '-c', cfg, '-o', '-'], env)
      expect(page.code, ran(page)).toBe(0)
      expect(page.stdout).toContain(`id="run-${metrics.runs[0]!.runId}"`)
      expect(page.stdout.match(/<tr class="completed">/g)).toHaveLength(1)
      expect(page.stdout).toContain(`schema=${schema}`)
    } finally {
      await withPg((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))
    }
  })

  it('writes a page that says so when no run is recorded, and exits 0', async () => {
    const empty = tempDir('rivet-report-empty-')
    try {
      const emptyCfg = writeConfig(empty, readFileSync(cfg, 'utf8'))
      const out = join(empty, 'report.html')
      const r = await runCli(['report', '-c', emptyCfg, '-o', out])
      expect(r.code, ran(r)).toBe(0)
      expect(r.stdout).toContain('no runs recorded for orders, missing, drifty, chunky')
      expect(readFileSync(out, 'utf8')).toContain('No runs recorded for orders, missing, drifty, chunky.')
      // reading never creates a state
      expect(existsSync(defaultStatePath(emptyCfg))).toBe(false)
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })
})
