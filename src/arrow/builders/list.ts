import { makeData, type Data, type List } from '../lib.js'
import { BaseBuilder, type ColumnBuilder } from './column-builder.js'
import { INITIAL_CAPACITY, nextBatchCapacity } from './growable.js'

/**
 * Builder for List columns: int32 offsets over a child builder. Append the items of a value to
 * `child` (values or NULLs), then call `endList()`; `appendNull()` adds a NULL list.
 */
export class ListBuilder<C extends ColumnBuilder = ColumnBuilder> extends BaseBuilder<List> {
  private offsets: Int32Array

  constructor(
    type: List,
    readonly child: C,
    capacity = INITIAL_CAPACITY,
  ) {
    super(type, capacity)
    this.offsets = new Int32Array(capacity + 1)
  }

  get byteLength(): number {
    return (this.length + 1) * 4 + this.validity.byteLength + this.child.byteLength
  }

  /** Close the current list value: it holds the child items appended since the previous one. */
  endList(): void {
    const i = this.length
    if (i === this.capacity) this.grow(i + 1)
    this.offsets[i + 1] = this.child.length
    this.validity.setValid(i)
    this.length = i + 1
  }

  finish(): Data<List> {
    const length = this.length
    const { bits, nullCount } = this.validity.take(length)
    const child = this.child.finish()
    const data = makeData({ type: this.type, length, nullCount, nullBitmap: bits, valueOffsets: this.offsets.subarray(0, length + 1), child })
    this.length = 0
    this.capacity = nextBatchCapacity(length, 16)
    this.offsets = new Int32Array(this.capacity + 1)
    return data
  }

  protected override writeNull(index: number): void {
    this.offsets[index + 1] = this.child.length
  }

  protected resize(capacity: number): void {
    const next = new Int32Array(capacity + 1)
    next.set(this.offsets.subarray(0, this.length + 1))
    this.offsets = next
  }
}
