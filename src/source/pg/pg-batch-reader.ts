import { RivetError } from '../../errors/index.js'
import { BatchBuilder } from '../../arrow/index.js'
import type { PgExtractPlan } from '../../plan/export-plan.js'
import type { PgIncrementalRead } from '../../plan/incremental-plan.js'
import { pgTypedLiteral } from '../../plan/sql-literal.js'
import { BatchShipper } from '../batch-shipper.js'
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

/** Decodes rows into a BatchBuilder; the shared shipper sends batches and applies backpressure. */
class BatchPump extends BatchShipper {
  readonly decoder: PgRowDecoder
  sourceBytes = 0

  constructor(plan: PgExtractPlan, conn: PgWireConnection, sink: BatchSink) {
    super(new BatchBuilder(plan.columns), plan.batch, sink, conn)
    this.decoder = new PgRowDecoder(plan.columns.slice(0, plan.sourceColumnCount), this.builder, plan.meta, plan.rowKey)
  }

  override statementDone(sizer: ChunkSizer, ms: number, rows: number, bytes: number, size: number): void {
    this.sourceBytes += bytes
    super.statementDone(sizer, ms, rows, bytes, size)
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
    const t0 = pump.beginStatement()
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
    const t0 = pump.beginStatement()
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
