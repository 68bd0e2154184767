import type { Socket } from 'node:net'
import type { PGlite } from '@electric-sql/pglite'
import { errorResponse, isCancelRequest } from './wire-messages.js'
import { DemoWireSession } from './wire-session.js'

/** Sync: ends any half-finished extended-protocol exchange a vanished client left behind. */
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4])

interface Waiter {
  readonly id: number
  readonly socket: Socket
  readonly timer: NodeJS.Timeout
  readonly onClose: () => void
  readonly onData: (chunk: Buffer) => void
  /** What the client sent while waiting (its startup packet), handed to the session. */
  readonly received: Buffer[]
}

/**
 * Admits connections to PGlite one at a time, first come first served.
 *
 * PGlite is one backend session. A connection that arrives while another is open waits, unread,
 * until the open one closes and the session has been reset; after `waitTimeoutMs` it is refused
 * with SQLSTATE 53300 so a client that holds two connections fails with a clear message instead
 * of hanging. Between connections the gate resets the session (ROLLBACK, DISCARD ALL), so a
 * connection never inherits the previous one's transaction, settings, prepared statements,
 * cursors or temporary tables.
 */
export class ConnectionGate {
  private readonly waiting: Waiter[] = []
  private active: DemoWireSession | null = null
  private busy = false
  private closed = false
  private nextId = 1
  private idle: Promise<void> = Promise.resolve()

  constructor(
    private readonly db: PGlite,
    private readonly log: (line: string) => void,
    private readonly waitTimeoutMs: number,
  ) {}

  /** Take a newly accepted socket: serve it now or queue it. */
  offer(socket: Socket): void {
    const id = this.nextId++
    if (this.closed) {
      socket.destroy()
      return
    }
    socket.on('error', () => undefined) // a waiting client may reset; 'close' removes it
    const received: Buffer[] = []
    const onData = (chunk: Buffer): void => this.receive(id, socket, received, chunk)
    const onClose = (): void => this.forget(id)
    const timer = setTimeout(() => this.refuseWaiter(id), this.waitTimeoutMs)
    timer.unref()
    socket.once('close', onClose)
    socket.on('data', onData)
    this.waiting.push({ id, socket, timer, onClose, onData, received })
    this.admitNext()
  }

  /** Refuse queued connections, drop the open one and wait until the session is idle. */
  async close(): Promise<void> {
    this.closed = true
    for (const waiter of this.waiting.splice(0)) {
      clearTimeout(waiter.timer)
      waiter.socket.destroy()
    }
    this.active?.destroy()
    await this.idle
  }

  private admitNext(): void {
    if (this.busy || this.closed) return
    const next = this.waiting.shift()
    if (next === undefined) return
    clearTimeout(next.timer)
    next.socket.off('close', next.onClose)
    next.socket.off('data', next.onData)
    if (next.socket.destroyed) return this.admitNext()
    this.busy = true
    this.log(`connection #${next.id} admitted`)
    const initial = Buffer.concat(next.received)
    const session = new DemoWireSession({ db: this.db, socket: next.socket, id: next.id, log: this.log, initial })
    this.active = session
    this.idle = session.done.then(() => this.release(next.id))
  }

  private async release(id: number): Promise<void> {
    this.active = null
    try {
      await this.resetSession()
    } catch (err) {
      this.log(`connection #${id}: session reset failed: ${(err as Error).message}`)
    }
    this.log(`connection #${id} closed`)
    this.busy = false
    this.admitNext()
  }

  private async resetSession(): Promise<void> {
    await this.db.runExclusive(() => this.db.execProtocolRawStream(SYNC, { onRawData: () => undefined }))
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK')
    await this.db.exec('DISCARD ALL')
  }

  /**
   * Keep what a waiting client sends. A CancelRequest comes on a connection of its own while
   * the connection it targets is open, so it must not queue behind it: it is answered at once
   * by closing (there is nothing to cancel: a PGlite call blocks the event loop until it is
   * done, so no statement is running when the request is read). Anything else is kept until
   * admission and the socket is paused so a waiting client cannot buffer without limit.
   */
  private receive(id: number, socket: Socket, received: Buffer[], chunk: Buffer): void {
    received.push(chunk)
    const head = received.length === 1 ? chunk : Buffer.concat(received)
    if (isCancelRequest(head)) {
      this.log(`connection #${id}: cancel request ignored, no statement is running`)
      this.forget(id)
      socket.end(() => socket.destroy())
    } else if (head.length >= 8 && !socket.isPaused()) {
      this.log(`connection #${id} waits: the demo database serves one connection at a time`)
      socket.pause()
    }
  }

  private forget(id: number): void {
    const i = this.waiting.findIndex((w) => w.id === id)
    if (i >= 0) clearTimeout(this.waiting.splice(i, 1)[0].timer)
  }

  private refuseWaiter(id: number): void {
    const i = this.waiting.findIndex((w) => w.id === id)
    if (i < 0) return
    const { socket, onClose } = this.waiting.splice(i, 1)[0]
    socket.off('close', onClose)
    const seconds = Math.round(this.waitTimeoutMs / 1000)
    this.log(`connection #${id} refused after waiting ${seconds}s for the open connection to close`)
    // read and discard what the client sent, so closing sends FIN rather than a reset that could
    // overtake the error message
    socket.resume()
    const message = `too many connections: the demo database serves one connection at a time and another stayed open for ${seconds}s`
    socket.end(errorResponse('FATAL', '53300', message), () => socket.destroy())
  }
}
