import { RivetError } from '../errors/index.js'
import { FOREIGN_RUN_STALE_MS, isPidAlive } from './stale.js'
import type { ExportLockRecord } from './types.js'

/** Whether a lock's holder is gone: its pid is not alive on this host, or it is a day old on another host. */
export function isStaleLock(lock: ExportLockRecord, hostname: string, now: Date): boolean {
  if (lock.hostname === hostname) return !isPidAlive(lock.pid)
  return now.getTime() - lock.acquiredAt.getTime() > FOREIGN_RUN_STALE_MS
}

/** RIVET_EXPORT_LOCKED, naming the run that holds the export. */
export function exportLockedError(lock: ExportLockRecord): RivetError {
  return new RivetError(
    'RIVET_EXPORT_LOCKED',
    `export ${lock.exportName} is being run by run ${lock.runId} (pid ${lock.pid} on ${lock.hostname}, since ${lock.acquiredAt.toISOString()}); two runs of one export never overlap`,
    { details: { exportName: lock.exportName, runId: lock.runId, pid: lock.pid, hostname: lock.hostname, acquiredAt: lock.acquiredAt.toISOString() } },
  )
}
