import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { descendantsOf, sampleProcess } from './proc-tree.js'
import { TreeMonitor } from './tree-monitor.js'

describe('proc tree sampling', () => {
  it('reads RSS, peak and CPU of this process', () => {
    const s = sampleProcess(process.pid)!
    expect(s.rssBytes).toBeGreaterThan(1024 * 1024)
    expect(s.hwmBytes).toBeGreaterThanOrEqual(s.rssBytes)
    expect(s.ppid).toBe(process.ppid)
    expect(sampleProcess(2 ** 22 + 12345)).toBeNull()
  })

  it('finds grandchildren and sums the tree, counting a 200 MB allocation', async () => {
    // sh → node child that allocates and touches 200 MB, then exits
    const code = 'const b = Buffer.alloc(200 * 1024 * 1024, 1); setTimeout(() => process.exit(b[5] - 1), 400)'
    const child = spawn('sh', ['-c', `"${process.execPath}" -e '${code}'; exit $?`], { stdio: 'ignore' })
    const monitor = new TreeMonitor(child.pid!, { intervalMs: 20 })
    monitor.start()
    const seen = new Set<number>()
    const poll = setInterval(() => descendantsOf(child.pid!).forEach((p) => seen.add(p)), 20)
    const exit = await new Promise<number | null>((resolve) => child.on('close', resolve))
    clearInterval(poll)
    const usage = monitor.stop()
    expect(exit).toBe(0)
    expect(seen.size).toBeGreaterThanOrEqual(1)
    expect(usage.peakRssBytes).toBeGreaterThan(200 * 1024 * 1024)
    expect(usage.samples).toBeGreaterThan(5)
    expect(usage.killedForRss).toBe(false)
  })

  it('kills a tree that exceeds the RSS limit', async () => {
    const child = spawn(process.execPath, ['-e', 'const b = Buffer.alloc(300 * 1024 * 1024, 1); setTimeout(() => {}, 5000)'], { stdio: 'ignore' })
    const monitor = new TreeMonitor(child.pid!, { rssLimitBytes: 150 * 1024 * 1024 })
    monitor.start()
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_c, s) => resolve(s)))
    expect(monitor.stop().killedForRss).toBe(true)
    expect(signal).toBe('SIGKILL')
  })
})
