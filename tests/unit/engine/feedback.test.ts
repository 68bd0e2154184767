import { describe, expect, it } from 'vitest'
import { AdaptiveSizer } from '../../../src/engine/feedback.js'

describe('AdaptiveSizer', () => {
  it('converges on the size whose statement takes the target time', () => {
    const sizer = new AdaptiveSizer(100, 1, 1_000_000, 150)
    // a source that costs 0.5 ms per unit: the target of 150 ms is 300 units
    for (let i = 0; i < 20; i++) sizer.observe(sizer.next() * 0.5, 0, 0)
    expect(sizer.next()).toBeGreaterThanOrEqual(290)
    expect(sizer.next()).toBeLessThanOrEqual(310)
  })

  it('grows at most 2x per statement', () => {
    const sizer = new AdaptiveSizer(100, 1, 1_000_000, 150)
    sizer.observe(10, 0, 0) // 15x under target
    expect(sizer.next()).toBe(200)
  })

  it('shrinks at once when a statement runs over the target', () => {
    const sizer = new AdaptiveSizer(1000, 1, 1_000_000, 150)
    sizer.observe(150, 0, 0)
    sizer.observe(1500, 0, 0) // the source became 10x slower
    expect(sizer.next()).toBeLessThanOrEqual(100)
  })

  it('stays inside its bounds and reports the sizes it used', () => {
    const sizer = new AdaptiveSizer(50, 10, 400, 150)
    for (let i = 0; i < 10; i++) sizer.observe(1, 0, 0)
    expect(sizer.next()).toBe(400)
    for (let i = 0; i < 10; i++) sizer.observe(100_000, 0, 0)
    expect(sizer.next()).toBe(10)
    expect(sizer.stats).toEqual({ current: 10, smallest: 10, largest: 400 })
  })
})
