import net from 'node:net'
import tls from 'node:tls'

/** A frontend message as the fake server reads it. */
export interface FrontendMessage {
  type: string
  body: Buffer
}

/** Reads length-prefixed frames from one socket. */
class FrameReader {
  private buf = Buffer.alloc(0)
  private wake: (() => void) | null = null
  private ended = false

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk])
      this.wake?.()
    })
    socket.on('close', () => {
      this.ended = true
      this.wake?.()
    })
    socket.on('error', () => undefined)
  }

  async take(n: number): Promise<Buffer> {
    while (this.buf.length < n) {
      if (this.ended) throw new Error('client closed the connection')
      await new Promise<void>((resolve) => (this.wake = resolve))
      this.wake = null
    }
    const out = this.buf.subarray(0, n)
    this.buf = this.buf.subarray(n)
    return out
  }
}

/** One client connection to the fake server. */
export class FakeSession {
  private reader: FrameReader
  /** Whether the session was upgraded to TLS. */
  secure = false

  constructor(socket: net.Socket, private readonly tlsOptions: { key: Buffer; cert: Buffer } | undefined, private readonly sslAnswer: Buffer | undefined) {
    this.reader = new FrameReader(socket)
  }

  get socket(): net.Socket {
    return this.reader.socket
  }

  /** Read the startup packet (answering an SSLRequest first) and return its parameters. */
  async startup(): Promise<Record<string, string>> {
    for (;;) {
      const len = (await this.reader.take(4)).readInt32BE(0)
      const body = await this.reader.take(len - 4)
      const code = body.readInt32BE(0)
      if (code === 80877103) {
        await this.answerSsl()
        continue
      }
      const parts = body.subarray(4).toString('utf8').split('\0')
      const params: Record<string, string> = {}
      for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) params[parts[i]] = parts[i + 1]
      return params
    }
  }

  private async answerSsl(): Promise<void> {
    if (this.sslAnswer !== undefined) return void this.socket.write(this.sslAnswer)
    if (this.tlsOptions === undefined) return void this.socket.write('N')
    this.socket.write('S')
    const secure = new tls.TLSSocket(this.socket, { isServer: true, ...this.tlsOptions })
    this.reader = new FrameReader(secure)
    await new Promise<void>((resolve, reject) => {
      secure.once('secure', resolve)
      secure.once('error', reject)
      secure.once('close', () => reject(new Error('TLS handshake aborted')))
    }).catch(() => undefined)
    this.secure = true
  }

  /** Next typed frontend message. */
  async next(): Promise<FrontendMessage> {
    const head = await this.reader.take(5)
    const body = await this.reader.take(head.readInt32BE(1) - 4)
    return { type: String.fromCharCode(head[0]), body }
  }

  /** Send one backend message. */
  send(type: string, body: Buffer | string = Buffer.alloc(0)): void {
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
    const head = Buffer.alloc(5)
    head[0] = type.charCodeAt(0)
    head.writeInt32BE(payload.length + 4, 1)
    this.socket.write(Buffer.concat([head, payload]))
  }

  /** Send an Authentication message of the given method with extra payload. */
  auth(method: number, extra: Buffer | string = Buffer.alloc(0)): void {
    const m = Buffer.alloc(4)
    m.writeInt32BE(method, 0)
    this.send('R', Buffer.concat([m, typeof extra === 'string' ? Buffer.from(extra, 'utf8') : extra]))
  }

  /** AuthenticationOk, a ParameterStatus, BackendKeyData and ReadyForQuery. */
  ready(): void {
    this.auth(0)
    this.send('S', 'server_version\x0099.0\0')
    const key = Buffer.alloc(8)
    key.writeInt32BE(4242, 0)
    key.writeInt32BE(7, 4)
    this.send('K', key)
    this.send('Z', 'I')
  }

  /** An ErrorResponse with the given severity, SQLSTATE and message. */
  error(severity: string, code: string, message: string): void {
    this.send('E', `S${severity}\0V${severity}\0C${code}\0M${message}\0\0`)
  }
}

/** A scripted PostgreSQL server on 127.0.0.1 for protocol paths the real server here cannot show. */
export async function startFakeServer(
  script: (session: FakeSession) => Promise<void>,
  options: { tls?: { key: Buffer; cert: Buffer }; sslAnswer?: Buffer } = {},
): Promise<{ port: number; sessions: FakeSession[]; errors: unknown[]; close(): Promise<void> }> {
  const sessions: FakeSession[] = []
  const errors: unknown[] = []
  const server = net.createServer((socket) => {
    const session = new FakeSession(socket, options.tls, options.sslAnswer)
    sessions.push(session)
    script(session).catch((err: unknown) => {
      errors.push(err)
      socket.destroy()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    sessions,
    errors,
    close: async () => {
      for (const s of sessions) s.socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
