/**
 * Frontend message serialisation (protocol 3.0). These run once per call, never per row,
 * so clarity wins over micro-optimisation here.
 */

const PROTOCOL_3_0 = 196608
const SSL_REQUEST_CODE = 80877103
const CANCEL_REQUEST_CODE = 80877102

/** Builds one or more frontend messages into a single buffer, so a call is one socket write. */
export class MessageWriter {
  private buf = Buffer.allocUnsafe(256)
  private pos = 0
  private start = -1

  /** Begin a message; `type` is its one-byte code, or null for the untyped startup packets. */
  begin(type: string | null): this {
    if (type !== null) this.u8(type.charCodeAt(0))
    this.start = this.pos
    return this.i32(0)
  }

  /** Patch the length of the message begun last (it counts itself but not the type byte). */
  end(): this {
    this.buf.writeInt32BE(this.pos - this.start, this.start)
    return this
  }

  u8(v: number): this {
    this.ensure(1)
    this.buf[this.pos++] = v
    return this
  }

  i16(v: number): this {
    this.ensure(2)
    this.pos = this.buf.writeInt16BE(v, this.pos)
    return this
  }

  i32(v: number): this {
    this.ensure(4)
    this.pos = this.buf.writeInt32BE(v, this.pos)
    return this
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(s: string): this {
    const n = Buffer.byteLength(s)
    this.ensure(n + 1)
    this.pos += this.buf.write(s, this.pos)
    this.buf[this.pos++] = 0
    return this
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
    return this
  }

  /** The bytes written so far. */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos)
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }
}

/** StartupMessage with the given parameters (user, database, ...). */
export function startupMessage(params: Readonly<Record<string, string>>): Buffer {
  const w = new MessageWriter().begin(null).i32(PROTOCOL_3_0)
  for (const [key, value] of Object.entries(params)) w.cstring(key).cstring(value)
  return w.u8(0).end().finish()
}

/** SSLRequest: asks the server whether it speaks TLS; it answers one byte, 'S' or 'N'. */
export function sslRequestMessage(): Buffer {
  return new MessageWriter().begin(null).i32(SSL_REQUEST_CODE).end().finish()
}

/** CancelRequest, sent on a fresh connection. */
export function cancelRequestMessage(pid: number, secretKey: number): Buffer {
  return new MessageWriter().begin(null).i32(CANCEL_REQUEST_CODE).i32(pid).i32(secretKey).end().finish()
}

/** Query (simple protocol). */
export function queryMessage(sql: string): Buffer {
  return new MessageWriter().begin('Q').cstring(sql).end().finish()
}

/**
 * Parse + Bind + Describe portal + Execute + Sync for the unnamed statement and portal, with no
 * parameters and every result column in binary format (one format code applies to all columns).
 */
export function binaryQueryMessages(sql: string): Buffer {
  const w = new MessageWriter()
  w.begin('P').cstring('').cstring(sql).i16(0).end()
  w.begin('B').cstring('').cstring('').i16(0).i16(0).i16(1).i16(1).end()
  w.begin('D').u8(0x50 /* 'P' */).cstring('').end()
  w.begin('E').cstring('').i32(0).end()
  w.begin('S').end()
  return w.finish()
}

/** PasswordMessage: cleartext or md5 hash. */
export function passwordMessage(password: string): Buffer {
  return new MessageWriter().begin('p').cstring(password).end().finish()
}

/** SASLInitialResponse: the chosen mechanism and the client-first-message. */
export function saslInitialResponseMessage(mechanism: string, data: string): Buffer {
  const payload = Buffer.from(data, 'utf8')
  return new MessageWriter().begin('p').cstring(mechanism).i32(payload.length).bytes(payload).end().finish()
}

/** SASLResponse: the client-final-message. */
export function saslResponseMessage(data: string): Buffer {
  return new MessageWriter().begin('p').bytes(Buffer.from(data, 'utf8')).end().finish()
}

/** CopyFail: refuses a COPY FROM STDIN that a query() started. */
export function copyFailMessage(reason: string): Buffer {
  return new MessageWriter().begin('f').cstring(reason).end().finish()
}

/** Terminate. */
export function terminateMessage(): Buffer {
  return new MessageWriter().begin('X').end().finish()
}
