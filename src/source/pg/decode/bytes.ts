/** Big-endian reads by byte math: no DataView, no allocation. */

/** Signed 32-bit big-endian integer at `p`. */
export function readInt32(buf: Uint8Array, p: number): number {
  return (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]
}

/** Unsigned 32-bit big-endian integer at `p`. */
export function readUint32(buf: Uint8Array, p: number): number {
  return readInt32(buf, p) >>> 0
}

/** An int64 as a JS number: exact only when |value| < 2^53 (e.g. microseconds within a day). */
export function readInt64Number(buf: Uint8Array, p: number): number {
  return readInt32(buf, p) * 4294967296 + readUint32(buf, p + 4)
}
