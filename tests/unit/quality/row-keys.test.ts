import xxhash from 'xxhash-addon'
import { describe, expect, it } from 'vitest'
import { rowKeys } from '../../../src/quality/index.js'
import type { RivetType } from '../../../src/types/index.js'
import { batchOf, col, INT32, INT64, TEXT } from './batches.js'

const native = (bytes: Uint8Array): bigint => xxhash.XXHash3.hash(Buffer.from(bytes)).readBigUInt64BE(0)
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer)
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]))

/** The keys of a one-column batch of `values`. */
function keysOf(type: RivetType, values: readonly unknown[]): bigint[] {
  const batch = batchOf([col('k', type)], values.map((v) => [v]))
  return [...rowKeys(batch, { indexes: [0], types: [type] })]
}

describe('rowKeys of a single integer column', () => {
  it('is the value itself, two\'s complement for negatives, and leaves NULL rows out', () => {
    const values = [1, -1, 2 ** 40, null, -(2 ** 40), 0]
    expect(keysOf(INT64, values)).toEqual([1n, 2n ** 64n - 1n, 2n ** 40n, 2n ** 64n - 2n ** 40n, 0n])
  })

  it('sign-extends 8, 16 and 32-bit integers and dates, and keeps unsigned ones positive', () => {
    expect(keysOf(INT32, [-2, 7])).toEqual([2n ** 64n - 2n, 7n])
    expect(keysOf({ kind: 'int', bits: 16, signed: true }, [-3])).toEqual([2n ** 64n - 3n])
    expect(keysOf({ kind: 'int', bits: 8, signed: true }, [-4])).toEqual([2n ** 64n - 4n])
    expect(keysOf({ kind: 'int', bits: 32, signed: false }, [0xffffffff])).toEqual([0xffffffffn])
    expect(keysOf({ kind: 'date' }, [-1, 19000])).toEqual([2n ** 64n - 1n, 19000n])
    expect(keysOf({ kind: 'timestamp', tz: 'UTC' }, [1_700_000_000_000_000])).toEqual([1_700_000_000_000_000n])
  })

  it('keys booleans 0/1 and floats so that -0 equals 0 and every NaN equals NaN', () => {
    expect(keysOf({ kind: 'bool' }, [true, false, null, true])).toEqual([1n, 0n, 1n])
    const f64 = keysOf({ kind: 'float', bits: 64 }, [0, -0, NaN, -NaN, 1.5])
    expect(f64[0]).toBe(f64[1])
    expect(f64[2]).toBe(f64[3])
    expect(new Set(f64).size).toBe(3)
    const f32 = keysOf({ kind: 'float', bits: 32 }, [0, -0, NaN, 2.5])
    expect(f32[0]).toBe(f32[1])
    expect(new Set(f32).size).toBe(3)
  })
})

describe('rowKeys of a single text, binary, uuid or decimal column', () => {
  it('is XXH3-64 of the value\'s bytes, for short and long values (multi-byte UTF-8 too)', () => {
    const long = 'x'.repeat(500)
    expect(keysOf(TEXT, ['alice@example.com', null, 'é', '', long])).toEqual([native(utf8('alice@example.com')), native(utf8('é')), native(new Uint8Array(0)), native(utf8(long))])
    expect(keysOf({ kind: 'json' }, ['{"a":1}'])).toEqual([native(utf8('{"a":1}'))])
    expect(keysOf({ kind: 'binary' }, [Uint8Array.of(0, 1, 2)])).toEqual([native(Uint8Array.of(0, 1, 2))])
  })

  it('hashes uuids and decimals by their Arrow bytes: equal values, equal keys', () => {
    const a = Uint8Array.from({ length: 16 }, (_, i) => i)
    const b = Uint8Array.from({ length: 16 }, (_, i) => 15 - i)
    const uuid = keysOf({ kind: 'uuid' }, [a, b, a])
    expect(uuid[0]).toBe(native(a))
    expect(uuid[0]).toBe(uuid[2])
    expect(uuid[0]).not.toBe(uuid[1])
    const dec = keysOf({ kind: 'decimal', precision: 18, scale: 2 }, [12345, -12345, 12345])
    expect(dec[0]).toBe(dec[2])
    expect(dec[0]).not.toBe(dec[1])
    const wide = keysOf({ kind: 'decimal', precision: 50, scale: 0 }, [1, 2, 1])
    expect(wide[0]).toBe(wide[2])
    expect(wide[0]).not.toBe(wide[1])
  })
})

