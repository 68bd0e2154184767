import { readInt32, readUint32 } from './bytes.js'
import { formatPgTimestamp } from './convert.js'
import { pgNumericToString } from './numeric.js'

/**
 * The text of a key value in binary wire form, for naming a row in an error (cold path): numbers,
 * text, uuid, dates and timestamps as PostgreSQL prints them; other types as `\x` + hex.
 */
export function formatPgKeyValue(wire: string, buf: Uint8Array, p: number, len: number): string {
  try {
    switch (wire) {
      case 'int2':
        if (len === 2) return String((((buf[p]! << 8) | buf[p + 1]!) << 16) >> 16)
        break
      case 'int4':
        if (len === 4) return String(readInt32(buf, p))
        break
      case 'oid':
        if (len === 4) return String(readUint32(buf, p))
        break
      case 'int8':
        if (len === 8) return ((BigInt(readInt32(buf, p)) << 32n) | BigInt(readUint32(buf, p + 4))).toString()
        break
      case 'text':
      case 'json':
      case 'char':
        return Buffer.from(buf.buffer, buf.byteOffset + p, len).toString('utf8')
      case 'jsonb':
        return Buffer.from(buf.buffer, buf.byteOffset + p + 1, len - 1).toString('utf8')
      case 'numeric':
        return pgNumericToString(buf, p)
      case 'bool':
        return buf[p] === 0 ? 'false' : 'true'
      case 'uuid':
        if (len === 16) {
          const hex = Buffer.from(buf.buffer, buf.byteOffset + p, 16).toString('hex')
          return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
        }
        break
      case 'date':
        if (len === 4) return formatPgTimestamp(BigInt(readInt32(buf, p)) * 86_400_000_000n, false).slice(0, 10)
        break
      case 'timestamp':
      case 'timestamptz':
        if (len === 8) return formatPgTimestamp((BigInt(readInt32(buf, p)) << 32n) | BigInt(readUint32(buf, p + 4)), wire === 'timestamptz')
        break
      case 'float4':
      case 'float8': {
        const view = new DataView(buf.buffer, buf.byteOffset + p, len)
        if (len === 4) return String(view.getFloat32(0))
        if (len === 8) return String(view.getFloat64(0))
        break
      }
    }
  } catch {
    // fall through to hex: naming the row must not fail
  }
  return `\\x${Buffer.from(buf.buffer, buf.byteOffset + p, len).toString('hex')}`
}
