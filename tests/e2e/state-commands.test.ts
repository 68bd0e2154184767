import { existsSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultStatePath, openStateStore, type StateStore } from '../../src/state/index.js'
import { collect, runCli, spawnCli, tempDir, writeConfig } from '../helpers/cli.js'

// The state commands read the config and the state file only: no database is contacted.
const CONFIG = `source:
  type: postgres
  url: postgresql://postgres@127.0.0.1:5432/test
exports:
  - name: orders
    table: public.orders
    format: parquet
    destination: { type: local, path: ./out }
  - name: customers
    table: public.customers
    format: parquet
    destination: { type: local, path: ./out/customers }
`

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** A temp folder removed after the file's tests. */
function testDir(): string {
  const dir = tempDir('rivet-state-cli-')
  dirs.push(dir)
  return dir
}

const run = (runId: string, day: number, overrides: { exportName?: string; pid?: number; hostname?: string } = {}) => ({
  runId, exportName: 'orders', startedAt: new Date(Date.UTC(2026, 10, day)), pid: 1, hostname: 'batch-host-elsewhere',
  rivetVersion: '0.1.0', configPath: '/etc/rivet.yaml', format: 'parquet', compression: 'zstd', mode: 'chunked', ...overrides,
})
const failed = { status: 'failed' as const, errorCode: 'RIVET_SOURCE_TIMEOUT', errorMessage: 'timeout', finishedAt: new Date(Date.UTC(2026, 10, 2)), durationMs: 1, peakRssBytes: 1, rows: 0, bytes: 0 }
const cursor = { value: '2026-11-03 00:00:00+00', type: 'timestamptz', boundaryKeys: [['41'], ['42']], boundaryComplete: true }

/** A config whose state holds: an old chunked run, a newer one with 1 completed, 1 failed, 1 pending chunk, and a cursor. */
function seededConfig(): { dir: string; config: string; open: () => StateStore } {
  const dir = testDir()
  const config = writeConfig(dir, CONFIG)
  const open = () => openStateStore(defaultStatePath(config))
  const state = open()
  state.beginRun(run('old-run', 1))
  state.createChunkTasks('old-run', 'orders', [{ index: 0, lo: null, hi: null }])
  state.failRun('old-run', failed)
  state.beginRun(run('new-run', 2))
  state.createChunkTasks('new-run', 'orders', [{ index: 0, lo: null, hi: '1000' }, { index: 1, lo: '1000', hi: '2000' }, { index: 2, lo: '2000', hi: null }])
  state.startChunk('new-run', 0)
  state.completeChunk('new-run', 0, { rows: 1000, bytes: 20_000, files: [] })
  state.startChunk('new-run', 1)
  state.failChunk('new-run', 1, { errorCode: 'RIVET_SOURCE_TIMEOUT', errorMessage: 'canceling statement due to statement timeout' })
  state.failRun('new-run', failed)
  state.beginRun({ ...run('incr', 3), mode: 'incremental' })
  state.completeRun('incr', { rows: 2, bytes: 2, filesCount: 0, durationMs: 1, peakRssBytes: 1, finishedAt: new Date(Date.UTC(2026, 10, 3)) }, { cursor })
  state.close()
  return { dir, config, open }
}

