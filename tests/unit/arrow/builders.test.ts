import { Binary, Decimal, Field, FixedSizeBinary, Int32, Int64, List, Utf8, makeVector, Float64, Vector, Bool } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import {
  BoolBuilder,
  DecimalBuilder,
  FixedSizeBinaryBuilder,
  FixedWidthBuilder,
  ListBuilder,
  VarBinaryBuilder,
} from '../../../src/arrow/index.js'
import { decimalAt } from './helpers.js'

const enc = new TextEncoder()
const vec = (d: Parameters<typeof makeVector>[0]) => makeVector(d) as Vector

describe('FixedWidthBuilder', () => {
  it('builds int32 with nulls only allocating a bitmap once a null appears', () => {
    const b = new FixedWidthBuilder(new Int32(), 4, 4)
    for (let i = 0; i < 10; i++) b.appendInt32(i * 1000 - 3)
    const noNulls = b.finish()
    expect(noNulls.nullBitmap?.length ?? 0).toBe(0)
    expect([...vec(noNulls)]).toEqual(Array.from({ length: 10 }, (_, i) => i * 1000 - 3))
    for (let i = 0; i < 20; i++) i % 7 === 3 ? b.appendNull() : b.appendInt32(-i)
    const d = b.finish()
    expect(d.nullCount).toBe(3)
    expect([...vec(d)]).toEqual(Array.from({ length: 20 }, (_, i) => (i % 7 === 3 ? null : 0 - i || 0)))
  })

  it('keeps 64-bit extremes from parts, bigint, safe integers and big-endian bytes', () => {
    const b = new FixedWidthBuilder(new Int64(), 8, 2)
    b.appendBigInt64(-(2n ** 63n))
    b.appendBigInt64(2n ** 63n - 1n)
    b.appendInt64Parts(-1, 0xffffffff)
    b.appendSafeInt64(-9007199254740991)
    b.appendNull()
    const be = new Uint8Array([0x80, 0, 0, 0, 0, 0, 0, 1])
    b.appendBigEndian(be, 0)
    expect([...vec(b.finish())]).toEqual([-(2n ** 63n), 2n ** 63n - 1n, -1n, -9007199254740991n, null, -(2n ** 63n) + 1n])
  })

  it('keeps float NaN, infinities and negative zero bit-exactly', () => {
    const b = new FixedWidthBuilder(new Float64(), 8)
    for (const v of [NaN, Infinity, -Infinity, -0, 1.5e-308]) b.appendFloat64(v)
    const values = [...vec(b.finish())] as number[]
    expect(values[0]).toBeNaN()
    expect(values.slice(1, 3)).toEqual([Infinity, -Infinity])
    expect(Object.is(values[3], -0)).toBe(true)
    expect(values[4]).toBe(1.5e-308)
  })

  it('never overwrites buffers handed to a finished batch', () => {
    const b = new FixedWidthBuilder(new Int32(), 4, 4)
    for (let i = 0; i < 5; i++) b.appendInt32(i)
    const first = b.finish()
    for (let i = 0; i < 50; i++) b.appendInt32(100 + i)
    const second = b.finish()
    expect([...vec(first)]).toEqual([0, 1, 2, 3, 4])
    expect(second.length).toBe(50)
    expect(first.values.buffer).not.toBe(second.values.buffer)
  })
})

describe('BoolBuilder', () => {
  it('bit-packs values and nulls', () => {
    const b = new BoolBuilder(2)
    const expected = Array.from({ length: 37 }, (_, i) => (i % 5 === 4 ? null : i % 3 === 0))
    for (const v of expected) v === null ? b.appendNull() : b.appendBool(v)
    const d = b.finish()
    expect(d.type).toBeInstanceOf(Bool)
    expect([...vec(d)]).toEqual(expected)
  })
})

