import { describe, expect, it } from 'vitest'
import { parseConfig, selectExports } from '../../../src/config/index.js'
import { captureError } from './helpers.js'

const config = parseConfig(`source:\n  type: postgres\n  url: postgresql://r@h/d\nexports:
  - { name: orders, table: orders, format: parquet, destination: { type: local, path: "o/{export}" } }
  - { name: customers, table: customers, format: parquet, destination: { type: local, path: "o/{export}" } }
  - { name: invoices, table: invoices, format: csv, destination: { type: local, path: "o/{export}" } }
`, { configPath: '/tmp/rivet.yaml', env: {} })

describe('selectExports', () => {
  it('returns every export when no name is given', () => {
    expect(selectExports(config, []).map((e) => e.name)).toEqual(['orders', 'customers', 'invoices'])
  })

  it('returns the named exports in config order, once each', () => {
    expect(selectExports(config, ['invoices', 'orders', 'invoices']).map((e) => e.name)).toEqual(['orders', 'invoices'])
  })

  it('rejects an unknown name with a suggestion', () => {
    const err = captureError(() => selectExports(config, ['orders', 'custmers']))
    expect(err.code).toBe('RIVET_EXPORT_NOT_FOUND')
    expect(err.message).toBe("no export named 'custmers' — did you mean customers?")
    expect(err.hint).toContain('orders, customers, invoices')
  })

  it('lists every unknown name', () => {
    const err = captureError(() => selectExports(config, ['a', 'invoice']))
    expect(err.message).toBe("no exports named 'a', 'invoice'")
    expect(err.items.map((i) => i.message)).toEqual(["no export named 'a'", "no export named 'invoice' — did you mean invoices?"])
  })
})
