import { RivetError } from '../../errors/index.js'
import { advisoryKey, quoteIdent } from './advisory-key.js'
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS } from './migrations.js'
import type { SyncBridge } from './sync-bridge.js'

const CREATE_VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  version integer PRIMARY KEY,
  description text NOT NULL,
  applied_at timestamptz NOT NULL
)`

/** Where the schema is, for messages. */
export interface MigrationTarget {
  readonly schema: string
  readonly location: string
}

/**
 * The schema version of the state schema: undefined when it has no version table yet. Refuses a
 * schema written by a newer Rivet (RIVET_STATE_VERSION) so it is never modified by older code.
 */
export function readSchemaVersion(bridge: SyncBridge, target: MigrationTarget): number | undefined {
  const [found] = bridge.request({ op: 'query', statement: { sql: 'SELECT to_regclass($1) IS NOT NULL AS present', params: [`${quoteIdent(target.schema)}.schema_version`] } })
  if (found.rows[0]?.present !== true) return undefined
  const [max] = bridge.request({ op: 'query', statement: { sql: 'SELECT coalesce(max(version), 0) AS version FROM schema_version' } })
  const version = Number(max.rows[0]?.version ?? 0)
  if (version > PG_LATEST_SCHEMA_VERSION) {
    throw new RivetError('RIVET_STATE_VERSION', `state schema ${target.schema} at ${target.location} has schema version ${version}; this rivet knows up to ${PG_LATEST_SCHEMA_VERSION}`, {
      hint: 'the state was written by a newer rivet; upgrade rivet (or point RIVET_STATE_URL at another ?schema=)',
      details: { location: target.location, schema: target.schema, schemaVersion: version, knownVersion: PG_LATEST_SCHEMA_VERSION },
    })
  }
  return version
}

/**
 * Bring the state schema up to date in one transaction, creating the schema when it is missing.
 * A transaction-level advisory lock serialises processes that migrate at once (across hosts):
 * the second waits, then re-reads the version and finds nothing left to do.
 */
export function migrate(bridge: SyncBridge, target: MigrationTarget): void {
  // fast path without the lock: most opens find the schema current
  if (readSchemaVersion(bridge, target) === PG_LATEST_SCHEMA_VERSION) return
  const query = (sql: string, params?: unknown[]) => bridge.request({ op: 'query', statement: { sql, params } })[0]
  query('BEGIN')
  try {
    query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey(target.schema, 'migrate')])
    // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists: ask first,
    // so a role given only a schema made for it by an administrator can still open it
    const exists = query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [target.schema]).rowCount > 0
    if (!exists) query(`CREATE SCHEMA ${quoteIdent(target.schema)}`)
    query(CREATE_VERSION_TABLE)
    const current = readSchemaVersion(bridge, target) ?? 0
    for (const migration of PG_MIGRATIONS) {
      if (migration.version <= current) continue
      query(migration.up)
      query('INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, now())', [migration.version, migration.description])
    }
    query('COMMIT')
  } catch (err) {
    try {
      query('ROLLBACK')
    } catch {
      // the original error says more than a failed rollback
    }
    throw err
  }
}
