import { RivetError } from '../errors/index.js'

/**
 * The canonical JSON of a plain JSON value: object keys sorted by code unit, no whitespace,
 * strings and numbers as JSON.stringify writes them. Parsing a document and canonicalising it
 * gives the same text as canonicalising the value it was written from, whatever the layout.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RivetError('RIVET_INTERNAL', `canonical JSON cannot hold ${value}`)
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  throw new RivetError('RIVET_INTERNAL', `canonical JSON cannot hold a ${typeof value}`)
}
