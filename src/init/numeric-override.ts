/**
 * The `columns:` override of a PostgreSQL `numeric` declared without precision and scale, which
 * `rivet run` refuses (RIVET_TYPE_NUMERIC_UNBOUNDED): a decimal wide enough for the values
 * measured in the table (small tables) or in its pg_stats sample (large ones), text when the
 * column holds NaN or Infinity (no decimal can), decimal(38,9) when there is nothing to measure.
 * Pure: the measuring SQL lives in pg-discover.ts.
 */
import { MAX_DECIMAL_PRECISION } from '../source/pg/types/index.js'

/** What was measured over a column's values. */
export interface NumericMeasure {
  /** Values measured (NULLs excluded). */
  readonly values: number
  /** Most fractional digits of any finite value. */
  readonly maxScale: number
  /** Most integer digits of any finite value (0 for values below 1). */
  readonly maxIntDigits: number
  /** Whether some value is NaN, Infinity or -Infinity. */
  readonly special: boolean
}

/** How the measure was taken: every row of the table, or the planner's statistics sample. */
export type MeasureSource = 'scan' | 'stats'

/** The default when nothing can be measured, and the scale given to sampled values at the least. */
export const FALLBACK_DECIMAL = { precision: 38, scale: 9 } as const

const NUMBER_RE = /^[-+]?(\d*)(?:\.(\d*))?$/
const SPECIAL_RE = /^[-+]?(?:nan|infinity)$/i

/** Measure numeric values as PostgreSQL prints them (`-12.50`, `NaN`, `Infinity`). */
export function measureNumericTexts(texts: readonly string[]): NumericMeasure {
  let values = 0
  let maxScale = 0
  let maxIntDigits = 0
  let special = false
  for (const text of texts) {
    if (SPECIAL_RE.test(text)) {
      special = true
      values++
      continue
    }
    const match = NUMBER_RE.exec(text)
    if (match === null) continue
    values++
    maxIntDigits = Math.max(maxIntDigits, (match[1] ?? '').replace(/^0+/, '').length)
    maxScale = Math.max(maxScale, (match[2] ?? '').length)
  }
  return { values, maxScale, maxIntDigits, special }
}

/**
 * The elements of a one-dimensional array as PostgreSQL prints it (`{1.5,2,NULL}`), unquoted;
 * NULL elements are left out. Enough for pg_stats' numeric arrays.
 */
export function parsePgArrayText(text: string | null): string[] {
  if (text === null) return []
  const body = text.trim().replace(/^\{/, '').replace(/\}$/, '')
  if (body === '') return []
  const out: string[] = []
  const re = /"((?:[^"\\]|\\.)*)"|([^,{}]+)/g
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    if (m[1] !== undefined) out.push(m[1].replace(/\\(.)/g, '$1'))
    else if (m[2] !== undefined && m[2].trim().toUpperCase() !== 'NULL') out.push(m[2].trim())
  }
  return out
}

/** The override of an unbounded numeric column, and the comment saying where it came from. */
export function numericOverride(measure: NumericMeasure | null, source: MeasureSource): { type: string; why: string } {
  const unbounded = 'numeric without precision or scale'
  if (measure !== null && measure.special) {
    return { type: 'text', why: `${unbounded} holding NaN or Infinity, which no decimal can hold: written as text` }
  }
  if (measure === null || measure.values === 0) {
    const none = source === 'scan' ? 'no values to measure' : 'no statistics to measure (run ANALYZE, then rivet init again)'
    const { precision, scale } = FALLBACK_DECIMAL
    return { type: `decimal(${precision},${scale})`, why: `${unbounded} and ${none}: decimal(${precision},${scale}) assumed, adjust it to the data; a value that does not fit is refused, never rounded` }
  }
  // a sample may miss the longest fraction: sampled columns keep at least the fallback scale
  const scale = source === 'scan' ? measure.maxScale : Math.max(measure.maxScale, FALLBACK_DECIMAL.scale)
  const digits = Math.max(measure.maxIntDigits, 1) + scale
  if (digits > MAX_DECIMAL_PRECISION) {
    return { type: 'text', why: `${unbounded} whose values need ${digits} digits, more than the ${MAX_DECIMAL_PRECISION} of decimal256: written as text` }
  }
  // room for larger values than seen so far: 38 digits (decimal128) at least, 4 more digits above it
  const precision = Math.min(MAX_DECIMAL_PRECISION, Math.max(FALLBACK_DECIMAL.precision, digits + 4))
  const seen = `at most ${measure.maxIntDigits} integer and ${measure.maxScale} fractional digits`
  const where = source === 'scan' ? `every value in the table now (${seen}, over ${measure.values.toLocaleString('en-US')} values)` : `every value of the pg_stats sample (${seen})`
  return { type: `decimal(${precision},${scale})`, why: `${unbounded}: decimal(${precision},${scale}) holds ${where}; a value that does not fit is refused at run time, never rounded` }
}
