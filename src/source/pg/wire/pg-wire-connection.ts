import { RivetError, isRivetError } from '../../../errors/index.js'
import { Msg, parseNotification, parseServerFields } from './backend-messages.js'
import { classifyPgError } from './classify.js'
import { PgProtocolError, PgServerError } from './errors.js'
import { MessageFramer } from './message-framer.js'
import { binaryQueryMessages, cancelRequestMessage, queryMessage, startupMessage, terminateMessage } from './messages.js'
import { BinaryQueryOp, CopyOutOp, SimpleQueryOp, type Operation } from './operations.js'
import { connectRaw, endpointOf, openSocket, waitFor, type PgSocket } from './socket.js'
import { StartupOp, type BackendKey } from './startup-op.js'
import type { PgConnectParams, PgFieldInfo, PgNotification, PgServerFields } from './types.js'

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000
const CANCEL_TIMEOUT_MS = 5_000
const CLOSE_GRACE_MS = 2_000

/**
 * A minimal PostgreSQL connection for the extraction data path: binary COPY and binary DataRows are
 * handed out as views into the receive buffer, never decoded to strings. Calls are serialised (one
 * at a time). Server and socket errors reject as classified RivetErrors; after a server error the
 * connection is usable again, after a socket error every call rejects with that error.
 */
export class PgWireConnection {
  /** Called for every NoticeResponse (RAISE NOTICE, warnings); errors thrown by it are ignored. */
  onNotice: ((notice: PgServerFields) => void) | undefined = undefined
  /** Called for every NotificationResponse (LISTEN/NOTIFY). */
  onNotification: ((notification: PgNotification) => void) | undefined = undefined

  private readonly params = new Map<string, string>()
  private readonly framer = new MessageFramer((t, b, o, l) => this.dispatch(t, b, o, l))
  private op: Operation<unknown> | null = null
  private key: BackendKey = { pid: 0, secretKey: 0 }
  private fatal: RivetError | null = null
  private socketError: unknown = undefined
  private closeRequested = false
  private socketClosed = false
  private closePromise: Promise<void> | null = null
  private readonly ctx = { send: (data: Buffer): void => void this.socket.write(data) }

