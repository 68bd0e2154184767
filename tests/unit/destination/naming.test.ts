import { describe, expect, it } from 'vitest'
import { buildFileName, resolveOutputDir } from '../../../src/destination/index.js'
import { isRivetError } from '../../../src/errors/index.js'

const startedAt = new Date('2026-11-24T21:53:12.789Z')

describe('buildFileName', () => {
  it('names a single-file output', () => {
    expect(buildFileName({ exportName: 'orders', startedAt, part: null, extension: '.parquet' })).toBe('orders_20261124T215312Z.parquet')
  })

  it('names a part with a compound extension', () => {
    expect(buildFileName({ exportName: 'orders', startedAt, part: 2, extension: '.csv.zst' })).toBe('orders_20261124T215312Z_part2.csv.zst')
  })

  it('uses UTC and zero-pads every field', () => {
    const early = new Date(Date.UTC(2027, 0, 2, 3, 4, 5))
    expect(buildFileName({ exportName: 'a.b-c_d', startedAt: early, part: 10, extension: '.csv' })).toBe('a.b-c_d_20270102T030405Z_part10.csv')
  })

  it('rejects an extension without a dot and a part below 1', () => {
    expect(() => buildFileName({ exportName: 'o', startedAt, part: null, extension: 'parquet' })).toThrow(/extension/)
    expect(() => buildFileName({ exportName: 'o', startedAt, part: 0, extension: '.csv' })).toThrow(/part number/)
  })
})

describe('resolveOutputDir', () => {
  it('substitutes {export} and {date} (UTC), every occurrence', () => {
    // 23:30 on the 24th in UTC-5 is already the 25th in UTC.
    const date = new Date('2026-11-25T04:30:00Z')
    expect(resolveOutputDir('/data/{export}/{date}/{export}', { export: 'orders', date })).toBe('/data/orders/2026-11-25/orders')
  })

  it('leaves a template without placeholders unchanged', () => {
    expect(resolveOutputDir('./out', { export: 'orders', date: new Date() })).toBe('./out')
  })

  it('rejects an unknown placeholder', () => {
    let err: unknown
    try {
      resolveOutputDir('/data/{table}', { export: 'orders', date: new Date() })
    } catch (e) {
      err = e
    }
    expect(isRivetError(err) && err.code).toBe('RIVET_CONFIG_FORMAT')
  })
})
