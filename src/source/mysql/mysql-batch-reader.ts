import type { Connection as CallbackConnection } from 'mysql2'
import type { Connection as PromiseConnection } from 'mysql2/promise'
import { mysqlTypedLiteral } from '../../plan/build-mysql-plan.js'
import type { CursorAdvance } from '../pg/index.js'
import { BatchBuilder } from '../../arrow/index.js'
import { RivetError } from '../../errors/index.js'
import type { MysqlExtractPlan, MysqlReadStrategy } from '../../plan/export-plan.js'
import { BatchShipper } from '../batch-shipper.js'
import type { BatchSink, ChunkSizer } from '../types.js'
import { classifyMysqlError } from './classify.js'
import { openMysqlConnection } from './connect.js'
import { MysqlRowDecoder } from './decode/index.js'
import { applyMysqlSessionGuard } from './session.js'

/** Counters of one MySQL extraction. */
export interface MysqlReadResult {
  readonly rows: number
  readonly batches: number
  readonly statements: number
  readonly sourceBytes: number
  /** Zero dates read as NULL, per column (see docs/type-mapping.md). */
  readonly zeroDates: Readonly<Record<string, number>>
  /** Incremental reads: where the cursor stands after this read (null value: no row was read). */
  readonly cursor?: CursorAdvance
}

/** The part of a mysql2 packet a row parser reads: the bytes and where the row starts and ends. */
interface RowPacket {
  readonly buffer: Buffer
  offset: number
  readonly end: number
}

/** What our row parser hands back to mysql2 in place of a row object (it is not used). */
const ROW_MARKER = Object.freeze([])

/**
 * Find the values of one text-protocol row (a length-encoded string or 0xFB for NULL per column):
 * value i is `packet.buffer[starts[i]..ends[i])`, starts[i] -1 for NULL. Returns the row's size in bytes.
 */
function readTextRow(packet: RowPacket, starts: Int32Array, ends: Int32Array): number {
  const buf = packet.buffer
  const columns = starts.length
  const start = packet.offset
  let p = start
  for (let i = 0; i < columns; i++) {
    const first = buf[p++]!
    let len: number
    if (first < 0xfb) len = first
    else if (first === 0xfb) {
      starts[i] = -1
      ends[i] = -1
      continue
    } else if (first === 0xfc) {
      len = buf[p]! | (buf[p + 1]! << 8)
      p += 2
    } else if (first === 0xfd) {
      len = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16)
      p += 3
    } else {
      len = buf.readUInt32LE(p) + buf.readUInt32LE(p + 4) * 0x1_0000_0000
      p += 8
    }
    if (p + len > packet.end) throw new RivetError('RIVET_SOURCE_PROTOCOL', `a MySQL row packet ends inside column ${i + 1}`)
    starts[i] = p
    p += len
    ends[i] = p
  }
  if (p !== packet.end) throw new RivetError('RIVET_SOURCE_PROTOCOL', `a MySQL row packet has ${packet.end - p} byte(s) after its ${columns} columns`)
  packet.offset = p
  return p - start
}

/**
 * The key values of the latest row, copied out of its packet on every row (a key is a few bytes)
 * so that the next keyset page can start after them once the statement has ended.
 */
class LastKey {
  private bytes = new Uint8Array(64)
  /** Byte length of each key value, -1 for NULL. */
  private readonly lengths: Int32Array

  constructor(private readonly indexes: readonly number[]) {
    this.lengths = new Int32Array(indexes.length)
  }

  /** Copy the key values of the row at `starts`/`ends` in `buf`. */
  capture(buf: Uint8Array, starts: Int32Array, ends: Int32Array): void {
    const indexes = this.indexes
    let at = 0
    for (let k = 0; k < indexes.length; k++) {
      const start = starts[indexes[k]]
      if (start < 0) {
        this.lengths[k] = -1
        continue
      }
      const len = ends[indexes[k]] - start
      if (at + len > this.bytes.length) this.grow(at + len)
      const bytes = this.bytes
      for (let j = 0; j < len; j++) bytes[at + j] = buf[start + j]
      this.lengths[k] = len
      at += len
    }
  }

  /** The captured values, each in a Buffer of its own (null for NULL). */
  values(): (Buffer | null)[] {
    const out: (Buffer | null)[] = []
    let at = 0
    for (const len of this.lengths) {
      out.push(len < 0 ? null : Buffer.from(this.bytes.subarray(at, at + len)))
      at += Math.max(len, 0)
    }
    return out
  }

  private grow(needed: number): void {
    const next = new Uint8Array(Math.max(needed, this.bytes.length * 2))
    next.set(this.bytes)
    this.bytes = next
  }
}

/**
 * Reads one export from MySQL/MariaDB into Arrow batches inside one consistent-snapshot,
 * read-only transaction; statements are keyset pages sized by statement time, or one streaming
 * SELECT when the export has no usable key.
 */
