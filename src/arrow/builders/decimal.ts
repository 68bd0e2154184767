import { makeData, type Data, type Decimal } from '../lib.js'
import { BaseBuilder } from './column-builder.js'
import { INITIAL_CAPACITY, nextBatchCapacity } from './growable.js'

const TWO_32 = 4294967296

/**
 * Builder for Decimal128/Decimal256 columns: each value is the unscaled integer as little-endian
 * two's-complement 32-bit words (4 or 8 per value).
 */
export class DecimalBuilder extends BaseBuilder<Decimal> {
  /** 32-bit words per value: 4 (decimal128) or 8 (decimal256). */
  readonly stride: number
  private words: Uint32Array

  constructor(type: Decimal, capacity = INITIAL_CAPACITY) {
    super(type, capacity)
    this.stride = type.bitWidth >>> 5
    this.words = new Uint32Array(capacity * this.stride)
  }

  get byteLength(): number {
    return this.length * this.stride * 4 + this.validity.byteLength
  }

  /** Append an unscaled value that is a safe JS integer (|v| < 2^53): the fast path, no BigInt. */
  appendSafeInteger(v: number): void {
    const at = this.next()
    const neg = v < 0
    const a = neg ? -v : v
    const lo = a % TWO_32
    this.words[at] = lo
    this.words[at + 1] = (a - lo) / TWO_32
    if (neg) this.negate(at)
  }

  /**
   * Append an unscaled magnitude given as little-endian base-2^32 limbs (`count` of them, each a
   * non-negative integer < 2^32), negated when `negative`. The magnitude must fit the width.
   */
  appendLimbs(limbs: ArrayLike<number>, count: number, negative: boolean): void {
    const at = this.next()
    const n = Math.min(count, this.stride)
    for (let k = 0; k < n; k++) this.words[at + k] = limbs[k]
    if (negative) this.negate(at)
  }

  /** Append an unscaled value given as a bigint (cold path; wraps to the width). */
  appendBigInt(v: bigint): void {
    const at = this.next()
    let x = BigInt.asUintN(this.stride * 32, v)
    for (let k = 0; k < this.stride; k++) {
      this.words[at + k] = Number(x & 0xffffffffn)
      x >>= 32n
    }
  }

  finish(): Data<Decimal> {
    const length = this.length
    const { bits, nullCount } = this.validity.take(length)
    const data = makeData({ type: this.type, length, nullCount, nullBitmap: bits, data: this.words.subarray(0, length * this.stride) })
    this.length = 0
    this.capacity = nextBatchCapacity(length, 16)
    this.words = new Uint32Array(this.capacity * this.stride)
    return data
  }

  protected resize(capacity: number): void {
    const next = new Uint32Array(capacity * this.stride)
    next.set(this.words.subarray(0, this.length * this.stride))
    this.words = next
  }

  /** Word offset of the slot for a new valid value; fresh slots are zero. */
  private next(): number {
    const i = this.length
    if (i === this.capacity) this.grow(i + 1)
    this.validity.setValid(i)
    this.length = i + 1
    return i * this.stride
  }

  /** Two's-complement negation of the value at word offset `at`: invert and add one. */
  private negate(at: number): void {
    const words = this.words
    let carry = 1
    for (let k = 0; k < this.stride; k++) {
      const x = (~words[at + k] >>> 0) + carry
      words[at + k] = x
      carry = x > 0xffffffff ? 1 : 0
    }
  }
}
