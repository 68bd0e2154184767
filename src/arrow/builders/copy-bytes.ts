/**
 * Copying short byte ranges fast. A JS byte loop costs a few ns per byte and subarray() + set()
 * a few hundred ns per call; 32-bit words through DataViews beat both between 8 and 256 bytes.
 */

const SMALL = 8
const LARGE = 256
const EMPTY_VIEW = new DataView(new ArrayBuffer(0))

/** Caches the DataView of the last source buffer: many values come from the same chunk. */
export class SourceView {
  private buf: Uint8Array | null = null
  private view: DataView = EMPTY_VIEW

  /** The DataView over `buf` (created once per distinct buffer). */
  of(buf: Uint8Array): DataView {
    if (buf !== this.buf) {
      this.buf = buf
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    }
    return this.view
  }
}

/** Copy `length` bytes of `src` at `from` to `dst` at `at`; the views must cover `src` and `dst`. */
export function copyBytes(dst: Uint8Array, dstView: DataView, at: number, src: Uint8Array, srcView: DataView, from: number, length: number): void {
  if (length < SMALL) {
    for (let k = 0; k < length; k++) dst[at + k] = src[from + k]
  } else if (length <= LARGE) {
    let k = 0
    for (; k + 4 <= length; k += 4) dstView.setInt32(at + k, srcView.getInt32(from + k))
    for (; k < length; k++) dst[at + k] = src[from + k]
  } else {
    dst.set(src.subarray(from, from + length), at)
  }
}
