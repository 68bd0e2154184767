import { describe, expect, it } from 'vitest'
import { ownedBytes, packTransferable, unpackTransferable } from '../../../src/engine/transfer.js'

describe('packTransferable', () => {
  it('round-trips JSON fields and several byte arrays through one ArrayBuffer', () => {
    const body = Uint8Array.from([1, 2, 3, 4, 5])
    const meta = new Uint8Array(0)
    const tail = Uint8Array.from({ length: 1000 }, (_, i) => i % 251)
    const packed = packTransferable({ ok: true, rows: 42, name: 'x', body, meta, tail })
    const out = unpackTransferable<{ ok: boolean; rows: number; name: string; body: Uint8Array; meta: Uint8Array; tail: Uint8Array }>(packed)
    expect(out.ok).toBe(true)
    expect(out.rows).toBe(42)
    expect(out.name).toBe('x')
    expect([...out.body]).toEqual([1, 2, 3, 4, 5])
    expect(out.meta.byteLength).toBe(0)
    expect([...out.tail]).toEqual([...tail])
    expect(out.body.buffer).toBe(packed)
  })

  it('gives a transferable copy only when the view does not own its buffer', () => {
    const whole = new Uint8Array(8)
    expect(ownedBytes(whole)).toBe(whole)
    const part = new Uint8Array(new ArrayBuffer(16), 4, 8)
    const owned = ownedBytes(part)
    expect(owned).not.toBe(part)
    expect(owned.byteOffset).toBe(0)
    expect(owned.buffer.byteLength).toBe(8)
  })
})
