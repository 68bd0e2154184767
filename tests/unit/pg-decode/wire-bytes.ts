/** Hand-built PostgreSQL binary-format values, tuples and COPY streams for decoder tests. */

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export function be16(v: number): Uint8Array {
  return new Uint8Array([(v >> 8) & 0xff, v & 0xff])
}

export function be32(v: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setInt32(0, v)
  return b
}

export function be64(v: bigint): Uint8Array {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigInt64(0, v)
  return b
}

export const text = (s: string) => new TextEncoder().encode(s)

/** numeric_send of a decimal string ('NaN', 'Infinity', '-Infinity' included). */
export function numeric(value: string): Uint8Array {
  const special: Record<string, number> = { NaN: 0xc000, Infinity: 0xd000, '-Infinity': 0xf000 }
  if (value in special) return concat([be16(0), be16(0), be16(special[value]), be16(0)])
  const neg = value.startsWith('-')
  const [intPart, frac = ''] = value.replace(/^-/, '').split('.')
  const intDigits = intPart.replace(/^0+/, '')
  const padInt = intDigits.padStart(Math.ceil(intDigits.length / 4) * 4, '0')
  const padFrac = frac.padEnd(Math.ceil(frac.length / 4) * 4, '0')
  let groups = [...(padInt.match(/.{4}/g) ?? []), ...(padFrac.match(/.{4}/g) ?? [])].map(Number)
  let weight = padInt.length / 4 - 1
  while (groups.length > 0 && groups[0] === 0) {
    groups = groups.slice(1)
    weight--
  }
  while (groups.length > 0 && groups[groups.length - 1] === 0) groups = groups.slice(0, -1)
  if (groups.length === 0) weight = 0
  const sign = neg && groups.length > 0 ? 0x4000 : 0
  return concat([be16(groups.length), be16(weight & 0xffff), be16(sign), be16(frac.length), ...groups.map(be16)])
}

/** One tuple: int16 field count, then int32 length (-1 = NULL) and bytes per field. */
export function tuple(fields: readonly (Uint8Array | null)[]): Uint8Array {
  return concat([be16(fields.length), ...fields.flatMap((f) => (f === null ? [be32(-1)] : [be32(f.length), f]))])
}

export const COPY_HEADER = concat([new Uint8Array([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]), be32(0), be32(0)])
export const COPY_TRAILER = be16(0xffff)

/** A complete COPY BINARY stream of these tuples. */
export function copyStream(tuples: readonly Uint8Array[]): Uint8Array {
  return concat([COPY_HEADER, ...tuples, COPY_TRAILER])
}

/** Array binary: ndim, has-null flag, element oid, per dim (size, lbound), elements. */
export function array(elemOid: number, dims: readonly number[], elements: readonly (Uint8Array | null)[]): Uint8Array {
  return concat([
    be32(dims.length),
    be32(elements.some((e) => e === null) ? 1 : 0),
    be32(elemOid),
    ...dims.flatMap((d) => [be32(d), be32(1)]),
    ...elements.flatMap((e) => (e === null ? [be32(-1)] : [be32(e.length), e])),
  ])
}
