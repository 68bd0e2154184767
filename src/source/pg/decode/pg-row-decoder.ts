import xxhash from 'xxhash-addon'
import type { BatchBuilder, ColumnBuilder, FixedWidthBuilder } from '../../../arrow/index.js'
import type { RowKeyPlan } from '../../../plan/export-plan.js'
import type { MetaColumnsPlan } from '../../../plan/meta-columns.js'
import { RivetError } from '../../../errors/index.js'
import { describeType, type ColumnSpec, type RivetType } from '../../../types/index.js'
import { rowDataError } from '../../row-error.js'
import { pgViaOf, pgWireDecoderOf } from '../types/index.js'
import { readInt32 } from './bytes.js'
import { pgConverter } from './convert.js'
import { DECODE, decodeValue, type ColumnDecodeInfo } from './decode-value.js'
import { formatPgKeyValue } from './key-value.js'

const { XXHash3 } = xxhash

const CODE_BY_DECODER: Record<string, number> = {
  bool: DECODE.BOOL,
  int2: DECODE.INT2,
  int4: DECODE.INT4,
  oid: DECODE.INT4,
  int8: DECODE.INT8,
  float4: DECODE.FLOAT4,
  float8: DECODE.FLOAT8,
  numeric: DECODE.NUMERIC,
  text: DECODE.RAW,
  bytea: DECODE.RAW,
  json: DECODE.RAW,
  jsonb: DECODE.JSONB,
  char: DECODE.CHAR,
  date: DECODE.DATE,
  time: DECODE.TIME,
  timetz: DECODE.TIMETZ,
  timestamp: DECODE.TIMESTAMP,
  timestamptz: DECODE.TIMESTAMP,
  uuid: DECODE.UUID,
  interval: DECODE.INTERVAL,
  inet: DECODE.INET,
  macaddr: DECODE.MACADDR,
  array: DECODE.ARRAY,
}

/**
 * Decodes rows in PostgreSQL binary tuple layout (int16 field count, then per field an int32
 * length, -1 for NULL, and the value bytes) straight into a BatchBuilder's column builders. The
 * layout is the same for COPY BINARY tuples and DataRow message bodies. After a thrown error the
 * current batch is incomplete and must be discarded. A data error names its row: by the values of
 * the `rowKey` columns, else by the row's position in this decoder's read (see rowDataError).
 */
