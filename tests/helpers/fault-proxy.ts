import net from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { ProxiedConnection, TokenBucket, reset } from './fault-proxy-link.js'
import type { Direction, DropHow } from './fault-proxy-link.js'

/**
 * A TCP fault proxy for tests: it listens on a loopback port, forwards every connection to one
 * upstream server (a database), and injects network faults on demand.
 *
 * ```ts
 * const proxy = FaultProxy.forUrl(PG_URL)          // upstream = the URL's host and port
 * await proxy.start()
 * const url = proxy.urlFor(PG_URL)                 // the same URL, pointed at the proxy
 * proxy.dropAfterBytes(4 * MiB)                    // the first connection that streams 4 MiB from the server is reset
 * … run rivet against `url` …
 * expect(proxy.stats().dropped).toBe(1)
 * await proxy.close()
 * ```
 *
 * Faults can be switched at any time and apply to the bytes forwarded from then on:
 * - `latency(ms)`: every chunk is delivered `ms` after it arrived, in each direction, in order
 *   (a delay line: it adds `ms` per hop, it does not add up over chunks).
 * - `bandwidth(bytesPerSecond)`: a token bucket on a direction (server→client by default), shared by
 *   every connection like one link. From the moment it is set, the bytes forwarded in that direction
 *   never exceed `burstBytes + bytesPerSecond × elapsed seconds`.
 * - `dropAfterBytes(n)`: a connection is dropped the moment it has carried exactly `n` bytes in the
 *   direction (counted from its start); the bytes beyond `n` are never forwarded.
 * - `dropAll()`: every open connection is dropped now.
 * - `refuseNext(k)`: the next `k` connections are reset as soon as they are accepted, before the
 *   upstream is contacted.
 *
 * A drop resets both sides (TCP RST via `socket.resetAndDestroy()`), as a crashed middlebox or a
 * failover does. With RST the kernel throws away what it had not yet delivered, so the client sees
 * at most `n` bytes; `how: 'close'` ends the client side with a FIN instead, so the client sees
 * exactly `n` bytes and then an unexpected end of stream.
 *
 * Counters (`stats()`, `connections()`) count bytes when they are forwarded, so they are exact:
 * a connection dropped after `n` bytes shows `n`.
 */
export class FaultProxy {
  private server: Server | null = null
  private listenPort = 0
  private nextId = 1
  private readonly open = new Set<ProxiedConnection>()
  private readonly history: ProxiedConnection[] = []
  private latencyMs = 0
  private readonly buckets: Record<Direction, TokenBucket | null> = { 'client-to-server': null, 'server-to-client': null }
  private rules: DropRule[] = []
  private refuseCount = 0
  private accepted = 0
  private refused = 0
  private dropped = 0

  constructor(readonly upstream: { readonly host: string; readonly port: number }) {}

  /** A proxy in front of the server of a database URL (postgres://, mysql://, mariadb://). */
  static forUrl(databaseUrl: string): FaultProxy {
    const url = new URL(databaseUrl)
    const defaultPort = url.protocol.startsWith('postgres') ? 5432 : 3306
    return new FaultProxy({ host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? defaultPort : Number(url.port) })
  }

  /** Listen on an ephemeral loopback port; returns the port. */
  async start(): Promise<number> {
    if (this.server !== null) throw new Error('the fault proxy is already started')
    const server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    this.listenPort = (server.address() as AddressInfo).port
    return this.listenPort
  }

  /** The port the proxy listens on (0 before start()). */
  get port(): number {
    return this.listenPort
  }

  /** `databaseUrl` with its host and port replaced by the proxy's. */
  urlFor(databaseUrl: string): string {
    if (this.listenPort === 0) throw new Error('start the fault proxy first')
    const url = new URL(databaseUrl)
    url.hostname = '127.0.0.1'
    url.port = String(this.listenPort)
    return url.toString()
  }

