const QUOTE = 0x22
const LF = 0x0a

/**
 * Counts the records of RFC 4180 CSV text fed in pieces: line feeds outside quoted fields (a
 * value may hold line breaks inside quotes). An escaped quote (`""`) toggles twice, so it needs no
 * special case. Rivet writes a header line first and ends every record with a line feed.
 */
export class CsvRecordCounter {
  private quoted = false
  private terminated = 0
  private pendingRecord = false

  /** Count the line feeds of `chunk` that end a record. */
  update(chunk: Uint8Array): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    let i = 0
    while (i < bytes.length) {
      const quote = bytes.indexOf(QUOTE, i)
      if (this.quoted) {
        if (quote < 0) break
        this.quoted = false
        i = quote + 1
        continue
      }
      // only the unquoted stretch up to the next quote can end records
      const stretch = bytes.subarray(i, quote < 0 ? bytes.length : quote)
      for (let lf = stretch.indexOf(LF); lf >= 0; lf = stretch.indexOf(LF, lf + 1)) this.terminated++
      if (quote < 0) break
      this.quoted = true
      i = quote + 1
    }
    if (bytes.length > 0) this.pendingRecord = bytes[bytes.length - 1] !== LF
  }

  /** Whether the text so far ends inside a quoted field (a cut-off file). */
  get insideQuotes(): boolean {
    return this.quoted
  }

  /** Records seen, header included; a last record without its line feed counts too. */
  records(): number {
    return this.terminated + (this.pendingRecord ? 1 : 0)
  }

  /** Data rows: the records after the header line. */
  rows(): number {
    return Math.max(0, this.records() - 1)
  }
}
