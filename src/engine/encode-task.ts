import { move } from 'piscina'
import { toRivetError } from '../errors/index.js'
import { encodeCsvBatch, encodeParquetRowGroup } from '../format/index.js'
import type { CsvEncodeOptions, ParquetEncodeOptions } from '../format/index.js'
import { releaseBatchMemory } from './memory.js'
import { packTransferable } from './transfer.js'

/** One batch to encode. The IPC bytes arrive in a transferred buffer. */
export type EncodeTask =
  | { readonly kind: 'parquet'; readonly ipc: ArrayBuffer; readonly options: ParquetEncodeOptions }
  | { readonly kind: 'csv'; readonly ipc: ArrayBuffer; readonly options: CsvEncodeOptions }

/**
 * Encoder worker entry: returns the encoded unit packed into one ArrayBuffer that is moved
 * (transferred) back to the coordinator. Failures come back as data, never as a thrown class.
 */
export async function runEncodeTask(task: EncodeTask): Promise<ArrayBuffer> {
  // the previous task's input and output copies are garbage by now
  releaseBatchMemory()
  try {
    const ipc = new Uint8Array(task.ipc)
    if (task.kind === 'parquet') {
      const encoded = await encodeParquetRowGroup(ipc, task.options)
      return move(packTransferable({ ok: true, ...encoded })) as ArrayBuffer
    }
    const bytes = await encodeCsvBatch(ipc, task.options)
    return move(packTransferable({ ok: true, bytes })) as ArrayBuffer
  } catch (err) {
    return move(packTransferable({ ok: false, error: toRivetError(err).toJSON() })) as ArrayBuffer
  }
}
