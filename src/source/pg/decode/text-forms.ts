import { malformed } from './decode-errors.js'
import { readInt32, readInt64Number } from './bytes.js'

/**
 * Text renderings of types written as utf8: timetz, inet/cidr, macaddr/macaddr8 and "char".
 * These run per value but only for these less common types; they return strings.
 */

/** timetz (int64 µs since midnight, int32 zone offset in seconds WEST of UTC) as `HH:MM:SS.ffffff+hh:mm[:ss]`. */
export function formatPgTimetz(buf: Uint8Array, p: number): string {
  const us = readInt64Number(buf, p)
  const east = -readInt32(buf, p + 8)
  const seconds = Math.floor(us / 1_000_000)
  const micros = us - seconds * 1_000_000
  const time = `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.${String(micros).padStart(6, '0')}`
  const off = Math.abs(east)
  const zone = `${east < 0 ? '-' : '+'}${two(Math.floor(off / 3600))}:${two(Math.floor(off / 60) % 60)}${off % 60 !== 0 ? `:${two(off % 60)}` : ''}`
  return time + zone
}

/** inet/cidr (family, bits, is_cidr, nbytes, address) in PostgreSQL's own text form. */
export function formatPgInet(buf: Uint8Array, p: number, len: number, column: string): string {
  const family = buf[p]
  const bits = buf[p + 1]
  const isCidr = buf[p + 2] !== 0
  const n = buf[p + 3]
  const v6 = family === 3
  if ((family !== 2 && !v6) || n !== (v6 ? 16 : 4) || len !== 4 + n) throw malformed(column, 'inet', `family ${family}, ${n} address bytes`)
  const max = v6 ? 128 : 32
  const addr = v6 ? formatIpv6(buf, p + 4) : `${buf[p + 4]}.${buf[p + 5]}.${buf[p + 6]}.${buf[p + 7]}`
  // inet omits a full-length mask; cidr always shows it
  return bits !== max || isCidr ? `${addr}/${bits}` : addr
}

/**
 * IPv6 like PostgreSQL's inet_net_ntop: the longest run (>= 2) of zero words becomes `::`,
 * words in lowercase hex without leading zeros, and IPv4-compatible/-mapped addresses
 * (::a.b.c.d, ::ffff:a.b.c.d) end in dotted quad. Checked against PostgreSQL 15
 * (`::2` stays `::2`); newer server sources special-case a 7-word zero run, so such rare
 * addresses may print differently there.
 */
function formatIpv6(buf: Uint8Array, p: number): string {
  const words: number[] = []
  for (let i = 0; i < 8; i++) words.push((buf[p + 2 * i] << 8) | buf[p + 2 * i + 1])
  let bestBase = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLen) {
      bestBase = i
      bestLen = j - i
    }
    i = j
  }
  if (bestLen < 2) bestBase = -1
  let out = ''
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':'
      continue
    }
    if (i !== 0) out += ':'
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      return out + `${buf[p + 12]}.${buf[p + 13]}.${buf[p + 14]}.${buf[p + 15]}`
    }
    out += words[i].toString(16)
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ':'
  return out
}

/** macaddr (6 bytes) / macaddr8 (8 bytes) as lowercase colon-separated hex. */
export function formatPgMacaddr(buf: Uint8Array, p: number, len: number, column: string): string {
  if (len !== 6 && len !== 8) throw malformed(column, 'macaddr', `${len} bytes`)
  let s = ''
  for (let i = 0; i < len; i++) s += (i === 0 ? '' : ':') + buf[p + i].toString(16).padStart(2, '0')
  return s
}

/** "char" (one byte) like PostgreSQL prints it: high-bit bytes as `\ooo` octal, NUL as ''. */
export function formatPgChar(byte: number): string {
  if (byte === 0) return ''
  if (byte >= 0x80) return '\\' + byte.toString(8).padStart(3, '0')
  return String.fromCharCode(byte)
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}
