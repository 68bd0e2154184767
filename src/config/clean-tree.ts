/**
 * The validated config tree: only known keys, values of the right type. A value that is set but
 * unusable (its env var is missing, it failed validation) is kept as INVALID so that later checks
 * see the key as present without reporting the same problem twice.
 */

/** Marks a value that is set but already reported as a problem. */
export const INVALID: unique symbol = Symbol('invalid config value')

/** A validated mapping of the clean tree. */
export type CleanObject = Readonly<Record<string, unknown>>

/** Whether a key is set (including set-but-invalid). */
export function isSet(obj: CleanObject | undefined, key: string): boolean {
  return obj !== undefined && obj[key] !== undefined
}

/** A valid string value, or undefined. */
export function getString(obj: CleanObject | undefined, key: string): string | undefined {
  const v = obj?.[key]
  return typeof v === 'string' ? v : undefined
}

/** A valid number value, or undefined. */
export function getNumber(obj: CleanObject | undefined, key: string): number | undefined {
  const v = obj?.[key]
  return typeof v === 'number' ? v : undefined
}

/** A valid boolean value, or undefined. */
export function getBoolean(obj: CleanObject | undefined, key: string): boolean | undefined {
  const v = obj?.[key]
  return typeof v === 'boolean' ? v : undefined
}

/** A valid nested object, or undefined. */
export function getObject(obj: CleanObject | undefined, key: string): CleanObject | undefined {
  const v = obj?.[key]
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as CleanObject) : undefined
}

/** A valid array, or an empty one. */
export function getArray(obj: CleanObject | undefined, key: string): readonly unknown[] {
  const v = obj?.[key]
  return Array.isArray(v) ? v : []
}

/** Whether a value is a plain mapping (not null, not an array). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
