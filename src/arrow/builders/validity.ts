/**
 * Lazily allocated Arrow validity bitmap (LSB bit order, 1 = valid).
 *
 * Most columns never see a NULL, so no bitmap exists until the first one arrives; from then on
 * every append sets its bit. Capacity is counted in values and grows together with the owner.
 */
export class Validity {
  /** null while every value so far is valid. */
  bits: Uint8Array | null = null
  nullCount = 0

  /** Record a NULL at `index`; `capacity` is the owner's value capacity (bitmap size on first use). */
  setNull(index: number, capacity: number): void {
    let bits = this.bits
    if (bits === null) {
      bits = new Uint8Array(bitmapBytes(Math.max(capacity, index + 1)))
      // every value before the first NULL was valid
      const full = index >>> 3
      bits.fill(0xff, 0, full)
      bits[full] = (1 << (index & 7)) - 1
      this.bits = bits
    } else if (index >>> 3 >= bits.length) {
      bits = this.grow(index + 1)
    }
    bits[index >>> 3] &= ~(1 << (index & 7))
    this.nullCount++
  }

  /** Record a valid value at `index` (a no-op until the first NULL created the bitmap). */
  setValid(index: number): void {
    const bits = this.bits
    if (bits !== null) bits[index >>> 3] |= 1 << (index & 7)
  }

  /** Make room for `capacity` values (called by the owner when it grows). */
  reserve(capacity: number): void {
    if (this.bits !== null && bitmapBytes(capacity) > this.bits.length) this.grow(capacity)
  }

  /** Hand the bitmap over for `length` values and start afresh (the next batch allocates lazily again). */
  take(length: number): { bits: Uint8Array | null; nullCount: number } {
    const bits = this.bits === null ? null : this.bits.subarray(0, bitmapBytes(length))
    const nullCount = this.nullCount
    this.bits = null
    this.nullCount = 0
    return { bits, nullCount }
  }

  /** Bytes currently held (for batch sizing). */
  get byteLength(): number {
    return this.bits === null ? 0 : this.bits.length
  }

  private grow(capacity: number): Uint8Array {
    const next = new Uint8Array(bitmapBytes(Math.max(capacity, (this.bits?.length ?? 0) * 16)))
    if (this.bits !== null) next.set(this.bits)
    this.bits = next
    return next
  }
}

/** Bytes needed for a bitmap of `count` bits, rounded up to 8-byte words. */
export function bitmapBytes(count: number): number {
  return ((count + 63) >>> 6) << 3
}
