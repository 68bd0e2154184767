/** Decimal texts of floating-point values, and whether a double holds a decimal exactly (cold paths). */

/** The shortest decimal text that reads back as the same float32 (`v` must be a float32 value). */
export function float32Text(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v)
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(v.toPrecision(digits))
    if (Math.fround(candidate) === v) return String(candidate)
  }
  // 9 significant digits always identify a float32
  return String(Number(v.toPrecision(9)))
}

/**
 * A decimal text (sign, digits with an optional point, optional exponent) as sign, significant
 * digits and the power of ten of the first one; zero (of either sign) is `0`. Null when the text
 * is no such number.
 */
function canonicalNumber(text: string): string | null {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)
  if (match === null) return null
  const intPart = match[2] ?? ''
  const fracPart = match[3] ?? ''
  if (intPart === '' && fracPart === '') return null
  const all = intPart + fracPart
  const first = all.search(/[1-9]/)
  if (first < 0) return '0'
  const digits = all.slice(first).replace(/0+$/, '')
  const power = intPart.length - 1 - first + Number(match[4] ?? 0)
  return `${match[1] === '-' ? '-' : ''}${digits}e${power}`
}

/**
 * Whether the double `v` is exactly the number `text` writes as the shortest decimal that reads
 * back as `v`: true for `0.1` and 0.1, false for `9007199254740993` (it reads as 2^53) or for
 * `0.1234567890123456789`. Every decimal of at most 15 significant digits passes.
 */
export function doubleReadsBack(text: string, v: number): boolean {
  if (!Number.isFinite(v)) return false
  const written = canonicalNumber(text)
  return written !== null && written === canonicalNumber(String(v))
}
