import type { ByteWriter } from './byte-writer.js'

/**
 * Byte-level text writers: CSV fields (RFC 4180 quoting), JSON strings and hex. They copy
 * UTF-8 straight from Arrow data buffers and only look at the few ASCII bytes that matter;
 * multi-byte UTF-8 sequences never contain ASCII bytes, so they pass through untouched.
 */

const QUOTE = 34
const CR = 13
const LF = 10
const BACKSLASH = 92
const HEX = new TextEncoder().encode('0123456789abcdef')

/**
 * Writes bytes [start, end) of `src` as one CSV field: as is, or quoted with doubled quotes
 * when it holds the delimiter, a quote, CR or LF. An empty text is written `""` so that it
 * stays distinct from NULL (an empty unquoted field).
 */
export function writeCsvText(out: ByteWriter, src: Uint8Array, start: number, end: number, delimiter: number): void {
  const length = end - start
  out.ensure(2 * length + 2)
  const buf = out.buf
  if (length === 0) {
    buf[out.pos++] = QUOTE
    buf[out.pos++] = QUOTE
    return
  }
  // optimistic copy; on the first special byte, rewind and write the quoted form
  const fieldStart = out.pos
  let pos = fieldStart
  for (let i = start; i < end; i++) {
    const c = src[i]
    if (c === QUOTE || c === LF || c === CR || c === delimiter) {
      out.pos = writeQuoted(buf, fieldStart, src, start, end)
      return
    }
    buf[pos++] = c
  }
  out.pos = pos
}

function writeQuoted(buf: Uint8Array, pos: number, src: Uint8Array, start: number, end: number): number {
  buf[pos++] = QUOTE
  for (let i = start; i < end; i++) {
    const c = src[i]
    if (c === QUOTE) buf[pos++] = QUOTE
    buf[pos++] = c
  }
  buf[pos++] = QUOTE
  return pos
}

const JSON_SHORT_ESCAPES: Readonly<Record<number, number>> = { 8: 98, 9: 116, 10: 110, 12: 102, 13: 114 }

/** Writes bytes [start, end) of UTF-8 `src` as a JSON string literal. */
export function writeJsonString(out: ByteWriter, src: Uint8Array, start: number, end: number): void {
  out.ensure(6 * (end - start) + 2)
  const buf = out.buf
  let pos = out.pos
  buf[pos++] = QUOTE
  for (let i = start; i < end; i++) {
    const c = src[i]
    if (c === QUOTE || c === BACKSLASH) {
      buf[pos++] = BACKSLASH
      buf[pos++] = c
    } else if (c < 0x20) {
      buf[pos++] = BACKSLASH
      const short = JSON_SHORT_ESCAPES[c]
      if (short !== undefined) {
        buf[pos++] = short
      } else {
        buf[pos++] = 117 // \u00XX
        buf[pos++] = 48
        buf[pos++] = 48
        buf[pos++] = HEX[c >> 4]
        buf[pos++] = HEX[c & 15]
      }
    } else {
      buf[pos++] = c
    }
  }
  buf[pos++] = QUOTE
  out.pos = pos
}

/** Writes bytes [start, end) as lowercase hex, after `prefix` (e.g. `\x`). */
export function writeHex(out: ByteWriter, src: Uint8Array, start: number, end: number, prefix: Uint8Array): void {
  out.ensure(prefix.length + 2 * (end - start))
  const buf = out.buf
  buf.set(prefix, out.pos)
  let pos = out.pos + prefix.length
  for (let i = start; i < end; i++) {
    const b = src[i]
    buf[pos++] = HEX[b >> 4]
    buf[pos++] = HEX[b & 15]
  }
  out.pos = pos
}

/** Writes the 16 bytes at `src[offset]` as a canonical lowercase UUID (8-4-4-4-12). */
export function writeUuid(out: ByteWriter, src: Uint8Array, offset: number): void {
  out.ensure(36)
  const buf = out.buf
  let pos = out.pos
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) buf[pos++] = 45
    const b = src[offset + i]
    buf[pos++] = HEX[b >> 4]
    buf[pos++] = HEX[b & 15]
  }
  out.pos = pos
}
