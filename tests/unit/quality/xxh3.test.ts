import { randomBytes } from 'node:crypto'
import xxhash from 'xxhash-addon'
import { describe, expect, it } from 'vitest'
import { XXH3_JS_MAX, xxh3BigInt, xxh3Into } from '../../../src/quality/xxh3.js'

const native = (bytes: Uint8Array): bigint => xxhash.XXHash3.hash(Buffer.from(bytes)).readBigUInt64BE(0)

describe('xxh3Into', () => {
  it('equals xxhash-addon XXH3-64 on every length from 0 to 300 bytes', () => {
    for (let len = 0; len <= 300; len++) {
      for (let round = 0; round < 4; round++) {
        const bytes = round === 0 ? new Uint8Array(len).fill(0xff) : new Uint8Array(randomBytes(len))
        expect(xxh3BigInt(bytes), `length ${len}, round ${round}`).toBe(native(bytes))
      }
    }
  })

  it('hashes a range inside a larger buffer, at any offset', () => {
    const big = new Uint8Array(randomBytes(1000))
    const out = new Uint32Array(4)
    for (const [start, len] of [[1, 3], [7, 8], [13, 16], [3, 100], [5, 200], [9, XXH3_JS_MAX + 50]] as const) {
      xxh3Into(big, start, len, out, 2)
      expect((BigInt(out[3]) << 32n) | BigInt(out[2])).toBe(native(big.subarray(start, start + len)))
    }
    expect([out[0], out[1]]).toEqual([0, 0])
  })

  it('writes the 64-bit hash so that a BigUint64Array over the words reads it', () => {
    const keys = new BigUint64Array(1)
    const bytes = new TextEncoder().encode('tenant-42/order-7')
    xxh3Into(bytes, 0, bytes.length, new Uint32Array(keys.buffer), 0)
    expect(keys[0]).toBe(native(bytes))
  })
})
