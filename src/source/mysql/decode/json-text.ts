import type { VarBinaryBuilder } from '../../../arrow/index.js'
import { outOfRange, previewValue } from './decode-errors.js'

/** Text overridden to json: kept byte for byte, but only when it is JSON. */
export function appendJsonText(b: VarBinaryBuilder, buf: Buffer, start: number, end: number, column: string): void {
  try {
    JSON.parse(buf.toString('utf8', start, end))
  } catch (err) {
    const q = JSON.stringify(column)
    throw outOfRange(column, 'json', JSON.stringify(previewValue(buf, start, end)), `is not valid JSON (${(err as Error).message})`, `fix the value, filter it out in a \`query:\`, or export the column as text with \`columns: { ${q}: text }\``)
  }
  b.appendBytes(buf, start, end - start)
}
