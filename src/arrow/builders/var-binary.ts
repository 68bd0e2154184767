import { makeData, type Binary, type Data, type Utf8 } from '../lib.js'
import { RivetError } from '../../errors/index.js'
import { BaseBuilder } from './column-builder.js'
import { SourceView, copyBytes } from './copy-bytes.js'
import { INITIAL_CAPACITY, grownCapacity, nextBatchCapacity, resizeBytes } from './growable.js'

/** Largest byte length an Arrow Utf8/Binary column can address with int32 offsets. */
export const MAX_VAR_DATA_BYTES = 0x7fffffff
const INITIAL_DATA_BYTES = 64 * 1024

const encoder = new TextEncoder()

/**
 * Builder for Utf8 and Binary columns: int32 offsets plus one byte buffer. The batch must be
 * flushed before the data reaches 2 GiB (BatchBuilder keeps a margin); Large* types are not used.
 */
export class VarBinaryBuilder<T extends Utf8 | Binary = Utf8 | Binary> extends BaseBuilder<T> {
  private offsets: Int32Array
  private data: Uint8Array
  private dataView: DataView
  private readonly source = new SourceView()
  /** Bytes of `data` in use. */
  dataLength = 0

  constructor(type: T, capacity = INITIAL_CAPACITY, dataCapacity = INITIAL_DATA_BYTES) {
    super(type, capacity)
    this.offsets = new Int32Array(capacity + 1)
    this.data = new Uint8Array(dataCapacity)
    this.dataView = new DataView(this.data.buffer)
  }

  get byteLength(): number {
    return this.dataLength + (this.length + 1) * 4 + this.validity.byteLength
  }

  /** Append `length` bytes of `buf` from `offset` (UTF-8 for Utf8 columns: not re-validated). */
  appendBytes(buf: Uint8Array, offset: number, length: number): void {
    const start = this.dataLength
    const end = start + length
    if (end > this.data.length) this.growData(end)
    copyBytes(this.data, this.dataView, start, buf, this.source.of(buf), offset, length)
    this.dataLength = end
    this.commit(end)
  }

  /** Append a JS string as UTF-8 (cold path: renderings such as intervals and addresses). */
  appendString(s: string): void {
    const start = this.dataLength
    // UTF-16 code units expand to at most 3 UTF-8 bytes each
    if (start + s.length * 3 > this.data.length) this.growData(start + s.length * 3)
    const { written } = encoder.encodeInto(s, this.data.subarray(start))
    this.dataLength = start + written
    this.commit(this.dataLength)
  }

  finish(): Data<T> {
    const length = this.length
    const { bits, nullCount } = this.validity.take(length)
    const data = makeData({
      type: this.type,
      length,
      nullCount,
      nullBitmap: bits,
      valueOffsets: this.offsets.subarray(0, length + 1),
      data: this.data.subarray(0, this.dataLength),
    } as never) as unknown as Data<T>
    const used = this.dataLength
    this.length = 0
    this.dataLength = 0
    this.capacity = nextBatchCapacity(length, 16)
    this.offsets = new Int32Array(this.capacity + 1)
    this.data = new Uint8Array(nextBatchCapacity(used, 1024))
    this.dataView = new DataView(this.data.buffer)
    return data
  }

  protected override writeNull(index: number): void {
    this.offsets[index + 1] = this.dataLength
  }

  protected resize(capacity: number): void {
    const next = new Int32Array(capacity + 1)
    next.set(this.offsets.subarray(0, this.length + 1))
    this.offsets = next
  }

  private commit(end: number): void {
    const i = this.length
    if (i === this.capacity) this.grow(i + 1)
    this.offsets[i + 1] = end
    this.validity.setValid(i)
    this.length = i + 1
  }

  private growData(needed: number): void {
    if (needed > MAX_VAR_DATA_BYTES) {
      throw new RivetError('RIVET_MEMORY_BUDGET', `a batch column would exceed ${MAX_VAR_DATA_BYTES} bytes of string/binary data`, {
        hint: 'lower tuning.batch_size_memory_mb so batches are flushed earlier',
      })
    }
    this.data = resizeBytes(this.data, this.dataLength, Math.min(MAX_VAR_DATA_BYTES, grownCapacity(this.data.length, needed)))
    this.dataView = new DataView(this.data.buffer)
  }
}
