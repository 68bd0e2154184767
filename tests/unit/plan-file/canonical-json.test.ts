import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../../src/plan-file/index.js'

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'x' }], c: true } })).toBe('{"a":{"c":true,"d":[3,{"y":"x","z":null}]},"b":1}')
  })

  it('is the same for a value and for any re-layout of its JSON', () => {
    const value = { exports: [{ name: 'orders', ranges: [{ lo: null, hi: '10' }] }], created_at: '2026-11-25T00:00:00.000Z', n: 1e21, s: 'ü\u2028"' }
    const relaid = JSON.parse(JSON.stringify(value, null, 7)) as unknown
    expect(canonicalJson(relaid)).toBe(canonicalJson(value))
    expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value))
  })

  it('differs when one value changes', () => {
    expect(canonicalJson({ hi: '12001' })).not.toBe(canonicalJson({ hi: '12002' }))
    expect(canonicalJson(['a', 'b'])).not.toBe(canonicalJson(['b', 'a']))
  })

  it('drops undefined members like JSON.stringify, and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}')
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/)
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/)
  })
})
