import type { BatchBuilder } from '../arrow/index.js'
import type { BatchLimits, BatchSink, ChunkSizer } from './types.js'

/** What the shipper pauses while the writer is behind: the source connection's socket. */
export interface Pausable {
  pause(): void
  resume(): void
}

/**
 * Ships a source reader's batches: flushes the BatchBuilder once it reaches its limits, hands the
 * IPC bytes to the sink, and pauses the connection's socket while the writer is behind (the server
 * then waits on TCP). Shared by every source reader.
 */
export class BatchShipper {
  totalRows = 0
  batches = 0
  statements = 0
  private paused = false
  /** Wire bytes received since the batch size was last summed. */
  private unchecked = 0

  constructor(
    readonly builder: BatchBuilder,
    private readonly limits: BatchLimits,
    private readonly sink: BatchSink,
    private readonly socket: Pausable,
  ) {}

  /**
   * Ship the current batch if it is full. Summing the builders' sizes costs more than decoding a
   * small row, so it is done once the wire bytes since the last sum reach 1/64 of the target
   * (decoded bytes track wire bytes closely): a batch overshoots its target by about that much.
   */
  maybeFlush(wireBytes: number): void {
    const { targetBytes, maxRows } = this.limits
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

  /** Resolves once the socket is no longer paused for backpressure (before a final COMMIT). */
  async resumed(): Promise<void> {
    while (this.paused) await this.sink.drained()
  }

  /** A statement starts: tell the sink, and return its start time for `statementDone`. */
  beginStatement(): number {
    this.sink.statementStarted?.()
    return performance.now()
  }

  /** Account for one finished statement and feed its cost back to the sizer. */
  statementDone(sizer: ChunkSizer, ms: number, rows: number, bytes: number, size: number): void {
    this.statements++
    sizer.observe(ms, rows, bytes)
    this.sink.statement(ms, rows, bytes, size)
  }

  flush(): void {
    const rows = this.builder.rows
    this.unchecked = 0
    if (rows === 0) return
    const rawBytes = this.builder.byteLength
    const batch = this.builder.finishBatch()
    const ipc = this.builder.toIPC(batch)
    this.totalRows += rows
    this.batches++
    if (!this.sink.push(ipc, rows, rawBytes, batch) && !this.paused) {
      this.paused = true
      this.socket.pause()
      void this.sink.drained().then(() => {
        this.paused = false
        this.socket.resume()
      })
    }
  }
}
