import { Bool, makeData, type Data } from '../lib.js'
import { BaseBuilder } from './column-builder.js'
import { INITIAL_CAPACITY, nextBatchCapacity, resizeBytes } from './growable.js'
import { bitmapBytes } from './validity.js'

/** Builder for boolean columns: values bit-packed like the validity bitmap. */
export class BoolBuilder extends BaseBuilder<Bool> {
  private values: Uint8Array

  constructor(capacity = INITIAL_CAPACITY) {
    super(new Bool(), capacity)
    this.values = new Uint8Array(bitmapBytes(capacity))
  }

  get byteLength(): number {
    return ((this.length + 7) >>> 3) + this.validity.byteLength
  }

  /** Append a non-NULL boolean. */
  appendBool(v: boolean): void {
    const i = this.length
    if (i === this.capacity) this.grow(i + 1)
    if (v) this.values[i >>> 3] |= 1 << (i & 7)
    this.validity.setValid(i)
    this.length = i + 1
  }

  finish(): Data<Bool> {
    const length = this.length
    const { bits, nullCount } = this.validity.take(length)
    const data = makeData({ type: this.type, length, nullCount, nullBitmap: bits, data: this.values.subarray(0, bitmapBytes(length)) })
    this.length = 0
    this.capacity = nextBatchCapacity(length, 64)
    this.values = new Uint8Array(bitmapBytes(this.capacity))
    return data
  }

  protected resize(capacity: number): void {
    this.values = resizeBytes(this.values, (this.length + 7) >>> 3, bitmapBytes(capacity))
  }
}
