import { describe, expect, it } from 'vitest'
import { buildFileName, resolveOutputDir } from '../../../src/destination/index.js'
import { isRivetError } from '../../../src/errors/index.js'

const runId = '20261124T215312Z-4f2a91c0'

describe('buildFileName', () => {
  it('names a single-file output after the export and the run', () => {
    expect(buildFileName({ exportName: 'orders', runId, part: null, extension: '.parquet' })).toBe('orders_20261124T215312Z-4f2a91c0.parquet')
  })

  it('names a part with a compound extension, and a chunk', () => {
    expect(buildFileName({ exportName: 'orders', runId, part: 2, extension: '.csv.zst' })).toBe('orders_20261124T215312Z-4f2a91c0_part2.csv.zst')
    expect(buildFileName({ exportName: 'orders', runId, chunk: 7, part: null, extension: '.parquet' })).toBe('orders_20261124T215312Z-4f2a91c0_chunk00007.parquet')
  })

  it('gives two runs that start in the same second different names', () => {
    const a = buildFileName({ exportName: 'o', runId: '20261124T215312Z-00000001', part: null, extension: '.csv' })
    const b = buildFileName({ exportName: 'o', runId: '20261124T215312Z-00000002', part: null, extension: '.csv' })
    expect(a).not.toBe(b)
  })

  it('rejects an extension without a dot, a part below 1 and a run id that is no plain name', () => {
    expect(() => buildFileName({ exportName: 'o', runId, part: null, extension: 'parquet' })).toThrow(/extension/)
    expect(() => buildFileName({ exportName: 'o', runId, part: 0, extension: '.csv' })).toThrow(/part number/)
    expect(() => buildFileName({ exportName: 'o', runId: '../x', part: null, extension: '.csv' })).toThrow(/run id/)
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
