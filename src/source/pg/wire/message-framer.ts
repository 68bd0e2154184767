import { PgProtocolError } from './errors.js'

/** Receives one complete backend message: its type byte and its body as a view into `buf`. */
export type MessageHandler = (type: number, buf: Buffer, offset: number, length: number) => void

const INITIAL_SIZE = 64 * 1024
/** A buffer grown past this for one huge message is released once it is empty again. */
const KEEP_MAX = 8 * 1024 * 1024
/** Refuse absurd lengths early (the server caps a message at 1 GB). */
const MAX_MESSAGE = 0x7fffffff

/**
 * Splits the socket byte stream into backend messages without copying complete ones: a chunk that
 * starts on a message boundary is parsed in place, and only a trailing partial message is copied
 * into one growing receive buffer. Once a message's header is known the buffer is grown to its full
 * size at once, so a 50 MB DataRow costs one allocation and one copy of each chunk.
 * Handlers get views that are valid only during the call.
 */
export class MessageFramer {
  private buf: Buffer = Buffer.allocUnsafe(INITIAL_SIZE)
  private start = 0
  private end = 0
  private paused = false
  private draining = false

  constructor(private readonly handler: MessageHandler) {}

  /** Feed one socket chunk. */
  push(chunk: Buffer): void {
    if (this.start === this.end && !this.paused) {
      const used = this.drain(chunk, 0, chunk.length)
      if (used < chunk.length) this.append(chunk, used)
      return
    }
    this.append(chunk, 0)
    if (!this.paused) this.drainBuffered()
  }

  /** Stop dispatching after the message being handled; later bytes are kept. */
  pause(): void {
    this.paused = true
  }

  /** Dispatch what was held back. Called from inside a handler it only lifts the pause. */
  resume(): void {
    if (!this.paused) return
    this.paused = false
    if (!this.draining && this.start < this.end) this.drainBuffered()
  }

  get isPaused(): boolean {
    return this.paused
  }

  /** Bytes received but not yet dispatched. */
  get pending(): number {
    return this.end - this.start
  }

  private drainBuffered(): void {
    this.start = this.drain(this.buf, this.start, this.end)
    if (this.start === this.end) {
      this.start = this.end = 0
      if (this.buf.length > KEEP_MAX) this.buf = Buffer.allocUnsafe(INITIAL_SIZE)
    }
  }

  /** Dispatch the complete messages in buf[pos, end); returns where the first incomplete one starts. */
  private drain(buf: Buffer, pos: number, end: number): number {
    this.draining = true
    try {
      while (end - pos >= 5) {
        const len = ((buf[pos + 1] << 24) | (buf[pos + 2] << 16) | (buf[pos + 3] << 8) | buf[pos + 4]) >>> 0
        if (len < 4 || len > MAX_MESSAGE) throw new PgProtocolError(`invalid message length ${len}`)
        if (end - pos < len + 1) break
        const at = pos
        pos += len + 1
        this.handler(buf[at], buf, at + 5, len - 4)
        if (this.paused) break
      }
      return pos
    } finally {
      this.draining = false
    }
  }

  /** Copy chunk[from..] behind the pending bytes, growing or compacting the buffer as needed. */
  private append(chunk: Buffer, from: number): void {
    const n = chunk.length - from
    if (this.end + n > this.buf.length) this.makeRoom(n)
    chunk.copy(this.buf, this.end, from)
    this.end += n
    this.reserveForHeader()
  }

  private makeRoom(n: number): void {
    const pending = this.end - this.start
    const need = pending + n
    if (need <= this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end)
    } else {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2))
      this.buf.copy(next, 0, this.start, this.end)
      this.buf = next
    }
    this.start = 0
    this.end = pending
  }

  /** Once the header of the pending message is in, make room for all of it in one step. */
  private reserveForHeader(): void {
    if (this.end - this.start < 5) return
    const b = this.buf
    const p = this.start
    const total = (((b[p + 1] << 24) | (b[p + 2] << 16) | (b[p + 3] << 8) | b[p + 4]) >>> 0) + 1
    if (total > MAX_MESSAGE || this.start + total <= this.buf.length) return
    const pending = this.end - this.start
    const next = Buffer.allocUnsafe(Math.max(total, INITIAL_SIZE))
    b.copy(next, 0, this.start, this.end)
    this.buf = next
    this.start = 0
    this.end = pending
  }
}
