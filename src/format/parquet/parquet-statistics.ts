import { COLUMN_CHUNK, COLUMN_META, rowGroupColumns } from './parquet-metadata.js'
import { deleteField, getField, getStruct, setField, type ThriftStruct } from './thrift-value.js'

/** Statistics field ids (1 and 2 are the deprecated signed-order min/max). */
const STATISTICS = { max: 1, min: 2, maxValue: 5, minValue: 6, isMaxValueExact: 7, isMinValueExact: 8 } as const

/**
 * Longest min/max kept in a column chunk's statistics; longer ones are truncated the way
 * parquet-rs truncates its column index (64 bytes). Every row group's statistics stay in the
 * footer, so a wide text column would otherwise carry two of its values per row group.
 */
export const STATISTICS_TRUNCATE_LENGTH = 64

/**
 * Truncate the byte-array min/max statistics of every column chunk of `rowGroup` to `limit`
 * bytes, keeping them valid bounds: the min becomes a prefix (never greater), the max a prefix
 * with its last byte raised (always greater), both marked inexact. A max that cannot be raised
 * (only bytes >= 0x7f) is dropped. Cuts fall on UTF-8 character boundaries, so truncated
 * strings stay valid UTF-8.
 */
export function truncateStatistics(rowGroup: ThriftStruct, limit = STATISTICS_TRUNCATE_LENGTH): void {
  for (const chunk of rowGroupColumns(rowGroup)) {
    const meta = getStruct(chunk, COLUMN_CHUNK.metaData)
    const stats = meta === undefined ? undefined : getStruct(meta, COLUMN_META.statistics)
    if (stats === undefined) continue
    // the deprecated fields compare signed bytes; a long one is dropped rather than reasoned about
    for (const id of [STATISTICS.max, STATISTICS.min]) if (binaryLength(stats, id) > limit) deleteField(stats, id)
    const min = getField(stats, STATISTICS.minValue)
    if (min?.type === 'binary' && min.value.length > limit) {
      setField(stats, STATISTICS.minValue, { type: 'binary', value: min.value.slice(0, utf8Boundary(min.value, limit)) })
      setField(stats, STATISTICS.isMinValueExact, { type: 'bool', value: false })
    }
    const max = getField(stats, STATISTICS.maxValue)
    if (max?.type === 'binary' && max.value.length > limit) {
      const upper = raisedPrefix(max.value, limit)
      if (upper === null) deleteField(stats, STATISTICS.maxValue)
      else setField(stats, STATISTICS.maxValue, { type: 'binary', value: upper })
      setField(stats, STATISTICS.isMaxValueExact, { type: 'bool', value: false })
    }
  }
}

function binaryLength(struct: ThriftStruct, id: number): number {
  const v = getField(struct, id)
  return v?.type === 'binary' ? v.value.length : 0
}

/** The largest cut <= `limit` that does not split a UTF-8 character. */
function utf8Boundary(bytes: Uint8Array, limit: number): number {
  let cut = Math.min(limit, bytes.length)
  while (cut > 0 && cut < bytes.length && (bytes[cut]! & 0xc0) === 0x80) cut--
  return cut
}

/**
 * A value greater than every value that starts like `bytes` and no longer than `limit`: the
 * longest prefix ending in an ASCII byte below 0x7f, with that byte raised by one (still ASCII,
 * so still UTF-8). Null when there is no such byte.
 */
function raisedPrefix(bytes: Uint8Array, limit: number): Uint8Array | null {
  for (let k = Math.min(limit, bytes.length) - 1; k >= 0; k--) {
    if (bytes[k]! < 0x7f) {
      const out = bytes.slice(0, k + 1)
      out[k] = out[k]! + 1
      return out
    }
  }
  return null
}