export class PgRowDecoder {
  private readonly infos: readonly ColumnDecodeInfo[]
  private readonly builders: readonly ColumnBuilder[]
  private readonly exportedAt: { builder: FixedWidthBuilder; us: number } | null = null
  private readonly rowHash: { builder: FixedWidthBuilder; fields: readonly number[] | 'all' } | null = null
  /** Offset of each field's length word in the current row (for hashing a subset of fields). */
  private readonly fieldStarts: Int32Array
  private scratch = Buffer.alloc(0)
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
    this.infos = columns.map((c) => decodeInfo(c.name, c.decoder, c.type, c.itemDecoder))
    this.builders = batch.builders.slice(0, columns.length)
    const extra = batch.builders.slice(columns.length)
    const metaCount = (meta.exportedAtUs !== null ? 1 : 0) + (meta.rowHash !== null ? 1 : 0)
    if (this.builders.length !== columns.length || extra.length !== metaCount) {
      throw new RivetError('RIVET_INTERNAL', `decoder has ${columns.length} columns and ${metaCount} meta columns but the batch builder ${batch.builders.length}`)
    }
    let next = 0
    if (meta.exportedAtUs !== null) this.exportedAt = { builder: extra[next++] as FixedWidthBuilder, us: meta.exportedAtUs }
    if (meta.rowHash !== null) this.rowHash = { builder: extra[next++] as FixedWidthBuilder, fields: meta.rowHash }
    this.fieldStarts = new Int32Array(columns.length)
  }

  /** Decode the row starting at `offset` (the whole row must be in `buf`); returns the offset after it. */
  decodeRow(buf: Uint8Array, offset: number): number {
    const n = (buf[offset] << 8) | buf[offset + 1]
    const infos = this.infos
    if (n !== infos.length) {
      throw new RivetError('RIVET_SOURCE_PROTOCOL', `a row has ${n} fields, expected ${infos.length}`)
    }
    const builders = this.builders
    const starts = this.fieldStarts
    this.position++
    let p = offset + 2
    let i = 0
    try {
      for (; i < n; i++) {
        starts[i] = p
        const len = readInt32(buf, p)
        p += 4
        if (len < 0) {
          builders[i].appendNull()
        } else {
          decodeValue(infos[i], builders[i], buf, p, len)
          p += len
        }
      }
    } catch (err) {
      throw this.rowError(err, buf, offset, i)
    }
    if (this.exportedAt !== null) this.exportedAt.builder.appendSafeInt64(this.exportedAt.us)
    if (this.rowHash !== null) this.appendRowHash(buf, offset + 2, p)
    this.batch.endRow()
    return p
  }

  /** A data error of field `field` rebuilt to name its row (cold path). */
  private rowError(err: unknown, buf: Uint8Array, offset: number, field: number): unknown {
    let keyValues: (string | null)[] | null = null
    if (this.rowKey !== undefined) {
      const fields: { p: number; len: number }[] = []
      let p = offset + 2
      for (let k = 0; k < this.infos.length; k++) {
        const len = readInt32(buf, p)
        fields.push({ p: p + 4, len })
        p += 4 + Math.max(0, len)
      }
      keyValues = this.rowKey.columns.map((k) => {
        const f = fields[k]
        return f === undefined || f.len < 0 ? null : formatPgKeyValue(this.infos[k]!.typeName, buf, f.p, f.len)
      })
    }
    return rowDataError(err, {
      column: this.columns[field]!,
      position: this.position,
      rowKey: this.rowKey,
      keyValues,
      columnNames: this.columns.map((c) => c.name),
    })
  }

  /** xxh3-64 over the hashed fields as they are on the wire (length word and bytes), big-endian into an int64. */
  private appendRowHash(buf: Uint8Array, start: number, end: number): void {
    const { builder, fields } = this.rowHash!
    let bytes: Buffer
    if (fields === 'all') {
      bytes = Buffer.from(buf.buffer, buf.byteOffset + start, end - start)
    } else {
      let size = 0
      for (const f of fields) size += 4 + Math.max(0, readInt32(buf, this.fieldStarts[f]))
      if (this.scratch.length < size) this.scratch = Buffer.alloc(Math.max(size, this.scratch.length * 2, 256))
      let at = 0
      for (const f of fields) {
        const from = this.fieldStarts[f]
        const length = 4 + Math.max(0, readInt32(buf, from))
        this.scratch.set(buf.subarray(from, from + length), at)
        at += length
      }
      bytes = this.scratch.subarray(0, at)
    }
    builder.appendBigEndian(XXHash3.hash(bytes), 0)
  }
}

function decodeInfo(name: string, decoder: string, type: RivetType, itemDecoder: string | undefined): ColumnDecodeInfo {
  const wire = pgWireDecoderOf(decoder)
  const code = CODE_BY_DECODER[wire]
  if (code === undefined) throw new RivetError('RIVET_INTERNAL', `column ${JSON.stringify(name)}: unknown decoder ${decoder}`)
  let item: ColumnDecodeInfo | null = null
  if (code === DECODE.ARRAY) {
    if (type.kind !== 'list' || itemDecoder === undefined || itemDecoder === 'array') {
      throw new RivetError('RIVET_INTERNAL', `column ${JSON.stringify(name)}: array decoder needs a list type and a scalar item decoder`)
    }
    item = decodeInfo(name, itemDecoder, type.item, undefined)
  }
  const via = pgViaOf(decoder)
  if (via !== null) {
    return { name, code: DECODE.CONVERT, precision: 0, scale: 0, typeName: wire, item: null, convert: pgConverter(via, type, name) }
  }
  if (code === DECODE.NUMERIC && type.kind !== 'decimal') {
    throw new RivetError('RIVET_INTERNAL', `column ${JSON.stringify(name)}: numeric decoder needs a decimal type, got ${describeType(type)}`)
  }
  return {
    name,
    code,
    precision: type.kind === 'decimal' ? type.precision : 0,
    scale: type.kind === 'decimal' ? type.scale : 0,
    typeName: wire,
    item,
  }
}

