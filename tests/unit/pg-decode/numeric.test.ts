import { Decimal } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { DecimalBuilder } from '../../../src/arrow/index.js'
import { appendPgNumeric, pgNumericToString } from '../../../src/source/pg/decode/index.js'
import { decimalAt } from '../arrow/helpers.js'
import { be16, concat, numeric } from './wire-bytes.js'
import { caught } from '../../helpers/errors.js'

/** Decode `values` into decimal(p,s) and return the unscaled integers. */
function decode(values: readonly string[], precision: number, scale: number): bigint[] {
  const b = new DecimalBuilder(new Decimal(scale, precision, precision <= 38 ? 128 : 256))
  for (const v of values) {
    const bytes = numeric(v)
    appendPgNumeric(b, bytes, 0, bytes.length, precision, scale, 'amount')
  }
  const d = b.finish()
  return values.map((_, i) => decimalAt(d, i))
}

/** The exact unscaled integer of a decimal string at `scale`. */
function unscaled(v: string, scale: number): bigint {
  const neg = v.startsWith('-')
  const [i, f = ''] = v.replace('-', '').split('.')
  const u = BigInt(i + f.padEnd(scale, '0').slice(0, scale))
  return neg ? -u : u
}


describe('appendPgNumeric', () => {
  it.each<[string[], number, number]>([
    [['0', '-0.0001', '0.0001', '1', '-1', '12.5', '99999999999999.9999', '-99999999999999.9999'], 18, 4],
    [['0.00000000000000000001', '-0.00000000000000000001', '1.5'], 38, 20],
    [['9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999', '1234567890123.0000000001'], 38, 10],
    [['99999999999999999999999999999999999999999999999999999.99999', '-12345678901234567890123456789012345678901234567890.12345', '7'], 60, 5],
    [[`${'9'.repeat(76)}`, `-${'9'.repeat(76)}`], 76, 0],
    [['10000', '100000000', '-20000.5'], 12, 1],
    [['9007199254740993', '-9007199254740993', '123456789012345678'], 38, 0],
    [['1.500', '-2.000'], 5, 1],
  ])('decodes %j exactly into decimal(%i,%i)', (values, p, s) => {
    expect(decode(values, p, s)).toEqual(values.map((v) => unscaled(v, s)))
  })

  it('refuses a value with more integer digits than the type allows', () => {
    const err = caught(() => decode(['123456.7'], 7, 2))
    expect(err.code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
    expect(err.message).toContain('"amount"')
    expect(err.message).toContain('123456.7')
    expect(err.details).toMatchObject({ column: 'amount', precision: 7, scale: 2 })
  })

  it.each([['1.005'], ['0.00000001'], ['12345678901234567890.123']])('refuses %s in decimal(38,2) rather than rounding it', (v) => {
    expect(caught(() => decode([v], 38, 2)).code).toBe('RIVET_DATA_VALUE_OUT_OF_RANGE')
  })

  it.each([['NaN'], ['Infinity'], ['-Infinity']])('refuses %s as RIVET_DATA_NON_FINITE naming the column', (v) => {
    const err = caught(() => decode([v], 10, 2))
    expect(err.code).toBe('RIVET_DATA_NON_FINITE')
    expect(err.message).toContain('"amount"')
    expect(err.message).toContain(v)
  })

  it('accepts digits that PostgreSQL did not strip (leading/trailing zero groups)', () => {
    // 0000 0012 . 5000 0000 with weight 1 = 12.5
    const bytes = concat([be16(4), be16(1), be16(0), be16(2), be16(0), be16(12), be16(5000), be16(0)])
    const b = new DecimalBuilder(new Decimal(2, 10, 128))
    appendPgNumeric(b, bytes, 0, bytes.length, 10, 2, 'x')
    expect(decimalAt(b.finish(), 0)).toBe(1250n)
  })

  it('rejects a malformed value', () => {
    const bytes = concat([be16(3), be16(0), be16(0), be16(0), be16(1)])
    const b = new DecimalBuilder(new Decimal(2, 10, 128))
    expect(caught(() => appendPgNumeric(b, bytes, 0, bytes.length, 10, 2, 'x')).code).toBe('RIVET_DATA_DECODE')
  })
})

describe('pgNumericToString', () => {
  it.each([['0'], ['-0.0001'], ['1.50'], ['123456789.000001'], ['NaN'], ['-Infinity'], ['0.00000000000000000001'], ['10000']])('renders %s', (v) => {
    expect(pgNumericToString(numeric(v), 0)).toBe(v)
  })
})
