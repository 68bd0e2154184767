import { tableFromIPC, type Data, type Table, type Vector } from 'apache-arrow'
import { BatchBuilder } from '../../../src/arrow/index.js'

/** Signed value of the decimal at `index` from its little-endian two's-complement words. */
export function decimalAt(data: Data, index: number): bigint {
  const stride = (data.type as unknown as { bitWidth: number }).bitWidth / 32
  const words = data.values as Uint32Array
  let v = 0n
  for (let k = stride - 1; k >= 0; k--) v = (v << 32n) | BigInt(words[(data.offset + index) * stride + k])
  return BigInt.asIntN(stride * 32, v)
}

/** The first (only) chunk of a column of a table read back from IPC. */
export function column(table: Table, name: string): Data {
  const v = table.getChild(name) as Vector
  return v.data[0]
}

/** Round-trip a batch through IPC and read it back with apache-arrow. */
export function roundTrip(builder: BatchBuilder): Table {
  return tableFromIPC(builder.toIPC(builder.finishBatch()))
}
