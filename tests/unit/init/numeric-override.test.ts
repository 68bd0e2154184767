import { describe, expect, it } from 'vitest'
import { parseColumnOverride } from '../../../src/config/index.js'
import { measureNumericTexts, numericOverride, parsePgArrayText } from '../../../src/init/index.js'

describe('measureNumericTexts', () => {
  it('counts integer and fractional digits as PostgreSQL prints them', () => {
    expect(measureNumericTexts(['12.50', '-0.0001', '1000000', '0', '7'])).toEqual({ values: 5, maxScale: 4, maxIntDigits: 7, special: false })
  })

  it('notices NaN and infinities', () => {
    expect(measureNumericTexts(['1.5', 'NaN']).special).toBe(true)
    expect(measureNumericTexts(['-Infinity']).special).toBe(true)
  })
})

describe('parsePgArrayText', () => {
  it('splits pg_stats arrays and leaves NULLs out', () => {
    expect(parsePgArrayText('{1.5,-2,NULL,NaN}')).toEqual(['1.5', '-2', 'NaN'])
    expect(parsePgArrayText('{"a,b",c}')).toEqual(['a,b', 'c'])
    expect(parsePgArrayText('{}')).toEqual([])
    expect(parsePgArrayText(null)).toEqual([])
  })
})

describe('numericOverride', () => {
  it('fits every scanned value exactly, with 38 digits of precision at least', () => {
    const o = numericOverride({ values: 3000, maxScale: 3, maxIntDigits: 4, special: false }, 'scan')
    expect(o.type).toBe('decimal(38,3)')
    expect(o.why).toBe('numeric without precision or scale: decimal(38,3) holds every value in the table now (at most 4 integer and 3 fractional digits, over 3,000 values); a value that does not fit is refused at run time, never rounded')
  })

  it('widens past 38 digits when the values need it, up to decimal256', () => {
    expect(numericOverride({ values: 2, maxScale: 4, maxIntDigits: 40, special: false }, 'scan').type).toBe('decimal(48,4)')
    expect(numericOverride({ values: 2, maxScale: 10, maxIntDigits: 64, special: false }, 'scan').type).toBe('decimal(76,10)')
    const tooWide = numericOverride({ values: 2, maxScale: 10, maxIntDigits: 70, special: false }, 'scan')
    expect(tooWide.type).toBe('text')
    expect(tooWide.why).toContain('need 80 digits')
  })

  it('keeps at least 9 fractional digits for a sample, which may miss the longest fraction', () => {
    const o = numericOverride({ values: 150, maxScale: 2, maxIntDigits: 6, special: false }, 'stats')
    expect(o.type).toBe('decimal(38,9)')
    expect(o.why).toContain('pg_stats sample (at most 6 integer and 2 fractional digits)')
    expect(numericOverride({ values: 150, maxScale: 12, maxIntDigits: 6, special: false }, 'stats').type).toBe('decimal(38,12)')
  })

  it('writes text for NaN and infinities, and decimal(38,9) when there is nothing to measure', () => {
    expect(numericOverride({ values: 3, maxScale: 1, maxIntDigits: 1, special: true }, 'scan')).toMatchObject({ type: 'text', why: expect.stringContaining('NaN or Infinity') })
    const none = numericOverride(null, 'stats')
    expect(none.type).toBe('decimal(38,9)')
    expect(none.why).toContain('no statistics to measure (run ANALYZE')
    expect(numericOverride({ values: 0, maxScale: 0, maxIntDigits: 0, special: false }, 'scan').why).toContain('no values to measure')
  })

  it('always writes an override the config accepts', () => {
    for (const [ints, scale] of [[0, 0], [1, 0], [38, 0], [0, 38], [30, 30], [66, 10]] as const) {
      for (const source of ['scan', 'stats'] as const) {
        const { type } = numericOverride({ values: 1, maxScale: scale, maxIntDigits: ints, special: false }, source)
        const parsed = parseColumnOverride(type)
        expect('error' in parsed, `${type}`).toBe(false)
        if (type !== 'text' && !('error' in parsed) && parsed.kind === 'decimal') {
          expect(parsed.precision - parsed.scale).toBeGreaterThanOrEqual(ints)
          expect(parsed.scale).toBeGreaterThanOrEqual(scale)
        }
      }
    }
  })
})
