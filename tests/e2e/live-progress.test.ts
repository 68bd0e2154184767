import { appendFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultStatePath, openStateStore } from '../../src/state/index.js'
import type { RunRecord, StateStore } from '../../src/state/index.js'
import { RIVET_BIN, collect, runCli, spawnCli, tempDir, writeConfig } from '../helpers/cli.js'
import { createLimitedMysqlUser, createLimitedPgRole, csvIds, mysqlConnectionsOf, peakWhile, pgConnectionsOf, urlAs } from '../helpers/connection-budget.js'
import { MYSQL_URL, PG_URL, mysqlAvailable, pgAvailable, withMysql, withPg } from '../helpers/db.js'
import { TmuxSession, shellQuote, tmuxAvailable } from '../helpers/tmux.js'

const hasPg = await pgAvailable()
const hasMysql = await mysqlAvailable()
const hasTmux = tmuxAvailable()
const dirs: string[] = []
/** The account the process-per-export runs use: it may hold this many connections, no more. */
const USER = 'rivet_lp_user'
const LIMIT = 3

/** Rows per table: small, but read slowly (small statements with a pause between them) so the run lasts a few seconds. */
const ROWS = { lp_chunked: 36_000, lp_paged: 30_000 } as const

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  if (hasPg) {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS lp_chunked, lp_paged')
      await c.query(`DROP ROLE IF EXISTS ${USER}`)
    })
  }
  if (hasMysql) {
    await withMysql(async (c) => {
      await c.query('DROP TABLE IF EXISTS lp_chunked, lp_paged')
      await c.query(`DROP USER IF EXISTS '${USER}'@'%'`)
    })
  }
})

/**
 * Two exports: a chunked one (6 chunks, 2 readers) and a full one. 1,500 rows per
 * statement and 120 ms between statements make each last a few seconds.
 */
function config(dir: string, type: 'postgres' | 'mysql', url: string, extra = ''): string {
  const exp = (name: string, body: string) => `  - name: ${name}\n${body}    format: csv\n    compression: none\n    destination: { type: local, path: ./out/${name} }\n`
  return writeConfig(
    dir,
    `source:\n  type: ${type}\n  url: ${url}\n  tuning: { batch_size: 1500, throttle_ms: 120 }\nexports:\n` +
      exp('lp_chunked', '    table: lp_chunked\n    mode: chunked\n    chunk_column: id\n    chunk_count: 6\n    parallel: 2\n') +
      // PostgreSQL reads a query by cursor fetches, MariaDB a table by key pages: statements of batch_size rows either way
      exp('lp_paged', type === 'postgres' ? '    query: SELECT id, label FROM lp_paged\n' : '    table: lp_paged\n') +
      extra,
  )
}

function expectOutputsEqualSource(dir: string): void {
  for (const [table, rows] of Object.entries(ROWS)) {
    const ids = csvIds(join(dir, 'out', table))
    expect(ids.length, table).toBe(rows)
    expect(ids.every((id, i) => id === i + 1), `${table}: every id exactly once`).toBe(true)
  }
}

/** The figures of one export's card on a screen: its rows, or null when the screen shows no card for it. */
function cardRows(screen: string, name: string): number | null {
  const lines = screen.split('\n')
  const at = lines.findIndex((l) => l.startsWith(`▸ ${name} `))
  if (at < 0) return null
  const m = /^\s+([\d,]+) rows\s+[\d,]+ rows\/s/.exec(lines[at + 1] ?? '')
  return m === null ? null : Number(m[1]!.replace(/,/g, ''))
}

/** Read the state of a config's folder. */
function withState<T>(cfg: string, fn: (state: StateStore) => T): T {
  const state = openStateStore(defaultStatePath(cfg))
  try {
    return fn(state)
  } finally {
    state.close()
  }
}

/** The latest run of each table's export, in ROWS order. */
function latestRuns(cfg: string): RunRecord[] {
  return withState(cfg, (state) => Object.keys(ROWS).map((name) => state.listRuns({ exportName: name, limit: 1 })[0]!))
}

/** Both exports completed, each in a process of its own (neither in this one's, nor in the other's). */
function expectCompletedInProcessesOfTheirOwn(cfg: string): RunRecord[] {
  const runs = latestRuns(cfg)
  expect(runs.map((run) => run.status)).toEqual(['completed', 'completed'])
  expect(new Set([...runs.map((run) => run.pid), process.pid]).size).toBe(3)
  return runs
}

