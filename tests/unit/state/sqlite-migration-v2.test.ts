import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { MIGRATIONS, openStateStore } from '../../../src/state/index.js'
import { makeTempDir } from './helpers.js'

const dir = makeTempDir('state-v2')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** A state file as a rivet with schema version 1 left it: one completed run with one file. */
function writeVersion1File(file: string): void {
  const db = new Database(file)
  db.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)')
  db.exec(MIGRATIONS[0]!.up)
  db.prepare("INSERT INTO schema_version VALUES (1, 'runs and files', '2026-01-01T00:00:00.000Z')").run()
  db.prepare(`INSERT INTO runs (run_id, export_name, status, started_at, finished_at, rows, bytes, files_count, pid, hostname,
    rivet_version, config_path, format, compression, mode) VALUES ('old-run', 'orders', 'completed', '2026-01-01T10:00:00.000Z',
    '2026-01-01T10:01:00.000Z', 42, 4200, 1, 1234, 'db-host', '0.0.9', '/etc/rivet.yaml', 'parquet', 'zstd', 'full')`).run()
  db.prepare(`INSERT INTO files (run_id, export_name, path, file_name, part_index, rows, bytes, xxh3, format, compression, created_at, committed)
    VALUES ('old-run', 'orders', '/data/orders.parquet', 'orders.parquet', NULL, 42, 4200, 'fedcba9876543210', 'parquet', 'zstd',
    '2026-01-01T10:00:59.000Z', 1)`).run()
  db.close()
}

function tableColumns(file: string, table: string): string[] {
  const db = new Database(file, { readonly: true })
  const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name)
  db.close()
  return columns
}

describe('migration 2 (cursors and chunk checkpoints)', () => {
  it('upgrades a version 1 file, keeping its runs and files with the new columns null', () => {
    const file = path.join(dir, 'v1.db')
    writeVersion1File(file)
    const store = openStateStore(file)
    expect(store.getRun('old-run')).toMatchObject({ status: 'completed', rows: 42, bytes: 4200, rivetVersion: '0.0.9', planHash: null })
    expect(store.listFiles()).toMatchObject([{ runId: 'old-run', path: '/data/orders.parquet', xxh3: 'fedcba9876543210', committed: true, chunkIndex: null }])
    expect(store.getCursor('orders')).toBeUndefined()
    expect(store.listChunkTasks()).toEqual([])
    store.close()

    const raw = new Database(file, { readonly: true })
    const versions = raw.prepare('SELECT version, description FROM schema_version ORDER BY version').all()
    raw.close()
    // later migrations follow; this test is about the first two
    expect(versions.slice(0, 2)).toEqual([
      { version: 1, description: 'runs and files' },
      { version: 2, description: 'incremental cursors and chunk checkpoints' },
    ])
    expect(tableColumns(file, 'runs')).toContain('plan_hash')
    expect(tableColumns(file, 'files')).toContain('chunk_index')
    expect(tableColumns(file, 'cursors')).toEqual(['export_name', 'cursor_value', 'cursor_type', 'boundary_keys_json', 'boundary_complete', 'run_id', 'updated_at'])
    expect(tableColumns(file, 'chunk_tasks')).toEqual([
      'run_id', 'export_name', 'chunk_index', 'lo', 'hi', 'status', 'attempts', 'rows', 'bytes',
      'error_code', 'error_message', 'started_at', 'finished_at',
    ])
  })

  it('lets an upgraded file record plan hashes and chunks for its old runs', () => {
    const file = path.join(dir, 'v1-use.db')
    writeVersion1File(file)
    const store = openStateStore(file)
    store.setRunPlanHash('old-run', 'abc123')
    store.createChunkTasks('old-run', 'orders', [{ index: 0, lo: null, hi: '100' }])
    expect(store.getRun('old-run')?.planHash).toBe('abc123')
    expect(store.listChunkTasks().map((c) => [c.runId, c.index, c.status])).toEqual([['old-run', 0, 'pending']])
    store.close()
  })

  it('rejects a chunk status outside the four known ones', () => {
    const file = path.join(dir, 'check.db')
    writeVersion1File(file)
    openStateStore(file).close()
    const db = new Database(file)
    const insert = () => db.prepare("INSERT INTO chunk_tasks (run_id, export_name, chunk_index, status) VALUES ('old-run', 'orders', 0, 'done')").run()
    expect(insert).toThrow(/CHECK constraint failed/)
    db.close()
  })
})
