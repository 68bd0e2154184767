import net from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FaultProxy } from '../helpers/fault-proxy.js'

/**
 * The upstream of these tests, on loopback: a line `SEND n` makes it send n bytes of a known
 * pattern and end; anything else is echoed back.
 */
class TestUpstream {
  accepted = 0
  private server: Server | null = null
  private readonly sockets = new Set<Socket>()

  async start(): Promise<number> {
    this.server = net.createServer((socket) => {
      this.accepted++
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
      socket.on('error', () => undefined)
      let first = true
      socket.on('data', (data: Buffer) => {
        const m = first ? /^SEND (\d+)\n$/.exec(data.toString('latin1')) : null
        first = false
        if (m === null) socket.write(data)
        else socket.end(pattern(Number(m[1])))
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return (this.server.address() as AddressInfo).port
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()))
  }
}

/** n bytes whose value depends on their offset, so a gap or a reordering shows. */
function pattern(n: number, from = 0): Buffer {
  const out = Buffer.allocUnsafe(n)
  for (let i = 0; i < n; i++) out[i] = (from + i) % 251
  return out
}

interface Received {
  readonly bytes: Buffer
  /** The socket error, if it ended with one (ECONNRESET for a reset). */
  readonly error: NodeJS.ErrnoException | null
  /** performance.now() and bytes received so far, at every data event. */
  readonly samples: readonly { readonly at: number; readonly total: number }[]
}

/** Connect to `port`, send `request` (if any), collect everything until the socket closes. */
function exchange(port: number, request: Buffer | string | null, options: { keepOpen?: boolean } = {}): { socket: Socket; done: Promise<Received> } {
  const socket = net.connect({ host: '127.0.0.1', port })
  const chunks: Buffer[] = []
  const samples: { at: number; total: number }[] = []
  let total = 0
  let error: NodeJS.ErrnoException | null = null
  const done = new Promise<Received>((resolve) => {
    socket.on('data', (d: Buffer) => {
      chunks.push(d)
      total += d.length
      samples.push({ at: performance.now(), total })
    })
    socket.on('error', (err) => (error = err))
    socket.on('close', () => resolve({ bytes: Buffer.concat(chunks), error, samples }))
  })
  if (request !== null) socket.write(request)
  if (request !== null && !options.keepOpen && typeof request !== 'string') socket.end()
  return { socket, done }
}

/** Echo `payload` through the proxy and wait for all of it to come back. */
async function echo(port: number, payload: Buffer): Promise<Buffer> {
  const { socket, done } = exchange(port, null)
  const back: Buffer[] = []
  let got = 0
  await new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      back.push(d)
      got += d.length
      if (got >= payload.length) resolve()
    })
    socket.write(payload)
  })
  socket.end()
  await done
  return Buffer.concat(back)
}

const MiB = 1024 * 1024
const upstream = new TestUpstream()
let upstreamPort = 0
let proxy: FaultProxy

beforeAll(async () => {
  upstreamPort = await upstream.start()
})
afterAll(() => upstream.close())
afterEach(() => proxy.close())

async function startProxy(): Promise<number> {
  proxy = new FaultProxy({ host: '127.0.0.1', port: upstreamPort })
  return proxy.start()
}

