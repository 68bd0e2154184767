import { makeData, type Data, type DataType } from '../lib.js'
import { BaseBuilder } from './column-builder.js'
import { INITIAL_CAPACITY, nextBatchCapacity } from './growable.js'

const TWO_32 = 4294967296

/**
 * Builder for fixed-width primitive columns (int8..int64, uint*, float32/64, date32, time64,
 * timestamp): one little-endian value buffer with typed views for each width.
 */
export class FixedWidthBuilder<T extends DataType = DataType> extends BaseBuilder<T> {
  /** Bytes per value: 1, 2, 4 or 8. */
  readonly width: number
  private bytes!: Uint8Array
  private i16!: Int16Array
  private i32!: Int32Array
  private f32!: Float32Array
  private f64!: Float64Array

  constructor(type: T, width: 1 | 2 | 4 | 8, capacity = INITIAL_CAPACITY) {
    super(type, capacity)
    this.width = width
    this.allocate(capacity)
  }

  get byteLength(): number {
    return this.length * this.width + this.validity.byteLength
  }

  /** Append an 8-bit integer (signed or unsigned bits). */
  appendInt8(v: number): void {
    const i = this.next()
    this.bytes[i] = v
  }

  /** Append a 16-bit integer (signed or unsigned bits). */
  appendInt16(v: number): void {
    const i = this.next()
    this.i16[i] = v
  }

  /** Append a 32-bit integer (signed or unsigned bits; also date32 days). */
  appendInt32(v: number): void {
    const i = this.next()
    this.i32[i] = v
  }

  /** Append a float32 (NaN payloads and -0 kept). */
  appendFloat32(v: number): void {
    const i = this.next()
    this.f32[i] = v
  }

  /** Append a float64. */
  appendFloat64(v: number): void {
    const i = this.next()
    this.f64[i] = v
  }

  /** Append a 64-bit integer given as its high (signed or not) and low 32-bit halves. */
  appendInt64Parts(hi: number, lo: number): void {
    const i = this.next() << 1
    this.i32[i] = lo
    this.i32[i + 1] = hi
  }

  /** Append a 64-bit integer that is a safe JS integer (|v| < 2^53). */
  appendSafeInt64(v: number): void {
    const hi = Math.floor(v / TWO_32)
    this.appendInt64Parts(hi, v - hi * TWO_32)
  }

  /** Append a 64-bit integer given as a bigint (cold path). */
  appendBigInt64(v: bigint): void {
    this.appendInt64Parts(Number(BigInt.asIntN(32, v >> 32n)), Number(BigInt.asUintN(32, v)))
  }

  /** Append one value stored big-endian in `buf` at `offset` (`width` bytes), e.g. straight from the wire. */
  appendBigEndian(buf: Uint8Array, offset: number): void {
    const w = this.width
    if (w === 8) {
      // two 32-bit halves: int64, float64 and time64 are the common 8-byte wire values
      const i = this.next() << 1
      const o = offset
      this.i32[i] = (buf[o + 4] << 24) | (buf[o + 5] << 16) | (buf[o + 6] << 8) | buf[o + 7]
      this.i32[i + 1] = (buf[o] << 24) | (buf[o + 1] << 16) | (buf[o + 2] << 8) | buf[o + 3]
      return
    }
    const at = this.next() * w
    const bytes = this.bytes
    for (let k = 0; k < w; k++) bytes[at + k] = buf[offset + w - 1 - k]
  }

  finish(): Data<T> {
    const length = this.length
    const { bits, nullCount } = this.validity.take(length)
    const data = makeData({
      type: this.type as DataType,
      length,
      nullCount,
      nullBitmap: bits,
      data: this.bytes.subarray(0, length * this.width),
    } as never) as unknown as Data<T>
    this.length = 0
    this.capacity = nextBatchCapacity(length, 16)
    this.allocate(this.capacity)
    return data
  }

  protected resize(capacity: number): void {
    const old = this.bytes
    this.allocate(capacity)
    this.bytes.set(old.subarray(0, this.length * this.width))
  }

  /** Index of the slot for a new valid value (grows when full). */
  private next(): number {
    const i = this.length
    if (i === this.capacity) this.grow(i + 1)
    this.validity.setValid(i)
    this.length = i + 1
    return i
  }

  private allocate(capacity: number): void {
    // round up to 8 bytes so every typed view over the buffer is well-formed
    const buffer = new ArrayBuffer(((capacity * this.width + 7) >>> 3) << 3)
    this.bytes = new Uint8Array(buffer)
    this.i16 = new Int16Array(buffer)
    this.i32 = new Int32Array(buffer)
    this.f32 = new Float32Array(buffer)
    this.f64 = new Float64Array(buffer)
  }
}