  /** Stop listening and reset every open connection (not counted as drops). */
  async close(): Promise<void> {
    const server = this.server
    if (server === null) return
    this.server = null
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const conn of this.open) conn.kill('reset')
    this.open.clear()
    await closed
  }

  /** Deliver every chunk `ms` after it arrived, in both directions (0: no delay). */
  latency(ms: number): this {
    this.latencyMs = Math.max(0, ms)
    return this
  }

  /**
   * Cap the bytes per second forwarded in a direction (null: no cap). `burstBytes` (default a tenth
   * of a second's worth, at least 1 KiB) is the most sent at once after an idle spell.
   */
  bandwidth(bytesPerSecond: number | null, options: { direction?: Direction | 'both'; burstBytes?: number } = {}): this {
    const direction = options.direction ?? 'server-to-client'
    const make = (): TokenBucket | null =>
      bytesPerSecond === null ? null : new TokenBucket(bytesPerSecond, options.burstBytes ?? Math.max(1024, Math.floor(bytesPerSecond / 10)))
    if (direction !== 'client-to-server') this.buckets['server-to-client'] = make()
    if (direction !== 'server-to-client') this.buckets['client-to-server'] = make()
    return this
  }

  /**
   * Drop a connection once it has carried `bytes` bytes in `direction` (default server→client).
   * `once` (default true): only the first connection to get there; false: every one.
   */
  dropAfterBytes(bytes: number, options: { once?: boolean; direction?: Direction; how?: DropHow } = {}): this {
    this.rules.push({ bytes, once: options.once ?? true, direction: options.direction ?? 'server-to-client', how: options.how ?? 'reset', fired: false })
    return this
  }

  /** Drop every open connection now; returns how many were dropped. */
  dropAll(how: DropHow = 'reset'): number {
    const victims = [...this.open]
    for (const conn of victims) this.drop(conn, how)
    return victims.length
  }

  /** Reset the next `count` connections as soon as they are accepted. */
  refuseNext(count: number): this {
    this.refuseCount += count
    return this
  }

  /** Switch every fault off (latency, bandwidth, pending drops and refusals); counters are kept. */
  clearFaults(): this {
    this.latencyMs = 0
    this.buckets['client-to-server'] = null
    this.buckets['server-to-client'] = null
    this.rules = []
    this.refuseCount = 0
    return this
  }

  /** Wait until no forwarded connection is open (both of its sockets closed, or dropped). */
  async idle(): Promise<void> {
    while (this.open.size > 0) await sleep(5)
  }

  /** Totals since start(). */
  stats(): FaultProxyStats {
    let up = 0
    let down = 0
    for (const c of this.history) {
      up += c.bytes['client-to-server']
      down += c.bytes['server-to-client']
    }
    return { accepted: this.accepted, refused: this.refused, dropped: this.dropped, open: this.open.size, bytesClientToServer: up, bytesServerToClient: down }
  }

  /** Every connection forwarded since start(), oldest first (refused ones are not listed). */
  connections(): ProxiedConnectionInfo[] {
    return this.history.map((c) => ({
      id: c.id, open: this.open.has(c), dropped: c.dropped,
      bytesClientToServer: c.bytes['client-to-server'], bytesServerToClient: c.bytes['server-to-client'],
    }))
  }

  private accept(client: Socket): void {
    this.accepted++
    client.on('error', () => undefined)
    if (this.refuseCount > 0) {
      this.refuseCount--
      this.refused++
      reset(client)
      return
    }
    const conn = new ProxiedConnection(this.nextId++, client, this.upstream, {
      delay: () => this.latencyMs,
      bucket: (direction) => this.buckets[direction],
      claimDrop: (c, direction, length) => this.claimDrop(c, direction, length),
      drop: (c, how) => this.drop(c, how),
      closed: (c) => this.open.delete(c),
    })
    this.open.add(conn)
    this.history.push(conn)
  }

  /**
   * How many of the next `length` bytes `conn` may forward in `direction`, and the drop that follows
   * them when a rule is reached. A once-rule is claimed here, synchronously, so that two connections
   * reaching it together do not both fire it.
   */
  private claimDrop(conn: ProxiedConnection, direction: Direction, length: number): { allowed: number; how: DropHow | null } {
    const carried = conn.bytes[direction]
    let hit: DropRule | null = null
    for (const rule of this.rules) {
      if (rule.fired || rule.direction !== direction || carried + length < rule.bytes) continue
      if (hit === null || rule.bytes < hit.bytes) hit = rule
    }
    if (hit === null) return { allowed: length, how: null }
    if (hit.once) hit.fired = true
    return { allowed: Math.max(0, hit.bytes - carried), how: hit.how }
  }

  private drop(conn: ProxiedConnection, how: DropHow): void {
    if (conn.dropped || !this.open.has(conn)) return
    this.dropped++
    // a dropped connection no longer counts as open, even before its sockets report closed
    this.open.delete(conn)
    conn.kill(how)
  }
}

export type { Direction, DropHow } from './fault-proxy-link.js'

/** Totals of a FaultProxy. */
export interface FaultProxyStats {
  /** Connections accepted from clients, refused ones included. */
  readonly accepted: number
  /** Connections reset at once by refuseNext(). */
  readonly refused: number
  /** Connections dropped by a fault (dropAll, dropAfterBytes). */
  readonly dropped: number
  /** Connections open now. */
  readonly open: number
  readonly bytesClientToServer: number
  readonly bytesServerToClient: number
}

/** One forwarded connection as counted by a FaultProxy. */
export interface ProxiedConnectionInfo {
  readonly id: number
  readonly open: boolean
  readonly dropped: boolean
  readonly bytesClientToServer: number
  readonly bytesServerToClient: number
}

interface DropRule {
  readonly bytes: number
  readonly once: boolean
  readonly direction: Direction
  readonly how: DropHow
  fired: boolean
}
