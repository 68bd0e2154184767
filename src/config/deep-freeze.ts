/** Deep Object.freeze, so no consumer can change the resolved config under another. */

/** Freeze an object and everything reachable from it; returns the same object. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  Object.freeze(value)
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
  return value
}
