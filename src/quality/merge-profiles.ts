import type { ReadProfile } from './types.js'

/** Two reads of one run (chunks) as one: rows and NULLs summed, largest values maxed. */
export function mergeProfiles(a: ReadProfile, b: ReadProfile): ReadProfile {
  const nulls: Record<string, number> = { ...a.nulls }
  for (const [column, n] of Object.entries(b.nulls)) nulls[column] = (nulls[column] ?? 0) + n
  const maxBytes: Record<string, number> = { ...a.maxBytes }
  for (const [column, n] of Object.entries(b.maxBytes)) maxBytes[column] = Math.max(maxBytes[column] ?? 0, n)
  return { rows: a.rows + b.rows, nulls, maxBytes }
}
