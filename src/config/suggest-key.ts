/**
 * Messages for unknown keys: a near miss at the same level ("did you mean format?"), a key that
 * belongs one level down ("did you mean tuning.batch_size?"), or a key of another section.
 * Suggestions only ever name keys that exist in the schema.
 */
import { closest } from './did-you-mean.js'
import type { ObjectSpec, TypeSpec } from './schema-dsl.js'

/** Every key reachable under a spec, as relative paths (`tuning.batch_size`, `exports[].format`). */
export function keyPaths(spec: TypeSpec, prefix = ''): string[] {
  if (spec.kind === 'array') return keyPaths(spec.items, `${prefix}[]`)
  if (spec.kind !== 'object') return []
  const out: string[] = []
  for (const [key, field] of Object.entries(spec.fields)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    out.push(path, ...keyPaths(field.type, path))
  }
  return out
}

const lastSegment = (path: string): string => path.slice(path.lastIndexOf('.') + 1)

/** The explanation appended to "<path> is not a known key". */
export function suggestKey(key: string, spec: ObjectSpec, root: ObjectSpec): string {
  const direct = Object.keys(spec.fields)
  const exactDirect = direct.find((k) => k.toLowerCase() === key.toLowerCase())
  if (exactDirect) return ` — did you mean ${exactDirect}?`
  const nestedPaths = Object.entries(spec.fields).flatMap(([k, f]) => keyPaths(f.type, k))
  const nestedExact = nestedPaths.find((p) => lastSegment(p) === key)
  if (nestedExact) return ` — did you mean ${nestedExact}?`
  const near = closest(key, direct)
  if (near) return ` — did you mean ${near}?`
  const nestedNear = closest(key, nestedPaths.map(lastSegment))
  if (nestedNear) return ` — did you mean ${nestedPaths.find((p) => lastSegment(p) === nestedNear)}?`
  const elsewhere = keyPaths(root).find((p) => lastSegment(p) === key)
  if (elsewhere) return ` — ${key} is valid at ${elsewhere}, not here`
  return ''
}

/** The hint listing the keys allowed in an object. */
export function validKeysHint(spec: ObjectSpec, where: string): string {
  return `valid keys at ${where}: ${Object.keys(spec.fields).join(', ')}`
}
