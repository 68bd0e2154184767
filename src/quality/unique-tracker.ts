/**
 * Remembers the 64-bit row keys of one `unique_columns` check in the coordinator and counts the
 * keys seen before. An open-addressing hash set (linear probing) over one Uint32Array of
 * (low, high) word pairs: 8 bytes per slot, no object per key. The table doubles when it is 3/4
 * full, so each distinct key costs 8 / load bytes: 10.7 just before a doubling, 21.3 just after
 * (16 on average over a growing run); while the table doubles, the old and the new table are
 * both held for a moment.
 *
 * Once `maxEntries` distinct keys are remembered, new keys are no longer stored and the tracker
 * is `capped`: it still recognises the keys it holds, so duplicates of those are still counted,
 * but a key first seen after the cap cannot be compared with anything.
 */

const INITIAL_SLOTS = 1 << 10
/** 2^28 slots (a 2 GiB table, about 201 million keys): the tracker caps itself there rather than double again. */
export const MAX_TRACKER_SLOTS = 2 ** 28
const MAX_LOAD = 0.75

/** Slot of a key: fmix32 of its mixed words (keys that are plain ids are not spread out by themselves). */
function slotOf(lo: number, hi: number, mask: number): number {
  let h = lo ^ Math.imul(hi, 0x27d4eb2f)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h & mask
}

/** The distinct keys of one unique check, with the count of repeats. */
export class UniqueTracker {
  /** Keys seen that were seen before (a key seen three times counts two). */
  duplicates = 0
  /** Keys added, repeats included. */
  seen = 0
  /** Whether keys went unremembered because `maxEntries` (or the table's ceiling) was reached. */
  capped = false
  private table: Uint32Array
  private mask: number
  private size = 0
  /** The all-zero key is the empty-slot marker, so it is remembered apart. */
  private hasZero = false
  private readonly limit: number

  /** `maxEntries`: most distinct keys remembered; null for no cap. */
  constructor(readonly maxEntries: number | null) {
    this.table = new Uint32Array(INITIAL_SLOTS * 2)
    this.mask = INITIAL_SLOTS - 1
    this.limit = Math.min(maxEntries ?? Infinity, Math.floor(MAX_TRACKER_SLOTS * MAX_LOAD))
  }

  /** Distinct keys remembered. */
  get distinct(): number {
    return this.size + (this.hasZero ? 1 : 0)
  }

  /** Memory held by the key table. */
  get bytes(): number {
    return this.table.byteLength
  }

  /** Add the keys of a batch; repeats of remembered keys (within the batch too) count as duplicates. */
  add(keys: BigUint64Array): void {
    const words = new Uint32Array(keys.buffer, keys.byteOffset, keys.length * 2)
    this.seen += keys.length
    // one loop with the probe inline: a call per key would box the uint32 words it passes
    let table = this.table, mask = this.mask
    for (let k = 0; k < words.length; k += 2) {
      const lo = words[k], hi = words[k + 1]
      if (lo === 0 && hi === 0) {
        this.addZero()
        continue
      }
      let slot = slotOf(lo, hi, mask)
      let found = false
      for (;;) {
        const sLo = table[slot * 2], sHi = table[slot * 2 + 1]
        if (sLo === lo && sHi === hi) {
          found = true
          break
        }
        if (sLo === 0 && sHi === 0) break
        slot = (slot + 1) & mask
      }
      if (found) {
        this.duplicates++
        continue
      }
      if (this.size + (this.hasZero ? 1 : 0) >= this.limit) {
        this.capped = true
        continue
      }
      if (this.size + 1 > (mask + 1) * MAX_LOAD) {
        this.grow()
        table = this.table
        mask = this.mask
        slot = slotOf(lo, hi, mask)
        while (table[slot * 2] !== 0 || table[slot * 2 + 1] !== 0) slot = (slot + 1) & mask
      }
      table[slot * 2] = lo
      table[slot * 2 + 1] = hi
      this.size++
    }
  }

  private addZero(): void {
    if (this.hasZero) this.duplicates++
    else if (this.distinct >= this.limit) this.capped = true
    else this.hasZero = true
  }

  private grow(): void {
    const old = this.table
    const slots = (this.mask + 1) * 2
    const table = new Uint32Array(slots * 2)
    const mask = slots - 1
    for (let at = 0; at < old.length; at += 2) {
      const lo = old[at], hi = old[at + 1]
      if (lo === 0 && hi === 0) continue
      let slot = slotOf(lo, hi, mask)
      while (table[slot * 2] !== 0 || table[slot * 2 + 1] !== 0) slot = (slot + 1) & mask
      table[slot * 2] = lo
      table[slot * 2 + 1] = hi
    }
    this.table = table
    this.mask = mask
  }
}
