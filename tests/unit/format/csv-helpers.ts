/**
 * Test-side CSV and LZ4 helpers, written independently of the encoder under test.
 */

/** One parsed field: null for an unquoted empty field (NULL), else its text. */
export type CsvField = string | null

/** Minimal RFC 4180 parser (LF or CRLF line ends, "" escapes); keeps NULL vs '' apart. */
export function parseCsv(text: string, delimiter = ','): CsvField[][] {
  const rows: CsvField[][] = []
  let row: CsvField[] = []
  let i = 0
  while (i < text.length) {
    let field = ''
    let quoted = false
    if (text[i] === '"') {
      quoted = true
      i++
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field')
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += text[i++]
      }
    } else {
      while (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] === '"') throw new Error(`bare quote at ${i}`)
        field += text[i++]
      }
    }
    row.push(quoted || field !== '' ? field : null)
    if (text[i] === delimiter) {
      i++
      continue
    }
    if (text[i] === '\r' && text[i + 1] === '\n') i++
    if (i < text.length && text[i] !== '\n') throw new Error(`unexpected character after field at ${i}`)
    i++
    rows.push(row)
    row = []
  }
  return rows
}

/**
 * Splits concatenated LZ4 frames. lz4-napi's decompressFrame stops after the first frame of a
 * concatenation, so the tests decode frame by frame.
 */
export function splitLz4Frames(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const frames: Uint8Array[] = []
  let pos = 0
  while (pos < bytes.length) {
    const start = pos
    if (view.getUint32(pos, true) !== 0x184d2204) throw new Error(`no LZ4 frame magic at ${pos}`)
    const flags = bytes[pos + 4]
    pos += 6 + (flags & 0x08 ? 8 : 0) + (flags & 0x01 ? 4 : 0) + 1 // magic, FLG, BD, [size], [dict], HC
    for (;;) {
      const size = view.getUint32(pos, true)
      pos += 4
      if (size === 0) break
      pos += (size & 0x7fffffff) + (flags & 0x10 ? 4 : 0)
    }
    if (flags & 0x04) pos += 4
    frames.push(bytes.subarray(start, pos))
  }
  return frames
}
