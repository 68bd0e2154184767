import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'
import { RivetError } from '../../errors/index.js'
import type { BridgeFailure, BridgeReply, BridgeRequest, BridgeResult, BridgeWorkerData } from './bridge-protocol.js'

/** How long one request may take before the bridge gives up on its worker. */
export const BRIDGE_TIMEOUT_MS = 30_000
/**
 * Sendings of one request at most: after a renewal, after a retryable drop, after the renewal that
 * follows it, and once more; a connection that keeps dropping beyond that fails the request.
 */
const MAX_SENDS = 4

/** A request that failed: the worker's failure, as data. */
export class BridgeError extends Error {
  constructor(readonly failure: BridgeFailure) {
    super(failure.message)
    this.name = 'BridgeError'
  }
}

/** What the bridge's worker connects with. */
export interface SyncBridgeOptions {
  readonly connectionString: string
  readonly connectTimeoutMs: number
  /** Bound of every wait; defaults to BRIDGE_TIMEOUT_MS. */
  readonly timeoutMs?: number
}

/**
 * Synchronous calls into an asynchronous `pg` client. A dedicated worker thread owns the connection;
 * `request` posts a message to it and blocks the calling thread with Atomics.wait on a shared
 * counter until the worker has posted its reply, then takes the reply with receiveMessageOnPort.
 * One request is in flight at a time, so replies cannot overtake each other.
 */
export class SyncBridge {
  private readonly worker: Worker
  private readonly port: MessagePort
  private readonly signal: Int32Array
  private readonly timeoutMs: number
  private nextId = 1
  /** Set once the bridge can no longer be used (closed, timed out, worker gone). */
  private dead: BridgeFailure | null = null
  private restore: (() => void) | null = null
  /** The restore callback is running; `renewedAgain`: the session was renewed once more meanwhile. */
  private renewing = false
  private renewedAgain = false

  constructor(options: SyncBridgeOptions) {
    const shared = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)
    this.signal = new Int32Array(shared)
    this.timeoutMs = options.timeoutMs ?? BRIDGE_TIMEOUT_MS
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    const workerData: BridgeWorkerData = { signal: shared, port: port2, connectionString: options.connectionString, connectTimeoutMs: options.connectTimeoutMs }
    // execArgv: [] — a worker inherits the parent's flags by default, and `node -e <script>` would hand it the script
    this.worker = new Worker(resolveStateWorkerFile(), { workerData, transferList: [port2], execArgv: [] })
    // neither the thread nor the port keeps the process alive: an unclosed store does not hang the CLI,
    // and at exit the thread dies with the process, closing its socket (the server rolls back and frees locks)
    this.worker.unref()
    this.port.unref()
    this.worker.on('error', (err) => {
      this.dead ??= { kind: 'closed', message: `the state worker failed: ${err.message}` }
    })
  }

  /**
   * Call `restore` each time the worker has replaced a lost connection, before any request runs on the
   * new session (the store re-takes its session-level locks there). Requests it makes are sent as usual.
   */
  onRenewed(restore: () => void): void {
    this.restore = restore
  }

  /**
   * Send one request and wait for its answer; throws BridgeError when it fails or times out.
   * `beforeSend` runs before every sending of the request, including one after the session was
   * renewed: it throws to stop a request that must no longer be sent (a write under a lost lock).
   *
   * A `renewed` answer (a new session; the request was not run) first restores the session, then
   * sends the request again. A request whose connection dropped under it is sent once more only when
   * the worker says it cannot have committed (`retryable`); that sending then finds the connection
   * lost and renews it first. Any other failure is thrown.
   */
  request(request: BridgeRequest, timeoutMs = this.timeoutMs, beforeSend?: () => void): BridgeResult[] {
    let retried = false
    for (let sent = 1; ; sent++) {
      beforeSend?.()
      try {
        return this.send(request, timeoutMs)
      } catch (err) {
        if (!(err instanceof BridgeError)) throw err
        const { failure } = err
        if (failure.kind === 'renewed' && this.renewing) {
          // the connection dropped again while the session was being restored: restoring starts over
          this.renewedAgain = true
          throw err
        }
        if (sent >= MAX_SENDS) throw failure.kind === 'renewed' ? new BridgeError({ kind: 'closed', message: 'the state connection keeps dropping', connectionLost: true }) : err
        if (failure.kind === 'renewed') this.restoreSession()
        else if (failure.connectionLost === true && failure.retryable === true && !retried) retried = true
        else throw err
      }
    }
  }

  /** Run the restore callback on a renewed session; a renewal in the middle of it makes it start over. */
  private restoreSession(): void {
    for (let round = 1; ; round++) {
      this.renewing = true
      this.renewedAgain = false
      try {
        this.restore?.()
        return
      } catch (err) {
        if (!this.renewedAgain || round >= MAX_SENDS) throw err
      } finally {
        this.renewing = false
      }
    }
  }

  private send(request: BridgeRequest, timeoutMs: number): BridgeResult[] {
    if (this.dead !== null) throw new BridgeError(this.dead)
    const id = this.nextId++
    const seen = Atomics.load(this.signal, 0)
    this.port.postMessage({ id, request })
    const deadline = Date.now() + timeoutMs
    while (Atomics.load(this.signal, 0) === seen) {
      const left = deadline - Date.now()
      if (left <= 0) {
        // the worker may still be inside a transaction: end it (its connection closes, the server rolls back)
        this.kill({ kind: 'timeout', message: `no answer from the state database within ${Math.round(timeoutMs / 1000)} s` })
        throw new BridgeError(this.dead!)
      }
      Atomics.wait(this.signal, 0, seen, left)
    }
    const reply = receiveMessageOnPort(this.port)?.message as BridgeReply | undefined
    if (reply === undefined || reply.id !== id) {
      this.kill({ kind: 'closed', message: 'the state worker answered out of turn' })
      throw new BridgeError(this.dead!)
    }
    if (!reply.ok) throw new BridgeError(reply.failure)
    return reply.results
  }

  /** End the session and the worker. Closing twice is harmless. */
  close(): void {
    if (this.dead !== null) return
    try {
      this.send({ op: 'close' }, Math.min(this.timeoutMs, 5000))
    } catch {
      // the worker is terminated below whatever happened to its goodbye
    }
    this.kill({ kind: 'closed', message: 'the state store is closed' })
  }

  private kill(reason: BridgeFailure): void {
    this.dead ??= reason
    this.port.close()
    void this.worker.terminate()
  }
}

/**
 * Path of the compiled worker entry. From the build (dist/src/state/postgres) it sits at
 * dist/workers; when this module runs from source (tests), fall back to the build output.
 */
export function resolveStateWorkerFile(): string {
  const candidates = [new URL('../../../workers/state-pg.js', import.meta.url), new URL('../../../dist/workers/state-pg.js', import.meta.url)]
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate)
    if (existsSync(path)) return path
  }
  throw new RivetError('RIVET_INTERNAL', 'worker entry state-pg.js not found', { hint: 'run `npm run build` first' })
}
