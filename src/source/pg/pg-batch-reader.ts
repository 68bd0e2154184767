import { RivetError } from '../../errors/index.js'
import { BatchBuilder } from '../../arrow/index.js'
import type { PgExtractPlan } from '../../plan/export-plan.js'
import type { PgIncrementalRead } from '../../plan/incremental-plan.js'
import { pgTypedLiteral } from '../../plan/sql-literal.js'
import type { BatchSink, ChunkSizer } from '../types.js'
import { CopyBinaryStream, PgRowDecoder } from './decode/index.js'
import { PgWireConnection, classifyPgError } from './wire/index.js'

/** Counters of one PostgreSQL extraction. */
export interface PgReadResult {
  readonly rows: number
  readonly batches: number
  readonly statements: number
  readonly sourceBytes: number
  /** Incremental reads: where the cursor stands after this read (null value: no row was read). */
  readonly cursor?: CursorAdvance
}

/** The highest cursor value read and the keys of the rows that carry it. */
export interface CursorAdvance {
  readonly value: string | null
  readonly boundaryKeys: (string | null)[][] | null
  readonly boundaryComplete: boolean
}

/**
 * Reads one export from PostgreSQL into Arrow batches, inside one REPEATABLE READ READ ONLY
 * transaction (one consistent snapshot), with every statement bounded in size by `sizer`.
 */
export async function readPgBatches(plan: PgExtractPlan, sink: BatchSink, sizer: ChunkSizer, signal: AbortSignal): Promise<PgReadResult> {
  const conn = await PgWireConnection.connect(
    {
      host: plan.connect.host,
      port: plan.connect.port,
      user: plan.connect.user,
      password: plan.connect.password,
      database: plan.connect.database,
      applicationName: plan.connect.applicationName,
      tls: plan.connect.tls,
      connectTimeoutMs: plan.connect.connectTimeoutMs,
      startupParams: { TimeZone: 'UTC', DateStyle: 'ISO, YMD', client_encoding: 'UTF8', extra_float_digits: '3', IntervalStyle: 'iso_8601' },
    },
    signal,
  )
  const onAbort = () => void conn.cancel().catch(() => undefined)
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    await conn.query(
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ' +
        `SET LOCAL statement_timeout = ${Math.round(plan.statementTimeoutS * 1000)}; ` +
        `SET LOCAL lock_timeout = ${Math.round(plan.lockTimeoutS * 1000)}`,
    )
    const reader = new BatchPump(plan, conn, sink)
    let cursor: CursorAdvance | undefined
    const strategy = plan.strategy
    if (strategy.type === 'ctid') await readByCtid(strategy.relation, strategy.selectList, conn, reader, sizer, plan, signal)
    else if (strategy.type === 'cursor') await readByCursor(strategy.query, conn, reader, sizer, plan, signal)
    else cursor = await readIncremental(strategy.read, conn, reader, sizer, plan, signal)
    reader.flush()
    await conn.query('COMMIT')
    return { rows: reader.totalRows, batches: reader.batches, statements: reader.statements, sourceBytes: reader.sourceBytes, cursor }
  } catch (err) {
    if (signal.aborted) throw new RivetError('RIVET_CANCELLED', 'the extraction was cancelled', { cause: err })
    throw classifyPgError(err)
  } finally {
    signal.removeEventListener('abort', onAbort)
    await conn.close().catch(() => undefined)
  }
}

/** Decodes rows into a BatchBuilder and ships a batch whenever it reaches its limits. */
class BatchPump {
  readonly builder: BatchBuilder
  readonly decoder: PgRowDecoder
  totalRows = 0
  batches = 0
  statements = 0
  sourceBytes = 0
  private paused = false
  /** Wire bytes received since the batch size was last summed. */
  private unchecked = 0

  constructor(
    private readonly plan: PgExtractPlan,
    private readonly conn: PgWireConnection,
    private readonly sink: BatchSink,
  ) {
    this.builder = new BatchBuilder(plan.columns)
    this.decoder = new PgRowDecoder(plan.columns.slice(0, plan.sourceColumnCount), this.builder, plan.meta)
  }

  /**
   * Ship the current batch if it is full; pause the socket when the writer is behind. Summing the
   * builders' sizes costs more than decoding a small row, so it is done once the wire bytes since
   * the last sum reach 1/64 of the target (decoded bytes track wire bytes closely): a batch
   * overshoots its target by about that much at most.
   */
  maybeFlush(wireBytes: number): void {
    const { targetBytes, maxRows } = this.plan.batch
    this.unchecked += wireBytes
    if (maxRows !== null && this.builder.rows >= maxRows) return this.flush()
    if (this.unchecked < targetBytes / 64) return
    this.unchecked = 0
    if (this.builder.byteLength >= targetBytes) this.flush()
  }

  /** Wait between statements until the writer has room (no statement starts while paused). */
  async sinkDrained(): Promise<void> {
    if (this.paused) await this.sink.drained()
  }

  /** Account for one finished statement and feed its cost back to the sizer. */
  statementDone(sizer: ChunkSizer, ms: number, rows: number, bytes: number, size: number): void {
    this.statements++
    this.sourceBytes += bytes
    sizer.observe(ms, rows, bytes)
    this.sink.statement(ms, rows, bytes, size)
  }

