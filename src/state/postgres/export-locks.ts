import os from 'node:os'
import { RivetError } from '../../errors/index.js'
import { exportLockedError, isStaleLock } from '../locks.js'
import type { ExportLockHolder, ExportLockRecord } from '../types.js'
import { advisoryKey } from './advisory-key.js'
import { toLockRecord, type PgLockRow } from './rows.js'
import { ADVISORY_UNLOCK, DELETE_LOCK, SELECT_LOCK, TRY_ADVISORY_LOCK, UPSERT_LOCK } from './sql.js'
import type { SyncBridge } from './sync-bridge.js'

/** How long a taker waits for a lock that is changing hands (a holder mid-acquire, or a dead holder's session ending). */
const SETTLE_MS = 5000
const RETRY_MS = 100

/** Outcome of one attempt: taken, or who holds the lock and whether it may free up in a moment. */
type Attempt = { readonly taken: true } | { readonly taken: false; readonly holder: ExportLockRecord | undefined; readonly settling: boolean }

/**
 * Per-export run locks that survive crashes, across hosts.
 *
 * The `export_locks` row says who holds an export (for messages and `getExportLock`); the truth is a
 * session-level advisory lock, `pg_try_advisory_lock(key)`, that the holder's bridge connection
 * takes before writing the row and keeps until it deletes the row. A live holder therefore always
 * holds the advisory lock, and a holder whose process died has lost its connection and with it the
 * advisory lock — the server ends the session, on any host. So:
 * - the advisory lock is free: whatever row is there belongs to a dead holder and is taken over;
 * - another session holds it: the export is locked (RIVET_EXPORT_LOCKED naming the row's run). Two
 *   moments are waited out for up to SETTLE_MS: no row yet (the holder is between its two steps),
 *   and a row whose pid is gone on this host (the server has not yet noticed the closed socket);
 * - this session holds it (another run in this process): judged like the SQLite store (same pid and
 *   host: re-taken; else by whether the pid is alive); another session of this same process (a
 *   second store) holds it: the row is re-taken, the advisory lock staying with that session.
 * Release deletes the row, then frees the advisory lock; closing the store frees them all.
 *
 * A dropped connection takes the advisory locks with it, while the rows stay. When the bridge has
 * opened a new session, and before anything else runs on it, every held lock is re-taken there
 * (restore): the advisory lock is taken again and the row must still name this holder's run. If
 * another process took the export over meanwhile (the row names another run, or is gone), or the lock
 * cannot be re-taken, the lock is lost: the store refuses every later write for that export or its run
 * (RIVET_EXPORT_LOCKED, see check), and releasing it touches neither the row nor the advisory lock,
 * which belong to the new holder.
 * A process that dies closes its socket and the server ends its session at once; a host that drops
 * off the network without closing it (power loss) holds its locks until the server's TCP keepalive
 * (tcp_keepalives_*) gives up on the session.
 */
export class ExportLocks {
  /** Exports whose advisory lock this session holds (once each), with the run their row names. */
  private readonly held = new Map<string, string>()
  /** Locks held before the connection dropped and not (yet) re-taken on the new session. */
  private readonly unconfirmed = new Map<string, string>()
  /** Locks that could not be re-taken after a dropped connection, with the holder found instead. */
  private readonly lost = new Map<string, { readonly runId: string; readonly holder: ExportLockRecord | undefined }>()

  constructor(
    private readonly bridge: SyncBridge,
    private readonly schema: string,
  ) {
    bridge.onRenewed(() => this.restore())
  }

  /**
   * Throw RIVET_EXPORT_LOCKED when a write names an export or a run whose lock this store held but no
   * longer does (lost, or not re-taken yet): it must not write on behalf of a lock it lost.
   */
  check(owner: { readonly runIds?: readonly string[]; readonly exportName?: string }): void {
    const gone = [...this.lost, ...[...this.unconfirmed].map(([name, runId]) => [name, { runId, holder: undefined }] as const)]
    for (const [exportName, { runId, holder }] of gone) {
      if (exportName !== owner.exportName && !(owner.runIds ?? []).includes(runId)) continue
      const now = holder === undefined
        ? 'it could not be re-taken (another session holds it, or its row is gone)'
        : `run ${holder.runId} (pid ${holder.pid} on ${holder.hostname}) has taken it over`
      throw new RivetError('RIVET_EXPORT_LOCKED', `the run lock of export ${exportName} (run ${runId}) was lost when the connection to the state database dropped: ${now}; run ${runId} stops without writing further`, {
        hint: 'run the export again once the other run has finished; two runs of one export never overlap',
        details: { exportName, runId, ...(holder !== undefined ? { holderRunId: holder.runId, pid: holder.pid, hostname: holder.hostname } : {}) },
      })
    }
  }

  /** Take the run lock of an export, or throw RIVET_EXPORT_LOCKED naming its holder. */
  acquire(exportName: string, holder: ExportLockHolder): void {
    const deadline = Date.now() + SETTLE_MS
    for (;;) {
      const attempt = this.attempt(exportName, holder)
      if (attempt.taken) {
        this.lost.delete(exportName)
        this.unconfirmed.delete(exportName)
        return
      }
      if (!attempt.settling || Date.now() >= deadline) throw attempt.holder ? exportLockedError(attempt.holder) : lockedWithoutRow(exportName)
      sleep(RETRY_MS)
    }
  }

