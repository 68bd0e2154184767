import type { Data, DataType } from 'apache-arrow'
import { grownCapacity } from './growable.js'
import { Validity } from './validity.js'

/** What every column builder offers to the batch builder and to source decoders. */
export interface ColumnBuilder {
  readonly type: DataType
  /** Values appended since the last finish(). */
  readonly length: number
  readonly nullCount: number
  /** Bytes held by this batch's buffers (for batch sizing). */
  readonly byteLength: number
  appendNull(): void
  /** Hand the values over as Arrow Data and start a new batch with fresh buffers. */
  finish(): Data
}

/**
 * Shared bookkeeping: length, capacity and the lazy validity bitmap. Subclasses own the value
 * buffers; buffers handed to makeData are never written again (each batch gets new ones).
 */
export abstract class BaseBuilder<T extends DataType = DataType> implements ColumnBuilder {
  length = 0
  protected capacity: number
  protected readonly validity = new Validity()

  constructor(
    readonly type: T,
    capacity: number,
  ) {
    this.capacity = capacity
  }

  get nullCount(): number {
    return this.validity.nullCount
  }

  abstract get byteLength(): number

  appendNull(): void {
    const i = this.length
    if (i === this.capacity) this.grow(i + 1)
    this.validity.setNull(i, this.capacity)
    this.writeNull(i)
    this.length = i + 1
  }

  abstract finish(): Data

  /** Fill the slot of a NULL (fresh buffers are zeroed, so most builders need nothing). */
  protected writeNull(_index: number): void {}

  /** Reallocate value buffers for `capacity` values, keeping the first `length`. */
  protected abstract resize(capacity: number): void

  /** Grow so that `needed` values fit. */
  protected grow(needed: number): void {
    const capacity = grownCapacity(this.capacity, needed)
    this.resize(capacity)
    this.capacity = capacity
    this.validity.reserve(capacity)
  }
}
