import { type RecordBatch, tableFromIPC } from '../../arrow/lib.js'
import { RivetError } from '../../errors/index.js'
import type { ColumnSpec } from '../../types/index.js'
import { ByteWriter } from './byte-writer.js'
import { writeCsvText } from './csv-text.js'
import { makeValueWriter, validityOf, type ValueWriter } from './csv-value-writers.js'
import { compressUnit, type CsvCompression } from './frame-compression.js'

/** How one batch is encoded to CSV. */
export interface CsvEncodeOptions {
  /** Write the header row (the coordinator asks for it on the first batch of each file). */
  readonly header: boolean
  readonly compression: CsvCompression
  /** zstd -7..22 (default 1) or gzip 0..9 (default 6); lz4 has no levels. */
  readonly compressionLevel: number | null
  /** One ASCII character; default ','. */
  readonly delimiter?: string
  /** The output columns, in batch order. */
  readonly columns: readonly ColumnSpec[]
}

const LF = 10
const encoder = new TextEncoder()

/**
 * Delimiters that unquoted values can contain (digits, letters, '.', '-', ':', '+', '\')
 * would make numbers and dates ambiguous, so they are refused up front; quotes and line
 * breaks are refused by RFC 4180.
 */
function delimiterByte(delimiter: string | undefined): number {
  const d = delimiter ?? ','
  const code = d.charCodeAt(0)
  if (d.length !== 1 || code > 0x7e || /[A-Za-z0-9.\-:+\\"\r\n]/.test(d)) {
    throw new RivetError('RIVET_CONFIG_FORMAT', `CSV delimiter ${JSON.stringify(d)} is not usable`, {
      hint: 'use a single ASCII punctuation character such as "," ";" "|" or a tab',
    })
  }
  return code
}

interface BoundColumn {
  readonly write: ValueWriter
  readonly nulls: Uint8Array | null
  readonly offset: number
}

function bindColumns(batch: RecordBatch, columns: readonly ColumnSpec[], delimiter: number): BoundColumn[] {
  const fields = batch.schema.fields
  if (fields.length !== columns.length || fields.some((f, i) => f.name !== columns[i].name)) {
    throw new RivetError('RIVET_INTERNAL', `CSV batch columns [${fields.map((f) => f.name).join(', ')}] do not match the export's columns [${columns.map((c) => c.name).join(', ')}]`)
  }
  return columns.map((column, i) => {
    const data = batch.data.children[i]
    return { write: makeValueWriter(column.type, data, 'csv', delimiter, column.name), nulls: validityOf(data), offset: data.offset }
  })
}

function writeHeader(out: ByteWriter, columns: readonly ColumnSpec[], delimiter: number): void {
  columns.forEach((column, i) => {
    if (i > 0) out.byte(delimiter)
    const name = encoder.encode(column.name)
    writeCsvText(out, name, 0, name.length, delimiter)
  })
  out.byte(LF)
}

/** NULL is an empty unquoted field; every other value goes through its column's writer. */
function writeRows(out: ByteWriter, batch: RecordBatch, columns: readonly ColumnSpec[], delimiter: number): void {
  const bound = bindColumns(batch, columns, delimiter)
  const width = bound.length
  for (let row = 0; row < batch.numRows; row++) {
    for (let c = 0; c < width; c++) {
      if (c > 0) out.byte(delimiter)
      const { nulls, offset, write } = bound[c]
      if (nulls !== null && (nulls[(offset + row) >> 3] & (1 << ((offset + row) & 7))) === 0) continue
      write(out, row)
    }
    out.byte(LF)
  }
}

/**
 * Encodes one Arrow IPC stream as RFC 4180 CSV (lines end with LF) and compresses it as
 * one independent unit, so the coordinator can concatenate the units of a file in order.
 * Values: NULL → empty field, '' → `""`; ints/decimals exact; floats shortest round-trip
 * (NaN, Infinity, -Infinity); dates YYYY-MM-DD; times HH:MM:SS.ffffff (six digits always);
 * timestamps YYYY-MM-DDTHH:MM:SS.ffffff with Z when UTC; uuids canonical lowercase;
 * binary \x + hex; json as its text; lists as JSON arrays.
 */
export async function encodeCsvBatch(ipc: Uint8Array, options: CsvEncodeOptions): Promise<Uint8Array> {
  const delimiter = delimiterByte(options.delimiter)
  const table = tableFromIPC(ipc)
  const out = new ByteWriter(Math.max(1 << 16, ipc.byteLength + (ipc.byteLength >> 1)))
  if (options.header) writeHeader(out, options.columns, delimiter)
  for (const batch of table.batches) writeRows(out, batch, options.columns, delimiter)
  return compressUnit(out.view(), options.compression, options.compressionLevel)
}

/** File name extension of a CSV file with the given compression. */
export function csvFileExtension(compression: CsvCompression): string {
  return { none: '.csv', zstd: '.csv.zst', gzip: '.csv.gz', lz4: '.csv.lz4' }[compression]
}
