import { connect, type Socket } from 'node:net'

/** One backend message: its type character and body. */
export interface BackendMessage {
  readonly type: string
  readonly body: Buffer
}

/** A StartupMessage (protocol 3.0) with the given parameters. */
export function startupPacket(params: Record<string, string>): Buffer {
  const pairs = Object.entries(params).map(([k, v]) => `${k}\0${v}\0`).join('')
  const body = Buffer.from(`${pairs}\0`, 'utf8')
  const out = Buffer.alloc(8 + body.length)
  out.writeInt32BE(out.length, 0)
  out.writeInt32BE(196608, 4)
  body.copy(out, 8)
  return out
}

/** A typed frontend message. */
export function frontendMessage(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const out = Buffer.alloc(5 + body.length)
  out.write(type, 0, 'latin1')
  out.writeInt32BE(4 + body.length, 1)
  body.copy(out, 5)
  return out
}

/** Simple-protocol Query. */
export const queryMessage = (sql: string): Buffer => frontendMessage('Q', Buffer.from(`${sql}\0`, 'utf8'))
/** Terminate. */
export const terminateMessage = (): Buffer => frontendMessage('X')
/** Parse of an unnamed statement without parameter types. */
export const parseMessage = (sql: string): Buffer => frontendMessage('P', Buffer.from(`\0${sql}\0\0\0`, 'utf8'))

/** The fields of an ErrorResponse body, keyed by field code (C = SQLSTATE, M = message). */
export function errorFields(body: Buffer): Record<string, string> {
  const fields: Record<string, string> = {}
  let pos = 0
  while (pos < body.length && body[pos] !== 0) {
    const end = body.indexOf(0, pos + 1)
    fields[String.fromCharCode(body[pos])] = body.toString('utf8', pos + 1, end)
    pos = end + 1
  }
  return fields
}

/** A minimal protocol client for what node-postgres cannot do: exact startup parameters, abrupt exits. */
export class RawWireClient {
  private buffer = Buffer.alloc(0)
  private readonly messages: BackendMessage[] = []
  private wake: (() => void) | null = null
  closed = false

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk])
      while (this.buffer.length >= 5 && this.buffer.length >= 1 + this.buffer.readInt32BE(1)) {
        const end = 1 + this.buffer.readInt32BE(1)
        this.messages.push({ type: String.fromCharCode(this.buffer[0]), body: this.buffer.subarray(5, end) })
        this.buffer = this.buffer.subarray(end)
      }
      this.wake?.()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.closed = true
      this.wake?.()
    })
  }

  /** Open a TCP connection (no startup yet). */
  static open(port: number): Promise<RawWireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawWireClient(socket)))
      socket.once('error', reject)
    })
  }

  /** Open and run the startup exchange; returns the client and the messages up to ReadyForQuery. */
  static async start(port: number, params: Record<string, string>): Promise<{ client: RawWireClient; messages: BackendMessage[] }> {
    const client = await RawWireClient.open(port)
    client.socket.write(startupPacket(params))
    return { client, messages: await client.untilReady() }
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  /** Messages up to and including the next ReadyForQuery (or up to the close, if the server closes). */
  async untilReady(): Promise<BackendMessage[]> {
    for (;;) {
      const i = this.messages.findIndex((m) => m.type === 'Z')
      if (i >= 0) return this.messages.splice(0, i + 1)
      if (this.closed) return this.messages.splice(0)
      await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }

  /** Run a simple query; returns the text values of its rows and the SQLSTATE of an error. */
  async query(sql: string): Promise<{ rows: (string | null)[][]; error?: string }> {
    this.send(queryMessage(sql))
    const messages = await this.untilReady()
    const rows = messages.filter((m) => m.type === 'D').map((m) => dataRow(m.body))
    const error = messages.find((m) => m.type === 'E')
    return error === undefined ? { rows } : { rows, error: errorFields(error.body).C }
  }

  /** Wait until the server has closed the connection. */
  async untilClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => (this.wake = resolve))
  }
}

function dataRow(body: Buffer): (string | null)[] {
  const values: (string | null)[] = []
  let pos = 2
  for (let i = 0; i < body.readInt16BE(0); i++) {
    const len = body.readInt32BE(pos)
    pos += 4
    values.push(len < 0 ? null : body.toString('utf8', pos, pos + len))
    pos += Math.max(len, 0)
  }
  return values
}