  flush(): void {
    const rows = this.builder.rows
    this.unchecked = 0
    if (rows === 0) return
    const rawBytes = this.builder.byteLength
    const ipc = this.builder.toIPC(this.builder.finishBatch())
    this.totalRows += rows
    this.batches++
    if (!this.sink.push(ipc, rows, rawBytes) && !this.paused) {
      // backpressure: stop reading the socket until the writer catches up; the server waits on TCP
      this.paused = true
      this.conn.pause()
      void this.sink.drained().then(() => {
        this.paused = false
        this.conn.resume()
      })
    }
  }
}

async function readByCtid(
  relation: string,
  selectList: string,
  conn: PgWireConnection,
  pump: BatchPump,
  sizer: ChunkSizer,
  plan: PgExtractPlan,
  signal: AbortSignal,
): Promise<void> {
  // Taken inside the snapshot: every tuple visible to it lives in a page below this count;
  // the last range is open-ended anyway, so pages added meanwhile are still covered.
  const sized = await conn.query(`SELECT (pg_relation_size('${relation.replace(/'/g, "''")}'::regclass) / current_setting('block_size')::int)::text`)
  const pages = Number(sized.rows[0]?.[0] ?? 0)
  let start = 0
  do {
    if (signal.aborted) throw new RivetError('RIVET_CANCELLED', 'the extraction was cancelled')
    await pump.sinkDrained()
    const size = sizer.next()
    const end = start + size
    const last = end >= pages
    const where = last ? `ctid >= '(${start},0)'::tid` : `ctid >= '(${start},0)'::tid AND ctid < '(${end},0)'::tid`
    const sql = `COPY (SELECT ${selectList} FROM ${relation} WHERE ${where}) TO STDOUT (FORMAT binary)`
    const stream = new CopyBinaryStream(pump.decoder)
    let bytes = 0
    const rowsBefore = pump.totalRows + pump.builder.rows
    const t0 = performance.now()
    await conn.copyOut(sql, (buf, offset, length) => {
      bytes += length
      stream.push(buf, offset, offset + length)
      pump.maybeFlush(length)
    })
    stream.end()
    pump.statementDone(sizer, performance.now() - t0, pump.totalRows + pump.builder.rows - rowsBefore, bytes, size)
    start = end
    if (last) break
    await throttle(plan.throttleMs)
  } while (true)
}

async function readByCursor(
  query: string,
  conn: PgWireConnection,
  pump: BatchPump,
  sizer: ChunkSizer,
  plan: PgExtractPlan,
  signal: AbortSignal,
): Promise<void> {
  await conn.query(`DECLARE rivet_cursor NO SCROLL CURSOR FOR ${query}`)
  for (;;) {
    if (signal.aborted) throw new RivetError('RIVET_CANCELLED', 'the extraction was cancelled')
    await pump.sinkDrained()
    const size = sizer.next()
    let bytes = 0
    const t0 = performance.now()
    const result = await conn.queryBinary(`FETCH FORWARD ${size} FROM rivet_cursor`, (buf, offset, length) => {
      bytes += length
      pump.decoder.decodeRow(buf, offset)
      pump.maybeFlush(length)
    })
    pump.statementDone(sizer, performance.now() - t0, result.rows, bytes, size)
    if (result.rows < size) break
    await throttle(plan.throttleMs)
  }
  await conn.query('CLOSE rivet_cursor')
}

/**
 * One incremental read, inside the caller's snapshot: the highest cursor value among the rows
 * after the stored cursor, those rows up to that value, then the keys of the rows at that value
 * (so the next run can tell which rows tying on it were already exported).
 */
async function readIncremental(
  read: PgIncrementalRead,
  conn: PgWireConnection,
  pump: BatchPump,
  sizer: ChunkSizer,
  plan: PgExtractPlan,
  signal: AbortSignal,
): Promise<CursorAdvance> {
  const after = read.after === null ? '' : ` WHERE ${read.after}`
  const top = await conn.query(`SELECT max(${read.cursorExpr})::text FROM ${read.from}${after}`)
  const value = top.rows[0]?.[0] ?? null
  if (value === null) return { value: null, boundaryKeys: null, boundaryComplete: false }
  const upTo = `${read.cursorExpr} <= ${pgTypedLiteral(value, read.cursorType)}`
  const where = read.after === null ? upTo : `(${read.after}) AND ${upTo}`
  await readByCursor(`SELECT ${read.selectList} FROM ${read.from} WHERE ${where}`, conn, pump, sizer, plan, signal)
  if (read.keyExprs === null) return { value, boundaryKeys: null, boundaryComplete: false }
  const keys = await conn.query(
    `SELECT ${read.keyExprs.map((k) => `${k}::text`).join(', ')} FROM ${read.from} ` +
      `WHERE ${read.cursorExpr} = ${pgTypedLiteral(value, read.cursorType)} LIMIT ${read.boundaryLimit + 1}`,
  )
  const complete = keys.rows.length <= read.boundaryLimit
  return { value, boundaryKeys: complete ? keys.rows : null, boundaryComplete: complete }
}

function throttle(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve()
}
