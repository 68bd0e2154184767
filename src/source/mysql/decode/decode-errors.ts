import { RivetError } from '../../../errors/index.js'
import { quoteMysqlIdentifier } from './decoder-id.js'

const PREVIEW_CHARS = 60

/** The value at `buf[start..end)` as text for a message (cold path), shortened when long. */
export function previewValue(buf: Uint8Array, start: number, end: number): string {
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8')
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text
}

/** A value (`buf[start..end)`) whose text does not match its type's text-protocol form. */
export function malformed(column: string, type: string, buf: Uint8Array, start: number, end: number): RivetError {
  const value = previewValue(buf, start, end)
  return new RivetError('RIVET_DATA_DECODE', `column ${JSON.stringify(column)}: malformed ${type} value ${JSON.stringify(value)}`, {
    details: { column, type, value },
  })
}

/** A well-formed value that the output type cannot hold. */
export function outOfRange(column: string, type: string, value: string, why: string, hint?: string): RivetError {
  const q = JSON.stringify(column)
  return new RivetError('RIVET_DATA_VALUE_OUT_OF_RANGE', `column ${q}: value ${value} ${why}`, {
    hint: hint ?? `widen the type with a \`columns:\` override, or export it as text with \`columns: { ${q}: text }\``,
    details: { column, type, value },
  })
}

/** A TIME outside 00:00:00..23:59:59.999999: MySQL TIME is a duration (-838:59:59..838:59:59), Arrow time64 a time of day. */
export function timeOutOfRange(column: string, buf: Uint8Array, start: number, end: number): RivetError {
  const q = JSON.stringify(column)
  return outOfRange(
    column,
    'time',
    previewValue(buf, start, end),
    'is outside 00:00:00..23:59:59.999999, the range of a time of day',
    `cast it to text in a \`query:\` (CAST(${quoteMysqlIdentifier(column)} AS CHAR) AS ${quoteMysqlIdentifier(column)}) or add \`columns: { ${q}: text }\``,
  )
}

/** A decimal value (`buf[start..end)`) that would have to be rounded or truncated to fit decimal(p,s). */
export function decimalDoesNotFit(column: string, buf: Uint8Array, start: number, end: number, precision: number, scale: number, why: string): RivetError {
  const q = JSON.stringify(column)
  return outOfRange(
    column,
    `decimal(${precision},${scale})`,
    previewValue(buf, start, end),
    `does not fit decimal(${precision},${scale}) (${why}); it would have to be rounded`,
    `widen the override, e.g. \`columns: { ${q}: "decimal(${Math.min(76, precision + 10)},${Math.min(scale + 4, 38)})" }\`, round it on purpose in a \`query:\` (ROUND(${quoteMysqlIdentifier(column)}, ${scale})), or export it as text with \`columns: { ${q}: text }\``,
  )
}
