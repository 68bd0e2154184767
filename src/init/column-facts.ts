/** Glue between the engine's column model and the init types, shared by both sources. */
import { parseColumnOverride, type ColumnOverride } from '../config/index.js'
import { RivetError } from '../errors/index.js'
import type { ColumnSpec } from '../types/index.js'
import type { OverrideDraft, TableShape } from './types.js'

/** Parse override drafts into the form the type mappings take (init wrote them, so they parse). */
export function toOverrideMap(overrides: readonly OverrideDraft[]): Record<string, ColumnOverride> {
  const out: Record<string, ColumnOverride> = {}
  for (const o of overrides) {
    const parsed = parseColumnOverride(o.type)
    if ('error' in parsed) throw new RivetError('RIVET_INTERNAL', `rivet init wrote an invalid override for ${o.column}: ${parsed.error}`)
    out[o.column] = parsed
  }
  return out
}

/**
 * The mode choice's view of mapped columns. Nullability is the catalog's (`catalogNullable`, when
 * given): a mapping may widen it (MySQL zero dates are written as NULL), the table's rows do not.
 */
export function toColumnShapes(specs: readonly ColumnSpec[], catalogNullable?: ReadonlyMap<string, boolean>): TableShape['columns'] {
  return specs.map((s) => ({ name: s.name, kind: s.type.kind, nullable: catalogNullable?.get(s.name) ?? s.nullable, sourceType: s.sourceType }))
}
