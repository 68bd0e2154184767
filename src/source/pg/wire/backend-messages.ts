import { PgProtocolError } from './errors.js'
import type { PgFieldInfo, PgNotification, PgServerFields } from './types.js'

/** Backend message type bytes. */
export const Msg = {
  Authentication: 0x52, // R
  BackendKeyData: 0x4b, // K
  BindComplete: 0x32, // 2
  CloseComplete: 0x33, // 3
  CommandComplete: 0x43, // C
  CopyData: 0x64, // d
  CopyDone: 0x63, // c
  CopyInResponse: 0x47, // G
  CopyOutResponse: 0x48, // H
  CopyBothResponse: 0x57, // W
  DataRow: 0x44, // D
  EmptyQueryResponse: 0x49, // I
  ErrorResponse: 0x45, // E
  NegotiateProtocolVersion: 0x76, // v
  NoData: 0x6e, // n
  NoticeResponse: 0x4e, // N
  NotificationResponse: 0x41, // A
  ParameterDescription: 0x74, // t
  ParameterStatus: 0x53, // S
  ParseComplete: 0x31, // 1
  PortalSuspended: 0x73, // s
  ReadyForQuery: 0x5a, // Z
  RowDescription: 0x54, // T
} as const

/** Reads NUL-terminated strings and integers from one message body; for cold-path messages only. */
export class BodyReader {
  pos: number
  private readonly limit: number

  constructor(private readonly buf: Buffer, offset: number, length: number) {
    this.pos = offset
    this.limit = offset + length
  }

  cstring(): string {
    const end = this.buf.indexOf(0, this.pos)
    if (end < 0 || end >= this.limit) throw new PgProtocolError('unterminated string in a server message')
    const s = this.buf.toString('utf8', this.pos, end)
    this.pos = end + 1
    return s
  }

  i16(): number {
    this.check(2)
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }

  i32(): number {
    this.check(4)
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }

  u32(): number {
    this.check(4)
    const v = this.buf.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }

  /** The bytes left in the body, as a string. */
  rest(): string {
    const s = this.buf.toString('utf8', this.pos, this.limit)
    this.pos = this.limit
    return s
  }

  get remaining(): number {
    return this.limit - this.pos
  }

  private check(n: number): void {
    if (this.pos + n > this.limit) throw new PgProtocolError('server message shorter than its contents')
  }
}

const FIELD_NAMES: Record<string, keyof PgServerFields> = {
  S: 'severity', C: 'code', M: 'message', D: 'detail', H: 'hint', P: 'position', p: 'internalPosition',
  q: 'internalQuery', W: 'where', s: 'schema', t: 'table', c: 'column', d: 'dataType', n: 'constraint',
  F: 'file', L: 'line', R: 'routine',
}

/** The fields of an ErrorResponse or NoticeResponse body. */
export function parseServerFields(buf: Buffer, offset: number, length: number): PgServerFields {
  const fields: PgServerFields = { severity: 'ERROR', code: 'XX000', message: '' }
  const r = new BodyReader(buf, offset, length)
  let localized: string | undefined
  let sawV = false
  while (r.remaining > 0) {
    const tag = buf[r.pos++]
    if (tag === 0) break
    const value = r.cstring()
    const key = String.fromCharCode(tag)
    // 'V' is the non-localized severity (9.6+); prefer it over the translated 'S'
    if (key === 'V') {
      fields.severity = value
      sawV = true
    } else if (key === 'S') localized = value
    else if (FIELD_NAMES[key] !== undefined) fields[FIELD_NAMES[key]] = value
  }
  if (localized !== undefined && !sawV) fields.severity = localized
  return fields
}

/** The columns of a RowDescription body. */
export function parseRowDescription(buf: Buffer, offset: number, length: number): PgFieldInfo[] {
  const r = new BodyReader(buf, offset, length)
  const count = r.i16()
  const fields: PgFieldInfo[] = new Array(count)
  for (let i = 0; i < count; i++) {
    fields[i] = {
      name: r.cstring(),
      tableOid: r.u32(),
      columnAttr: r.i16(),
      typeOid: r.u32(),
      typeSize: r.i16(),
      typmod: r.i32(),
      format: r.i16() === 1 ? 1 : 0,
    }
  }
  return fields
}

/** A text-format DataRow body as strings; NULL is null. Used by query(), which is not a hot path. */
export function parseTextRow(buf: Buffer, offset: number, length: number): (string | null)[] {
  const r = new BodyReader(buf, offset, length)
  const count = r.i16()
  const row: (string | null)[] = new Array(count)
  for (let i = 0; i < count; i++) {
    const n = r.i32()
    if (n < 0) {
      row[i] = null
      continue
    }
    if (r.remaining < n) throw new PgProtocolError('DataRow shorter than its fields')
    row[i] = buf.toString('utf8', r.pos, r.pos + n)
    r.pos += n
  }
  return row
}

/** A NotificationResponse body. */
export function parseNotification(buf: Buffer, offset: number, length: number): PgNotification {
  const r = new BodyReader(buf, offset, length)
  return { processId: r.i32(), channel: r.cstring(), payload: r.cstring() }
}

/** The row count at the end of a command tag ("COPY 42", "SELECT 3", "INSERT 0 1"); 0 when it has none. */
export function rowCountOfTag(tag: string): number {
  const space = tag.lastIndexOf(' ')
  if (space < 0) return 0
  const n = Number(tag.slice(space + 1))
  return Number.isFinite(n) ? n : 0
}
