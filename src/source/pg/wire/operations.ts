import { RivetError } from '../../../errors/index.js'
import { Msg, parseRowDescription, parseTextRow, rowCountOfTag, BodyReader } from './backend-messages.js'
import { classifyPgError } from './classify.js'
import { PgProtocolError, type PgServerError } from './errors.js'
import { copyFailMessage } from './messages.js'
import type { PgFieldInfo } from './types.js'

/** What an operation may do to its connection. */
export interface OperationContext {
  send(data: Buffer): void
}

/**
 * One request/response cycle that ends at ReadyForQuery. The connection routes ErrorResponse,
 * notices and ParameterStatus itself and hands every other message to `handle`. The first error
 * (server or callback) is kept and the cycle still runs to ReadyForQuery, so the connection stays
 * usable afterwards.
 */
export abstract class Operation<T> {
  readonly promise: Promise<T>
  error: unknown = undefined
  private resolveFn!: (value: T) => void
  private rejectFn!: (err: unknown) => void

  constructor(protected readonly ctx: OperationContext, readonly label: string) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolveFn = resolve
      this.rejectFn = reject
    })
  }

  abstract handle(type: number, buf: Buffer, offset: number, length: number): void
  protected abstract result(): T

  /** An ErrorResponse arrived; the first error wins. */
  serverError(err: PgServerError): void {
    if (this.error === undefined) this.error = classifyPgError(err)
  }

  /** ReadyForQuery arrived. */
  complete(): void {
    if (this.error !== undefined) this.rejectFn(this.error)
    else this.resolveFn(this.result())
  }

  /** The connection died before ReadyForQuery. */
  fail(err: unknown): void {
    this.rejectFn(err)
  }

  protected unexpected(type: number): never {
    throw new PgProtocolError(`unexpected message '${String.fromCharCode(type)}' during ${this.label}`)
  }

  /** A COPY FROM STDIN started by a read-only call: refuse it so the cycle ends. */
  protected refuseCopyIn(): void {
    this.ctx.send(copyFailMessage('COPY FROM STDIN is not supported by this client'))
    this.error ??= new RivetError('RIVET_SOURCE_QUERY', `${this.label}: COPY FROM STDIN is not supported`)
  }
}

function tagOf(buf: Buffer, offset: number, length: number): string {
  return new BodyReader(buf, offset, length).cstring()
}

/** Simple query protocol, text rows. */
export class SimpleQueryOp extends Operation<{ fields: PgFieldInfo[]; rows: (string | null)[][]; command: string }> {
  private fields: PgFieldInfo[] = []
  private rows: (string | null)[][] = []
  private current: { fields: PgFieldInfo[]; rows: (string | null)[][] } | null = null
  private command = ''

  handle(type: number, buf: Buffer, offset: number, length: number): void {
    switch (type) {
      case Msg.DataRow:
        if (this.current === null) this.unexpected(type)
        this.current.rows.push(parseTextRow(buf, offset, length))
        return
      case Msg.RowDescription:
        this.current = { fields: parseRowDescription(buf, offset, length), rows: [] }
        return
      case Msg.CommandComplete:
        this.command = tagOf(buf, offset, length)
        if (this.current !== null) ({ fields: this.fields, rows: this.rows } = this.current)
        this.current = null
        return
      case Msg.EmptyQueryResponse:
      case Msg.CopyOutResponse: // a COPY TO STDOUT sent through query(): its data is dropped
      case Msg.CopyData:
      case Msg.CopyDone:
        return
      case Msg.CopyInResponse:
        return this.refuseCopyIn()
      default:
        this.unexpected(type)
    }
  }

  protected result() {
    return { fields: this.fields, rows: this.rows, command: this.command }
  }
}

/**
 * COPY ... TO STDOUT: every CopyData payload goes to the callback in place, as a range of the
 * receive buffer (no view is allocated per message: the server sends one message per row).
 */
export class CopyOutOp extends Operation<{ command: string; rows: number }> {
  private command = ''

  constructor(ctx: OperationContext, private readonly onData: (buf: Uint8Array, offset: number, length: number) => void) {
    super(ctx, 'copyOut')
  }

  handle(type: number, buf: Buffer, offset: number, length: number): void {
    if (type === Msg.CopyData) {
      if (this.error !== undefined) return // a failed callback: drain the rest of the copy
      try {
        this.onData(buf, offset, length)
      } catch (err) {
        this.error = err
      }
      return
    }
    switch (type) {
      case Msg.CopyOutResponse:
      case Msg.CopyDone:
      case Msg.EmptyQueryResponse:
        return
      case Msg.CommandComplete:
        this.command = tagOf(buf, offset, length)
        return
      case Msg.RowDescription:
      case Msg.DataRow:
        this.error ??= new RivetError('RIVET_SOURCE_QUERY', 'copyOut expects a `COPY ... TO STDOUT` statement, got one that returns rows')
        return
      case Msg.CopyInResponse:
        return this.refuseCopyIn()
      default:
        this.unexpected(type)
    }
  }

  protected result() {
    return { command: this.command, rows: rowCountOfTag(this.command) }
  }
}

/** Extended protocol with binary results: every DataRow body goes to the callback in place. */
export class BinaryQueryOp extends Operation<{ fields: PgFieldInfo[]; command: string; rows: number }> {
  private fields: PgFieldInfo[] = []
  private command = ''
  private rows = 0

  constructor(ctx: OperationContext, private readonly onRow: (buf: Uint8Array, offset: number, length: number) => void) {
    super(ctx, 'queryBinary')
  }

  handle(type: number, buf: Buffer, offset: number, length: number): void {
    if (type === Msg.DataRow) {
      if (this.error !== undefined) return
      this.rows++
      try {
        this.onRow(buf, offset, length)
      } catch (err) {
        this.error = err
      }
      return
    }
    switch (type) {
      case Msg.ParseComplete:
      case Msg.BindComplete:
      case Msg.PortalSuspended:
      case Msg.EmptyQueryResponse:
        return
      case Msg.RowDescription:
        this.fields = parseRowDescription(buf, offset, length)
        return
      case Msg.NoData:
        this.fields = []
        return
      case Msg.CommandComplete:
        this.command = tagOf(buf, offset, length)
        return
      case Msg.CopyOutResponse:
      case Msg.CopyData:
      case Msg.CopyDone:
        this.error ??= new RivetError('RIVET_SOURCE_QUERY', 'queryBinary cannot run COPY; use copyOut')
        return
      case Msg.CopyInResponse:
        return this.refuseCopyIn()
      default:
        this.unexpected(type)
    }
  }

  protected result() {
    return { fields: this.fields, command: this.command, rows: this.rows }
  }
}
