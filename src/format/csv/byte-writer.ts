/**
 * A growing byte buffer for the CSV hot loop: callers reserve room with `ensure(n)` and then
 * write straight into `buf` at `pos`, so formatting a value allocates nothing.
 */
export class ByteWriter {
  buf: Uint8Array
  pos = 0

  constructor(initialCapacity = 1 << 16) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity))
  }

  /** Makes room for `extra` more bytes at `pos`. */
  ensure(extra: number): void {
    const needed = this.pos + extra
    if (needed <= this.buf.length) return
    let capacity = this.buf.length * 2
    while (capacity < needed) capacity *= 2
    const next = new Uint8Array(capacity)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
  }

  /** Appends one byte. */
  byte(b: number): void {
    if (this.pos >= this.buf.length) this.ensure(1)
    this.buf[this.pos++] = b
  }

  /** Appends pre-encoded bytes. */
  bytes(src: Uint8Array): void {
    this.ensure(src.length)
    this.buf.set(src, this.pos)
    this.pos += src.length
  }

  /** Appends an ASCII-only string (digits, signs, exponents). */
  ascii(text: string): void {
    this.ensure(text.length)
    for (let i = 0; i < text.length; i++) this.buf[this.pos++] = text.charCodeAt(i)
  }

  /** Appends the decimal digits of a non-negative safe integer. */
  uint(n: number): void {
    if (n < 10) {
      this.byte(48 + n)
      return
    }
    let digits = 1
    for (let p = 10; p <= n && digits < 16; p *= 10) digits++
    this.ensure(digits)
    let at = this.pos + digits
    this.pos = at
    while (n >= 10) {
      const q = Math.floor(n / 10)
      this.buf[--at] = 48 + (n - q * 10)
      n = q
    }
    this.buf[--at] = 48 + n
  }

  /** Appends a safe integer in decimal, with a leading '-' when negative. */
  int(n: number): void {
    if (n < 0) {
      this.byte(45)
      this.uint(-n)
    } else {
      this.uint(n)
    }
  }

  /** Appends `n` zero-padded to `width` digits (n must be non-negative and fit). */
  padded(n: number, width: number): void {
    this.ensure(width)
    let at = this.pos + width
    this.pos = at
    for (let i = 0; i < width; i++) {
      const q = Math.floor(n / 10)
      this.buf[--at] = 48 + (n - q * 10)
      n = q
    }
  }

  /** The bytes written so far (a view). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos)
  }
}
