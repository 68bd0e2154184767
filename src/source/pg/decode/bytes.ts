/** Big-endian reads by byte math: no DataView, no allocation. */

export function readInt16(buf: Uint8Array, p: number): number {
  return (((buf[p] << 8) | buf[p + 1]) << 16) >> 16
}

export function readUint16(buf: Uint8Array, p: number): number {
  return (buf[p] << 8) | buf[p + 1]
}

export function readInt32(buf: Uint8Array, p: number): number {
  return (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]
}

export function readUint32(buf: Uint8Array, p: number): number {
  return readInt32(buf, p) >>> 0
}

/** An int64 as a JS number; exact only when |value| < 2^53 (callers check with Number.isSafeInteger on the high part). */
export function readInt64Number(buf: Uint8Array, p: number): number {
  return readInt32(buf, p) * 4294967296 + readUint32(buf, p + 4)
}