describe('VarBinaryBuilder', () => {
  it('builds utf8 from byte ranges and strings: empty, unicode, long, null', () => {
    const b = new VarBinaryBuilder(new Utf8(), 2, 8)
    const long = 'x'.repeat(5000) + 'é'
    const values = ['', 'héllo wörld ✓ 😀', null, long, 'a']
    for (const v of values) {
      if (v === null) b.appendNull()
      else if (v === long) b.appendString(v)
      else {
        const bytes = enc.encode(`##${v}`)
        b.appendBytes(bytes, 2, bytes.length - 2)
      }
    }
    expect([...vec(b.finish())]).toEqual(values)
  })

  it('builds binary', () => {
    const b = new VarBinaryBuilder(new Binary())
    b.appendBytes(new Uint8Array([0, 255, 7]), 0, 3)
    b.appendNull()
    b.appendBytes(new Uint8Array(0), 0, 0)
    const out = [...vec(b.finish())].map((v) => (v === null ? null : [...(v as Uint8Array)]))
    expect(out).toEqual([[0, 255, 7], null, []])
  })
})

describe('FixedSizeBinaryBuilder', () => {
  it('copies 16-byte values', () => {
    const b = new FixedSizeBinaryBuilder(new FixedSizeBinary(16))
    const src = Uint8Array.from({ length: 40 }, (_, i) => i)
    b.appendBytes(src, 3)
    b.appendNull()
    const d = b.finish()
    expect([...(vec(d).get(0) as Uint8Array)]).toEqual(Array.from({ length: 16 }, (_, i) => i + 3))
    expect(vec(d).get(1)).toBeNull()
  })
})

describe('DecimalBuilder', () => {
  it.each([128, 256])('writes two-complement decimal%i values (negative, bigint, limbs)', (bits) => {
    const b = new DecimalBuilder(new Decimal(4, bits === 128 ? 38 : 76, bits))
    const big = bits === 128 ? 10n ** 38n - 1n : 10n ** 76n - 1n
    b.appendSafeInteger(0)
    b.appendSafeInteger(-1)
    b.appendSafeInteger(-9007199254740991)
    b.appendBigInt(-big)
    b.appendBigInt(big)
    b.appendNull()
    // 2^32 + 5 as limbs, negated
    b.appendLimbs([5, 1], 2, true)
    const d = b.finish()
    const got = Array.from({ length: d.length }, (_, i) => (d.getValid(i) ? decimalAt(d, i) : null))
    expect(got).toEqual([0n, -1n, -9007199254740991n, -big, big, null, -(2n ** 32n + 5n)])
  })
})

describe('ListBuilder', () => {
  it('builds list<int32> with null elements, empty lists and null lists', () => {
    const type = new List(new Field('item', new Int32(), true))
    const b = new ListBuilder(type, new FixedWidthBuilder(new Int32(), 4, 2), 2)
    const child = b.child
    child.appendInt32(1)
    child.appendNull()
    child.appendInt32(3)
    b.endList()
    b.endList()
    b.appendNull()
    child.appendInt32(-4)
    b.endList()
    const d = b.finish()
    const out = [...vec(d)].map((v) => (v === null ? null : [...(v as Vector)]))
    expect(out).toEqual([[1, null, 3], [], null, [-4]])
  })

  it('builds list<utf8> across batches', () => {
    const type = new List(new Field('item', new Utf8(), true))
    const b = new ListBuilder(type, new VarBinaryBuilder(new Utf8()))
    b.child.appendString('a')
    b.endList()
    const first = b.finish()
    b.child.appendString('b')
    b.child.appendString('c')
    b.endList()
    const second = b.finish()
    expect([...vec(first)].map((v) => [...(v as Vector)])).toEqual([['a']])
    expect([...vec(second)].map((v) => [...(v as Vector)])).toEqual([['b', 'c']])
  })
})

describe('growth', () => {
  it('keeps every value through many regrowths', () => {
    const b = new VarBinaryBuilder(new Utf8(), 1, 1)
    const n = 20000
    for (let i = 0; i < n; i++) (i % 1000 === 999 ? b.appendNull() : b.appendString(`v${i}`))
    const d = b.finish()
    const v = vec(d)
    expect(v.length).toBe(n)
    expect(v.get(12345)).toBe('v12345')
    expect(v.get(999)).toBeNull()
    expect(d.nullCount).toBe(20)
  })
})