describe('rowKeys of a composite key', () => {
  const columns = [col('tenant_id', INT32), col('order_no', TEXT), col('note', TEXT)]
  const key = { indexes: [0, 1], types: [INT32, TEXT] }

  it('hashes the fixed-width bytes and the length-prefixed text of each value', () => {
    const batch = batchOf(columns, [[7, 'A-1', 'x'], [7, 'A-2', 'y']])
    expect([...rowKeys(batch, key)]).toEqual([
      native(concat(u32(7), u32(3), utf8('A-1'))),
      native(concat(u32(7), u32(3), utf8('A-2'))),
    ])
  })

  it('leaves out rows with a NULL in any key column, not rows with NULLs elsewhere', () => {
    const batch = batchOf(columns, [[1, 'a', null], [null, 'b', 'n'], [2, null, 'n'], [3, 'c', 'n']])
    expect(rowKeys(batch, key)).toHaveLength(2)
  })

  it('tells apart values that only differ in where one text ends and the next begins', () => {
    const two = [col('a', TEXT), col('b', TEXT)]
    const batch = batchOf(two, [['ab', 'c'], ['a', 'bc'], ['ab', 'c']])
    const keys = [...rowKeys(batch, { indexes: [0, 1], types: [TEXT, TEXT] })]
    expect(keys[0]).not.toBe(keys[1])
    expect(keys[0]).toBe(keys[2])
  })

  it('encodes list values with their length and the NULL-ness of each item', () => {
    const list: RivetType = { kind: 'list', item: INT32 }
    const batch = batchOf([col('tags', list), col('id', INT32)], [[[1, null], 1], [[1], 1], [[null, 1], 1], [[1, null], 1], [[], 1]])
    const keys = [...rowKeys(batch, { indexes: [0, 1], types: [list, INT32] })]
    expect(new Set(keys).size).toBe(4)
    expect(keys[0]).toBe(keys[3])
  })

  it('returns an array that owns its buffer, shorter when rows were left out', () => {
    const batch = batchOf(columns, [[1, 'a', null], [null, 'b', null]])
    const keys = rowKeys(batch, key)
    expect(keys.byteOffset).toBe(0)
    expect(keys.buffer.byteLength).toBe(8)
  })
})

describe('rowKeys of a sliced batch', () => {
  it('reads the values and the NULLs of the slice only', () => {
    const columns = [col('id', INT64), col('email', TEXT), col('flag', { kind: 'bool' })]
    const rows = Array.from({ length: 40 }, (_, i) => [i % 7 === 0 ? null : i, i % 5 === 0 ? null : `u${i}@x`, i % 3 === 0])
    const batch = batchOf(columns, rows)
    const slice = batch.slice(13, 30)
    const whole = batchOf(columns, rows.slice(13, 30))
    // the slice keeps the validity bitmaps whole and shifts them by its offset
    expect(slice.data.children.map((c) => c.offset)).toEqual([13, 13, 13])
    for (const key of [{ indexes: [0], types: [INT64] }, { indexes: [1], types: [TEXT] }, { indexes: [2], types: [{ kind: 'bool' } as RivetType] }, { indexes: [0, 1], types: [INT64, TEXT] }]) {
      expect([...rowKeys(slice, key)]).toEqual([...rowKeys(whole, key)])
    }
  })
})
