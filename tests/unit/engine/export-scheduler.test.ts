import { describe, expect, it } from 'vitest'
import { ExportScheduler } from '../../../src/engine/export-scheduler.js'
import type { Grant } from '../../../src/engine/export-scheduler.js'

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('ExportScheduler', () => {
  it('never grants more connections than the budget at once, and lets a later export that fits start first', async () => {
    const s = new ExportScheduler(3, 1000)
    const granted: string[] = []
    const take = (name: string, connections: number) => s.acquire(connections, 10).then((g) => (granted.push(name), g))
    const a = take('a', 2)
    const b = take('b', 2)
    const c = take('c', 1)
    await tick()
    // a holds 2; b (2) does not fit, c (1) does
    expect(granted).toEqual(['a', 'c'])
    s.release(await a)
    await tick()
    expect(granted).toEqual(['a', 'c', 'b'])
  })

  it('grants an export that wants more than the whole budget the whole budget', async () => {
    const s = new ExportScheduler(3, 1000)
    expect(await s.acquire(8, 10)).toEqual({ connections: 3, memoryMb: 30 })
  })

  it('keeps the readers of all exports within the memory budget', async () => {
    const s = new ExportScheduler(10, 100)
    const first: Grant = await s.acquire(4, 20)
    expect(first).toEqual({ connections: 4, memoryMb: 80 })
    let second: Grant | null = null
    void s.acquire(2, 20).then((g) => (second = g))
    await tick()
    expect(second).toBeNull()
    s.release(first)
    await tick()
    expect(second).toEqual({ connections: 2, memoryMb: 40 })
  })
})
