/**
 * Copying short byte ranges fast. A JS byte loop costs a few ns per byte and subarray() + set()
 * a few hundred ns per call; 32-bit words through DataViews beat both between 8 and 256 bytes.
 */

const SMALL = 8
const LARGE = 256
const EMPTY_VIEW = new DataView(new ArrayBuffer(0))

/**
 * Caches a DataView over the whole ArrayBuffer behind the last source. The wire client hands
 * consecutive values as ranges of the same receive buffer, so the array itself is the cheap key
 * (reading `.buffer` costs a runtime call); a different array over the same ArrayBuffer reuses
 * the view too.
 */
export class SourceView {
  private array: Uint8Array | null = null
  private buffer: ArrayBufferLike | null = null
  private view: DataView = EMPTY_VIEW

  /** A DataView over all of `buf.buffer` (index it with `buf.byteOffset + offset`). */
  of(buf: Uint8Array): DataView {
    if (buf === this.array) return this.view
    this.array = buf
    if (buf.buffer !== this.buffer) {
      this.buffer = buf.buffer
      this.view = new DataView(buf.buffer)
    }
    return this.view
  }
}

/**
 * Copy `length` bytes of `src` at `from` to `dst` at `at`. `dstView` covers `dst` from its first
 * byte; `srcView` covers all of `src.buffer` (see SourceView).
 */
export function copyBytes(dst: Uint8Array, dstView: DataView, at: number, src: Uint8Array, srcView: DataView, from: number, length: number): void {
  if (length < SMALL) {
    for (let k = 0; k < length; k++) dst[at + k] = src[from + k]
  } else if (length <= LARGE) {
    const base = src.byteOffset + from
    let k = 0
    // little-endian (no byte swaps), two words per step
    for (; k + 8 <= length; k += 8) {
      dstView.setInt32(at + k, srcView.getInt32(base + k, true), true)
      dstView.setInt32(at + k + 4, srcView.getInt32(base + k + 4, true), true)
    }
    if (k + 4 <= length) {
      dstView.setInt32(at + k, srcView.getInt32(base + k, true), true)
      k += 4
    }
    for (; k < length; k++) dst[at + k] = src[from + k]
  } else {
    dst.set(src.subarray(from, from + length), at)
  }
}
