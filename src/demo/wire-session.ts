import type { Socket } from 'node:net'
import type { PGlite } from '@electric-sql/pglite'
import {
  CANCEL_REQUEST_CODE,
  GSSENC_REQUEST_CODE,
  PROTOCOL_3_0,
  SSL_REQUEST_CODE,
  TERMINATE,
  errorResponse,
  readStartupParams,
  startupSettings,
} from './wire-messages.js'

/** Startup packets are small; a larger length means the peer is not speaking the protocol. */
const MAX_STARTUP_PACKET = 10_000

/** What one DemoWireSession needs. */
export interface DemoWireSessionOptions {
  readonly db: PGlite
  readonly socket: Socket
  readonly id: number
  readonly log: (line: string) => void
  /** Bytes the client sent while its connection waited to be admitted. */
  readonly initial?: Buffer
}

/**
 * Serves one client connection against PGlite, the single backend session.
 *
 * Frontend messages are framed here and passed to PGlite in batches (everything complete in
 * the buffer, so a Parse/Bind/Execute/Sync burst is one call); PGlite's replies are written
 * back unchanged. The server admits one session at a time, so no other client's messages can
 * be interleaved with this one's, which keeps unnamed statements, portals and transactions
 * consistent. `done` settles once the socket is closed and no PGlite call is in flight.
 */
export class DemoWireSession {
  readonly done: Promise<void>
  private readonly db: PGlite
  private readonly socket: Socket
  private readonly label: string
  private readonly log: (line: string) => void
  private buffer: Buffer = Buffer.alloc(0)
  private started = false
  private pumping = false
  private closed = false
  private finish!: () => void

  constructor(options: DemoWireSessionOptions) {
    this.db = options.db
    this.socket = options.socket
    this.label = `connection #${options.id}`
    this.log = options.log
    this.done = new Promise((resolve) => (this.finish = resolve))
    this.buffer = options.initial ?? Buffer.alloc(0)
    this.socket.setNoDelay(true)
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
      void this.pump()
    })
    // 'close' always follows 'error'; the error itself needs no handling beyond that
    this.socket.on('error', (err) => this.log(`${this.label}: socket error: ${err.message}`))
    this.socket.on('close', () => {
      this.closed = true
      this.settleIfIdle()
    })
    // the gate paused the socket while the connection waited
    this.socket.resume()
    if (this.buffer.length > 0) void this.pump()
  }

  /** Drop the connection now (server shutdown). */
  destroy(): void {
    this.socket.destroy()
  }

  /** Process buffered packets one step at a time until the buffer holds no complete packet. */
  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (!this.closed) {
        const progressed = this.started ? await this.serveMessages() : await this.serveStartupPacket()
        if (!progressed) break
        // PGlite produces a whole result at once; wait for the socket to drain before
        // reading more, so a slow client holds back the next statement instead of memory
        if (this.socket.writableNeedDrain) await this.drained()
      }
    } catch (err) {
      // PGlite reports SQL errors in-protocol; a throw here means the backend itself failed
      this.log(`${this.label}: closed after an internal error: ${(err as Error).message}`)
      this.socket.destroy()
    } finally {
      this.pumping = false
      this.settleIfIdle()
    }
  }

  /** Handle one untyped packet of the startup phase; false when more bytes are needed. */
  private async serveStartupPacket(): Promise<boolean> {
    if (this.buffer.length < 8) return false
    const length = this.buffer.readInt32BE(0)
    if (length < 8 || length > MAX_STARTUP_PACKET) return this.refuse('08P01', 'invalid startup packet length')
    if (this.buffer.length < length) return false
    const packet = this.buffer.subarray(0, length)
    this.buffer = this.buffer.subarray(length)
    const code = packet.readInt32BE(4)
    if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
      this.socket.write('N') // no encryption on the loopback demo server; the client goes on in clear
      return true
    }
    if (code === CANCEL_REQUEST_CODE) {
      // a query runs synchronously inside PGlite, so there is never one to cancel by the time this is read
      this.socket.end()
      return false
    }
    if (code !== PROTOCOL_3_0) return this.refuse('0A000', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}: the demo server speaks 3.0`)
    if (!(await this.applyStartupSettings(packet))) return false
    await this.execute(packet)
    this.started = true
    this.log(`${this.label}: session started`)
    return true
  }

  /**
   * PGlite accepts but ignores the parameters of the startup packet (TimeZone, DateStyle,
   * extra_float_digits, application_name, ...). Setting them before the packet is processed
   * makes them take effect and makes the ParameterStatus replies report them, as a real server does.
   */
  private async applyStartupSettings(packet: Buffer): Promise<boolean> {
    for (const [name, value] of startupSettings(readStartupParams(packet))) {
      try {
        await this.db.query('select set_config($1, $2, false)', [name, value])
      } catch (err) {
        const sqlstate = (err as { code?: string }).code ?? '22023'
        this.refuse(sqlstate, (err as Error).message)
        return false
      }
    }
    return true
  }

  /** Pass every complete typed message in the buffer to PGlite; false when none is complete. */
  private async serveMessages(): Promise<boolean> {
    let end = 0
    while (end + 5 <= this.buffer.length) {
      if (this.buffer[end] === TERMINATE) break
      const length = this.buffer.readInt32BE(end + 1)
      if (length < 4) return this.refuse('08P01', 'invalid message length')
      const next = end + 1 + length
      if (next > this.buffer.length) break
      end = next
    }
    if (end > 0) {
      const batch = this.buffer.subarray(0, end)
      this.buffer = this.buffer.subarray(end)
      await this.execute(batch)
      return true
    }
    if (this.buffer.length >= 5 && this.buffer[0] === TERMINATE) {
      // PGlite's backend would treat Terminate as the end of the process; the session ends here instead
      this.buffer = Buffer.alloc(0)
      this.socket.end(() => this.socket.destroy())
    }
    return false
  }

  private async execute(message: Buffer): Promise<void> {
    // copy: the bytes must not alias the socket's buffer while PGlite reads them
    const input = new Uint8Array(message)
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(input, {
        // the callback's bytes are a view into PGlite's reusable buffer, so Buffer.from copies them
        onRawData: (bytes) => {
          if (this.socket.writable) this.socket.write(Buffer.from(bytes))
        },
      }),
    )
  }

  /** Send a FATAL error and close, as a server does when it refuses a connection. */
  private refuse(sqlstate: string, message: string): false {
    this.log(`${this.label}: refused: ${message}`)
    this.buffer = Buffer.alloc(0)
    if (this.socket.writable) this.socket.end(errorResponse('FATAL', sqlstate, message), () => this.socket.destroy())
    return false
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done)
        this.socket.off('close', done)
        resolve()
      }
      this.socket.on('drain', done)
      this.socket.on('close', done)
    })
  }

  private settleIfIdle(): void {
    if (this.closed && !this.pumping) this.finish()
  }
}
