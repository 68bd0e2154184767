import type { Data } from 'apache-arrow'
import { decimalAt, formatDecimal, getValue } from './copy-helpers.js'

/**
 * How one column is compared: `sql` turns the column into server-side text, `server` and
 * `arrow` turn the server text and the exported Arrow value into the same canonical string.
 */
export interface Canon {
  sql(expr: string): string
  server(text: string): string
  arrow(data: Data, i: number): string
}

const asText = (e: string) => `${e}::text`

/** Floats: NaN, ±Infinity and -0 spelled out; float4 compared at float32 precision. */
function floatCanon(bits: 32 | 64): Canon {
  const fmt = (v: number) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v))
  return {
    sql: asText,
    server: (t) => fmt(bits === 32 ? Math.fround(parseFloat(t)) : parseFloat(t)),
    arrow: (d, i) => fmt(getValue(d, i) as number),
  }
}

/** Decimal text without trailing fractional zeros. */
function normalizeDecimal(t: string): string {
  return t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** int8 text of an exact µs count computed by the server (extract returns numeric since PostgreSQL 14). */
const epochMicros = (e: string) => `(extract(epoch from ${e}) * 1000000)::int8::text`

/**
 * int8 text of a timestamp's µs since 1970, computed from its date and time of day: exact over
 * the whole range (extract(epoch ...) loses the last digits near the year 294247).
 */
const timestampMicros = (e: string) => `((${e})::date - date '1970-01-01')::int8 * 86400000000 + (extract(epoch from (${e})::time) * 1000000)::int8`

/** timetz text (server or ours) as `µs since midnight|offset seconds east`. */
function timetzKey(t: string): string {
  const m = /^(\d\d):(\d\d):(\d\d)(\.\d+)?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/.exec(t)
  if (m === null) return `unparsed:${t}`
  const us = ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1_000_000 + Math.round(Number(`0${m[4] ?? ''}`) * 1_000_000)
  const off = (Number(m[6]) * 3600 + Number(m[7] ?? 0) * 60 + Number(m[8] ?? 0)) * (m[5] === '-' ? -1 : 1)
  return `${us}|${off}`
}

function uuidText(b: Uint8Array): string {
  const h = hex(b)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

export const CANON = {
  /** ints, bool, text-like types and renderings that must match the server's text exactly. */
  text: { sql: asText, server: (t) => t, arrow: (d, i) => String(getValue(d, i)) } satisfies Canon,
  /** The type's own output function (a ::text cast can differ: inet::text always shows the mask). */
  output: { sql: (e) => e, server: (t) => t, arrow: (d, i) => String(getValue(d, i)) } satisfies Canon,
  float4: floatCanon(32),
  float8: floatCanon(64),
  decimal: {
    sql: asText,
    server: normalizeDecimal,
    arrow: (d, i) => normalizeDecimal(formatDecimal(decimalAt(d, i), (d.type as unknown as { scale: number }).scale)),
  } satisfies Canon,
  bytea: { sql: (e) => `encode(${e}, 'hex')`, server: (t) => t, arrow: (d, i) => hex(getValue(d, i) as Uint8Array) } satisfies Canon,
  uuid: { sql: asText, server: (t) => t, arrow: (d, i) => uuidText(getValue(d, i) as Uint8Array) } satisfies Canon,
  date: { sql: (e) => `(${e} - date '1970-01-01')::text`, server: (t) => t, arrow: (d, i) => String((d.values as Int32Array)[d.offset + i]) } satisfies Canon,
  timestamp: { sql: (e) => `(${timestampMicros(e)})::text`, server: (t) => t, arrow: (d, i) => String((d.values as BigInt64Array)[d.offset + i]) } satisfies Canon,
  timestamptz: {
    sql: (e) => `(${timestampMicros(`${e} AT TIME ZONE 'UTC'`)})::text`,
    server: (t) => t,
    arrow: (d, i) => String((d.values as BigInt64Array)[d.offset + i]),
  } satisfies Canon,
  micros: { sql: epochMicros, server: (t) => t, arrow: (d, i) => String((d.values as BigInt64Array)[d.offset + i]) } satisfies Canon,
  timetz: { sql: asText, server: timetzKey, arrow: (d, i) => timetzKey(String(getValue(d, i))) } satisfies Canon,
} satisfies Record<string, Canon>

/** Lists: the server side gives a JSON array of element texts (or null), compared element-wise. */
export function listCanon(item: Canon): Canon {
  return {
    sql: (e) =>
      `CASE WHEN ${e} IS NULL THEN NULL ELSE coalesce((SELECT json_agg(${item.sql('x')} ORDER BY o) FROM unnest(${e}) WITH ORDINALITY AS u(x, o)), '[]')::text END`,
    server: (t) => JSON.stringify((JSON.parse(t) as (string | null)[]).map((x) => (x === null ? null : item.server(x)))),
    arrow: (d, i) => {
      const offsets = d.valueOffsets as Int32Array
      const child = d.children[0]
      const out: (string | null)[] = []
      for (let k = offsets[d.offset + i]; k < offsets[d.offset + i + 1]; k++) out.push(child.getValid(k) ? item.arrow(child, k) : null)
      return JSON.stringify(out)
    },
  }
}
