import { readFileSync } from 'node:fs'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import type { FileMetaData, SchemaElement } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'

/**
 * Read a Parquet file with an independent reader (hyparquet) into plain rows with EXACT values:
 * decimals as exact strings, timestamps as bigint microseconds, dates as day numbers,
 * uuids as canonical strings, json as text, binary as Uint8Array.
 */
export async function readParquetExact(path: string): Promise<{ rows: Record<string, unknown>[]; metadata: FileMetaData }> {
  const bytes = readFileSync(path)
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  const metadata = parquetMetadata(file)
  // hyparquet turns decimals into JS numbers (lossy): read their raw unscaled form instead
  const scales = new Map<string, number>()
  const patched: FileMetaData = { ...metadata, schema: metadata.schema.map((el) => stripDecimal(el, scales)) }
  const rows = (await parquetReadObjects({
    file,
    metadata: patched,
    compressors,
    utf8: false, // BYTE_ARRAY without a STRING annotation is binary: keep the bytes
    parsers: {
      timestampFromMicroseconds: (v: bigint) => v,
      timestampFromMilliseconds: (v: bigint) => v,
      timestampFromNanoseconds: (v: bigint) => v,
      dateFromDays: (d: number) => d,
      jsonFromBytes: (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b)),
    },
  })) as Record<string, unknown>[]
  if (scales.size > 0) for (const row of rows) for (const [name, scale] of scales) row[name] = decimalToString(row[name], scale)
  return { rows, metadata }
}

/** Row count from the footer alone. */
export function parquetRowCount(path: string): number {
  const bytes = readFileSync(path)
  const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
  return Number(meta.num_rows)
}

function stripDecimal(el: SchemaElement, scales: Map<string, number>): SchemaElement {
  if (el.converted_type !== 'DECIMAL' && el.logical_type?.type !== 'DECIMAL') return el
  scales.set(el.name, el.scale ?? 0)
  const { converted_type: _c, logical_type: _l, ...rest } = el
  return rest as SchemaElement
}

function decimalToString(value: unknown, scale: number): string | null {
  if (value === null || value === undefined) return null
  let unscaled: bigint
  if (value instanceof Uint8Array) {
    unscaled = 0n
    for (const b of value) unscaled = (unscaled << 8n) | BigInt(b)
    if (value.length > 0 && value[0]! & 0x80) unscaled -= 1n << BigInt(value.length * 8)
  } else unscaled = BigInt(value as number | bigint)
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits
  return negative ? `-${text}` : text
}