  /** Release the lock if `runId` holds it. */
  release(exportName: string, runId: string): void {
    if (this.lost.get(exportName)?.runId === runId) {
      // the row and the advisory lock are another holder's now: nothing of this store's is left to free
      this.lost.delete(exportName)
      return
    }
    this.unconfirmed.delete(exportName)
    const [, remaining] = this.bridge.request({
      op: 'batch',
      statements: [
        { sql: DELETE_LOCK, params: [exportName, runId] },
        { sql: 'SELECT 1 FROM export_locks WHERE export_name = $1', params: [exportName] },
      ],
    })
    // keep the advisory lock while a row of this session's (another run's) remains
    if (this.held.has(exportName) && remaining!.rowCount === 0) {
      this.held.delete(exportName)
      this.unlock(exportName)
    }
  }

  /** The holder as recorded, or undefined. */
  read(exportName: string): ExportLockRecord | undefined {
    const row = this.bridge.request({ op: 'query', statement: { sql: SELECT_LOCK, params: [exportName] } })[0]!.rows[0] as unknown as PgLockRow | undefined
    return row === undefined ? undefined : toLockRecord(row)
  }

  /**
   * On a new session (the old one dropped): re-take every lock held or still unconfirmed. Each is
   * unconfirmed until re-taken; one this session cannot get back is lost. Throwing leaves the rest
   * unconfirmed (refused by check), and the bridge calls this again after the next renewal.
   */
  private restore(): void {
    for (const [exportName, runId] of this.held) this.unconfirmed.set(exportName, runId)
    this.held.clear()
    for (const [exportName, runId] of [...this.unconfirmed]) {
      const holder = this.retake(exportName, runId)
      this.unconfirmed.delete(exportName)
      if (holder === true) this.held.set(exportName, runId)
      else this.lost.set(exportName, { runId, holder })
    }
  }

  /**
   * Take the advisory lock of an export back for `runId`: true when taken and the row still names the
   * run, else the holder found. The old session may hold the lock a moment longer (the server has not
   * yet noticed it is gone), so a lock held elsewhere while the row is still this run's is waited for.
   */
  private retake(exportName: string, runId: string): true | ExportLockRecord | undefined {
    const deadline = Date.now() + SETTLE_MS
    for (;;) {
      const locked = this.tryLock(exportName)
      const current = this.read(exportName)
      if (locked && current?.runId === runId) return true
      if (locked) {
        // taken over (and maybe released) by another run meanwhile: the advisory lock is not this run's to keep
        this.unlock(exportName)
        return current
      }
      if (current?.runId !== runId || Date.now() >= deadline) return current
      sleep(RETRY_MS)
    }
  }

  private attempt(exportName: string, holder: ExportLockHolder): Attempt {
    const mine = this.held.has(exportName)
    if (!mine && !this.tryLock(exportName)) {
      const current = this.read(exportName)
      if (current !== undefined && sameProcess(current, holder)) {
        // another session of this very process holds it (a second store): its advisory lock lives as long as
        // this process does, so the row is re-taken without one
        this.write(exportName, holder)
        return { taken: true }
      }
      const settling = current === undefined || current.runId === holder.runId || isStaleLock(current, os.hostname(), new Date())
      return { taken: false, holder: current, settling }
    }
    try {
      const current = this.read(exportName)
      // a row left while the advisory lock was free is a dead holder's: taken over; one of this session's
      // is judged like the SQLite store judges it (same process: re-taken; else by its pid)
      if (mine && current !== undefined && current.runId !== holder.runId && !sameProcess(current, holder) && !isStaleLock(current, os.hostname(), new Date())) {
        return { taken: false, holder: current, settling: false }
      }
      this.write(exportName, holder)
    } catch (err) {
      if (!mine) this.unlock(exportName)
      throw err
    }
    this.held.set(exportName, holder.runId)
    return { taken: true }
  }

  /**
   * Free every advisory lock of this session before it ends (ending it would too, but the server
   * does that only once it has processed the disconnect: the next taker must not find them still held).
   */
  close(): void {
    this.lost.clear()
    this.unconfirmed.clear()
    if (this.held.size === 0) return
    this.held.clear()
    try {
      this.bridge.request({ op: 'query', statement: { sql: 'SELECT pg_advisory_unlock_all()' } })
    } catch {
      // a broken session's locks end with it
    }
  }

  private write(exportName: string, holder: ExportLockHolder): void {
    this.bridge.request({ op: 'query', statement: { sql: UPSERT_LOCK, params: [exportName, holder.runId, holder.pid, holder.hostname] } })
  }

  private tryLock(exportName: string): boolean {
    const [result] = this.bridge.request({ op: 'query', statement: { sql: TRY_ADVISORY_LOCK, params: [this.key(exportName)] } })
    return result!.rows[0]?.locked === true
  }

  private unlock(exportName: string): void {
    try {
      this.bridge.request({ op: 'query', statement: { sql: ADVISORY_UNLOCK, params: [this.key(exportName)] } })
    } catch {
      // a session that cannot unlock is broken, and a broken session's locks end with it
    }
  }

  private key(exportName: string): string {
    return advisoryKey(this.schema, 'export-lock', exportName)
  }
}

/** Whether the lock was taken by the process that asks again (a resumed run re-takes it under its own run id). */
function sameProcess(lock: ExportLockRecord, holder: ExportLockHolder): boolean {
  return lock.pid === holder.pid && lock.hostname === holder.hostname
}

/** RIVET_EXPORT_LOCKED when another session holds the lock but has not recorded its run yet. */
function lockedWithoutRow(exportName: string): RivetError {
  return new RivetError('RIVET_EXPORT_LOCKED', `export ${exportName} is locked by another session of the state database that has not recorded its run; two runs of one export never overlap`, {
    details: { exportName },
  })
}

/** Block this thread for `ms` (the store is synchronous by contract). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)), 0, 0, ms)
}
