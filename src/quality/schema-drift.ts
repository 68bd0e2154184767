import type { SchemaColumnRecord } from '../state/types.js'
import type { SchemaDrift } from './types.js'

const typeOf = (c: SchemaColumnRecord) => ({ type: c.type, sourceType: c.sourceType })

/**
 * How `current` differs from the columns of the baseline run: columns added, removed, and
 * retyped (same name, another Rivet type or source type). The order of the columns and their
 * nullability are not compared. Null when nothing differs.
 */
export function diffSchema(baseline: readonly SchemaColumnRecord[], baselineRunId: string, current: readonly SchemaColumnRecord[]): SchemaDrift | null {
  const before = new Map(baseline.map((c) => [c.name, c]))
  const now = new Set(current.map((c) => c.name))
  const added = current.filter((c) => !before.has(c.name)).map((c) => ({ name: c.name, ...typeOf(c) }))
  const removed = baseline.filter((c) => !now.has(c.name)).map((c) => ({ name: c.name, ...typeOf(c) }))
  const retyped = current.flatMap((c) => {
    const old = before.get(c.name)
    if (old === undefined || (old.type === c.type && old.sourceType === c.sourceType)) return []
    return [{ name: c.name, from: typeOf(old), to: typeOf(c) }]
  })
  if (added.length + removed.length + retyped.length === 0) return null
  return { baselineRunId, added, removed, retyped }
}

const typeText = (t: { readonly type: string; readonly sourceType: string }): string => `${t.type} (source ${t.sourceType})`

/** One line per change, for logs, the journal and the run summary. */
export function describeDrift(drift: SchemaDrift): string[] {
  return [
    ...drift.added.map((c) => `column ${c.name} added: ${typeText(c)}`),
    ...drift.removed.map((c) => `column ${c.name} removed: ${typeText(c)}`),
    ...drift.retyped.map((c) => `column ${c.name} changed type: ${typeText(c.from)} → ${typeText(c.to)}`),
  ]
}
