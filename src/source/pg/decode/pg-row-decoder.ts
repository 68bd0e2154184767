import type { BatchBuilder, ColumnBuilder } from '../../../arrow/index.js'
import { RivetError } from '../../../errors/index.js'
import { describeType, type ColumnSpec, type RivetType } from '../../../types/index.js'
import { pgWireDecoderOf } from '../types/index.js'
import { readInt32 } from './bytes.js'
import { DECODE, decodeValue, type ColumnDecodeInfo } from './decode-value.js'

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
 * current batch is incomplete and must be discarded.
 */
export class PgRowDecoder {
  private readonly infos: readonly ColumnDecodeInfo[]
  private readonly builders: readonly ColumnBuilder[]

  constructor(
    readonly columns: readonly ColumnSpec[],
    readonly batch: BatchBuilder,
  ) {
    this.infos = columns.map((c) => decodeInfo(c.name, c.decoder, c.type, c.itemDecoder))
    this.builders = batch.builders
    if (this.builders.length !== columns.length) {
      throw new RivetError('RIVET_INTERNAL', `decoder has ${columns.length} columns but the batch builder ${this.builders.length}`)
    }
  }

  /** Decode the row starting at `offset` (the whole row must be in `buf`); returns the offset after it. */
  decodeRow(buf: Uint8Array, offset: number): number {
    const n = (buf[offset] << 8) | buf[offset + 1]
    const infos = this.infos
    if (n !== infos.length) {
      throw new RivetError('RIVET_SOURCE_PROTOCOL', `a row has ${n} fields, expected ${infos.length}`)
    }
    const builders = this.builders
    let p = offset + 2
    for (let i = 0; i < n; i++) {
      const len = readInt32(buf, p)
      p += 4
      if (len < 0) {
        builders[i].appendNull()
      } else {
        decodeValue(infos[i], builders[i], buf, p, len)
        p += len
      }
    }
    this.batch.endRow()
    return p
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

