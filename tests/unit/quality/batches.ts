/** Test helpers: Arrow batches built by Rivet's own column builders from plain rows. */
import { BatchBuilder, type AnyColumnBuilder } from '../../../src/arrow/index.js'
import type { RecordBatch } from '../../../src/arrow/lib.js'
import type { ColumnSpec, RivetType } from '../../../src/types/index.js'

/** A column of the given type. */
export function col(name: string, type: RivetType): ColumnSpec {
  return { name, type, nullable: true, sourceType: 'test', decoder: 'test', fidelity: 'exact' }
}

export const INT64: RivetType = { kind: 'int', bits: 64, signed: true }
export const INT32: RivetType = { kind: 'int', bits: 32, signed: true }
export const TEXT: RivetType = { kind: 'utf8' }

/** One batch holding `rows` (one array of values per row; null is NULL). */
export function batchOf(columns: readonly ColumnSpec[], rows: readonly (readonly unknown[])[]): RecordBatch {
  const builder = new BatchBuilder(columns)
  for (const row of rows) {
    row.forEach((value, i) => append(builder.builders[i], columns[i].type, value))
    builder.endRow()
  }
  return builder.finishBatch()
}

function append(b: AnyColumnBuilder, type: RivetType, v: unknown): void {
  if (v === null) return b.appendNull()
  const any = b as any
  switch (type.kind) {
    case 'bool': return any.appendBool(v)
    case 'int':
      if (type.bits === 64) return any.appendBigInt64(BigInt(v as number))
      return type.bits === 32 ? any.appendInt32(v) : type.bits === 16 ? any.appendInt16(v) : any.appendInt8(v)
    case 'float': return type.bits === 32 ? any.appendFloat32(v) : any.appendFloat64(v)
    case 'date': return any.appendInt32(v)
    case 'time':
    case 'timestamp': return any.appendBigInt64(BigInt(v as number))
    case 'decimal': return any.appendBigInt(BigInt(v as number))
    case 'utf8':
    case 'json': return any.appendString(v)
    case 'binary': return any.appendBytes(v, 0, (v as Uint8Array).length)
    case 'uuid': return any.appendBytes(v, 0)
    case 'list': {
      for (const item of v as unknown[]) append(any.child, type.item, item)
      return any.endList()
    }
  }
}
