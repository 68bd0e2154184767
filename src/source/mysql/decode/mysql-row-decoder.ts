import xxhash from 'xxhash-addon'
import type { BatchBuilder, ColumnBuilder, FixedWidthBuilder } from '../../../arrow/index.js'
import { RivetError } from '../../../errors/index.js'
import type { MetaColumnsPlan } from '../../../plan/meta-columns.js'
import type { ColumnSpec } from '../../../types/index.js'
import { decodeInfo, decodeValue, type ColumnDecodeInfo } from './decode-value.js'

const { XXHash3 } = xxhash

/**
 * Decodes rows of the MySQL text protocol (each value the raw bytes the server sent, null for SQL
 * NULL: mysql2 with `rowsAsArray` and `typeCast: (field) => field.buffer()`) straight into a
 * BatchBuilder's column builders. Zero dates are written as NULL and counted in `zeroDates`.
 * After a thrown error the current batch is incomplete and must be discarded.
 */
export class MysqlRowDecoder {
  /** Zero dates (`0000-00-00`, `2024-00-10`) written as NULL so far, per column name. */
  readonly zeroDates: ReadonlyMap<string, number>
  private readonly infos: readonly ColumnDecodeInfo[]
  private readonly builders: readonly ColumnBuilder[]
  private readonly exportedAt: { builder: FixedWidthBuilder; us: number } | null = null
  private readonly rowHash: { builder: FixedWidthBuilder; fields: readonly number[] | null } | null = null
  private scratch = Buffer.alloc(256)

  /**
   * `columns` are the source's fields, in order; the batch builder may have more columns after
   * them, the meta columns, which `meta` fills (run time, row hash).
   */
  constructor(
    readonly columns: readonly ColumnSpec[],
    readonly batch: BatchBuilder,
    meta: MetaColumnsPlan = { exportedAtUs: null, rowHash: null },
  ) {
    const zeroDates = new Map<string, number>()
    this.zeroDates = zeroDates
    this.infos = columns.map((c) => decodeInfo(c, zeroDates))
    this.builders = batch.builders.slice(0, columns.length)
    const extra = batch.builders.slice(columns.length)
    const metaCount = (meta.exportedAtUs !== null ? 1 : 0) + (meta.rowHash !== null ? 1 : 0)
    if (this.builders.length !== columns.length || extra.length !== metaCount) {
      throw new RivetError('RIVET_INTERNAL', `decoder has ${columns.length} columns and ${metaCount} meta columns but the batch builder ${batch.builders.length}`)
    }
    let next = 0
    if (meta.exportedAtUs !== null) this.exportedAt = { builder: extra[next++] as FixedWidthBuilder, us: meta.exportedAtUs }
    if (meta.rowHash !== null) this.rowHash = { builder: extra[next++] as FixedWidthBuilder, fields: meta.rowHash === 'all' ? null : meta.rowHash }
  }

  /** Decode one row (one value per column, in column order) and end it in the batch. */
  decodeRow(values: readonly (Buffer | null)[]): void {
    const infos = this.infos
    const n = infos.length
    if (values.length !== n) {
      throw new RivetError('RIVET_SOURCE_PROTOCOL', `a row has ${values.length} fields, expected ${n}`)
    }
    const builders = this.builders
    for (let i = 0; i < n; i++) {
      const v = values[i]
      if (v === null) builders[i].appendNull()
      else decodeValue(infos[i], builders[i], v)
    }
    if (this.exportedAt !== null) this.exportedAt.builder.appendSafeInt64(this.exportedAt.us)
    if (this.rowHash !== null) this.appendRowHash(values)
    this.batch.endRow()
  }

  /**
   * xxh3-64 over the hashed fields as the text protocol sent them, each an int32 big-endian length
   * (-1 for NULL) then the bytes, stored big-endian into an int64.
   */
  private appendRowHash(values: readonly (Buffer | null)[]): void {
    const { builder, fields } = this.rowHash!
    const count = fields === null ? values.length : fields.length
    let size = 0
    for (let k = 0; k < count; k++) size += 4 + (values[fields === null ? k : fields[k]]?.length ?? 0)
    if (this.scratch.length < size) this.scratch = Buffer.alloc(Math.max(size, this.scratch.length * 2))
    const scratch = this.scratch
    let at = 0
    for (let k = 0; k < count; k++) {
      const v = values[fields === null ? k : fields[k]]
      at = scratch.writeInt32BE(v === null ? -1 : v.length, at)
      if (v !== null) at += v.copy(scratch, at)
    }
    builder.appendBigEndian(XXHash3.hash(scratch.subarray(0, at)), 0)
  }
}
