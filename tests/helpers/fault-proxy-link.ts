import net from 'node:net'
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

/** Which way bytes flow: from the client to the upstream server, or back. */
export type Direction = 'client-to-server' | 'server-to-client'

/** How a connection is dropped: RST on both sides, or a FIN to the client and RST upstream. */
export type DropHow = 'reset' | 'close'

/*
 * The moving parts of FaultProxy (fault-proxy.ts): a forwarded connection, its two lanes and the
 * bandwidth bucket. The proxy owns the fault settings; a connection asks for them through
 * ProxyHooks for every chunk, so a fault switched on mid-stream applies from the next chunk.
 */

/** What a connection asks of its proxy; faults are looked up per chunk so that switching them applies at once. */
export interface ProxyHooks {
  delay(): number
  bucket(direction: Direction): TokenBucket | null
  claimDrop(conn: ProxiedConnection, direction: Direction, length: number): { allowed: number; how: DropHow | null }
  drop(conn: ProxiedConnection, how: DropHow): void
  closed(conn: ProxiedConnection): void
}

/** A client socket, its upstream socket, and one lane each way. */
export class ProxiedConnection {
  readonly bytes: Record<Direction, number> = { 'client-to-server': 0, 'server-to-client': 0 }
  dropped = false
  private readonly upstream: Socket
  private closedSockets = 0

  constructor(readonly id: number, private readonly client: Socket, target: { host: string; port: number }, hooks: ProxyHooks) {
    // writes before the connect completes are buffered by the socket
    this.upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true })
    this.upstream.setNoDelay(true)
    client.setNoDelay(true)
    new Lane(this, 'client-to-server', client, this.upstream, hooks)
    new Lane(this, 'server-to-client', this.upstream, client, hooks)
    for (const [socket, other] of [[client, this.upstream], [this.upstream, client]] as const) {
      // a failure on one side (refused upstream, RST from the server) is passed on as a reset
      socket.on('error', () => reset(other))
      socket.on('close', () => {
        if (++this.closedSockets === 2) hooks.closed(this)
      })
    }
  }

  /** End both sockets now: RST both, or FIN the client (after what was written) and RST upstream. */
  kill(how: DropHow): void {
    this.dropped = true
    if (how === 'close') this.client.end(() => this.client.destroy())
    else reset(this.client)
    reset(this.upstream)
  }
}

const HIGH_WATER = 1024 * 1024
const LOW_WATER = 256 * 1024

/** One direction of a connection: a queue of chunks, each released at its due time, in order. */
class Lane {
  private readonly queue: { data: Buffer | null; due: number }[] = []
  private queued = 0
  private running = false

  constructor(
    private readonly conn: ProxiedConnection,
    private readonly direction: Direction,
    private readonly source: Socket,
    private readonly dest: Socket,
    private readonly hooks: ProxyHooks,
  ) {
    source.on('data', (data: Buffer) => this.push(data))
    source.on('end', () => this.push(null))
  }

  private push(data: Buffer | null): void {
    this.queue.push({ data, due: Date.now() + this.hooks.delay() })
    if (data !== null) this.queued += data.length
    // hold the sender (TCP back-pressure) rather than buffer a whole result set in memory
    if (this.queued > HIGH_WATER) this.source.pause()
    void this.pump()
  }

  private alive(): boolean {
    return !this.conn.dropped && !this.dest.destroyed
  }

  private async pump(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      while (this.queue.length > 0 && this.alive()) {
        const item = this.queue[0]!
        const wait = item.due - Date.now()
        if (wait > 0) await sleep(wait)
        if (item.data === null) {
          if (!this.dest.writableEnded) this.dest.end()
          this.queue.shift()
          continue
        }
        if (!(await this.forward(item.data))) return
        this.queue.shift()
        this.queued -= item.data.length
        if (this.queued < LOW_WATER && this.source.isPaused()) this.source.resume()
      }
    } finally {
      this.running = false
    }
  }

  /** Forward one chunk, in pieces the bandwidth cap allows; false once the connection was dropped. */
  private async forward(chunk: Buffer): Promise<boolean> {
    let rest = chunk
    while (rest.length > 0) {
      if (!this.alive()) return false
      const bucket = this.hooks.bucket(this.direction)
      const length = bucket === null ? rest.length : await bucket.take(rest.length)
      if (!this.alive()) return false
      const { allowed, how } = this.hooks.claimDrop(this.conn, this.direction, length)
      if (allowed > 0) {
        await write(this.dest, rest.subarray(0, allowed), how !== null)
        this.conn.bytes[this.direction] += allowed
      }
      if (how !== null) {
        this.hooks.drop(this.conn, how)
        return false
      }
      rest = rest.subarray(allowed)
    }
    return true
  }
}

/** A token bucket: `rate` bytes per second, at most `burst` bytes saved up. */
export class TokenBucket {
  private tokens: number
  private last = performance.now()

  constructor(private readonly rate: number, private readonly burst: number) {
    if (!(rate > 0) || !(burst >= 1)) throw new Error(`bandwidth needs a positive rate and burst (got ${rate}, ${burst})`)
    this.tokens = burst
  }

  /** Wait until up to `wanted` bytes (at most one burst) may be sent; returns how many were granted. */
  async take(wanted: number): Promise<number> {
    const want = Math.min(wanted, Math.floor(this.burst))
    for (;;) {
      const now = performance.now()
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000)
      this.last = now
      if (this.tokens >= want) {
        this.tokens -= want
        return want
      }
      await sleep(Math.max(1, Math.ceil(((want - this.tokens) * 1000) / this.rate)))
    }
  }
}

/**
 * Write `data`; with `flush`, wait until it was handed to the kernel (so a reset right after does
 * not throw it away in user space), else only while the socket's buffer is full.
 */
function write(socket: Socket, data: Buffer, flush: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve()
    const done = (): void => {
      socket.off('close', done)
      socket.off('drain', done)
      resolve()
    }
    socket.on('close', done)
    if (flush) socket.write(data, () => done())
    else if (socket.write(data)) done()
    else socket.on('drain', done)
  })
}

/** Close with a TCP RST where the socket still has a handle, else just destroy it. */
export function reset(socket: Socket): void {
  if (socket.destroyed) return
  try {
    socket.resetAndDestroy()
  } catch {
    socket.destroy()
  }
}