describe('FaultProxy', () => {
  it('forwards both ways unchanged and counts connections and bytes', async () => {
    const port = await startProxy()
    const r = await exchange(port, 'SEND 3000000\n').done
    expect(r.error).toBeNull()
    expect(r.bytes.equals(pattern(3_000_000))).toBe(true)
    const back = await echo(port, pattern(200_000, 7))
    expect(back.equals(pattern(200_000, 7))).toBe(true)
    await proxy.idle()
    expect(proxy.stats()).toEqual({ accepted: 2, refused: 0, dropped: 0, open: 0, bytesClientToServer: 13 + 200_000, bytesServerToClient: 3_000_000 + 200_000 })
    expect(proxy.connections().map((c) => [c.bytesClientToServer, c.bytesServerToClient, c.dropped])).toEqual([[13, 3_000_000, false], [200_000, 200_000, false]])
  })

  it('rewrites a database URL to point at itself, keeping user, database and parameters', async () => {
    const p = FaultProxy.forUrl('postgres://app:s3cret@db.example:6543/shop?sslmode=disable')
    expect(p.upstream).toEqual({ host: 'db.example', port: 6543 })
    expect(FaultProxy.forUrl('mysql://root@127.0.0.1/test').upstream).toEqual({ host: '127.0.0.1', port: 3306 })
    const port = await p.start()
    try {
      expect(p.urlFor('postgres://app:s3cret@db.example:6543/shop?sslmode=disable')).toBe(`postgres://app:s3cret@127.0.0.1:${port}/shop?sslmode=disable`)
    } finally {
      await p.close()
    }
    await startProxy()
  })

  it('latency delays each direction by the set time and keeps the order of the chunks', async () => {
    const port = await startProxy()
    proxy.latency(40)
    // a round trip crosses the proxy twice
    const started = performance.now()
    const back = await echo(port, Buffer.from('ping'))
    expect(back.toString()).toBe('ping')
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 40 - 4)
    // many small writes arrive in order, unchanged
    const { socket, done } = exchange(port, null)
    const payload = pattern(50_000, 3)
    for (let off = 0; off < payload.length; off += 997) socket.write(payload.subarray(off, off + 997))
    await new Promise((resolve) => setTimeout(resolve, 100))
    proxy.latency(0)
    socket.end()
    expect((await done).bytes.equals(payload)).toBe(true)
  })

  it('bandwidth never lets more than burst + rate × elapsed bytes through, and loses nothing', async () => {
    const port = await startProxy()
    const rate = 400 * 1024
    const burst = 16 * 1024
    const since = performance.now()
    proxy.bandwidth(rate, { burstBytes: burst })
    const r = await exchange(port, 'SEND 300000\n').done
    expect(r.bytes.equals(pattern(300_000))).toBe(true)
    // measured in bytes against the client's clock: the proxy forwarded each byte before it arrived
    for (const s of r.samples) expect(s.total).toBeLessThanOrEqual(burst + (rate * (s.at - since)) / 1000 + 1)
    expect(proxy.connections()[0]!.bytesServerToClient).toBe(300_000)
  })

  it('drops a connection exactly at a byte count from the server, once, with a FIN', async () => {
    const port = await startProxy()
    proxy.dropAfterBytes(1 * MiB + 17, { how: 'close' })
    const hit = await exchange(port, 'SEND 4000000\n').done
    expect(hit.bytes.length).toBe(1 * MiB + 17)
    expect(hit.bytes.equals(pattern(1 * MiB + 17))).toBe(true)
    // once: the next connection streams everything
    const next = await exchange(port, 'SEND 4000000\n').done
    expect(next.bytes.length).toBe(4_000_000)
    await proxy.idle()
    expect(proxy.stats()).toMatchObject({ accepted: 2, dropped: 1, open: 0 })
    expect(proxy.connections().map((c) => [c.dropped, c.bytesServerToClient])).toEqual([[true, 1 * MiB + 17], [false, 4_000_000]])
  })

  it('drops with a reset: the client sees ECONNRESET and never more than the byte count', async () => {
    const port = await startProxy()
    proxy.dropAfterBytes(500_000)
    const hit = await exchange(port, 'SEND 2000000\n').done
    expect(hit.error?.code).toBe('ECONNRESET')
    expect(hit.bytes.length).toBeLessThanOrEqual(500_000)
    expect(hit.bytes.equals(pattern(hit.bytes.length))).toBe(true)
    expect(proxy.connections()[0]).toMatchObject({ dropped: true, bytesServerToClient: 500_000 })
  })

  it('a drop that is not once hits every connection; a client→server drop counts the client bytes', async () => {
    const port = await startProxy()
    proxy.dropAfterBytes(10_000, { once: false, how: 'close' })
    for (let i = 0; i < 3; i++) expect((await exchange(port, 'SEND 50000\n').done).bytes.length).toBe(10_000)
    proxy.clearFaults()
    proxy.dropAfterBytes(64 * 1024, { direction: 'client-to-server' })
    const { socket, done } = exchange(port, null)
    socket.write(pattern(1 * MiB))
    const r = await done
    // the upstream echoed at most what reached it
    expect(r.bytes.length).toBeLessThanOrEqual(64 * 1024)
    expect(proxy.stats().dropped).toBe(4)
    expect(proxy.connections()[3]).toMatchObject({ dropped: true, bytesClientToServer: 64 * 1024 })
  })

  it('dropAll resets every open connection and counts them', async () => {
    const port = await startProxy()
    const a = exchange(port, null)
    const b = exchange(port, null)
    // make sure both are forwarded before dropping them
    await echo(port, Buffer.from('x'))
    a.socket.write('hello')
    b.socket.write('hello')
    while (proxy.connections().filter((c) => c.open && c.bytesServerToClient === 5).length < 2) await new Promise((r) => setTimeout(r, 5))
    expect(proxy.dropAll()).toBe(2)
    const [ra, rb] = await Promise.all([a.done, b.done])
    expect(ra.bytes.toString()).toBe('hello')
    expect(rb.bytes.toString()).toBe('hello')
    expect(ra.error?.code).toBe('ECONNRESET')
    await proxy.idle()
    expect(proxy.stats()).toMatchObject({ accepted: 3, dropped: 2, open: 0 })
  })

  it('refuseNext closes the next connections before they reach the upstream', async () => {
    const port = await startProxy()
    const before = upstream.accepted
    proxy.refuseNext(2)
    for (let i = 0; i < 2; i++) {
      const r = await exchange(port, 'SEND 10\n').done
      expect(r.bytes.length).toBe(0)
    }
    expect(upstream.accepted).toBe(before)
    expect((await exchange(port, 'SEND 10\n').done).bytes.equals(pattern(10))).toBe(true)
    expect(upstream.accepted).toBe(before + 1)
    expect(proxy.stats()).toMatchObject({ accepted: 3, refused: 2, dropped: 0 })
  })

  it('resets the client when the upstream refuses the connection', async () => {
    const closed = net.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const deadPort = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    proxy = new FaultProxy({ host: '127.0.0.1', port: deadPort })
    const port = await proxy.start()
    const r = await exchange(port, 'SEND 10\n').done
    expect(r.bytes.length).toBe(0)
    expect(r.error?.code).toBe('ECONNRESET')
  })
})
