import type { MessagePort } from 'node:worker_threads'
import { toRivetError } from '../errors/index.js'
import type { ExtractPlan } from '../plan/export-plan.js'
import { readPgBatches } from '../source/pg/index.js'
import type { CursorAdvance } from '../source/pg/index.js'
import type { RecordBatch } from '../arrow/lib.js'
import { BatchProfiler } from '../quality/index.js'
import type { ProfileSpec } from '../quality/index.js'
import type { BatchSink } from '../source/types.js'
import { AdaptiveSizer } from './feedback.js'
import type { CoordinatorToWorker, ExtractOutcome, WorkerToCoordinator } from './messages.js'
import { releaseBatchMemory } from './memory.js'
import { ownedBytes } from './transfer.js'

/** The task an extraction worker runs: one export, end to end, streaming batches over `port`. */
export interface ExtractTask {
  readonly plan: ExtractPlan
  readonly port: MessagePort
  /** Profile every batch (NULLs, widths, unique keys) for the export's drift and quality checks. */
  readonly profile?: ProfileSpec
}

/** Worker side of an extraction: reads the source and posts batches, holding at most maxInFlight unacknowledged. */
export async function runExtractTask(task: ExtractTask): Promise<ExtractOutcome> {
  const { plan, port } = task
  const abort = new AbortController()
  const profiler = task.profile === undefined ? null : new BatchProfiler(task.profile, plan.columns)
  const sink = new PortBatchSink(port, plan.maxInFlight, profiler)
  port.on('message', (msg: CoordinatorToWorker) => {
    if (msg.type === 'ack') sink.ack()
    else if (msg.type === 'cancel') {
      abort.abort()
      // no more acks will come once the coordinator has failed: a reader waiting for credit must wake up and see the abort
      sink.cancel()
    }
  })
  const { initial, min, max, targetStatementMs } = plan.chunking
  const sizer = new AdaptiveSizer(initial, min, max, targetStatementMs)
  try {
    // the MySQL reader (and mysql2) is loaded only by workers that read MySQL
    const result: { rows: number; batches: number; statements: number; sourceBytes: number; cursor?: CursorAdvance; zeroDates?: Readonly<Record<string, number>> } =
      plan.source === 'mysql'
        ? await (await import('../source/mysql/index.js')).readMysqlBatches(plan, sink, sizer, abort.signal)
        : await readPgBatches(plan, sink, sizer, abort.signal)
    // the outcome travels on the pool's channel, the batches on this port: messages on two
    // channels are not ordered, so the outcome waits until the coordinator has written (acked) every batch
    await sink.settled()
    const { current, smallest, largest } = sizer.stats
    return {
      ok: true,
      rows: result.rows,
      // what was posted on the port, which the coordinator checks against what it wrote
      batches: sink.sent,
      cursor: result.cursor,
      ...(profiler === null ? {} : { profile: profiler.profile() }),
      stats: {
        strategy: plan.strategy.type,
        statements: result.statements,
        maxStatementMs: sink.maxStatementMs,
        totalStatementMs: sink.totalStatementMs,
        sourceBytes: result.sourceBytes,
        finalChunkSize: current,
        minChunkSize: smallest,
        maxChunkSize: largest,
        ...(result.zeroDates !== undefined && Object.keys(result.zeroDates).length > 0 ? { zeroDates: result.zeroDates } : {}),
      },
    }
  } catch (err) {
    return { ok: false, error: toRivetError(err).toJSON(), rows: sink.rows }
  } finally {
    port.close()
  }
}

class PortBatchSink implements BatchSink {
  private inFlight = 0
  private seq = 0
  private waiters: (() => void)[] = []
  private settlers: (() => void)[] = []
  private cancelled = false
  rows = 0
  maxStatementMs = 0
  totalStatementMs = 0

  constructor(
    private readonly port: MessagePort,
    private readonly maxInFlight: number,
    private readonly profiler: BatchProfiler | null,
  ) {}

  push(ipc: Uint8Array, rows: number, rawBytes: number, batch?: RecordBatch): boolean {
    const keys = this.profiler !== null && batch !== undefined ? (this.profiler.observe(batch) ?? []).map((k) => ownedBytes(new Uint8Array(k.buffer, k.byteOffset, k.byteLength)).buffer as ArrayBuffer) : []
    const bytes = ownedBytes(ipc)
    const message: WorkerToCoordinator = { type: 'batch', seq: this.seq++, ipc: bytes.buffer as ArrayBuffer, rows, rawBytes, ...(keys.length > 0 ? { keys } : {}) }
    this.port.postMessage(message, [bytes.buffer as ArrayBuffer, ...keys])
    this.rows += rows
    this.inFlight++
    releaseBatchMemory()
    return this.inFlight < this.maxInFlight
  }

  drained(): Promise<void> {
    if (this.cancelled || this.inFlight < this.maxInFlight) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /** Resolves once every batch sent was acknowledged (or the coordinator gave up). */
  async settled(): Promise<void> {
    while (!this.cancelled && this.inFlight > 0) await new Promise<void>((resolve) => this.settlers.push(resolve))
  }

  statementStarted(): void {
    this.port.postMessage({ type: 'statement-start' } satisfies WorkerToCoordinator)
  }

  statement(ms: number, rows: number, bytes: number, sizeHint: number): void {
    this.maxStatementMs = Math.max(this.maxStatementMs, ms)
    this.totalStatementMs += ms
    const message: WorkerToCoordinator = { type: 'statement', ms, rows, bytes, sizeHint }
    this.port.postMessage(message)
  }

  /** Batches posted so far. */
  get sent(): number {
    return this.seq
  }

  ack(): void {
    this.inFlight--
    if (this.inFlight < this.maxInFlight || this.inFlight === 0) this.wake()
  }

  /** The coordinator gave up: release every reader waiting for credit. */
  cancel(): void {
    this.cancelled = true
    this.wake()
  }

  private wake(): void {
    const waiters = [...this.waiters, ...this.settlers]
    this.waiters = []
    this.settlers = []
    for (const w of waiters) w()
  }
}