export async function readMysqlBatches(plan: MysqlExtractPlan, sink: BatchSink, sizer: ChunkSizer, signal: AbortSignal): Promise<MysqlReadResult> {
  const session = await openMysqlConnection(plan.connect, { signal })
  const raw = (session.connection as unknown as { connection: CallbackConnection }).connection
  const onAbort = () => raw.destroy()
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    const guard = await applyMysqlSessionGuard(session.connection, { statementTimeoutS: plan.statementTimeoutS })
    await session.connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY')
    const pump = new MysqlBatchPump(plan, raw, sink)
    const strategy = plan.strategy
    let cursor: CursorAdvance | undefined
    if (strategy.type === 'keyset') await readByKeyset(strategy, raw, pump, sizer, plan, signal)
    else if (strategy.type === 'stream') {
      // one statement for the whole read: it stays open (as progress shows) until the end
      pump.beginStatement()
      await pump.stream(strategy.query, signal)
    }
    else cursor = await readIncremental(strategy, session.connection, raw, pump, sizer, plan, signal)
    pump.flush()
    // the last batch may have paused the socket: the COMMIT's reply must be readable
    await pump.resumed()
    await session.connection.query('COMMIT')
    await guard.restore()
    return { rows: pump.totalRows, batches: pump.batches, statements: pump.statements, sourceBytes: pump.sourceBytes, zeroDates: Object.fromEntries(pump.decoder.zeroDates), cursor }
  } catch (err) {
    if (signal.aborted) throw new RivetError('RIVET_CANCELLED', 'the extraction was cancelled', { cause: err })
    throw err instanceof RivetError ? err : classifyMysqlError(err)
  } finally {
    signal.removeEventListener('abort', onAbort)
    await session.close().catch(() => undefined)
  }
}

/**
 * One incremental read inside the snapshot: the highest cursor value after the stored one, the rows
 * up to it (keyset pages when the export has a key), then the keys of the rows at that value.
 */
async function readIncremental(
  strategy: Extract<MysqlReadStrategy, { type: 'incremental' }>,
  conn: PromiseConnection,
  raw: CallbackConnection,
  pump: MysqlBatchPump,
  sizer: ChunkSizer,
  plan: MysqlExtractPlan,
  signal: AbortSignal,
): Promise<CursorAdvance> {
  const read = strategy.read
  const after = read.after === null ? '' : ` WHERE ${read.after}`
  const [top] = await conn.query({ sql: `SELECT CAST(MAX(${read.cursorExpr}) AS CHAR) FROM ${read.from}${after}`, rowsAsArray: true })
  const value = ((top as unknown[][])[0]?.[0] ?? null) as string | null
  if (value === null) return { value: null, boundaryKeys: null, boundaryComplete: false }
  const upTo = `${read.cursorExpr} <= ${mysqlTypedLiteral(value, read.cursorType)}`
  const where = read.after === null ? upTo : `(${read.after}) AND ${upTo}`
  if (strategy.page !== null) {
    await readByKeyset({ type: 'keyset', from: read.from, selectList: read.selectList, ...strategy.page, where }, raw, pump, sizer, plan, signal)
  } else {
    pump.beginStatement()
    await pump.stream(`SELECT ${read.selectList} FROM ${read.from} WHERE ${where}`, signal)
  }
  if (read.keyExprs === null) return { value, boundaryKeys: null, boundaryComplete: false }
  const [keys] = await conn.query({
    sql: `SELECT ${read.keyExprs.map((k) => `CAST(${k} AS CHAR)`).join(', ')} FROM ${read.from} WHERE ${read.cursorExpr} = ${mysqlTypedLiteral(value, read.cursorType)} LIMIT ${read.boundaryLimit + 1}`,
    rowsAsArray: true,
  })
  const rows = (keys as unknown[][]).map((r) => r.map((v) => (v === null ? null : String(v))))
  const complete = rows.length <= read.boundaryLimit
  return { value, boundaryKeys: complete ? rows : null, boundaryComplete: complete }
}

/** Keyset pages: `WHERE key > last ORDER BY key LIMIT n`, n from the sizer. */
async function readByKeyset(
  strategy: Extract<MysqlReadStrategy, { type: 'keyset' }>,
  raw: CallbackConnection,
  pump: MysqlBatchPump,
  sizer: ChunkSizer,
  plan: MysqlExtractPlan,
  signal: AbortSignal,
): Promise<void> {
  const order = strategy.keyExprs.join(', ')
  // binary keys compare as bytes (X'..' literals), numbers as bare numbers, every other type as the server's text rendering
  const kinds = strategy.keyIndexes.map((i) => keyLiteralKind(plan.columns[i]!.type.kind))
  let last: (Buffer | null)[] | null = null
  for (;;) {
    if (signal.aborted) throw new RivetError('RIVET_CANCELLED', 'the extraction was cancelled')
    await pump.sinkDrained()
    const size = sizer.next()
    const filters = [strategy.where, last === null ? null : after(strategy.keyExprs, last, kinds, raw)].filter((f): f is string => f !== null)
    const where = filters.length === 0 ? '' : ` WHERE ${filters.map((f) => `(${f})`).join(' AND ')}`
    const sql = `SELECT ${strategy.selectList} FROM ${strategy.from}${where} ORDER BY ${order} LIMIT ${size}`
    const t0 = pump.beginStatement()
    const page = await pump.stream(sql, signal, strategy.keyIndexes)
    pump.statementDone(sizer, performance.now() - t0, page.rows, page.bytes, size)
    if (page.rows < size) return
    last = page.lastKey
    if (plan.throttleMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.throttleMs))
  }
}

