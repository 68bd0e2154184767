import type { Table, Vector } from 'apache-arrow'
import { BatchBuilder } from '../../../src/arrow/index.js'
import type { ColumnOverride } from '../../../src/config/index.js'
import { MysqlRowDecoder, mapMysqlColumns, type MysqlRawColumn } from '../../../src/source/mysql/index.js'
import { decimalAt, roundTrip } from '../arrow/helpers.js'

/** A raw column as information_schema would describe it. */
export const col = (name: string, dataType: string, columnType = dataType, extra: Partial<MysqlRawColumn> = {}): MysqlRawColumn => ({
  name,
  dataType,
  columnType,
  nullable: true,
  numericPrecision: null,
  numericScale: null,
  datetimePrecision: null,
  characterSet: null,
  ...extra,
})

/** A text-protocol value: strings as their UTF-8 bytes, bytes as they are, null for SQL NULL. */
export type Wire = string | Uint8Array | null

/** Map `cols`, decode `rows` through a MysqlRowDecoder and read the batch back from Arrow IPC. */
export function decode(cols: MysqlRawColumn[], rows: Wire[][], overrides: Record<string, ColumnOverride> = {}) {
  const specs = mapMysqlColumns(cols, overrides)
  const batch = new BatchBuilder(specs)
  const decoder = new MysqlRowDecoder(specs, batch)
  for (const row of rows) decoder.decodeRow(...packRow(row))
  return { decoder, batch, rows: batch.rows, table: roundTrip(batch) }
}

/** Decode one value of a single column; returns the first value read back. */
export function decodeOne(c: MysqlRawColumn, value: Wire, overrides: Record<string, ColumnOverride> = {}) {
  return decode([c], [[value]], overrides)
}

/** Filler around every packed value: a digit, so that a decoder reading past its value's bounds misreads it. */
const FILLER = 0x39

/**
 * A row as the decoder receives it: the values packed into one buffer (each after a filler byte,
 * the last one followed by one too), their starts and ends, start -1 for NULL.
 */
export function packRow(row: Wire[]): [Buffer, Int32Array, Int32Array] {
  const bytes = row.map((v) => (v === null ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v)))
  const buf = Buffer.alloc(1 + bytes.reduce((n, b) => n + (b === null ? 0 : b.length + 1), 0), FILLER)
  const starts = new Int32Array(row.length)
  const ends = new Int32Array(row.length)
  let at = 1
  bytes.forEach((b, i) => {
    if (b === null) {
      starts[i] = ends[i] = -1
      return
    }
    b.copy(buf, at)
    starts[i] = at
    ends[i] = at + b.length
    at += b.length + 1
  })
  return [buf, starts, ends]
}

/** Every value of a column as apache-arrow's `get` returns it. */
export function values(t: Table, name: string): unknown[] {
  const v = t.getChild(name) as Vector
  return Array.from({ length: t.numRows }, (_, i) => v.get(i))
}

/** Stored values of a fixed-width column (int64 µs for timestamps, days for dates), null where invalid. */
export function stored(t: Table, name: string): (number | bigint | null)[] {
  const v = t.getChild(name) as Vector
  const data = v.data[0]
  return Array.from({ length: t.numRows }, (_, i) => (v.isValid(i) ? (data.values as ArrayLike<number | bigint>)[i] : null))
}

/** Unscaled decimal values, null where invalid. */
export function unscaledValues(t: Table, name: string): (bigint | null)[] {
  const v = t.getChild(name) as Vector
  return Array.from({ length: t.numRows }, (_, i) => (v.isValid(i) ? decimalAt(v.data[0], i) : null))
}

/** The unscaled integer of decimal text at `scale`. */
export function unscaled(text: string, scale: number): bigint {
  const neg = text.startsWith('-')
  const [ip, fp = ''] = text.replace(/^-/, '').split('.')
  return (neg ? -1n : 1n) * BigInt(ip + fp.padEnd(scale, '0'))
}

/** µs since the epoch of a UTC civil time, computed independently with Date (any year, via setUTCFullYear). */
export function utcMicros(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, us = 0): bigint {
  const date = new Date(0)
  date.setUTCFullYear(y, mo - 1, d)
  date.setUTCHours(h, mi, s, 0)
  return BigInt(date.getTime()) * 1000n + BigInt(us)
}

/** Days since the epoch of a civil date, computed with Date. */
export function utcDays(y: number, mo: number, d: number): number {
  return Number(utcMicros(y, mo, d) / 86_400_000_000n)
}
