import { describe, expect, it } from 'vitest'
import { UniqueTracker } from '../../../src/quality/index.js'

const keys = (...values: (number | bigint)[]): BigUint64Array => BigUint64Array.from(values.map((v) => BigInt(v)))

/** `n` distinct keys spread over 64 bits, from `start` on. */
function spread(n: number, start = 0): BigUint64Array {
  const out = new BigUint64Array(n)
  for (let i = 0; i < n; i++) out[i] = BigInt.asUintN(64, BigInt(start + i + 1) * 0x9e3779b97f4a7c15n)
  return out
}

describe('UniqueTracker', () => {
  it('counts each repeat of a key as one duplicate, within a batch and across batches', () => {
    const t = new UniqueTracker(null)
    t.add(keys(1, 2, 3, 2))
    t.add(keys(3, 3, 4))
    expect({ duplicates: t.duplicates, distinct: t.distinct, seen: t.seen, capped: t.capped }).toEqual({ duplicates: 3, distinct: 4, seen: 7, capped: false })
  })

  it('tells apart keys that differ only in their high word and remembers the all-zero key', () => {
    const t = new UniqueTracker(null)
    t.add(keys(0, 1n, (1n << 32n) | 1n, 1n << 63n, 2n ** 64n - 1n))
    expect(t.duplicates).toBe(0)
    t.add(keys(0, 2n ** 64n - 1n))
    expect(t.duplicates).toBe(2)
    expect(t.distinct).toBe(5)
  })

  it('grows past its first table without losing or inventing keys (sequential ids and hashed keys)', () => {
    for (const batch of [BigUint64Array.from({ length: 200_000 }, (_, i) => BigInt(i + 1)), spread(200_000)]) {
      const t = new UniqueTracker(null)
      t.add(batch.subarray(0, 150_000))
      t.add(batch.subarray(100_000))
      expect(t.duplicates).toBe(50_000)
      expect(t.distinct).toBe(200_000)
    }
  })

  it('holds 8 bytes per slot at a load between 3/8 and 3/4: about 11 to 21 bytes per distinct key', () => {
    const t = new UniqueTracker(null)
    for (let i = 0; i < 10; i++) {
      t.add(spread(100_000, i * 100_000))
      const perKey = t.bytes / t.distinct
      expect(perKey).toBeGreaterThanOrEqual(8 / 0.75)
      expect(perKey).toBeLessThanOrEqual(8 / 0.375)
    }
    // 1M keys: 2^21 slots of 8 bytes
    expect(t.bytes).toBe(16 * 2 ** 20)
  })

  it('stops remembering at maxEntries and marks itself capped, still counting repeats of the keys it holds', () => {
    const t = new UniqueTracker(10)
    const first = spread(20)
    t.add(first)
    expect({ distinct: t.distinct, capped: t.capped, duplicates: t.duplicates }).toEqual({ distinct: 10, capped: true, duplicates: 0 })
    // a remembered key repeats: found; a key past the cap repeats: cannot be found
    t.add(first.subarray(0, 1))
    t.add(first.subarray(15, 16))
    expect(t.duplicates).toBe(1)
    expect(t.seen).toBe(22)
  })

  it('counts the all-zero key against the cap too', () => {
    const t = new UniqueTracker(1)
    t.add(keys(5, 0))
    expect({ distinct: t.distinct, capped: t.capped }).toEqual({ distinct: 1, capped: true })
  })
})
