import { readFileSync } from 'node:fs'

/** Samples the resident set size of the whole process (all worker threads included). */
export class RssSampler {
  private peak = process.memoryUsage.rss()
  private readonly timer: NodeJS.Timeout

  constructor(intervalMs = 50) {
    this.timer = setInterval(() => this.sample(), intervalMs)
    this.timer.unref()
  }

  sample(): number {
    const rss = process.memoryUsage.rss()
    if (rss > this.peak) this.peak = rss
    return rss
  }

  get peakBytes(): number {
    this.sample()
    return this.peak
  }

  stop(): number {
    clearInterval(this.timer)
    return this.peakBytes
  }
}

/**
 * Peak resident set size of the whole process so far: the kernel's high-water mark (VmHWM)
 * on Linux, which also catches spikes between samples; elsewhere the current RSS.
 */
export function processPeakRssBytes(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8')
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)
    if (match) return Number(match[1]) * 1024
  } catch {
    // not Linux: fall through
  }
  return process.memoryUsage.rss()
}
