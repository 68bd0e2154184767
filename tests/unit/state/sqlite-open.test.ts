import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { isRivetError } from '../../../src/errors/index.js'
import { LATEST_SCHEMA_VERSION, MIGRATIONS, defaultStatePath, openStateStore } from '../../../src/state/index.js'
import { makeTempDir, runInput } from './helpers.js'

const dir = makeTempDir('state-open')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an error')
}

describe('openStateStore', () => {
  it('applies migrations once and keeps data when opened again', () => {
    const file = path.join(dir, 'twice.db')
    const first = openStateStore(file)
    first.beginRun(runInput())
    first.close()
    const second = openStateStore(file)
    expect(second.getRun('run-1')?.status).toBe('running')
    second.close()
    const raw = new Database(file, { readonly: true })
    const versions = raw.prepare('SELECT version FROM schema_version ORDER BY version').all()
    raw.close()
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version })))
  })

  it('uses WAL, NORMAL sync, foreign keys and a 5 s busy timeout', () => {
    const file = path.join(dir, 'pragmas.db')
    const store = openStateStore(file)
    // Pragmas other than journal_mode are per connection: read them from the store's own.
    const db = (store as unknown as { db: Database.Database }).db
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(db.pragma('synchronous', { simple: true })).toBe(1)
    store.beginRun(runInput())
    store.completeRun('run-1', { rows: 0, bytes: 0, filesCount: 0, durationMs: 1, peakRssBytes: 1, finishedAt: new Date() })
    // completeRun raises synchronous to FULL (2) only for its own transaction.
    expect(db.pragma('synchronous', { simple: true })).toBe(1)
    store.close()
  })

  it('creates the state file and its WAL companions with mode 0600', () => {
    const file = path.join(dir, 'mode.db')
    const store = openStateStore(file)
    store.beginRun(runInput())
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      expect(fs.statSync(f).mode & 0o777, f).toBe(0o600)
    }
    store.close()
  })

  it('tightens the mode of a pre-existing state file', () => {
    const file = path.join(dir, 'loose.db')
    openStateStore(file).close()
    fs.chmodSync(file, 0o644)
    openStateStore(file).close()
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
  })

  it('refuses a state file written by a newer schema', () => {
    const file = path.join(dir, 'newer.db')
    openStateStore(file).close()
    const raw = new Database(file)
    raw.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, 'future', 'x')").run(LATEST_SCHEMA_VERSION + 1)
    raw.close()
    const err = catchError(() => openStateStore(file))
    expect(isRivetError(err) && err.code).toBe('RIVET_STATE_VERSION')
    expect(isRivetError(err) && err.details.path).toBe(file)
  })

  it('reports a file that is not a database as RIVET_STATE_ERROR with its path', () => {
    const file = path.join(dir, 'garbage.db')
    fs.writeFileSync(file, 'this is not a sqlite database, just some text that is long enough'.repeat(20))
    const err = catchError(() => openStateStore(file))
    expect(isRivetError(err) && err.code).toBe('RIVET_STATE_ERROR')
    expect(isRivetError(err) && err.details.path).toBe(file)
  })

  it('reports a missing directory as RIVET_STATE_ERROR', () => {
    const file = path.join(dir, 'missing-dir', 'state.db')
    const err = catchError(() => openStateStore(file))
    expect(isRivetError(err) && err.code).toBe('RIVET_STATE_ERROR')
  })

  it('reports a write lock held by another connection as RIVET_STATE_LOCKED', () => {
    const file = path.join(dir, 'locked.db')
    const store = openStateStore(file)
    const other = new Database(file)
    other.pragma('busy_timeout = 0')
    other.exec('BEGIN IMMEDIATE')
    // Keep the test fast: the store's 5 s busy timeout would otherwise be waited out.
    ;(store as unknown as { db: Database.Database }).db.pragma('busy_timeout = 10')
    const err = catchError(() => store.beginRun(runInput()))
    other.exec('ROLLBACK')
    other.close()
    store.close()
    expect(isRivetError(err) && err.code).toBe('RIVET_STATE_LOCKED')
    expect(isRivetError(err) && err.details.path).toBe(file)
  })

  it('places the default state file next to the config', () => {
    expect(defaultStatePath('/etc/rivet/rivet.yaml')).toBe('/etc/rivet/.rivet_state.db')
    expect(defaultStatePath('rivet.yaml')).toBe(path.join(process.cwd(), '.rivet_state.db'))
  })
})
