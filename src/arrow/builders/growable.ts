/** Capacity helpers shared by the column builders. */

/** Values a fresh builder starts with when nothing is known about the batch size. */
export const INITIAL_CAPACITY = 1024

/** The next capacity when `needed` values do not fit in `current`: doubles, so appends stay amortised O(1). */
export function grownCapacity(current: number, needed: number): number {
  let next = Math.max(current, 16)
  while (next < needed) next *= 2
  return next
}

/**
 * Capacity for the next batch from the length of the previous one: 1/8 slack so a batch of the
 * same size never regrows, without reserving double the memory.
 */
export function nextBatchCapacity(previousLength: number, minimum: number): number {
  return Math.max(minimum, previousLength + (previousLength >>> 3) + 8)
}

/** A copy of the first `used` bytes of `old` in a new buffer of `capacity` bytes. */
export function resizeBytes(old: Uint8Array, used: number, capacity: number): Uint8Array {
  const next = new Uint8Array(capacity)
  if (used > 0) next.set(old.subarray(0, used))
  return next
}
