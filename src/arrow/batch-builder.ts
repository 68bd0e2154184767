import { RecordBatch, Struct, makeData, type Schema } from './lib.js'
import { RivetError } from '../errors/index.js'
import type { ColumnSpec } from '../types/index.js'
import { createColumnBuilder, type AnyColumnBuilder } from './builders/index.js'
import { recordBatchToIPC } from './ipc.js'
import { toArrowSchema } from './schema.js'

/**
 * Hard ceiling for a batch: a single PostgreSQL value is at most 1 GB, so flushing once a batch
 * holds 1 GiB keeps every int32-offset buffer below 2 GiB.
 */
export const MAX_BATCH_BYTES = 1 << 30

/** Optional limits that make `full` true. */
export interface BatchBuilderOptions {
  readonly maxRows?: number | null
  /** Flush threshold in bytes; clamped to MAX_BATCH_BYTES. */
  readonly maxBytes?: number
}

/**
 * Column builders for one list of output columns. A source decoder appends one value per column,
 * then calls `endRow()`; `finishBatch()` hands the rows over as a RecordBatch and starts afresh.
 */
export class BatchBuilder {
  readonly schema: Schema
  readonly builders: readonly AnyColumnBuilder[]
  private rowCount = 0
  private readonly maxRows: number
  private readonly maxBytes: number

  constructor(
    readonly columns: readonly ColumnSpec[],
    options: BatchBuilderOptions = {},
  ) {
    this.schema = toArrowSchema(columns)
    this.builders = columns.map((c, i) => createColumnBuilder(c.type, this.schema.fields[i].type))
    this.maxRows = options.maxRows ?? Infinity
    this.maxBytes = Math.min(options.maxBytes ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES)
  }

  /** Rows appended since the last finishBatch(). */
  get rows(): number {
    return this.rowCount
  }

  /** Bytes held by the current batch's buffers. */
  get byteLength(): number {
    let total = 0
    for (const b of this.builders) total += b.byteLength
    return total
  }

  /** Whether the batch reached its row or byte limit (or the 1 GiB ceiling) and should be flushed. */
  get full(): boolean {
    return this.isFull(true)
  }

  /** `full`, looking at the byte size only when `checkBytes` (summing the builders costs per row). */
  isFull(checkBytes: boolean): boolean {
    return this.rowCount >= this.maxRows || (checkBytes && this.byteLength >= this.maxBytes)
  }

  /** Count one complete row (every builder received exactly one value). */
  endRow(): void {
    this.rowCount++
  }

  /** The rows so far as a RecordBatch; the builders start a new batch with fresh buffers. */
  finishBatch(): RecordBatch {
    const length = this.rowCount
    const children = this.builders.map((b, i) => {
      if (b.length !== length) {
        throw new RivetError('RIVET_INTERNAL', `column ${this.columns[i].name} has ${b.length} values in a batch of ${length} rows`)
      }
      return b.finish()
    })
    this.rowCount = 0
    const data = makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children })
    return new RecordBatch(this.schema, data)
  }

  /** A batch as a standalone Arrow IPC stream (schema included) whose buffer can be transferred. */
  toIPC(batch: RecordBatch): Uint8Array {
    return recordBatchToIPC(batch)
  }
}
