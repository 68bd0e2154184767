import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunSummary } from '../../src/engine/run-summary.js'
import type { SummaryDocument } from '../../src/report/index.js'
import { defaultStatePath, openStateStore } from '../../src/state/index.js'
import { runCli as spawnRivet, tempDir, writeConfig } from '../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../helpers/db.js'

const TABLE = 'sumry_orders'
const ROWS = 2500
const available = await pgAvailable()

// the state of these tests is the SQLite file next to each config, whatever the environment says
const runCli = (args: readonly string[]) => spawnRivet(args, { env: { RIVET_STATE_URL: '' } })

const config = (dir: string) =>
  writeConfig(
    dir,
    `source:
  type: postgres
  url: ${PG_URL}
exports:
  - name: orders
    table: public.${TABLE}
    format: csv
    compression: none
    destination: { type: local, path: ./out }
  - name: missing
    table: public.sumry_no_such_table
    format: csv
    destination: { type: local, path: ./out-missing }
  - name: piped
    table: public.${TABLE}
    format: csv
    compression: none
    destination: { type: stdout }
`,
  )

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  if (available) await withPg((c) => c.query(`DROP TABLE IF EXISTS ${TABLE}`))
})

function testDir(): string {
  const dir = tempDir('rivet-summary-')
  dirs.push(dir)
  return dir
}

function readSummary(path: string): SummaryDocument {
  return JSON.parse(readFileSync(path, 'utf8')) as SummaryDocument
}

/** The published CSV files of `orders`: their count, bytes and data rows, read from disk. */
function publishedOrders(dir: string): { files: number; bytes: number; rows: number } {
  const names = readdirSync(join(dir, 'out')).filter((f) => f.startsWith('orders_') && f.endsWith('.csv'))
  let bytes = 0
  let rows = 0
  for (const name of names) {
    const path = join(dir, 'out', name)
    bytes += statSync(path).size
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '')
    rows += lines.filter((l) => l !== 'id,note').length
  }
  return { files: names.length, bytes, rows }
}

