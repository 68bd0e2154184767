import type { ChunkSizer } from '../source/types.js'

/**
 * Adaptive chunk sizing from measured statement time: keeps each source statement near
 * `targetMs` by tracking the cost per unit (page, row) with an exponentially weighted average.
 * Growth is capped at 2× per step so one fast statement cannot produce a huge next one;
 * shrinking is immediate so a slowing source is relieved at once.
 */
export class AdaptiveSizer implements ChunkSizer {
  private size: number
  private msPerUnit: number | null = null
  private smallest: number
  private largest: number

  constructor(
    initial: number,
    readonly min: number,
    readonly max: number,
    private readonly targetMs: number,
  ) {
    this.size = clamp(Math.round(initial), min, max)
    this.smallest = this.size
    this.largest = this.size
  }

  next(): number {
    return this.size
  }

  observe(ms: number, _rows: number, _bytes: number): void {
    // statements this short are dominated by round-trip latency: grow without trusting the rate
    if (ms < 2) {
      this.setSize(this.size * 2)
      return
    }
    const perUnit = ms / this.size
    this.msPerUnit = this.msPerUnit === null ? perUnit : 0.5 * this.msPerUnit + 0.5 * perUnit
    // a statement over target shrinks on its own measurement, not the smoothed one
    const rate = ms > this.targetMs ? Math.max(perUnit, this.msPerUnit) : this.msPerUnit
    const wanted = this.targetMs / rate
    this.setSize(Math.min(wanted, this.size * 2))
  }

  /** Smallest and largest sizes used so far, and the current one. */
  get stats(): { current: number; smallest: number; largest: number } {
    return { current: this.size, smallest: this.smallest, largest: this.largest }
  }

  private setSize(value: number): void {
    this.size = clamp(Math.round(value), this.min, this.max)
    this.smallest = Math.min(this.smallest, this.size)
    this.largest = Math.max(this.largest, this.size)
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value))
}
