import type { Database } from 'better-sqlite3'
import { RivetError } from '../../errors/index.js'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.js'

const CREATE_VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`

/** Bring the schema up to date in one transaction; refuse a file written by a newer schema. */
export function migrate(db: Database, statePath: string): void {
  // Fast path without the write lock: most opens find the schema current.
  if (readVersion(db, statePath) === LATEST_SCHEMA_VERSION) return
  const apply = db.transaction(() => {
    db.exec(CREATE_VERSION_TABLE)
    // Re-read under the write lock: another process may have migrated in between.
    const current = readVersion(db, statePath) ?? 0
    const record = db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)')
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue
      db.exec(migration.up)
      record.run(migration.version, migration.description, new Date().toISOString())
    }
  })
  // IMMEDIATE takes the write lock up front, so two processes opening a new file serialise here.
  apply.immediate()
}

/** The schema version of the file, or undefined for a file without a version table. */
function readVersion(db: Database, statePath: string): number | undefined {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get()
  if (table === undefined) return undefined
  const row = db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null }
  const version = row.version ?? 0
  if (version > LATEST_SCHEMA_VERSION) {
    throw new RivetError('RIVET_STATE_VERSION', `state file ${statePath} has schema version ${version}; this rivet knows up to ${LATEST_SCHEMA_VERSION}`, {
      details: { path: statePath, fileVersion: version, knownVersion: LATEST_SCHEMA_VERSION },
    })
  }
  return version
}
