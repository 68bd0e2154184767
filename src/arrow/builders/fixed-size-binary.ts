import { makeData, type Data, type FixedSizeBinary } from '../lib.js'
import { BaseBuilder } from './column-builder.js'
import { SourceView, copyBytes } from './copy-bytes.js'
import { INITIAL_CAPACITY, nextBatchCapacity, resizeBytes } from './growable.js'

/** Builder for FixedSizeBinary columns (uuid: 16 bytes). */
export class FixedSizeBinaryBuilder extends BaseBuilder<FixedSizeBinary> {
  readonly width: number
  private bytes: Uint8Array
  private view: DataView
  private readonly source = new SourceView()

  constructor(type: FixedSizeBinary, capacity = INITIAL_CAPACITY) {
    super(type, capacity)
    this.width = type.byteWidth
    this.bytes = new Uint8Array(capacity * this.width)
    this.view = new DataView(this.bytes.buffer)
  }

  get byteLength(): number {
    return this.length * this.width + this.validity.byteLength
  }

  /** Append `width` bytes of `buf` from `offset`. */
  appendBytes(buf: Uint8Array, offset: number): void {
    const i = this.length
    if (i === this.capacity) this.grow(i + 1)
    copyBytes(this.bytes, this.view, i * this.width, buf, this.source.of(buf), offset, this.width)
    this.validity.setValid(i)
    this.length = i + 1
  }

  finish(): Data<FixedSizeBinary> {
    const length = this.length
    const { bits, nullCount } = this.validity.take(length)
    const data = makeData({ type: this.type, length, nullCount, nullBitmap: bits, data: this.bytes.subarray(0, length * this.width) })
    this.length = 0
    this.capacity = nextBatchCapacity(length, 16)
    this.bytes = new Uint8Array(this.capacity * this.width)
    this.view = new DataView(this.bytes.buffer)
    return data
  }

  protected resize(capacity: number): void {
    this.bytes = resizeBytes(this.bytes, this.length * this.width, capacity * this.width)
    this.view = new DataView(this.bytes.buffer)
  }
}
