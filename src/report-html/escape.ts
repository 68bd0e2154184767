/**
 * Escaping for text that comes from the state (export names, error messages, column names, journal
 * lines): safe in element content and in quoted attribute values, HTML and inline SVG alike.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ENTITIES[c]!)
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' }

/** A number for an SVG attribute: finite, at most two decimals (a NaN would break the drawing silently). */
export function svgNumber(value: number): string {
  if (!Number.isFinite(value)) return '0'
  return String(Math.round(value * 100) / 100)
}