describe('rivet state chunks (spawned)', () => {
  it('lists the chunks of the latest chunked run with a summary line', async () => {
    const { config } = seededConfig()
    const r = await runCli(['state', 'chunks', '-c', config, '-e', 'orders'])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('export orders, run new-run')
    expect(lines[1]).toMatch(/^chunk\s+status\s+attempts\s+rows\s+bytes\s+bounds\s+error$/)
    expect(lines[3]).toMatch(/^0\s+completed\s+1\s+1,000\s+20\.0 KB\s+-∞ \.\. 1000$/)
    expect(lines[4]).toMatch(/^1\s+failed\s+1\s+-\s+-\s+1000 \.\. 2000\s+RIVET_SOURCE_TIMEOUT: canceling statement due to statement timeout$/)
    expect(lines[5]).toMatch(/^2\s+pending\s+0\s+-\s+-\s+2000 \.\. \+∞$/)
    expect(lines.at(-1)).toBe('3 chunks: 1 completed, 1 pending, 0 running, 1 failed')
  })

  it('shows a given run, as JSON', async () => {
    const { config } = seededConfig()
    const r = await runCli(['state', 'chunks', '-c', config, '-e', 'orders', '--run-id', 'old-run', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as { runId: string; counts: Record<string, number>; chunks: { index: number; status: string; lo: string | null }[] }
    expect(out.runId).toBe('old-run')
    expect(out.counts).toEqual({ completed: 0, pending: 1, running: 0, failed: 0 })
    expect(out.chunks.map((c) => [c.index, c.status, c.lo])).toEqual([[0, 'pending', null]])
  })

  it('says so when the export has no chunks, and creates no state file', async () => {
    const dir = testDir()
    const config = writeConfig(dir, CONFIG)
    const r = await runCli(['state', 'chunks', '-c', config, '-e', 'customers'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('no chunk checkpoints recorded for export customers\n')
    expect(readdirSync(dir)).toEqual(['rivet.yaml'])
  })

  it('rejects an export the config does not define, with a suggestion', async () => {
    const { config } = seededConfig()
    const r = await runCli(['state', 'chunks', '-c', config, '-e', 'order', '--json-errors'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    const { error } = JSON.parse(r.stderr) as { error: { code: string; message: string } }
    expect(error.code).toBe('RIVET_EXPORT_NOT_FOUND')
    expect(error.message).toBe("no export named 'order' — did you mean orders?")
  })
})

describe('rivet state reset (spawned)', () => {
  it('clears the cursor and every chunk checkpoint of the export, and says what it cleared', async () => {
    const { config, open } = seededConfig()
    const r = await runCli(['state', 'reset', '-c', config, '-e', 'orders'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('export orders: cleared the cursor (was 2026-11-03 00:00:00+00, timestamptz, set by run incr) and 4 chunk checkpoints\n')
    const state = open()
    expect(state.getCursor('orders')).toBeUndefined()
    expect(state.listChunkTasks()).toEqual([])
    expect(state.listRuns().map((run) => run.runId)).toEqual(['incr', 'new-run', 'old-run'])
    state.close()
    const again = await runCli(['state', 'reset', '-c', config, '-e', 'orders'])
    expect(again.stdout).toBe('export orders: nothing to clear\n')
  })

  it('clears only the chunks with --chunks-only, only the cursor with --cursor-only', async () => {
    const { config, open } = seededConfig()
    const chunks = await runCli(['state', 'reset', '-c', config, '-e', 'orders', '--chunks-only'])
    expect(chunks.stdout).toBe('export orders: cleared 4 chunk checkpoints\n')
    let state = open()
    expect(state.getCursor('orders')?.value).toBe(cursor.value)
    state.close()

    const { config: other, open: openOther } = seededConfig()
    const cursorOnly = await runCli(['state', 'reset', '-c', other, '-e', 'orders', '--cursor-only'])
    expect(cursorOnly.stdout).toBe('export orders: cleared the cursor (was 2026-11-03 00:00:00+00, timestamptz, set by run incr)\n')
    state = openOther()
    expect(state.getCursor('orders')).toBeUndefined()
    expect(state.listChunkTasks()).toHaveLength(4)
    state.close()
  })

  it('refuses --chunks-only together with --cursor-only', async () => {
    const { config, open } = seededConfig()
    const r = await runCli(['state', 'reset', '-c', config, '-e', 'orders', '--chunks-only', '--cursor-only'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^\[RIVET_USAGE\] .*mutually exclusive/)
    const state = open()
    expect(state.listChunkTasks()).toHaveLength(4)
    state.close()
  })

  it('rejects an unknown export with a suggestion and clears nothing', async () => {
    const { config, open } = seededConfig()
    const r = await runCli(['state', 'reset', '-c', config, '-e', 'ordres'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^\[RIVET_EXPORT_NOT_FOUND\] no export named 'ordres' — did you mean orders\?/)
    const state = open()
    expect(state.getCursor('orders')).toBeDefined()
    state.close()
  })

  it('refuses while a run of the export is in progress', async () => {
    const { config, open } = seededConfig()
    let state = open()
    // this test process is alive: its run is in progress as far as any reader can tell
    state.beginRun(run('live', 4, { pid: process.pid, hostname: os.hostname() }))
    state.close()
    const r = await runCli(['state', 'reset', '-c', config, '-e', 'orders'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^\[RIVET_STATE_LOCKED\] export orders has a run in progress \(run live, pid \d+ on /)
    state = open()
    expect(state.listChunkTasks()).toHaveLength(4)
    expect(state.getCursor('orders')).toBeDefined()
    state.close()
  })

  it('does not create a state file when there is none', async () => {
    const dir = testDir()
    const config = writeConfig(dir, CONFIG)
    const r = await runCli(['state', 'reset', '-c', config, '-e', 'orders'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('export orders: nothing to clear (no state file yet)\n')
    expect(existsSync(join(dir, '.rivet_state.db'))).toBe(false)
  })
})

describe('output to a slow pipe', () => {
  it('a report larger than the pipe buffer reaches a reader that drains it late, whole', async () => {
    const dir = testDir()
    const config = writeConfig(dir, CONFIG)
    const state = openStateStore(defaultStatePath(config))
    state.beginRun(run('many-chunks', 4))
    state.createChunkTasks('many-chunks', 'orders', Array.from({ length: 3000 }, (_, i) => ({ index: i, lo: String(i * 1000), hi: String(i * 1000 + 1000) })))
    state.close()
    const child = spawnCli(['state', 'chunks', '-c', config, '-e', 'orders', '--run-id', 'many-chunks', '--json'])
    // hold the pipe full while the command finishes, then read
    child.stdout!.pause()
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const result = collect(child)
    child.stdout!.resume()
    const { stdout } = await result
    expect(await exited).toBe(0)
    expect(stdout.length).toBeGreaterThan(65_536)
    const parsed = JSON.parse(stdout) as { chunks: unknown[] }
    expect(parsed.chunks).toHaveLength(3000)
  }, 60_000)
})
