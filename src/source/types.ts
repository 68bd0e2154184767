import type { RecordBatch } from '../arrow/lib.js'
import type { ColumnSpec } from '../types/index.js'

/** Where an extraction hands its finished batches; implemented by the extraction worker. */
export interface BatchSink {
  /**
   * Hand over one finished batch (Arrow IPC stream bytes, and the batch itself for profiling);
   * false asks the producer to pause.
   */
  push(ipc: Uint8Array, rows: number, rawBytes: number, batch?: RecordBatch): boolean
  /** Resolves once the consumer can take more batches. */
  drained(): Promise<void>
  /** A source statement starts now (for live progress). */
  statementStarted?(): void
  /** Report one finished source statement (for adaptive sizing and the run summary). */
  statement(ms: number, rows: number, bytes: number, sizeHint: number): void
}

/** Chooses the size of the next chunk statement from the previous ones (adaptive feedback). */
export interface ChunkSizer {
  /** Size (pages, rows, ... — the unit belongs to the strategy) of the next statement. */
  next(): number
  /** Feed back what the last statement cost. */
  observe(ms: number, rows: number, bytes: number): void
  readonly min: number
  readonly max: number
}

/** The batch-shaping part of a plan: how big a batch gets before it is shipped. */
export interface BatchLimits {
  /** Ship a batch once its Arrow buffers reach this many bytes. */
  readonly targetBytes: number
  /** Ship a batch once it holds this many rows (null = only bytes count). */
  readonly maxRows: number | null
}

/** Columns and batch limits shared by every source reader. */
export interface ReadSpec {
  readonly columns: readonly ColumnSpec[]
  readonly batch: BatchLimits
}
