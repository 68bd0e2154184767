import { describe, expect, it } from 'vitest'
import { formatColumnOverride, parseColumnKey, type ColumnOverride } from '../../../src/config/index.js'
import { matchColumnOverrides, type OverrideTarget } from '../../../src/source/override-keys.js'
import { doubleReadsBack, float32Text } from '../../../src/source/number-text.js'

const text: ColumnOverride = { kind: 'text' }
const int64: ColumnOverride = { kind: 'int64' }
const dec: ColumnOverride = { kind: 'decimal', precision: 12, scale: 2 }

/** A join: orders.amount as order_amount, refunds.amount as refund_amount, an expression, and id from orders. */
const joined: OverrideTarget[] = [
  { name: 'id', origin: { schema: 'public', table: 'orders', column: 'id' } },
  { name: 'order_amount', origin: { schema: 'public', table: 'orders', column: 'amount' } },
  { name: 'refund_amount', origin: { schema: 'sales', table: 'refunds', column: 'amount' } },
  { name: 'total' },
]

/** The override kind each column got, by name. */
function applied(targets: OverrideTarget[], overrides: Record<string, ColumnOverride>, rule: 'pg' | 'exact' | 'nocase' = 'pg') {
  const { matches, items } = matchColumnOverrides(targets, overrides, rule)
  return { by: Object.fromEntries(targets.map((t, i) => [t.name, matches[i] === undefined ? null : `${matches[i]!.key}=${formatColumnOverride(matches[i]!.override)}`])), items }
}

describe('columns: keys', () => {
  it('parses col, table.col and schema.table.col; more parts or empty parts are errors', () => {
    expect(parseColumnKey('amount')).toEqual({ schema: null, table: null, column: 'amount' })
    expect(parseColumnKey('orders.amount')).toEqual({ schema: null, table: 'orders', column: 'amount' })
    expect(parseColumnKey('public.orders.amount')).toEqual({ schema: 'public', table: 'orders', column: 'amount' })
    expect(parseColumnKey('a.b.c.d')).toEqual({ error: expect.stringContaining('4 dot-separated parts') })
    expect(parseColumnKey('orders.')).toEqual({ error: expect.stringContaining('empty part') })
  })

  it('gives each table its own override in a join where both have a column of the same name', () => {
    const { by, items } = applied(joined, { 'orders.amount': dec, 'refunds.amount': text })
    expect(items).toEqual([])
    expect(by).toEqual({ id: null, order_amount: 'orders.amount=decimal(12,2)', refund_amount: 'refunds.amount=text', total: null })
  })

  it('ranks schema.table.col over table.col over col, whatever the key order', () => {
    const table = [{ name: 'amount', origin: { schema: 'public', table: 'orders', column: 'amount' } }]
    expect(applied(table, { 'public.orders.amount': dec, amount: text, 'orders.amount': int64 }).by.amount).toBe('public.orders.amount=decimal(12,2)')
    expect(applied(table, { amount: text, 'orders.amount': int64 }).by.amount).toBe('orders.amount=int64')
    expect(applied(table, { 'orders.amount': int64, amount: text }).by.amount).toBe('orders.amount=int64')
    // a bare key still applies to the columns no qualified key names
    expect(applied(joined, { 'orders.amount': dec, refund_amount: int64 }).by).toMatchObject({ order_amount: 'orders.amount=decimal(12,2)', refund_amount: 'refund_amount=int64' })
  })

  it('compares table names as the source does: PostgreSQL folds unquoted names, MySQL per lower_case_table_names', () => {
    expect(applied(joined, { 'Orders.amount': dec }).by.order_amount).toBe('Orders.amount=decimal(12,2)')
    expect(applied(joined, { 'SALES.REFUNDS.amount': dec }).by.refund_amount).toBe('SALES.REFUNDS.amount=decimal(12,2)')
    expect(applied(joined, { 'Orders.amount': dec }, 'exact').items.map((i) => i.code)).toEqual(['RIVET_TYPE_OVERRIDE_INVALID'])
    expect(applied(joined, { 'ORDERS.amount': dec }, 'nocase').by.order_amount).toBe('ORDERS.amount=decimal(12,2)')
    // column names stay case-sensitive, as bare keys are
    expect(applied(joined, { 'orders.Amount': dec }).items).toHaveLength(1)
  })

  it('reports a table the export does not read, naming the tables it does', () => {
    const { items } = applied(joined, { 'customers.amount': dec, 'public.refunds.amount': dec })
    expect(items.map((i) => i.path)).toEqual(['customers.amount', 'public.refunds.amount'])
    expect(items[0]!.message).toBe('columns override "customers.amount" names table "customers", which is not part of the export: the export reads columns of public.orders, sales.refunds')
    expect(items[1]!.message).toContain('names table "public.refunds", which is not part of the export')
    expect(applied([{ name: 'x' }], { 't.x': dec }).items[0]!.message).toContain('no column of the export comes straight from a table')
  })

  it('reports a column of a table the export reads that it does not read, with a suggestion', () => {
    const { items } = applied(joined, { 'orders.amout': dec, amuont: text, 'a.b.c.d': text })
    expect(items.map((i) => i.code)).toEqual(['RIVET_TYPE_OVERRIDE_INVALID', 'RIVET_TYPE_OVERRIDE_INVALID', 'RIVET_TYPE_OVERRIDE_INVALID'])
    expect(items[0]!.message).toBe('columns override "orders.amout": the export reads no column "amout" of public.orders — did you mean "orders.amount"?')
    expect(items[1]!.message).toContain('names no column of the source')
    expect(items[2]!.message).toContain('4 dot-separated parts')
  })

  it('takes a key equal to a column name as that column, dots and all', () => {
    const dotted = [{ name: 'orders.amount' }, { name: 'amount', origin: { schema: 'public', table: 'orders', column: 'amount' } }]
    expect(applied(dotted, { 'orders.amount': text }).by).toEqual({ 'orders.amount': 'orders.amount=text', amount: null })
  })

  it('reports two keys of the same rank that name one column', () => {
    const { items } = applied(joined, { 'orders.amount': dec, 'ORDERS.amount': text })
    expect(items).toHaveLength(1)
    expect(items[0]!.message).toContain('both name column "order_amount"')
  })
})

describe('number texts', () => {
  it('writes a float32 as its shortest text', () => {
    expect([0.1, 3.1415927, 1e-7, 16777216, 3.4028234663852886e38, -0].map((v) => float32Text(Math.fround(v)))).toEqual(['0.1', '3.1415927', '1e-7', '16777216', '3.4028235e+38', '0'])
  })

  it('tells whether a double reads back as the number a text writes', () => {
    expect(doubleReadsBack('0.10', 0.1)).toBe(true)
    expect(doubleReadsBack('-1.50e3', -1500)).toBe(true)
    expect(doubleReadsBack('123456789012345', 123456789012345)).toBe(true)
    expect(doubleReadsBack('9007199254740993', 9007199254740992)).toBe(false)
    expect(doubleReadsBack('0.1234567890123456789', 0.1234567890123456789)).toBe(false)
    expect(doubleReadsBack('1e-400', 0)).toBe(false)
    expect(doubleReadsBack('-0.000', -0)).toBe(true)
  })
})
