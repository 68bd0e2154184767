import { Table, tableToIPC, type RecordBatch } from './lib.js'

/**
 * One record batch as a standalone Arrow IPC *stream* (schema message, the batch, end marker).
 * The result owns its whole ArrayBuffer (byteOffset 0, nothing else in it), so it can be
 * transferred to another thread without copying.
 */
export function recordBatchToIPC(batch: RecordBatch): Uint8Array {
  const bytes = tableToIPC(new Table([batch]), 'stream')
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes
  return bytes.slice()
}
