import xxhash from 'xxhash-addon'
import type { BatchBuilder, ColumnBuilder, FixedWidthBuilder } from '../../../arrow/index.js'
import { RivetError } from '../../../errors/index.js'
import type { RowKeyPlan } from '../../../plan/export-plan.js'
import type { MetaColumnsPlan } from '../../../plan/meta-columns.js'
import type { ColumnSpec } from '../../../types/index.js'
import { rowDataError } from '../../row-error.js'
import { decodeInfo, decodeValue, type ColumnDecodeInfo } from './decode-value.js'

const { XXHash3 } = xxhash

/**
 * Decodes rows of the MySQL text protocol straight into a BatchBuilder's column builders. A row is
 * given as positions in one buffer (the row packet): value i is `buf[starts[i]..ends[i])` as the
 * server sent it, or SQL NULL when `starts[i]` is -1; no value is cut out into a view of its own.
 * Zero dates are written as NULL and counted in `zeroDates`. After a thrown error the current
 * batch is incomplete and must be discarded. A data error names its row: by the values of the
 * `rowKey` columns, else by the row's position in this decoder's read (see rowDataError).
 */
export class MysqlRowDecoder {
  /** Zero dates (`0000-00-00`, `2024-00-10`) written as NULL so far, per column name. */
  readonly zeroDates: ReadonlyMap<string, number>
  private readonly infos: readonly ColumnDecodeInfo[]
  private readonly builders: readonly ColumnBuilder[]
  private readonly exportedAt: { builder: FixedWidthBuilder; us: number } | null = null
  private readonly rowHash: { builder: FixedWidthBuilder; fields: readonly number[] | null } | null = null
  private scratch = Buffer.alloc(256)
  /** Rows started so far (the current row's 1-based position while it is decoded). */
  private position = 0

  /**
   * `columns` are the source's fields, in order; the batch builder may have more columns after
   * them, the meta columns, which `meta` fills (run time, row hash).
   */
  constructor(
    readonly columns: readonly ColumnSpec[],
    readonly batch: BatchBuilder,
    meta: MetaColumnsPlan = { exportedAtUs: null, rowHash: null },
    private readonly rowKey?: RowKeyPlan,
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

  /** Decode one row (value i at `buf[starts[i]..ends[i])`, NULL where starts[i] is -1) and end it in the batch. */
  decodeRow(buf: Buffer, starts: Int32Array, ends: Int32Array): void {
    const infos = this.infos
    const n = infos.length
    if (starts.length !== n || ends.length !== n) {
      throw new RivetError('RIVET_SOURCE_PROTOCOL', `a row has ${starts.length} fields, expected ${n}`)
    }
    const builders = this.builders
    this.position++
    let i = 0
    try {
      for (; i < n; i++) {
        const start = starts[i]
        if (start < 0) builders[i].appendNull()
        else decodeValue(infos[i], builders[i], buf, start, ends[i])
      }
    } catch (err) {
      throw this.rowError(err, buf, starts, ends, i)
    }
    if (this.exportedAt !== null) this.exportedAt.builder.appendSafeInt64(this.exportedAt.us)
    if (this.rowHash !== null) this.appendRowHash(buf, starts, ends)
    this.batch.endRow()
  }

  /** A data error of field `field` rebuilt to name its row (cold path). */
  private rowError(err: unknown, buf: Buffer, starts: Int32Array, ends: Int32Array, field: number): unknown {
    const keyValues = this.rowKey?.columns.map((k) => (starts[k]! < 0 ? null : keyText(this.columns[k]!, buf, starts[k]!, ends[k]!))) ?? null
    return rowDataError(err, {
      column: this.columns[field]!,
      position: this.position,
      rowKey: this.rowKey,
      keyValues,
      columnNames: this.columns.map((c) => c.name),
    })
  }

  /**
   * xxh3-64 over the hashed fields as the text protocol sent them, each an int32 big-endian length
   * (-1 for NULL) then the bytes, stored big-endian into an int64.
   */
  private appendRowHash(buf: Buffer, starts: Int32Array, ends: Int32Array): void {
    const { builder, fields } = this.rowHash!
    const count = fields === null ? starts.length : fields.length
    let size = 0
    for (let k = 0; k < count; k++) {
      const f = fields === null ? k : fields[k]
      size += 4 + (starts[f] < 0 ? 0 : ends[f] - starts[f])
    }
    if (this.scratch.length < size) this.scratch = Buffer.alloc(Math.max(size, this.scratch.length * 2))
    const scratch = this.scratch
    let at = 0
    for (let k = 0; k < count; k++) {
      const f = fields === null ? k : fields[k]
      const start = starts[f]
      if (start < 0) {
        at = scratch.writeInt32BE(-1, at)
        continue
      }
      at = scratch.writeInt32BE(ends[f] - start, at)
      at = copyRange(scratch, at, buf, start, ends[f])
    }
    builder.appendBigEndian(XXHash3.hash(scratch.subarray(0, at)), 0)
  }
}

/** Copy `src[start..end)` to `dst` at `at`; returns the end of the copy. Short fields by a byte loop, which beats a subarray view. */
function copyRange(dst: Uint8Array, at: number, src: Uint8Array, start: number, end: number): number {
  if (end - start > 64) {
    dst.set(src.subarray(start, end), at)
    return at + end - start
  }
  for (let k = start; k < end; k++) dst[at++] = src[k]
  return at
}

/** A key value as text: the server's text, or 0x + hex for byte strings and bits. */
function keyText(spec: ColumnSpec, buf: Buffer, start: number, end: number): string {
  const kind = spec.type.kind
  const bytes = kind === 'binary' || kind === 'uuid' || spec.decoder === 'mysql:bit' || spec.decoder === 'mysql:bit-bool'
  if (!bytes || spec.decoder === 'mysql:uuid') return buf.toString('utf8', start, end)
  return `0x${buf.toString('hex', start, end)}`
}