describe.skipIf(!available)('run summary: the card, --summary-output, rivet state summary (spawned CLI, PostgreSQL)', () => {
  let sourceRows = 0

  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query(`DROP TABLE IF EXISTS ${TABLE}`)
      await c.query(`CREATE TABLE ${TABLE} (id int PRIMARY KEY, note text)`)
      await c.query(`INSERT INTO ${TABLE} SELECT g, 'note ' || g FROM generate_series(1, ${ROWS}) g`)
      sourceRows = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${TABLE}`)).rows[0]!.n)
    })
  })

  it('ends a run with the card on stdout and writes the summary JSON whose figures match the source and the files on disk', async () => {
    const dir = testDir()
    const cfg = config(dir)
    const path = join(dir, 'summary.json')
    const r = await runCli(['run', '-c', cfg, '-e', 'orders', '--summary-output', path])
    expect(r.code, r.stderr).toBe(0)

    const doc = readSummary(path)
    expect(doc).toMatchObject({ summaryVersion: 1, config: cfg, exitCode: 0, error: null })
    expect(doc.exports).toHaveLength(1)
    const s = doc.exports[0]!
    const disk = publishedOrders(dir)
    expect(disk.rows).toBe(sourceRows)
    expect(s).toMatchObject({ exportName: 'orders', status: 'completed', mode: 'full', rows: sourceRows, files: disk.files, bytes: disk.bytes, retries: 0, error: null })
    expect(Date.parse(s.finishedAt)).toBeGreaterThanOrEqual(Date.parse(s.startedAt))
    // written through a temp file that is gone once renamed
    expect(readdirSync(dir).filter((f) => f.includes('summary'))).toEqual(['summary.json'])

    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(new RegExp(`^✓ orders: completed in \\S+ m?s · run ${s.runId} \\(full\\)$`))
    expect(lines[1]).toMatch(new RegExp(`^  2,500 rows → ${disk.files} files?, .+ · peak RSS `))
    // the file list stays under the card
    for (const name of readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.csv'))) expect(r.stdout).toContain(name)
    expect(r.stdout).toContain('1 of 1 export(s) completed')
  })

  it('keeps --json a single JSON document on stdout, each export carrying its summary', async () => {
    const dir = testDir()
    const r = await runCli(['run', '-c', config(dir), '-e', 'orders', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as { exports: { runId: string; rows: number; summary: RunSummary }[] }
    expect(report.exports[0]!.summary).toMatchObject({ runId: report.exports[0]!.runId, rows: sourceRows, status: 'completed' })
    expect(r.stdout).not.toContain('✓ orders')
  })

  it('prints the card on stderr when the data goes to stdout', async () => {
    const dir = testDir()
    const r = await runCli(['run', '-c', config(dir), '-e', 'piped', '-q'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.split('\n').filter((l) => l !== '' && l !== 'id,note')).toHaveLength(sourceRows)
    expect(r.stdout).not.toContain('✓')
    expect(r.stderr).toMatch(/^✓ piped: completed in /m)
  })

  it('writes the summary of a failed run (missing table) with its status and error code, and exits with the run’s code', async () => {
    const dir = testDir()
    const path = join(dir, 'summary.json')
    const r = await runCli(['run', '-c', config(dir), '-e', 'missing', '--summary-output', path])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('[RIVET_SOURCE_NOT_FOUND]')
    expect(r.stdout).toMatch(/^✗ missing: failed after /m)
    expect(r.stdout).toMatch(/^ {2}error: \[RIVET_SOURCE_NOT_FOUND\] /m)
    const doc = readSummary(path)
    expect(doc.exitCode).toBe(r.code)
    expect(doc.exports.map((s) => [s.exportName, s.status, s.files, s.error?.code])).toEqual([['missing', 'failed', 0, 'RIVET_SOURCE_NOT_FOUND']])
  })

  it('writes the error, and no exports, when the command stops before running any export', async () => {
    const dir = testDir()
    const path = join(dir, 'summary.json')
    const r = await runCli(['run', '-c', config(dir), '-e', 'ordres', '--summary-output', path])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('[RIVET_EXPORT_NOT_FOUND]')
    expect(readSummary(path)).toMatchObject({ summaryVersion: 1, exitCode: 1, error: { code: 'RIVET_EXPORT_NOT_FOUND' }, exports: [] })
  })

  it('refuses a --summary-output path that cannot be written, with RIVET_SUMMARY_WRITE, before running anything; and refuses -', async () => {
    const dir = testDir()
    const cfg = config(dir)
    writeFileSync(join(dir, 'a-file'), '')
    const r = await runCli(['run', '-c', cfg, '-e', 'orders', '--summary-output', join(dir, 'a-file', 'summary.json')])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('[RIVET_SUMMARY_WRITE]')
    expect(r.stderr).toContain('hint: ')
    expect(existsSync(join(dir, 'out'))).toBe(false)

    const dash = await runCli(['run', '-c', cfg, '-e', 'orders', '--summary-output', '-'])
    expect(dash.code).toBe(1)
    expect(dash.stderr).toContain('[RIVET_USAGE] --summary-output - is not allowed')
    expect(existsSync(join(dir, 'out'))).toBe(false)
  })

  it('rivet state summary prints the Markdown kept for the latest run, or the run asked for', async () => {
    const dir = testDir()
    const cfg = config(dir)
    const path = join(dir, 'summary.json')
    expect((await runCli(['run', '-c', cfg, '-e', 'orders', '--summary-output', path])).code).toBe(0)
    const first = readSummary(path).exports[0]!
    expect((await runCli(['run', '-c', cfg, '-e', 'missing', '--summary-output', path])).code).toBe(1)
    const failed = readSummary(path).exports[0]!

    const text = await runCli(['state', 'summary', '-c', cfg, '-e', 'orders'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout.split('\n')[0]).toBe('# ✓ orders: completed')
    expect(text.stdout).toContain(`Run \`${first.runId}\` (full)`)
    expect(text.stdout).toContain('| Rows | 2,500 |')
    expect(text.stdout).toContain(`| Files | ${first.files} |`)

    const json = await runCli(['state', 'summary', '-c', cfg, '-e', 'orders', '--json'])
    expect(JSON.parse(json.stdout)).toEqual({ runId: first.runId, markdown: text.stdout })

    const missing = await runCli(['state', 'summary', '-c', cfg, '-e', 'missing'])
    expect(missing.stdout.split('\n')[0]).toBe('# ✗ missing: failed')
    expect(missing.stdout).toContain(`Run \`${failed.runId}\``)
    expect(missing.stdout).toContain('## Error\n\n`RIVET_SOURCE_NOT_FOUND`')

    const byId = await runCli(['state', 'summary', '-c', cfg, '-e', 'orders', '--run-id', first.runId])
    expect(byId.stdout).toBe(text.stdout)
    const wrongExport = await runCli(['state', 'summary', '-c', cfg, '-e', 'orders', '--run-id', failed.runId])
    expect(wrongExport.code).toBe(1)
    expect(wrongExport.stderr).toContain(`run ${failed.runId} is not a run of export orders`)
  })

  it('rivet state summary says so when a run keeps no summary, or the export has no run', async () => {
    const dir = testDir()
    const cfg = config(dir)
    expect((await runCli(['run', '-c', cfg, '-e', 'orders'])).code).toBe(0)
    // a run recorded without a summary, as older versions did, becomes the latest run
    const state = openStateStore(defaultStatePath(cfg))
    try {
      state.beginRun({ runId: 'old-style-run', exportName: 'orders', startedAt: new Date(Date.now() + 60_000), pid: 1, hostname: 'elsewhere', rivetVersion: '0.0.1', configPath: cfg, format: 'csv', compression: 'none', mode: 'full' })
    } finally {
      state.close()
    }
    const none = await runCli(['state', 'summary', '-c', cfg, '-e', 'orders'])
    expect(none.code).toBe(0)
    expect(none.stdout).toBe('')
    expect(none.stderr).toContain('run old-style-run of export orders (running) keeps no summary')
    expect(JSON.parse((await runCli(['state', 'summary', '-c', cfg, '-e', 'orders', '--json'])).stdout)).toEqual({ runId: 'old-style-run', markdown: null })

    const never = await runCli(['state', 'summary', '-c', cfg, '-e', 'piped'])
    expect(never.code).toBe(0)
    expect(never.stderr).toContain('no runs recorded for export piped')
  })

  it('rivet apply writes the summary too, also when it refuses the plan', async () => {
    const dir = testDir()
    const cfg = config(dir)
    const planPath = join(dir, 'plan.json')
    const plan = await runCli(['plan', '-c', cfg, '-e', 'orders', '-o', planPath])
    expect(plan.code, plan.stderr).toBe(0)
    const original = readFileSync(planPath, 'utf8')

    const path = join(dir, 'summary.json')
    const applied = await runCli(['apply', planPath, '--summary-output', path])
    expect(applied.code, applied.stderr).toBe(0)
    expect(applied.stdout).toMatch(/^✓ orders: completed in /m)
    expect(readSummary(path)).toMatchObject({ exitCode: 0, error: null, exports: [{ exportName: 'orders', status: 'completed', rows: sourceRows }] })

    const tampered = original.replace(`"table": "public.${TABLE}"`, '"table": "public.sumry_other"')
    expect(tampered).not.toBe(original)
    writeFileSync(planPath, tampered)
    const refused = await runCli(['apply', planPath, '--summary-output', path])
    expect(refused.code).toBe(1)
    expect(readSummary(path)).toMatchObject({ config: null, exitCode: 1, error: { code: 'RIVET_PLAN_TAMPERED' }, exports: [] })
  })
})
