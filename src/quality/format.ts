/** Number formats of the quality and drift messages. */

/** 120000 → `120,000`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

/** 0.125 → `12.5%`, 0.000003 → `0.0003%`: three significant digits, no trailing zeros. */
export function formatPercent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(3))}%`
}

/** A unique key as messages show it: `id`, `(tenant_id, order_no)`. */
export function formatKey(columns: readonly string[]): string {
  return columns.length === 1 ? columns[0] : `(${columns.join(', ')})`
}
