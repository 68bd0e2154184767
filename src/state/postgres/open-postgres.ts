import { toPgStateError, type StateErrorContext } from './errors.js'
import { quoteIdent } from './advisory-key.js'
import { migrate, readSchemaVersion } from './migrate.js'
import { PostgresStateStore } from './postgres-state-store.js'
import { parseStateUrl } from './state-url.js'
import { SyncBridge } from './sync-bridge.js'

/** How long to wait for the state database to accept a connection. */
const CONNECT_TIMEOUT_MS = 10_000

/** Tuning of openPostgresStateStore (tests shorten the waits). */
export interface PostgresStateOptions {
  /** Bound of every call into the database; default 30 s. */
  readonly timeoutMs?: number
  readonly connectTimeoutMs?: number
}

/**
 * Open (creating the schema and migrating it if needed) the PostgreSQL state store at a
 * postgres:// URL; `?schema=name` picks the schema (default `rivet`).
 */
export function openPostgresStateStore(url: string, options: PostgresStateOptions = {}): PostgresStateStore {
  return open(url, options, true)!
}

/**
 * Open the PostgreSQL state store for reading: undefined when the schema holds no state yet (nothing
 * is created then). An existing older schema is migrated, like the SQLite file is.
 */
export function openExistingPostgresStateStore(url: string, options: PostgresStateOptions = {}): PostgresStateStore | undefined {
  return open(url, options, false)
}

function open(text: string, options: PostgresStateOptions, create: boolean): PostgresStateStore | undefined {
  const url = parseStateUrl(text)
  const context: StateErrorContext = { location: url.location, secrets: url.secrets }
  const connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS
  const bridge = new SyncBridge({ connectionString: url.connectionString, connectTimeoutMs, timeoutMs: options.timeoutMs })
  try {
    // waits end below the bridge's bound, so the server gives up first and the session stays usable
    const init = [`SET search_path TO ${quoteIdent(url.schema)}`, "SET lock_timeout = '20s'", "SET statement_timeout = '25s'"]
    // the first request also waits for the worker thread to start
    bridge.request({ op: 'connect', init }, connectTimeoutMs + 15_000)
    const target = { schema: url.schema, location: url.location }
    if (!create && readSchemaVersion(bridge, target) === undefined) {
      bridge.close()
      return undefined
    }
    migrate(bridge, target)
    return new PostgresStateStore(bridge, url.schema, context)
  } catch (err) {
    bridge.close()
    throw toPgStateError(err, context, 'open')
  }
}
