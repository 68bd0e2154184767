import { RivetError, isRivetError } from '../../errors/index.js'

// SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED_SHAREDCACHE... share the base code's meaning.
const LOCK_CODE = /^SQLITE_(BUSY|LOCKED)(_|$)/

/** Translate an error thrown by better-sqlite3 into a RivetError naming the state file. */
export function toStateError(err: unknown, statePath: string, action: string): RivetError {
  if (isRivetError(err)) return err
  const code = (err as { code?: unknown } | null)?.code
  const sqliteCode = typeof code === 'string' ? code : undefined
  const message = err instanceof Error ? err.message : String(err)
  const details = { path: statePath, action, ...(sqliteCode ? { sqliteCode } : {}) }
  if (sqliteCode && LOCK_CODE.test(sqliteCode)) {
    return new RivetError('RIVET_STATE_LOCKED', `state file ${statePath} is locked (${action}): ${message}`, { details, cause: err })
  }
  return new RivetError('RIVET_STATE_ERROR', `state file ${statePath}: ${action} failed: ${message}`, { details, cause: err })
}
