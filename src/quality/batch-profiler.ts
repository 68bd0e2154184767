import type { Data, RecordBatch } from '../arrow/lib.js'
import { RivetError } from '../errors/index.js'
import type { ColumnSpec } from '../types/index.js'
import { rowKeys, type KeyColumns } from './row-keys.js'
import type { ProfileSpec, ReadProfile } from './types.js'

/**
 * Profiles the batches of one read in the extraction worker, before they are serialised: NULLs
 * per column (Arrow's null counts), the largest value in bytes of each width column (from the
 * value offsets, nothing decoded) and one 64-bit key per row for each unique check.
 */
export class BatchProfiler {
  private rows = 0
  private readonly nulls: Float64Array
  private readonly maxBytes: Int32Array
  private readonly keys: readonly KeyColumns[]

  constructor(
    private readonly spec: ProfileSpec,
    private readonly columns: readonly ColumnSpec[],
  ) {
    this.nulls = new Float64Array(columns.length)
    this.maxBytes = new Int32Array(spec.widthColumns.length)
    this.keys = spec.uniqueKeys.map((indexes) => ({ indexes, types: indexes.map((i) => columns[i].type) }))
  }

  /** Count one batch; returns the row keys of each unique check (rows with a NULL in the key left out). */
  observe(batch: RecordBatch): BigUint64Array[] {
    const children = batch.data.children as Data[]
    if (children.length !== this.columns.length) {
      throw new RivetError('RIVET_INTERNAL', `a batch of ${children.length} columns reached the profiler of ${this.columns.length} columns`)
    }
    this.rows += batch.numRows
    for (let i = 0; i < children.length; i++) this.nulls[i] += children[i].nullCount
    this.spec.widthColumns.forEach((column, w) => {
      const offsets = children[column].valueOffsets as Int32Array
      let max = this.maxBytes[w]
      for (let row = 0; row < batch.numRows; row++) {
        const size = offsets[row + 1] - offsets[row]
        if (size > max) max = size
      }
      this.maxBytes[w] = max
    })
    return this.keys.map((key) => rowKeys(batch, key))
  }

  /** The totals of every batch observed so far. */
  profile(): ReadProfile {
    const nulls: Record<string, number> = {}
    this.columns.forEach((c, i) => (nulls[c.name] = this.nulls[i]))
    const maxBytes: Record<string, number> = {}
    this.spec.widthColumns.forEach((column, w) => (maxBytes[this.columns[column].name] = this.maxBytes[w]))
    return { rows: this.rows, nulls, maxBytes }
  }
}
