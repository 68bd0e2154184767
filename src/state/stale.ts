import type { RunRecord } from './types.js'

/** A run on another host is presumed dead after this long: its pid cannot be checked from here. */
export const FOREIGN_RUN_STALE_MS = 24 * 60 * 60 * 1000

/** Whether a process with this pid exists on this host. */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    // Signal 0 checks existence and permission without delivering anything.
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to another user, so it is alive.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/** Whether a run still marked 'running' has in fact stopped. Pids can be reused; this errs towards "alive". */
export function isStaleRun(run: RunRecord, hostname: string, now: Date): boolean {
  if (run.status !== 'running') return false
  if (run.hostname === hostname) return !isPidAlive(run.pid)
  return now.getTime() - run.startedAt.getTime() > FOREIGN_RUN_STALE_MS
}