type KeyLiteralKind = 'binary' | 'number' | 'text'

function keyLiteralKind(kind: string): KeyLiteralKind {
  return kind === 'binary' ? 'binary' : kind === 'int' || kind === 'decimal' ? 'number' : 'text'
}

const NUMBER_TEXT = /^-?\d+(\.\d+)?$/

/** A key value as a literal: bytes as X'..', numbers bare (a quoted number compares as a double), text quoted. */
function keyLiteral(v: Buffer | null, kind: KeyLiteralKind, raw: CallbackConnection): string {
  if (v === null) return 'NULL'
  if (kind === 'binary') return raw.escape(v)
  const text = v.toString('utf8')
  return kind === 'number' && NUMBER_TEXT.test(text) ? text : raw.escape(text)
}

/** `(k1, k2) > (v1, v2)` written out so every server uses the key's index: `k1 > v1 OR (k1 = v1 AND k2 > v2)`. */
function after(keys: readonly string[], values: readonly (Buffer | null)[], kinds: readonly KeyLiteralKind[], raw: CallbackConnection): string {
  const lit = (v: Buffer | null, i: number) => keyLiteral(v, kinds[i]!, raw)
  const terms: string[] = []
  for (let i = 0; i < keys.length; i++) {
    const equal = keys.slice(0, i).map((k, j) => `${k} = ${lit(values[j]!, j)}`)
    terms.push([...equal, `${keys[i]} > ${lit(values[i]!, i)}`].join(' AND '))
  }
  return terms.map((t) => `(${t})`).join(' OR ')
}

/** Decodes streamed rows into a BatchBuilder and ships batches, pausing the socket when the writer is behind. */
class MysqlBatchPump extends BatchShipper {
  readonly decoder: MysqlRowDecoder
  sourceBytes = 0

  constructor(
    private readonly plan: MysqlExtractPlan,
    private readonly raw: CallbackConnection,
    sink: BatchSink,
  ) {
    super(new BatchBuilder(plan.columns), plan.batch, sink, raw)
    this.decoder = new MysqlRowDecoder(plan.columns.slice(0, plan.sourceColumnCount), this.builder, plan.meta, plan.rowKey)
  }

  /** Run one SELECT, decoding every row as it arrives; returns its row count and the key of its last row. */
  stream(sql: string, signal: AbortSignal, keyIndexes: readonly number[] = []): Promise<{ rows: number; bytes: number; lastKey: (Buffer | null)[] | null }> {
    return new Promise((resolve, reject) => {
      let rows = 0
      let bytes = 0
      const lastKey = new LastKey(keyIndexes)
      const keyed = keyIndexes.length > 0
      let failed = false
      const n = this.plan.sourceColumnCount
      const starts = new Int32Array(n)
      const ends = new Int32Array(n)
      // Each row's values are located in its packet here and decoded in place: mysql2's own text
      // parser builds a field wrapper and calls a type-cast function for every value. The query installs
      // its parser once the column definitions arrive; this property keeps ours in its place.
      const parser = {
        next: (packet: RowPacket): unknown => {
          const size = readTextRow(packet, starts, ends)
          this.decoder.decodeRow(packet.buffer, starts, ends)
          rows++
          bytes += size
          if (keyed) lastKey.capture(packet.buffer, starts, ends)
          this.maybeFlush(size)
          return ROW_MARKER
        },
      }
      const fail = (err: unknown) => {
        if (failed) return
        failed = true
        detach()
        if (signal.aborted) reject(new RivetError('RIVET_CANCELLED', 'the extraction was cancelled', { cause: err }))
        else reject(err instanceof RivetError ? err : classifyMysqlError(err))
      }
      // mysql2 tells a query without a callback nothing when its connection dies (reset, server gone):
      // it emits on the connection only, so the read listens there too or it would wait forever
      const onConnectionError = (err: unknown) => fail(err)
      const onConnectionEnd = () => fail(Object.assign(new Error('the server closed the connection during the query'), { code: 'PROTOCOL_CONNECTION_LOST' }))
      const detach = () => {
        this.raw.removeListener('error', onConnectionError)
        this.raw.removeListener('end', onConnectionEnd)
      }
      this.raw.on('error', onConnectionError)
      this.raw.on('end', onConnectionEnd)
      const query = this.raw.query({ sql, rowsAsArray: true })
      Object.defineProperty(query, '_rowParser', { configurable: true, get: () => parser, set: () => undefined })
      query.on('error', fail)
      query.on('end', () => {
        if (failed) return
        detach()
        this.sourceBytes += bytes
        resolve({ rows, bytes, lastKey: rows === 0 || !keyed ? null : lastKey.values() })
      })
    })
  }
}
