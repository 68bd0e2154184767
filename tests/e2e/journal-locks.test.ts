import { spawn } from 'node:child_process'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultStatePath, openStateStore } from '../../src/state/index.js'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../helpers/db.js'

const TABLE = 'jl_orders'
const ROWS = 3000
const available = await pgAvailable()

const config = (dir: string, extra = '') => writeConfig(dir, `source:
  type: postgres
  url: ${PG_URL}
exports:
  - name: orders
    table: public.${TABLE}
    format: csv
    destination: { type: local, path: ./out }
  - name: orders_chunked
    table: public.${TABLE}
    format: csv
    mode: chunked
    chunk_column: id
    chunk_count: 3
    chunk_checkpoint: true
    destination: { type: local, path: ./out-chunked }
${extra}`)

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  if (available) await withPg((c) => c.query(`DROP TABLE IF EXISTS ${TABLE}`))
})

function testDir(): string {
  const dir = tempDir('rivet-journal-')
  dirs.push(dir)
  return dir
}

interface JournalJson {
  run: { runId: string; status: string } | null
  events: { kind: string; message: string; data: Record<string, unknown> | null }[]
}

describe.skipIf(!available)('run journal, state show and export locks (spawned CLI, PostgreSQL)', () => {
  beforeAll(async () => {
    await withPg(async (c) => {
      await c.query(`DROP TABLE IF EXISTS ${TABLE}`)
      await c.query(`CREATE TABLE ${TABLE} (id int PRIMARY KEY, note text)`)
      await c.query(`INSERT INTO ${TABLE} SELECT g, 'n' || g FROM generate_series(1, ${ROWS}) g`)
    })
  })

  it('journals a run: plan, each published file, outcome — in order', async () => {
    const dir = testDir()
    const cfg = config(dir)
    const run = await runCli(['run', '-c', cfg, '-e', 'orders'])
    expect(run.code, run.stderr).toBe(0)
    const journal = await runCli(['journal', '-c', cfg, '-e', 'orders', '--json'])
    expect(journal.code, journal.stderr).toBe(0)
    const body = JSON.parse(journal.stdout) as JournalJson
    expect(body.run?.status).toBe('completed')
    expect(body.events.map((e) => e.kind)).toEqual(['plan', 'file', 'outcome'])
    const published = readdirSync(join(dir, 'out')).filter((f) => f.startsWith('orders_'))
    expect(body.events[1]!.data).toMatchObject({ file: published[0], rows: ROWS })
    expect(body.events[2]!.data).toMatchObject({ status: 'completed', rows: ROWS, retries: 0 })

    const text = await runCli(['journal', '-c', cfg, '-e', 'orders'])
    expect(text.stdout).toContain(`run ${body.run!.runId}: completed`)
    expect(text.stdout).toMatch(/\+\d+\.\d{3}s\s+plan\s+read by /)
    expect(text.stdout).toMatch(/outcome\s+completed: 3000 rows in 1 file\(s\)/)
    const retries = await runCli(['journal', '-c', cfg, '-e', 'orders', '--kind', 'retry'])
    expect(retries.stdout).toContain('no retry events in this run')
    const badKind = await runCli(['journal', '-c', cfg, '-e', 'orders', '--kind', 'retries'])
    expect(badKind.code).toBe(1)
    expect(badKind.stderr).toContain('RIVET_USAGE')
  })

  it('journals every chunk of a chunked run, and shows it in state show', async () => {
    const dir = testDir()
    const cfg = config(dir)
    const run = await runCli(['run', '-c', cfg, '-e', 'orders_chunked'])
    expect(run.code, run.stderr).toBe(0)
    const body = JSON.parse((await runCli(['journal', '-c', cfg, '-e', 'orders_chunked', '--json'])).stdout) as JournalJson
    const chunks = body.events.filter((e) => e.kind === 'chunk').map((e) => e.data?.chunk).sort()
    expect(chunks).toEqual([0, 1, 2])
    expect(body.events.filter((e) => e.kind === 'chunk').reduce((n, e) => n + Number(e.data?.rows), 0)).toBe(ROWS)
    expect(body.events[0]!.kind).toBe('plan')
    expect(body.events.at(-1)!.kind).toBe('outcome')

    const show = await runCli(['state', 'show', '-c', cfg, '-e', 'orders_chunked'])
    expect(show.code, show.stderr).toBe(0)
    expect(show.stdout).toContain(`state: ${defaultStatePath(cfg)}`)
    expect(show.stdout).toMatch(new RegExp(`last run:\\s+${body.run!.runId} completed at .*, 3,000 rows`))
    expect(show.stdout).toMatch(/published:\s+3 file\(s\)/)
    expect(show.stdout).not.toContain('lock:')
  })

  it('refuses a second run of an export whose lock a live process holds, and takes a dead holder\'s lock over', async () => {
    const dir = testDir()
    const cfg = config(dir)
    const holder = spawn('sleep', ['60'], { stdio: 'ignore' })
    try {
      const state = openStateStore(defaultStatePath(cfg))
      state.acquireExportLock('orders', { runId: 'other-run', pid: holder.pid!, hostname: os.hostname() })
      state.close()

      const refused = await runCli(['run', '-c', cfg, '-e', 'orders'])
      expect(refused.code).toBe(2)
      expect(refused.stderr).toContain('RIVET_EXPORT_LOCKED')
      expect(refused.stderr).toContain(`run other-run (pid ${holder.pid} on ${os.hostname()}`)
      expect(existsSync(join(dir, 'out'))).toBe(false)
      const show = await runCli(['state', 'show', '-c', cfg, '-e', 'orders', '--json'])
      const view = (JSON.parse(show.stdout) as { exports: { lock: { runId: string; stale: boolean } | null; lastRun: unknown }[] }).exports[0]!
      expect(view.lock).toMatchObject({ runId: 'other-run', stale: false })
      expect(view.lastRun).toBeNull()
    } finally {
      holder.kill('SIGKILL')
      await new Promise((resolve) => holder.once('exit', resolve))
    }
    // the holder is gone: its lock is taken over, and released when the run ends
    const run = await runCli(['run', '-c', cfg, '-e', 'orders'])
    expect(run.code, run.stderr).toBe(0)
    const state = openStateStore(defaultStatePath(cfg))
    try {
      expect(state.getExportLock('orders')).toBeUndefined()
      expect(state.listRuns({ exportName: 'orders' }).map((r) => r.status)).toEqual(['completed'])
    } finally {
      state.close()
    }
  })

  it('state reset-chunks clears the checkpoints of an interrupted chunked run and keeps the cursor', async () => {
    const dir = testDir()
    const cfg = config(dir)
    const crashed = await runCli(['run', '-c', cfg, '-e', 'orders_chunked'], { env: { RIVET_TEST_PANIC_AT: 'after_chunk_complete:0' } })
    expect(crashed.signal).toBe('SIGKILL')
    const before = await runCli(['state', 'show', '-c', cfg, '-e', 'orders_chunked'])
    expect(before.stdout).toMatch(/resumable:\s+run \S+, 1 of 3 chunks completed/)
    const reset = await runCli(['state', 'reset-chunks', '-c', cfg, '-e', 'orders_chunked'])
    expect(reset.code, reset.stderr).toBe(0)
    expect(reset.stdout).toBe('export orders_chunked: cleared 3 chunk checkpoints\n')
    const after = await runCli(['state', 'show', '-c', cfg, '-e', 'orders_chunked'])
    expect(after.stdout).not.toContain('resumable:')
    const resume = await runCli(['run', '-c', cfg, '-e', 'orders_chunked', '--resume'])
    expect(resume.code).toBe(1)
    expect(resume.stderr).toContain('RIVET_RESUME_NOTHING')
  })
})