  private constructor(private readonly socket: PgSocket, private readonly connectParams: PgConnectParams) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    socket.on('error', (err) => { this.socketError ??= err })
    socket.on('close', () => this.onSocketClose())
  }

  /** Connect, negotiate TLS, authenticate and wait for the server to be ready. */
  static async connect(params: PgConnectParams, signal?: AbortSignal): Promise<PgWireConnection> {
    const endpoint = endpointOf(params)
    const guard = connectGuard(params.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, endpoint, signal)
    let conn: PgWireConnection | null = null
    try {
      const socket = await openSocket(params, guard.signal)
      conn = new PgWireConnection(socket, params)
      await conn.startup(guard.signal)
      return conn
    } catch (err) {
      conn?.socket.destroy()
      throw guard.signal.aborted ? guard.signal.reason : classifyPgError(err, endpoint)
    } finally {
      guard.dispose()
    }
  }

  /** Process id of the backend serving this connection. */
  get backendPid(): number {
    return this.key.pid
  }

  /** ParameterStatus values reported by the server (server_version, TimeZone, ...). */
  get serverParams(): ReadonlyMap<string, string> {
    return this.params
  }

  /** Whether the connection is unusable: close() was called, the socket is gone or a fatal error arrived. */
  get closed(): boolean {
    return this.closeRequested || this.socketClosed || this.fatal !== null
  }

  /**
   * Simple query protocol with text results; several statements may be sent at once. Returns the
   * rows of the last statement that returned rows, and the command tag of the last statement.
   */
  query(sql: string): Promise<{ fields: PgFieldInfo[]; rows: (string | null)[][]; command: string }> {
    return this.run(new SimpleQueryOp(this.ctx, 'query'), queryMessage(sql))
  }

  /**
   * Run `COPY ... TO STDOUT` and hand every CopyData payload to onData as `buf[offset, offset + length)`
   * (valid only during the call).
   */
  copyOut(sql: string, onData: (buf: Uint8Array, offset: number, length: number) => void): Promise<{ command: string; rows: number }> {
    return this.run(new CopyOutOp(this.ctx, onData), queryMessage(sql))
  }

  /**
   * Extended protocol with every result column in binary format; each DataRow body (from its int16
   * field count) goes to onRow as (buffer, offset, length), valid only during the call. If a
   * callback throws, the remaining rows are drained unseen and the call rejects with that error.
   */
  queryBinary(sql: string, onRow: (buf: Uint8Array, offset: number, length: number) => void): Promise<{ fields: PgFieldInfo[]; command: string; rows: number }> {
    return this.run(new BinaryQueryOp(this.ctx, onRow), binaryQueryMessages(sql))
  }

  /** Stop reading from the socket (and stop callbacks after the current message) until resume(). */
  pause(): void {
    this.framer.pause()
    this.socket.pause()
  }

  /** Deliver what was held back, then read from the socket again. */
  resume(): void {
    this.guarded(() => this.framer.resume())
    if (!this.framer.isPaused) this.socket.resume()
  }

  /** Ask the server, over a separate connection, to cancel the running statement. */
  async cancel(): Promise<void> {
    if (this.key.pid === 0 || this.closed) return
    const signal = AbortSignal.timeout(CANCEL_TIMEOUT_MS)
    const socket = await connectRaw(this.connectParams, signal).catch((err: unknown) => {
      throw classifyPgError(err, endpointOf(this.connectParams))
    })
    socket.resume()
    socket.end(cancelRequestMessage(this.key.pid, this.key.secretKey))
    // the server closes the socket once it has read the request
    await waitFor(socket, 'end', signal).catch(() => undefined)
    socket.destroy()
  }

  /** Send Terminate and close the socket; idempotent. A call still running rejects. */
  close(): Promise<void> {
    if (this.closePromise !== null) return this.closePromise
    this.closeRequested = true
    if (this.socketClosed) return (this.closePromise = Promise.resolve())
    this.closePromise = new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve())
      const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS)
      timer.unref()
      this.socket.end(terminateMessage())
    })
    return this.closePromise
  }

  private async startup(signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw signal.reason
    const p = this.connectParams
    const op = new StartupOp(this.ctx, p.user, p.password)
    const onAbort = (): void => this.failConnection(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      this.key = await this.run(op, startupMessage({
        user: p.user,
        database: p.database,
        application_name: p.applicationName ?? 'rivet',
        client_encoding: 'UTF8',
        ...p.startupParams,
      }))
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  private run<T>(op: Operation<T>, message: Buffer): Promise<T> {
    if (this.fatal !== null) return Promise.reject(this.fatal)
    if (this.closed) return Promise.reject(new RivetError('RIVET_SOURCE_CONNECTION_LOST', `${op.label} on a closed PostgreSQL connection`))
    if (this.op !== null) {
      return Promise.reject(new RivetError('RIVET_INTERNAL', `PgWireConnection.${op.label} called while ${this.op.label} is still running; calls must be serialised`))
    }
    this.op = op as Operation<unknown>
    this.socket.write(message)
    return op.promise
  }

  private receive(chunk: Buffer): void {
    this.guarded(() => this.framer.push(chunk))
  }

  /** Run framer work; a protocol violation or a throwing startup step kills the connection. */
  private guarded(fn: () => void): void {
    try {
      fn()
    } catch (err) {
      const error = err instanceof PgProtocolError
        ? new RivetError('RIVET_SOURCE_PROTOCOL', `PostgreSQL protocol error from ${endpointOf(this.connectParams)}: ${err.message}`, { cause: err })
        : classifyPgError(err, endpointOf(this.connectParams))
      this.failConnection(error)
    }
  }

  private dispatch(type: number, buf: Buffer, offset: number, length: number): void {
    if (this.socketClosed) return // failed mid-chunk: the rest of the chunk is moot
    const op = this.op
    // the data messages first: they are nearly all the traffic
    if (type === Msg.DataRow || type === Msg.CopyData) {
      if (op === null) throw new PgProtocolError('data message outside a call')
      return op.handle(type, buf, offset, length)
    }
    switch (type) {
      case Msg.ErrorResponse:
        return this.serverError(new PgServerError(parseServerFields(buf, offset, length)))
      case Msg.NoticeResponse:
        return this.notify(this.onNotice, () => parseServerFields(buf, offset, length))
      case Msg.NotificationResponse:
        return this.notify(this.onNotification, () => parseNotification(buf, offset, length))
      case Msg.ParameterStatus: {
        const end = buf.indexOf(0, offset)
        this.params.set(buf.toString('utf8', offset, end), buf.toString('utf8', end + 1, offset + length - 1))
        return
      }
      case Msg.ReadyForQuery:
        this.op = null
        return op?.complete()
      default:
        if (op === null) throw new PgProtocolError(`unexpected message '${String.fromCharCode(type)}' outside a call`)
        op.handle(type, buf, offset, length)
    }
  }

  private serverError(err: PgServerError): void {
    // FATAL/PANIC outside a call (e.g. admin shutdown while idle) is the reason the socket will close
    if (this.op === null) this.fatal ??= classifyPgError(err, endpointOf(this.connectParams))
    else this.op.serverError(err)
  }

  private notify<T>(hook: ((value: T) => void) | undefined, parse: () => T): void {
    if (hook === undefined) return
    try {
      hook(parse())
    } catch {
      // a listener's failure must not break the protocol stream
    }
  }

  /** Destroy the socket and make `err` the answer to the running and every later call. */
  private failConnection(err: unknown): void {
    this.fatal ??= isRivetError(err) ? err : classifyPgError(err, endpointOf(this.connectParams))
    this.socket.destroy()
    this.onSocketClose()
  }

  private onSocketClose(): void {
    if (this.socketClosed) return
    this.socketClosed = true
    const op = this.op
    this.op = null
    if (this.fatal === null) this.fatal = this.closeReason(op)
    op?.fail(this.fatal)
  }

  private closeReason(op: Operation<unknown> | null): RivetError {
    const endpoint = endpointOf(this.connectParams)
    // a FATAL ErrorResponse (auth failure, admin shutdown) explains the close better than the socket
    if (op !== null && isRivetError(op.error)) return op.error
    if (this.socketError !== undefined) return classifyPgError(this.socketError, endpoint)
    if (this.closeRequested) return new RivetError('RIVET_SOURCE_CONNECTION_LOST', `the PostgreSQL connection to ${endpoint} was closed by the client`)
    return new RivetError('RIVET_SOURCE_CONNECTION_LOST', `PostgreSQL at ${endpoint} closed the connection unexpectedly`, { details: { endpoint } })
  }
}

/** An AbortSignal that fires on the connect timeout (UNREACHABLE) or on the caller's signal (CANCELLED). */
function connectGuard(timeoutMs: number, endpoint: string, outer: AbortSignal | undefined): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  const timer = setTimeout(() => {
    controller.abort(new RivetError('RIVET_SOURCE_UNREACHABLE', `connecting to PostgreSQL at ${endpoint} timed out after ${timeoutMs} ms`, { details: { endpoint, timeoutMs } }))
  }, timeoutMs)
  const onAbort = (): void => controller.abort(new RivetError('RIVET_CANCELLED', `connecting to PostgreSQL at ${endpoint} was cancelled`, { cause: outer?.reason }))
  if (outer?.aborted) onAbort()
  else outer?.addEventListener('abort', onAbort, { once: true })
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer)
      outer?.removeEventListener('abort', onAbort)
    },
  }
}