interface Event {
  event: string
  export?: string
  rows?: number
  status?: string
  [key: string]: unknown
}

function parseEvents(stderr: string): Event[] {
  return stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Event)
}

describe.skipIf(!hasPg)('live progress on PostgreSQL (spawned CLI)', () => {
  beforeAll(() => createLimitedPgRole(USER, LIMIT, ROWS), 60_000)

  it.skipIf(!hasTmux)('on a terminal, draws one card per running export and redraws it in place, then leaves a compact summary', async () => {
    const dir = tempDir('rivet-lp-tty-')
    dirs.push(dir)
    const cfg = config(dir, 'postgres', PG_URL)
    const session = new TmuxSession(`${shellQuote(RIVET_BIN)} run -c ${shellQuote(cfg)} --parallel-exports`, { cwd: dir, width: 120, height: 40, env: { NO_COLOR: '1' } })
    const screens: string[] = []
    try {
      const deadline = Date.now() + 90_000
      while (Date.now() < deadline) {
        const screen = session.screen()
        screens.push(screen)
        if (/^EXIT=\d+/m.test(screen)) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      const last = screens[screens.length - 1]!
      expect(last, last).toMatch(/^EXIT=0$/m)
      const withCards = screens.filter((s) => cardRows(s, 'lp_chunked') !== null || cardRows(s, 'lp_paged') !== null)
      expect(withCards.length, 'screens showing a card').toBeGreaterThan(3)
      // a full card: rows and rate, then chunks (chunked only), ETA, the statement, memory
      const both = withCards.find((s) => /^▸ lp_chunked {2}chunked · reading/m.test(s) && /^▸ lp_paged {2}full · reading/m.test(s) && /rows\/statement/.test(s))
      expect(both, 'a screen with both exports running at once').toBeDefined()
      expect(both).toMatch(/▸ lp_chunked {2}chunked · reading · \d+:\d\d/)
      expect(both).toMatch(/chunks \d+\/6 {2}ETA /)
      expect(both).toMatch(/▸ lp_paged {2}full · reading/)
      expect(both).toMatch(/(statement|last statement) [\d.]+ m?s/)
      expect(both).toMatch(/[\d,]+ rows\/statement/)
      expect(both).toMatch(/RSS [\d.]+ MB/)
      for (const s of withCards) {
        // redrawn in place: never two copies of a card on one screen
        expect(s.split('\n').filter((l) => l.startsWith('▸ lp_chunked ')).length).toBeLessThanOrEqual(1)
        expect(s.split('\n').filter((l) => l.startsWith('rivet · 2 export(s)')).length).toBe(1)
      }
      // the same card showed growing figures: it was redrawn, not printed once
      const seen = withCards.map((s) => cardRows(s, 'lp_paged')).filter((n): n is number => n !== null)
      expect(new Set(seen).size, 'distinct row counts shown on the lp_paged card').toBeGreaterThan(2)
      expect(seen.every((n, i) => i === 0 || n >= seen[i - 1]!), 'rows never go back').toBe(true)
      // nothing of the frames is left in the scrollback: only the compact summary and the report
      const history = session.history()
      expect(history).not.toMatch(/^▸ /m)
      expect(history).not.toMatch(/^rivet · 2 export\(s\)/m)
      expect(history).toMatch(/^✓ lp_chunked {2}36,000 rows, 6 file\(s\)/m)
      expect(history).toMatch(/^✓ lp_paged {2}30,000 rows, 1 file\(s\)/m)
      expect(history).toMatch(/2 of 2 export\(s\) completed/)
    } finally {
      session.kill()
    }
    expectOutputsEqualSource(dir)
  }, 120_000)

  it('off a terminal, prints a progress line per running export every interval, without escape codes', async () => {
    const dir = tempDir('rivet-lp-lines-')
    dirs.push(dir)
    const r = await runCli(['run', '-c', config(dir, 'postgres', PG_URL), '--progress-interval', '0.2'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).not.toContain('\u001b[')
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('export lp_paged: reading, '))
    expect(lines.length, r.stderr).toBeGreaterThan(2)
    const rows = lines.map((l) => Number(/reading, ([\d,]+) rows, [\d,]+ rows\/s/.exec(l)![1]!.replace(/,/g, '')))
    expect(rows.every((n, i) => i === 0 || n >= rows[i - 1]!)).toBe(true)
    expect(rows[rows.length - 1]).toBeGreaterThan(rows[0]!)
    expect(r.stderr).toMatch(/^export lp_chunked: reading, [\d,]+ rows, .*chunks \d\/6/m)
    expectOutputsEqualSource(dir)
  }, 60_000)

  it('--json: stderr is NDJSON events (start, progress, messages, finish), stdout still the report', async () => {
    const dir = tempDir('rivet-lp-json-')
    dirs.push(dir)
    const r = await runCli(['run', '-c', config(dir, 'postgres', PG_URL), '--json', '--progress-interval', '0.3', '--parallel-exports'])
    expect(r.code, r.stderr).toBe(0)
    const events = parseEvents(r.stderr)
    expect(events[0]!.event).toBe('run_started')
    expect(events[0]!.exports).toEqual(['lp_chunked', 'lp_paged'])
    expect(events[events.length - 1]).toMatchObject({ event: 'run_finished', exitCode: 0, completed: 2, failed: 0 })
    for (const name of Object.keys(ROWS)) {
      const started = events.findIndex((e) => e.event === 'export_started' && e.export === name)
      const finished = events.findIndex((e) => e.event === 'export_finished' && e.export === name)
      expect(started).toBeGreaterThan(0)
      expect(finished).toBeGreaterThan(started)
      expect(events[finished]).toMatchObject({ status: 'completed', rows: ROWS[name as keyof typeof ROWS], error: null })
      const progress = events.filter((e) => e.event === 'progress' && e.export === name)
      expect(progress.length, `progress events of ${name}`).toBeGreaterThan(1)
      for (const key of ['runId', 'rows', 'rowsPerSec', 'bytesRead', 'statementMs', 'etaMs', 'rssBytes', 'elapsedMs']) expect(progress[0]).toHaveProperty(key)
    }
    const chunked = events.filter((e) => e.event === 'progress' && e.export === 'lp_chunked')
    expect(chunked.every((e) => e.chunksTotal === 6)).toBe(true)
    expect(events.some((e) => e.event === 'log' && String(e.message).includes('6 chunk(s) on id'))).toBe(true)
    const report = JSON.parse(r.stdout) as { exitCode: number; exports: { name: string; rows: number }[] }
    expect(report.exports.map((e) => [e.name, e.rows])).toEqual([['lp_chunked', 36_000], ['lp_paged', 30_000]])

    // --quiet keeps only the events that start and end things
    const quiet = await runCli(['run', '-c', config(dir, 'postgres', PG_URL), '--json', '--quiet', '--progress-interval', '0.3'])
    expect(quiet.code, quiet.stderr).toBe(0)
    expect(new Set(parseEvents(quiet.stderr).map((e) => e.event))).toEqual(new Set(['run_started', 'export_started', 'export_finished', 'run_finished']))
    // and without --json, --quiet prints nothing at all on stderr
    const silent = await runCli(['run', '-c', config(dir, 'postgres', PG_URL), '--quiet', '--progress-interval', '0.3'])
    expect(silent.code).toBe(0)
    expect(silent.stderr).toBe('')
  }, 90_000)

  it('--parallel-export-processes: one process per export within the connection budget, progress followed, outputs equal the source', async () => {
    const dir = tempDir('rivet-lp-proc-')
    dirs.push(dir)
    const cfg = config(dir, 'postgres', urlAs(PG_URL, USER))
    const { result: r, peak } = await peakWhile(runCli(['run', '-c', cfg, '--parallel-export-processes', '--progress-interval', '0.3']), pgConnectionsOf(USER))
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/running 2 exports at once, one process each: up to 3 reader\(s\)/)
    expect(peak, 'connections held by the account at the busiest moment').toBeGreaterThan(1)
    expect(peak).toBeLessThanOrEqual(LIMIT)
    // the children's figures reached the parent's progress lines
    expect(r.stderr).toMatch(/^export lp_paged: reading, [\d,]+ rows/m)
    expect(r.stderr).toMatch(/^export lp_chunked: reading, .*chunks \d\/6/m)
    expect(r.stdout).toMatch(/2 of 2 export\(s\) completed/)
    expectOutputsEqualSource(dir)
    expectCompletedInProcessesOfTheirOwn(cfg)
  }, 90_000)

  it('rivet apply --parallel-export-processes: each planned export in a process of its own, exactly as planned', async () => {
    const dir = tempDir('rivet-lp-apply-')
    dirs.push(dir)
    const cfg = config(dir, 'postgres', urlAs(PG_URL, USER))
    const planPath = join(dir, 'plan.json')
    const plan = await runCli(['plan', '-c', cfg, '-o', planPath])
    expect(plan.code, plan.stderr).toBe(0)
    const r = await runCli(['apply', planPath, '--parallel-export-processes', '--progress-interval', '0.3'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/running 2 exports at once, one process each/)
    expect(r.stderr).toMatch(/^export lp_paged: reading, [\d,]+ rows/m)
    expect(r.stdout).toMatch(/2 of 2 export\(s\) completed/)
    expectOutputsEqualSource(dir)
    const [chunked] = expectCompletedInProcessesOfTheirOwn(cfg)
    // the chunked export read the plan's 6 chunks, as planned
    withState(cfg, (state) => expect(state.listEvents({ runId: chunked!.runId, kind: 'plan' })[0]!.data).toMatchObject({ strategy: 'chunked', chunks: 6 }))
    // a plan has no export of that name: refused before anything runs
    const wrong = await runCli(['apply', planPath, '--only-export', 'lp_nope'])
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain('the plan has no export lp_nope')
  }, 90_000)

  it('--parallel-export-processes: a failing export fails alone, with its own error; the others complete', async () => {
    const dir = tempDir('rivet-lp-fail-')
    dirs.push(dir)
    const cfg = config(dir, 'postgres', PG_URL, '  - name: lp_missing\n    table: lp_no_such_table\n    format: csv\n    destination: { type: local, path: ./out/lp_missing }\n')
    const r = await runCli(['run', '-c', cfg, '--parallel-export-processes', '--json'])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as { exitCode: number; exports: { name: string; status: string; rows: number; error: { code: string } | null }[] }
    expect(report.exitCode).toBe(1)
    const byName = Object.fromEntries(report.exports.map((e) => [e.name, e]))
    expect(byName.lp_missing).toMatchObject({ status: 'failed', error: { code: 'RIVET_SOURCE_NOT_FOUND' } })
    expect(byName.lp_chunked).toMatchObject({ status: 'completed', rows: 36_000 })
    expect(byName.lp_paged).toMatchObject({ status: 'completed', rows: 30_000 })
    const events = parseEvents(r.stderr)
    expect(events.find((e) => e.event === 'export_finished' && e.export === 'lp_missing')).toMatchObject({ status: 'failed', error: { code: 'RIVET_SOURCE_NOT_FOUND' } })
    expectOutputsEqualSource(dir)
  }, 90_000)
  it('a dozen exports at once, in threads or in processes, run without a listener warning', async () => {
    const dir = tempDir('rivet-lp-many-')
    dirs.push(dir)
    const many = Array.from({ length: 12 }, (_, i) => `  - name: many_${i}\n    query: SELECT id, label FROM lp_paged WHERE id <= ${1000 + i}\n    format: csv\n    destination: { type: local, path: ./out/many_${i} }\n`)
    const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n${many.join('')}`)
    for (const flag of ['--parallel-exports', '--parallel-export-processes']) {
      const r = await runCli(['run', '-c', cfg, flag])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('12 of 12 export(s) completed')
      expect(r.stderr, flag).not.toMatch(/MaxListenersExceededWarning|memory leak/)
    }
  }, 90_000)

  it('--parallel-export-processes: an export whose process is killed fails alone, the others complete, and it resumes', async () => {
    const dir = tempDir('rivet-lp-crash-')
    dirs.push(dir)
    const checkpointed = '  - name: lp_ckpt\n    table: lp_chunked\n    mode: chunked\n    chunk_column: id\n    chunk_count: 4\n    chunk_checkpoint: true\n    format: csv\n    compression: none\n    destination: { type: local, path: ./out/lp_ckpt }\n'
    const cfg = config(dir, 'postgres', PG_URL, checkpointed)
    // only a checkpointed export passes this point: its process is SIGKILLed after its second chunk
    const r = await runCli(['run', '-c', cfg, '--parallel-export-processes', '--json'], { env: { RIVET_TEST_PANIC_AT: 'after_chunk_complete:1' } })
    expect(r.code, r.stderr).toBe(2)
    const report = JSON.parse(r.stdout) as { exports: { name: string; status: string; rows: number; error: { code: string; message: string } | null }[] }
    const byName = Object.fromEntries(report.exports.map((e) => [e.name, e]))
    expect(byName.lp_ckpt).toMatchObject({ status: 'failed', error: { code: 'RIVET_WORKER_CRASHED' } })
    expect(byName.lp_ckpt!.error!.message).toMatch(/ended on SIGKILL without a report/)
    expect(byName.lp_chunked).toMatchObject({ status: 'completed', rows: 36_000 })
    expect(byName.lp_paged).toMatchObject({ status: 'completed', rows: 30_000 })
    expectOutputsEqualSource(dir)
    // the killed export's completed chunks are kept: --resume reads only the rest
    const resumed = await runCli(['run', '-c', cfg, '-e', 'lp_ckpt', '--resume', '--json'])
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(csvIds(join(dir, 'out', 'lp_ckpt'))).toEqual(Array.from({ length: 36_000 }, (_, i) => i + 1))
  }, 90_000)

  it('--parallel-export-processes: children whose parent was killed stop cleanly (runs interrupted, locks free, no file left)', async () => {
    const dir = tempDir('rivet-lp-orphan-')
    dirs.push(dir)
    const cfg = config(dir, 'postgres', PG_URL)
    const parent = spawnCli(['run', '-c', cfg, '--parallel-export-processes', '--progress-interval', '0.2'])
    const ended = collect(parent)
    // killed once both children are reading
    let seen = ''
    await new Promise<void>((resolve) => {
      parent.stderr!.on('data', (d) => {
        seen += String(d)
        if (/^export lp_chunked: reading/m.test(seen) && /^export lp_paged: reading/m.test(seen)) resolve()
      })
    })
    parent.kill('SIGKILL')
    await ended
    const deadline = Date.now() + 20_000
    let runs: { status: string }[] = []
    while (Date.now() < deadline) {
      runs = latestRuns(cfg)
      if (runs.every((r) => r.status !== 'running')) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'interrupted'])
    for (const name of Object.keys(ROWS)) {
      const files = readdirSync(join(dir, 'out', name))
      expect(files.filter((f) => f.endsWith('.csv')), name).toEqual([])
    }
    const show = await runCli(['state', 'show', '-c', cfg])
    // no lock line: nothing holds either export
    expect(show.stdout).toMatch(/export lp_chunked\n\s+last run:\s+\S+ interrupted/)
    expect(show.stdout).not.toMatch(/lock:/)
  }, 60_000)
})

describe.skipIf(!hasMysql)('live progress on MariaDB (spawned CLI)', () => {
  beforeAll(() => createLimitedMysqlUser(USER, LIMIT, ROWS), 60_000)

  it('parallel_export_processes: true with --json: events from both children, within MAX_USER_CONNECTIONS, outputs equal the source', async () => {
    const dir = tempDir('rivet-lp-my-')
    dirs.push(dir)
    const cfg = config(dir, 'mysql', urlAs(MYSQL_URL, USER))
    // asked for by the config this time, not by the flag
    appendFileSync(cfg, 'parallel_export_processes: true\n')
    const { result: r, peak } = await peakWhile(runCli(['run', '-c', cfg, '--json', '--progress-interval', '0.3']), mysqlConnectionsOf(USER))
    expect(r.code, r.stderr).toBe(0)
    expect(peak).toBeGreaterThan(1)
    expect(peak).toBeLessThanOrEqual(LIMIT)
    const events = parseEvents(r.stderr)
    for (const name of Object.keys(ROWS)) {
      expect(events.filter((e) => e.event === 'progress' && e.export === name).length, `progress events of ${name}`).toBeGreaterThan(1)
      expect(events.find((e) => e.event === 'export_finished' && e.export === name)).toMatchObject({ status: 'completed', rows: ROWS[name as keyof typeof ROWS] })
    }
    expect(events[events.length - 1]).toMatchObject({ event: 'run_finished', exitCode: 0, completed: 2 })
    expect(events.some((e) => e.event === 'log' && String(e.message).startsWith('running 2 exports at once, one process each'))).toBe(true)
    expectOutputsEqualSource(dir)
  }, 90_000)
})
